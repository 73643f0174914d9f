// Unit tests for Explore's URL state and time-range moves.
import { describe, expect, it } from 'vitest';
import { absoluteWindow, decodeState, DEFAULT_STATE, describeWindow, encodeState, fromLocalInput, parseTimeParam, resolveRange, shift, toLocalInput, zoomOut, type ExploreState } from './exploreState.ts';

const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);

describe('URL state', () => {
  it('round-trips a full view through hash parameters', () => {
    const s: ExploreState = {
      expr: 'sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))',
      tab: 'table',
      rangeMs: 3 * 3_600_000,
      end: NOW,
      step: 30_000,
      mode: 'stacked',
      unit: 'bytes',
      refresh: '10s',
    };
    const params = encodeState(s);
    expect(params).toEqual({
      expr: s.expr,
      tab: 'table',
      range: '3h',
      end: '2024-06-01T12:00:00.000Z',
      step: '30s',
      mode: 'stacked',
      unit: 'bytes',
      refresh: '10s',
    });
    expect(decodeState(params)).toEqual(s);
  });
  it('writes only the expression and range for a default view', () => {
    expect(encodeState(DEFAULT_STATE)).toEqual({ expr: 'scrape_duration_seconds', range: '15m' });
    expect(decodeState({})).toEqual(DEFAULT_STATE);
  });
  it('falls back to defaults for malformed parameters instead of failing', () => {
    const s = decodeState({ expr: 'up', tab: 'pie', range: '5 minutes', end: 'yesterday', step: '-1s', mode: 'bars', unit: 'furlongs', refresh: '1s' });
    expect(s).toEqual({ ...DEFAULT_STATE, expr: 'up' });
    expect(decodeState({ range: '0s' }).rangeMs).toBe(DEFAULT_STATE.rangeMs);
  });
  it('reads the end as Unix seconds or RFC 3339', () => {
    expect(parseTimeParam('1717243200')).toBe(NOW);
    expect(parseTimeParam('1717243200.5')).toBe(NOW + 500);
    expect(parseTimeParam('2024-06-01T12:00:00Z')).toBe(NOW);
    expect(parseTimeParam('12')).toBeNull();
  });
});

describe('time range moves', () => {
  it('resolves relative and absolute windows', () => {
    expect(resolveRange({ rangeMs: 60_000, end: null }, NOW)).toEqual({ start: NOW - 60_000, end: NOW });
    expect(resolveRange({ rangeMs: 60_000, end: NOW - 1000 }, NOW)).toEqual({ start: NOW - 61_000, end: NOW - 1000 });
  });
  it('zooms out around the centre, staying relative when relative', () => {
    expect(zoomOut({ rangeMs: 3_600_000, end: null }, NOW)).toEqual({ rangeMs: 7_200_000, end: null });
    expect(zoomOut({ rangeMs: 3_600_000, end: NOW - 7_200_000 }, NOW)).toEqual({ rangeMs: 7_200_000, end: NOW - 5_400_000 });
    // A zoom whose end would pass now follows the clock again.
    expect(zoomOut({ rangeMs: 3_600_000, end: NOW - 60_000 }, NOW)).toEqual({ rangeMs: 7_200_000, end: null });
  });
  it('shifts by half a window and returns to "now" when shifted past it', () => {
    const back = shift({ rangeMs: 3_600_000, end: null }, -1, NOW);
    expect(back).toEqual({ rangeMs: 3_600_000, end: NOW - 1_800_000 });
    expect(shift(back, 1, NOW)).toEqual({ rangeMs: 3_600_000, end: null });
    expect(shift(shift(back, -1, NOW), 1, NOW)).toEqual(back);
  });
  it('builds an absolute window from a drag in either direction, refusing degenerate ones', () => {
    expect(absoluteWindow(NOW - 600_000, NOW - 300_000, NOW)).toEqual({ rangeMs: 300_000, end: NOW - 300_000 });
    expect(absoluteWindow(NOW - 300_000, NOW - 600_000, NOW)).toEqual({ rangeMs: 300_000, end: NOW - 300_000 });
    expect(absoluteWindow(NOW, NOW + 500, NOW)).toBeNull();
    expect(absoluteWindow(NaN, NOW, NOW)).toBeNull();
  });
  it('describes a window for the picker', () => {
    const fmt = (ms: number): string => new Date(ms).toISOString().slice(11, 16);
    expect(describeWindow({ rangeMs: 3_600_000, end: null }, fmt)).toBe('Last 1h');
    expect(describeWindow({ rangeMs: 3_600_000, end: NOW }, fmt)).toBe('11:00 → 12:00');
  });
});

describe('datetime-local values', () => {
  it('round-trip local times at second precision and refuse other text', () => {
    const t = new Date(2024, 5, 1, 9, 5, 7).getTime();
    expect(toLocalInput(t)).toBe('2024-06-01T09:05:07');
    expect(fromLocalInput(toLocalInput(t))).toBe(t);
    expect(fromLocalInput('2024-06-01T09:05')).toBe(new Date(2024, 5, 1, 9, 5).getTime());
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('tomorrow')).toBeNull();
  });
});
