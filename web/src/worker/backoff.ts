// Reconnect timing for the stream: capped exponential backoff with jitter, so many tabs do not reconnect in step.

export interface BackoffOptions {
  /** Delay before the first retry (ms). */
  baseMs: number;
  /** Largest delay (ms). */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 500, maxMs: 30_000 };

/**
 * Delay before retry number `attempt` (1 = first retry): base·2^(attempt−1) capped at max, then scaled into
 * [50 %, 100 %] by `random` (a value in [0, 1)).
 */
export function backoffDelay(attempt: number, random: number, opts: BackoffOptions = DEFAULT_BACKOFF): number {
  const exp = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30)));
  return Math.round(exp * (0.5 + random / 2));
}

/** The stream URL for a gateway base URL, resuming after `position` when there is one. */
export function streamUrl(base: string, position: { epoch: string; seq: number } | null): string {
  const url = new URL('api/v1/stream', base.endsWith('/') ? base : base + '/');
  if (position) {
    url.searchParams.set('epoch', position.epoch);
    url.searchParams.set('after', String(position.seq));
  }
  return url.toString();
}
