// Tests for Prometheus duration and size parsing/formatting.
import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseSize } from './duration.ts';

describe('parseDuration', () => {
  it.each([
    ['0', 0],
    ['500ms', 500],
    ['10s', 10_000],
    ['1m', 60_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    ['1y', 31_536_000_000],
    ['1y2w3d4h5m6s7ms', 31_536_000_000 + 2 * 604_800_000 + 3 * 86_400_000 + 4 * 3_600_000 + 5 * 60_000 + 6000 + 7],
    ['90m', 5_400_000],
    ['0s', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '10', '10x', '1.5h', '-1s', '1m1h', '1s1s', 's', '1 m', '10S', '1ms1s', '99999999999999999y'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0s'],
    [10_000, '10s'],
    [90_000, '1m30s'],
    [5_400_000, '1h30m'],
    [86_400_000 * 90, '90d'],
    [604_800_000 * 2, '2w'],
    [31_536_000_000, '1y'],
    [1500, '1s500ms'],
  ])('%d ms is %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it('round-trips through parseDuration', () => {
    for (const ms of [1, 999, 61_000, 3_600_001, 86_400_000 * 8 + 5]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});

describe('parseSize', () => {
  it.each([
    ['0', 0],
    ['512B', 512],
    ['1KB', 1024],
    ['10MB', 10 * 2 ** 20],
    ['1GB512MB', 2 ** 30 + 512 * 2 ** 20],
    ['1.5KiB', 1536],
    ['2EB', 2 * 2 ** 60],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(['', '10', '10mb', 'MB', '1 MB', '-1MB'])('rejects %j', (text) => {
    expect(parseSize(text)).toBeNull();
  });
});
