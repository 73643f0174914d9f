// Date math and absolute times in dashboard time ranges.
import { describe, expect, it } from 'vitest';
import { parseTimeExpr, resolveTime, resolveTimeRange, timeExprError } from './time.ts';

// Wednesday 2024-01-17 15:30:45.123 UTC.
const NOW = Date.UTC(2024, 0, 17, 15, 30, 45, 123);
const utc = (text: string, roundUp = false): number | undefined => resolveTime(text, NOW, { roundUp, timezone: 'utc' });

describe('time expressions', () => {
  it('relative offsets', () => {
    expect(utc('now')).toBe(NOW);
    expect(utc('now-6h')).toBe(NOW - 6 * 3_600_000);
    expect(utc('now+5m')).toBe(NOW + 300_000);
    expect(utc('now-1d-2h')).toBe(NOW - 26 * 3_600_000);
    expect(utc('now-1M')).toBe(Date.UTC(2023, 11, 17, 15, 30, 45, 123));
    expect(utc('now-1y')).toBe(Date.UTC(2023, 0, 17, 15, 30, 45, 123));
  });

  it('rounding to the start of a unit, or its last millisecond for the range end', () => {
    expect(utc('now/d')).toBe(Date.UTC(2024, 0, 17));
    expect(utc('now/d', true)).toBe(Date.UTC(2024, 0, 18) - 1);
    expect(utc('now-1d/d')).toBe(Date.UTC(2024, 0, 16));
    expect(utc('now-1d/d', true)).toBe(Date.UTC(2024, 0, 17) - 1);
    expect(utc('now/w')).toBe(Date.UTC(2024, 0, 15));
    expect(utc('now/w', true)).toBe(Date.UTC(2024, 0, 22) - 1);
    expect(utc('now/M')).toBe(Date.UTC(2024, 0, 1));
    expect(utc('now/M', true)).toBe(Date.UTC(2024, 1, 1) - 1);
    expect(utc('now/y')).toBe(Date.UTC(2024, 0, 1));
    expect(utc('now/h')).toBe(Date.UTC(2024, 0, 17, 15));
  });

  it('rounds in the local zone unless the dashboard is UTC', () => {
    const local = new Date(NOW);
    const midnight = new Date(local.getFullYear(), local.getMonth(), local.getDate()).getTime();
    expect(resolveTime('now/d', NOW, { roundUp: false, timezone: 'browser' })).toBe(midnight);
  });

  it('absolute ISO times and epoch milliseconds', () => {
    expect(utc('2024-01-01T00:00:00Z')).toBe(Date.UTC(2024, 0, 1));
    expect(utc('2024-01-01T02:00:00+02:00')).toBe(Date.UTC(2024, 0, 1));
    expect(utc('2024-01-01')).toBe(Date.UTC(2024, 0, 1));
    expect(utc('2024-01-01 10:00:00')).toBe(Date.UTC(2024, 0, 1, 10));
    expect(utc('1700000000000')).toBe(1_700_000_000_000);
    expect(parseTimeExpr('1700000000000')).toEqual({ kind: 'absolute', ms: 1_700_000_000_000 });
  });

  it('rejects anything else with a message', () => {
    for (const bad of ['yesterday', 'now-6x', 'now-', 'now-h', 'now/q', '2024-13']) {
      expect(timeExprError(bad), bad).toMatch(/invalid/);
      expect(utc(bad)).toBeUndefined();
    }
    expect(timeExprError('now-6h')).toBeUndefined();
  });

  it('resolves ranges and reports empty or invalid ones', () => {
    expect(resolveTimeRange({ from: 'now-6h', to: 'now' }, NOW, 'utc')).toEqual({ from: NOW - 6 * 3_600_000, to: NOW });
    expect(resolveTimeRange({ from: 'now', to: 'now-1h' }, NOW, 'utc')).toEqual({ error: expect.stringMatching(/empty/) });
    expect(resolveTimeRange({ from: 'soon', to: 'now' }, NOW, 'utc')).toEqual({ error: expect.stringMatching(/^time\.from: invalid time/) });
  });
});
