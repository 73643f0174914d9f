// Tests for delivery outcome classification, capped exponential backoff and user notification templates.
import { describe, expect, it } from 'vitest';
import { afterAttempt, backoffDelay, checkResponse, DEFAULT_RETRY_POLICY } from './retry.ts';
import { buildTemplateData, executeNotificationTemplate, type NotifyAlert } from './templating.ts';

describe('retry policy', () => {
  const p = { ...DEFAULT_RETRY_POLICY, randomization: 0 };
  it('grows by the multiplier and caps at maxIntervalMs', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(p, a))).toEqual([500, 750, 1125, 1688]);
    expect(backoffDelay(p, 40)).toBe(60_000);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1, 0)).toBe(250);
    expect(backoffDelay(DEFAULT_RETRY_POLICY, 1, 0.999999)).toBe(750);
  });
  it('retries 5xx and network errors, 429 only for PagerDuty, never 4xx', () => {
    expect(checkResponse('webhook', 200)).toEqual({ ok: true });
    expect(checkResponse('webhook', 503, 'busy')).toEqual({ ok: false, retry: true, error: 'unexpected status code 503: busy' });
    expect(checkResponse('webhook', 429)).toEqual({ ok: false, retry: false, error: 'unexpected status code 429' });
    expect(checkResponse('pagerduty', 429)).toMatchObject({ retry: true });
    expect(checkResponse('slack', 404)).toMatchObject({ retry: false });
    expect(checkResponse('slack', undefined, 'connect ECONNREFUSED')).toEqual({ ok: false, retry: true, error: 'connect ECONNREFUSED' });
  });
  it('stops after maxAttempts', () => {
    const fail = { ok: false as const, retry: true, error: 'x' };
    expect(afterAttempt(p, 1, fail)).toEqual({ status: 'retrying', retryInMs: 500 });
    expect(afterAttempt(p, p.maxAttempts, fail)).toEqual({ status: 'failed' });
    expect(afterAttempt(p, 1, { ok: true })).toEqual({ status: 'success' });
  });
});

describe('notification templates', () => {
  const alert = (instance: string, status: 'firing' | 'resolved'): NotifyAlert => ({
    status,
    labels: { alertname: 'Disk', instance, severity: 'page' },
    annotations: { summary: `disk full on ${instance}` },
    startsAt: Date.UTC(2024, 0, 2, 3, 4, 5),
    endsAt: status === 'resolved' ? Date.UTC(2024, 0, 2, 4, 0, 0) : undefined,
    generatorURL: 'http://prom/x',
    fingerprint: 'f',
  });
  const data = buildTemplateData('team.ops', { alertname: 'Disk' }, [alert('a', 'firing'), alert('b', 'resolved')], 'http://am');
  const t = (text: string) => executeNotificationTemplate(text, data);

  it('exposes Alertmanager data, methods and functions', () => {
    expect(data.receiver).toBe('team\\.ops');
    expect(data.status).toBe('firing');
    expect(data.commonLabels).toEqual({ alertname: 'Disk', severity: 'page' });
    expect(t('{{ len .Alerts.Firing }}/{{ len .Alerts.Resolved }} {{ range .Alerts.Firing }}{{ .Annotations.summary }}{{ end }}')).toEqual({ ok: true, value: '1/1 disk full on a' });
    expect(t('{{ .CommonLabels.SortedPairs.Names | join "," }} {{ (.CommonLabels.Remove (stringSlice "severity")).Values | join "," }}')).toEqual({ ok: true, value: 'alertname,severity Disk' });
    expect(t('{{ range .Alerts }}{{ .Status }}@{{ .StartsAt }} {{ end }}')).toEqual({ ok: true, value: 'firing@2024-01-02 03:04:05 +0000 UTC resolved@2024-01-02 03:04:05 +0000 UTC ' });
    expect(t('{{ title "hELLO wORLD" }} {{ toUpper .Status }} {{ trimSpace "  x " }}')).toEqual({ ok: true, value: 'Hello World FIRING x' });
    expect(t('{{ template "__subject" . }}')).toEqual({ ok: true, value: '[FIRING:1] Disk (page)' });
  });
  it('reports template errors', () => {
    expect(t('{{ nope }}')).toEqual({ ok: false, error: 'template: :1: function "nope" not defined' });
  });
});
