// Tests for Prometheus duration parsing and printing.
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['2h10m15s', 7_815_000],
    ['1y', 365 * 86_400_000],
    ['1w2d', 9 * 86_400_000],
    ['150ms', 150],
    ['1s500ms', 1500],
  ])('%s', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });
  it.each([['', 'empty duration string'], ['5', 'not a valid duration string: "5"'], ['1m1h', 'not a valid duration string: "1m1h"'], ['-1s', 'not a valid duration string: "-1s"'], ['1.5h', 'not a valid duration string: "1.5h"']])(
    'rejects %j',
    (text, error) => {
      expect(parseDuration(text)).toEqual({ ok: false, error });
    },
  );
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [90_000, '1m30s'],
    [90 * 86_400_000, '90d'],
    [14 * 86_400_000, '2w'],
    [365 * 86_400_000, '1y'],
    [3_600_500, '1h500ms'],
  ])('%d → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
  it('round-trips', () => {
    for (const t of ['1h30m', '5m', '2w', '1d2h3m4s5ms']) {
      const r = parseDuration(t);
      expect(r.ok && formatDuration(r.ms)).toBe(t);
    }
  });
});
