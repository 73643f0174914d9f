// Pins model.Duration parsing and printing: units in order, Prometheus's error texts, round trips.
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.ts';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['0s', 0],
    ['250ms', 250],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['90m', 5_400_000],
    ['1w2d', 9 * 86_400_000],
    ['1y2w3d4h5m6s7ms', 31_536_000_000 + 1_209_600_000 + 259_200_000 + 14_400_000 + 300_000 + 6000 + 7],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });

  it.each([
    ['', 'empty duration string'],
    ['5', 'not a valid duration string: "5"'],
    ['s', 'not a valid duration string: "s"'],
    ['-1s', 'not a valid duration string: "-1s"'],
    ['5m1h', 'not a valid duration string: "5m1h"'],
    ['5m5m', 'not a valid duration string: "5m5m"'],
    ['1ms1s', 'not a valid duration string: "1ms1s"'],
    ['1.5h', 'unknown unit "." in duration "1.5h"'],
    ['10S', 'unknown unit "S" in duration "10S"'],
    ['1 m', 'unknown unit " m" in duration "1 m"'],
    ['300y', 'duration out of range'],
  ])('rejects %j with %j', (text, error) => {
    expect(parseDuration(text)).toEqual({ ok: false, error });
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [1500, '1s500ms'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [90 * 86_400_000, '90d'],
    [2 * 604_800_000, '2w'],
    [31_536_000_000, '1y'],
    [-300_000, '-5m'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips through parseDuration', () => {
    for (const ms of [1, 999, 61_000, 3_600_001, 86_400_000 * 8 + 5, 31_536_000_000 + 1]) {
      expect(parseDuration(formatDuration(ms))).toEqual({ ok: true, ms });
    }
  });
});
