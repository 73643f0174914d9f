// Pure shaping of panel query results: named series, uPlot's aligned columns, reduced values and table rows.
import type { AlignedData } from 'uplot';
import type { Labels } from '../../../shared/model/labels.ts';
import { reduceValues } from '../../../shared/dashboards/reduce.ts';
import { seriesDisplayName } from '../../../shared/dashboards/legend.ts';
import type { ReduceCalc, Target } from '../../../shared/dashboards/model.ts';

/** One result series of one panel query, named by the query's legendFormat. */
export interface PanelSeries {
  refId: string;
  name: string;
  labels: Labels;
  /** Unix ms. */
  t: Float64Array;
  v: Float64Array;
}

/** A query's outcome: its series or the error to show on the panel. */
export interface QueryOutcome {
  refId: string;
  series: PanelSeries[];
  error?: string;
}

/** Names raw columnar series after the target's legendFormat (or the Prometheus series name). */
export function nameSeries(target: Pick<Target, 'refId' | 'legendFormat'>, expr: string, series: readonly { labels: Labels; t: Float64Array; v: Float64Array }[]): PanelSeries[] {
  return series.map((s) => ({ refId: target.refId, name: seriesDisplayName(s.labels, target.legendFormat, expr), labels: s.labels, t: s.t, v: s.v }));
}

/**
 * Aligns series on the union of their timestamps (uPlot wants one x array, in seconds); a series with no sample
 * at a time, or a NaN/stale sample, gets null there so the line breaks.
 */
export function alignSeries(series: readonly PanelSeries[]): AlignedData {
  const times = new Set<number>();
  for (const s of series) for (const t of s.t) times.add(t);
  const xs = Float64Array.from(times).sort();
  const index = new Map<number, number>();
  xs.forEach((t, i) => index.set(t, i));
  const ys = series.map((s) => {
    const col: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    for (let i = 0; i < s.t.length; i++) {
      const v = s.v[i];
      col[index.get(s.t[i])!] = Number.isFinite(v) ? v : null;
    }
    return col;
  });
  return [Array.from(xs, (t) => t / 1000), ...ys];
}

/** The single value a stat/gauge shows for one series. */
export function reduceSeries(s: Pick<PanelSeries, 'v'>, calc: ReduceCalc): number | null {
  return reduceValues(Array.from(s.v, (v) => (Number.isNaN(v) ? null : v)), calc);
}

/** Table rows: one per series, its labels as columns plus the last value; columns are the union of label names. */
export function tableFrame(series: readonly PanelSeries[]): { columns: string[]; rows: { cells: Record<string, string>; value: number | null }[] } {
  const names = new Set<string>();
  for (const s of series) for (const k of Object.keys(s.labels)) names.add(k);
  const columns = [...names].sort((a, b) => (a === '__name__' ? -1 : b === '__name__' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  const rows = series.map((s) => ({ cells: { ...s.labels }, value: reduceSeries(s, 'lastNotNull') }));
  return { columns, rows };
}
