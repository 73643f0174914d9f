// Unit tests for toUPlotData: alignment, gaps, unplottable values and the automatic gap threshold.
import { describe, expect, it } from 'vitest';
import { STALE_NAN } from '../../../shared/model/stale.ts';
import { autoGap, toUPlotData, valueAt, type ColumnSeries } from './uplotData.ts';

const s = (t: number[], v: number[] | Float64Array, labels = {}): ColumnSeries => ({ labels, t, v });

describe('toUPlotData', () => {
  it('puts every series on the union of timestamps in seconds, undefined where a series has no sample', () => {
    const data = toUPlotData([s([1000, 2000, 3000], [1, 2, 3]), s([2000, 2500, 3000], [20, 25, 30])], { gapMs: 5000 });
    expect(data).toEqual([
      [1, 2, 2.5, 3],
      [1, 2, undefined, 3],
      [undefined, 20, 25, 30],
    ]);
  });

  it('returns just an empty x axis for no series', () => {
    expect(toUPlotData([])).toEqual([[]]);
  });

  it('breaks a line with a null in the middle of a gap longer than gapMs', () => {
    const data = toUPlotData([s([0, 5000, 30000, 35000], [1, 2, 3, 4])], { gapMs: 10000 });
    expect(data).toEqual([
      [0, 5, 17.5, 30, 35],
      [1, 2, null, 3, 4],
    ]);
  });

  it('turns stale markers, NaN and infinities into null so uPlot neither draws nor scales on them', () => {
    const v = new Float64Array([1, STALE_NAN, NaN, Infinity, -Infinity, 6]);
    const data = toUPlotData([s([0, 1000, 2000, 3000, 4000, 5000], v)], { gapMs: 5000 });
    expect(data[1]).toEqual([1, null, null, null, null, 6]);
  });

  it('derives the gap threshold from the median interval when none is given', () => {
    // 5 s scrapes with one 20 s hole: 2.5 × 5 s = 12.5 s, so only the hole breaks the line.
    const t = [0, 5000, 10000, 15000, 35000, 40000];
    const data = toUPlotData([s(t, [1, 1, 1, 1, 1, 1])]);
    expect(data[1]).toEqual([1, 1, 1, 1, null, 1, 1]);
    expect(data[0][4]).toBe(25);
  });
});

describe('autoGap', () => {
  it('is the factor times the median interval, and Infinity for fewer than two samples', () => {
    expect(autoGap([0, 10, 20, 100], 2)).toBe(20);
    expect(autoGap([5], 2)).toBe(Infinity);
  });
});

describe('valueAt', () => {
  it('reads a row, or the last drawable value of a series when no row is hovered', () => {
    const data = toUPlotData([s([1000, 2000, 3000], [1, 2, NaN]), s([1000], [7])], { gapMs: 5000 });
    expect(valueAt(data, 0, 1)).toBe(2);
    expect(valueAt(data, 0, null)).toBe(2);
    expect(valueAt(data, 1, 2)).toBeNull();
    expect(valueAt(data, 1, null)).toBe(7);
    expect(valueAt(data, 5, null)).toBeNull();
  });
});
