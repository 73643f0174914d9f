// Delivery outcome handling: which responses are retried, exponential backoff with a cap, and the persisted history record.
import type { IntegrationConfig } from './config.ts';

/** Exponential backoff as Alertmanager's notifier uses it (cenkalti/backoff defaults). */
export interface RetryPolicy {
  initialMs: number;
  multiplier: number;
  maxIntervalMs: number;
  /** ±fraction of jitter; 0 disables it. */
  randomization: number;
  /** Attempts per notification before giving up (Alertmanager stops at the group_interval deadline). */
  maxAttempts: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialMs: 500, multiplier: 1.5, maxIntervalMs: 60_000, randomization: 0.5, maxAttempts: 10 };

/**
 * Delay before attempt `attempt + 1` after `attempt` failures (attempt ≥ 1); `random` in [0, 1)
 * is injected so the result is deterministic in tests.
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random = 0.5): number {
  const base = Math.min(policy.initialMs * policy.multiplier ** (attempt - 1), policy.maxIntervalMs);
  const delta = policy.randomization * base;
  return Math.round(base - delta + random * 2 * delta);
}

/** Classifies an HTTP outcome like notify.Retrier.Check; status undefined means a network error. */
export function checkResponse(
  integration: IntegrationConfig['kind'],
  status: number | undefined,
  body = '',
): { ok: true } | { ok: false; retry: boolean; error: string } {
  if (status === undefined) return { ok: false, retry: true, error: body || 'network error' };
  if (status >= 200 && status < 300) return { ok: true };
  // PagerDuty asks clients to retry rate-limited (429) events; everyone retries 5xx.
  const retry = status >= 500 || (integration === 'pagerduty' && status === 429);
  const details = body.length > 1024 ? body.slice(0, 1024) : body;
  return { ok: false, retry, error: `unexpected status code ${status}${details ? `: ${details}` : ''}` };
}

/** One delivery attempt as stored in the notification history. */
export interface NotificationRecord {
  id: string;
  /** Unix ms of the attempt. */
  time: number;
  receiver: string;
  integration: IntegrationConfig['kind'];
  groupKey: string;
  /** Number of alerts in the payload. */
  alerts: number;
  status: 'success' | 'failed' | 'retrying';
  httpStatus?: number;
  error?: string;
  /** 1-based attempt number. */
  attempt: number;
}

/** Decides the next step after an attempt: done, retry after a delay, or give up. */
export function afterAttempt(
  policy: RetryPolicy,
  attempt: number,
  outcome: { ok: true } | { ok: false; retry: boolean; error: string },
  random = 0.5,
): { status: NotificationRecord['status']; retryInMs?: number } {
  if (outcome.ok) return { status: 'success' };
  if (!outcome.retry || attempt >= policy.maxAttempts) return { status: 'failed' };
  return { status: 'retrying', retryInMs: backoffDelay(policy, attempt, random) };
}
