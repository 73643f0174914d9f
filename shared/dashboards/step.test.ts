// Interval parsing/rounding and query timing: Grafana's auto interval, Prometheus's 11,000-point limit, $__rate_interval.
import { describe, expect, it } from 'vitest';
import { formatIntervalHms, formatPromSeconds, parseInterval, roundInterval } from './interval.ts';
import { panelInterval, queryTiming } from './step.ts';

const H = 3_600_000;
const T = 1_700_000_007_500;

describe('intervals', () => {
  it('parses units, compounds and bare seconds', () => {
    expect(parseInterval('15s')).toBe(15_000);
    expect(parseInterval('1m')).toBe(60_000);
    expect(parseInterval('1h30m')).toBe(5_400_000);
    expect(parseInterval('500ms')).toBe(500);
    expect(parseInterval('1.5m')).toBe(90_000);
    expect(parseInterval('30')).toBe(30_000);
    expect(parseInterval(' 5m ')).toBe(300_000);
    expect(parseInterval('1M')).toBe(30 * 86_400_000);
    expect(parseInterval('1y')).toBe(365 * 86_400_000);
    for (const bad of ['', 'abc', '1x', '5 m', '-5m', 'm5']) expect(parseInterval(bad)).toBeUndefined();
  });

  it('rounds raw intervals to Grafana nice steps', () => {
    expect(roundInterval(9)).toBe(1);
    expect(roundInterval(14)).toBe(10);
    expect(roundInterval(3600)).toBe(5000);
    expect(roundInterval(21_600)).toBe(20_000);
    expect(roundInterval(604_800)).toBe(600_000);
    expect(roundInterval(86_400_000)).toBe(86_400_000);
    expect(roundInterval(1e12)).toBe(31_536_000_000);
  });

  it('formats like secondsToHms (largest unit) and as PromQL seconds', () => {
    expect(formatIntervalHms(20_000)).toBe('20s');
    expect(formatIntervalHms(90_000)).toBe('1m');
    expect(formatIntervalHms(500)).toBe('500ms');
    expect(formatIntervalHms(86_400_000)).toBe('1d');
    expect(formatIntervalHms(0.5)).toBe('less than a millisecond');
    expect(formatPromSeconds(60_000)).toBe('60s');
    expect(formatPromSeconds(1500)).toBe('1500ms');
    expect(formatPromSeconds(0.2)).toBe('1ms');
  });
});

describe('queryTiming', () => {
  it('6 h over 1000 px: 20 s step, rate interval 4 × scrape, range built-ins', () => {
    const t = queryTiming({ range: { from: T - 6 * H, to: T }, widthPx: 1000 });
    expect(t.stepMs).toBe(20_000);
    expect(t.builtins).toEqual({
      __interval: '20s',
      __interval_ms: '20000',
      __rate_interval: '60s',
      __rate_interval_ms: '60000',
      __range: '21600s',
      __range_s: '21600',
      __range_ms: '21600000',
    });
  });

  it('never goes below the scrape interval or the panel min interval', () => {
    expect(queryTiming({ range: { from: T - H, to: T }, widthPx: 1000 }).builtins.__interval).toBe('15s');
    expect(queryTiming({ range: { from: T - H, to: T }, widthPx: 1000, scrapeInterval: '5s' }).stepMs).toBe(5000);
    expect(queryTiming({ range: { from: T - H, to: T }, widthPx: 1000, minInterval: '1m' }).builtins.__interval).toBe('1m');
    // Grafana's text would say 1m for 90 s; the exact seconds are kept instead.
    expect(queryTiming({ range: { from: T - H, to: T }, widthPx: 1000, minInterval: '90s' }).builtins.__interval).toBe('90s');
  });

  it('maxDataPoints overrides the width', () => {
    expect(queryTiming({ range: { from: T - 6 * H, to: T }, widthPx: 1000, maxDataPoints: 100 }).stepMs).toBe(300_000);
  });

  it('keeps range queries under 11,000 points', () => {
    const t = queryTiming({ range: { from: T - 720 * H, to: T }, maxDataPoints: 100_000, minInterval: '1s' });
    // 30 d = 2,592,000 s; / 11,000 = 235.6 → 236 s, above the 30 s auto interval.
    expect(t.stepMs).toBe(236_000);
    expect(t.builtins.__interval).toBe('236s');
    expect((t.end - t.start) / t.stepMs).toBeLessThanOrEqual(11_000);
  });

  it('a query min step raises the step and stands in for the scrape interval in $__rate_interval', () => {
    const t = queryTiming({ range: { from: T - H, to: T }, widthPx: 1000, minStep: '1m' });
    expect(t.stepMs).toBe(60_000);
    expect(t.builtins.__interval).toBe('60s');
    expect(t.builtins.__rate_interval).toBe('240s');
  });

  it('rate interval is interval + scrape once that exceeds 4 × scrape', () => {
    const t = queryTiming({ range: { from: T - 24 * H, to: T }, widthPx: 500 });
    // 86,400 s / 500 = 172.8 s → rounds to 2 m.
    expect(t.stepMs).toBe(120_000);
    expect(t.rateIntervalMs).toBe(135_000);
    expect(t.builtins.__rate_interval).toBe('135s');
  });

  it('intervalFactor multiplies the interval', () => {
    expect(queryTiming({ range: { from: T - 6 * H, to: T }, widthPx: 1000, intervalFactor: 2 }).stepMs).toBe(40_000);
  });

  it('aligns start and end down to step multiples in whole seconds', () => {
    const t = queryTiming({ range: { from: T - 6 * H, to: T }, widthPx: 1000 });
    expect(t.start).toBe(1_699_978_400_000);
    expect(t.end).toBe(1_700_000_000_000);
    expect(t.start % t.stepMs).toBe(0);
    const shifted = queryTiming({ range: { from: T - 6 * H, to: T }, widthPx: 1000, utcOffsetSec: 7 });
    expect((shifted.start / 1000 + 7) % 20).toBe(0);
  });

  it('panelInterval is the raw division rounded and floored by the limit', () => {
    expect(panelInterval({ from: 0, to: 6 * H }, 1000, 1)).toBe(20_000);
    expect(panelInterval({ from: 0, to: 6 * H }, 1000, 30_000)).toBe(30_000);
  });
});
