// Shapes classic histogram bucket series (`le` labels) into heatmap cells, de-cumulated like Grafana's "Format as Heatmap".
import { labelsKey, type Labels } from '../model/labels.ts';

/** One bucket series on the shared time axis (null = no sample at that step). */
export interface BucketSeries {
  labels: Labels;
  values: ArrayLike<number | null>;
}

export interface Heatmap {
  /** The group's labels (everything but the bucket label and the metric name). */
  labels: Labels;
  /** Upper bucket bounds, ascending; +Inf as Infinity. */
  bounds: number[];
  /** counts[bucket][step]: observations in (previous bound, bound]; null where the bucket had no sample. */
  counts: (number | null)[][];
}

/**
 * Groups bucket series by their other labels, orders buckets by bound and subtracts each bucket from the next
 * (cumulative `le` counts → per-bucket counts). Series whose bucket label is missing or not a number are skipped
 * and counted; series with the same bound in one group (`1` and `1.0`) are added together.
 */
export function classicHeatmaps(series: readonly BucketSeries[], bucketLabel = 'le'): { heatmaps: Heatmap[]; skipped: number } {
  const groups = new Map<string, { labels: Labels; buckets: Map<number, (number | null)[]> }>();
  let skipped = 0;
  for (const s of series) {
    const bound = parseBound(s.labels[bucketLabel]);
    if (bound === undefined) {
      skipped++;
      continue;
    }
    const rest: Record<string, string> = {};
    for (const [k, v] of Object.entries(s.labels)) if (k !== bucketLabel && k !== '__name__') rest[k] = v;
    const key = labelsKey(rest);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { labels: rest, buckets: new Map() }));
    const values = Array.from(s.values, (v) => v ?? null);
    const prev = g.buckets.get(bound);
    g.buckets.set(bound, prev ? prev.map((p, i) => (p === null ? values[i] : values[i] === null ? p : p + (values[i] as number))) : values);
  }
  const heatmaps = [...groups.values()].map((g) => {
    const bounds = [...g.buckets.keys()].sort((a, b) => a - b);
    const cumulative = bounds.map((b) => g.buckets.get(b)!);
    const counts = cumulative.map((row, bi) =>
      bi === 0 ? row : row.map((v, t) => (v === null ? null : v - (cumulative[bi - 1][t] ?? 0))),
    );
    return { labels: g.labels, bounds, counts };
  });
  return { heatmaps, skipped };
}

function parseBound(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  if (/^\+?inf$/i.test(t)) return Infinity;
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}
