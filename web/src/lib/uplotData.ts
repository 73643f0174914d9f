// Shapes query results for uPlot: one shared time axis, one value column per series, null where a line must break.
import type { AlignedData } from 'uplot';
import type { Labels } from '../../../shared/model/labels.ts';

/** One series in columns: times (Unix ms, ascending) and values. */
export interface ColumnSeries {
  labels: Labels;
  t: ArrayLike<number>;
  v: ArrayLike<number>;
}

export interface ShapeOptions {
  /**
   * A series whose consecutive samples are further apart than this (ms) is drawn with a break between them.
   * Default: per series, `gapFactor` times its median sample interval.
   */
  gapMs?: number;
  /** Multiple of the median interval that counts as a gap when gapMs is not given (default 2.5). */
  gapFactor?: number;
}

/**
 * Builds uPlot's AlignedData: x = the sorted union of all timestamps in seconds; each series has its value at its
 * own timestamps, `undefined` at other series' timestamps (uPlot joins across those) and `null` where the line must
 * break: at NaN, ±Inf and stale markers, and at a point inserted in the middle of every gap.
 */
export function toUPlotData(series: readonly ColumnSeries[], opts: ShapeOptions = {}): AlignedData {
  const points = series.map((s) => withGaps(s, opts.gapMs ?? autoGap(s.t, opts.gapFactor ?? 2.5)));
  const xsMs = unionSorted(points.map((p) => p.t));
  const ys = points.map((p) => {
    const col: (number | null | undefined)[] = new Array(xsMs.length);
    let j = 0;
    for (let i = 0; i < p.t.length; i++) {
      while (xsMs[j] < p.t[i]) j++;
      col[j] = p.v[i];
    }
    return col;
  });
  const xs = new Array<number>(xsMs.length);
  for (let i = 0; i < xsMs.length; i++) xs[i] = xsMs[i] / 1000;
  return [xs, ...ys];
}

/** A series' points with gap breaks inserted and unplottable values turned into null. */
function withGaps(s: ColumnSeries, gapMs: number): { t: number[]; v: (number | null)[] } {
  const t: number[] = [];
  const v: (number | null)[] = [];
  for (let i = 0; i < s.t.length; i++) {
    const ti = s.t[i];
    if (i > 0 && ti - s.t[i - 1] > gapMs) {
      t.push((s.t[i - 1] + ti) / 2);
      v.push(null);
    }
    const vi = s.v[i];
    t.push(ti);
    v.push(Number.isFinite(vi) ? vi : null);
  }
  return { t, v };
}

/** gapFactor times the median positive interval; Infinity when there are fewer than two samples. */
export function autoGap(t: ArrayLike<number>, gapFactor: number): number {
  if (t.length < 2) return Infinity;
  const d = new Float64Array(t.length - 1);
  for (let i = 1; i < t.length; i++) d[i - 1] = t[i] - t[i - 1];
  d.sort();
  return d[d.length >> 1] * gapFactor;
}

/** Sorted union of ascending arrays, without duplicates. */
function unionSorted(cols: readonly number[][]): number[] {
  if (cols.length === 1) return cols[0];
  let n = 0;
  for (const c of cols) n += c.length;
  const all = new Float64Array(n);
  let k = 0;
  for (const c of cols) for (const x of c) all[k++] = x;
  all.sort();
  const out: number[] = [];
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) out.push(all[i]);
  return out;
}

/** Value of series `s` (0-based, x excluded) at row `idx`, or its last drawable value when idx is null. */
export function valueAt(data: AlignedData, s: number, idx: number | null): number | null {
  const col = data[s + 1];
  if (!col) return null;
  if (idx !== null) return col[idx] ?? null;
  for (let i = col.length - 1; i >= 0; i--) {
    const v = col[i];
    if (v !== null && v !== undefined) return v;
  }
  return null;
}
