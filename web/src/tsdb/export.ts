// Exports a selection (series matchers × time range) as OpenMetrics text or as a binary snapshot (shared/chunk/snapshot.ts).
import { encodeSnapshot, type Snapshot, type SnapshotChunk, type SnapshotExemplar } from '../../../shared/chunk/snapshot.ts';
import { compareLabels, labelsKey, METRIC_NAME, type Labels } from '../../../shared/model/labels.ts';
import type { LabelMatcher } from '../../../shared/promql/ast.ts';
import { sealRun } from './head.ts';
import { CHUNK_RANGE_MS } from './layout.ts';
import { allowsExemplars, familyFor, familyLines, sampleLines, type FamilyHeader, type LineExemplar } from './openmetrics.ts';
import type { TsdbStore } from './tsdb.ts';
import type { MetricMetadata } from './types.ts';

/** What to export: series matching all matchers (everything when empty) with samples in [start, end]. */
export interface ExportSelection {
  matchers?: LabelMatcher[];
  start?: number;
  end?: number;
}

function bounds(sel: ExportSelection): { matchers: LabelMatcher[]; start: number; end: number } {
  return { matchers: sel.matchers ?? [], start: sel.start ?? -Infinity, end: sel.end ?? Infinity };
}

async function metadataMap(store: TsdbStore): Promise<Map<string, MetricMetadata>> {
  const m = new Map<string, MetricMetadata>();
  for (const [family, list] of Object.entries(await store.metadata())) m.set(family, list[0]);
  return m;
}

/** The selection's metric names, each with the matchers that select just that metric. */
async function perMetric(store: TsdbStore, matchers: LabelMatcher[]): Promise<Array<[string, LabelMatcher[]]>> {
  const names = await store.labelValues(METRIC_NAME, matchers, -Infinity, Infinity);
  return names.map((n) => [n, [...matchers, { type: '=', name: METRIC_NAME, value: n }]]);
}

/**
 * OpenMetrics text (families contiguous, series-major, timestamps in seconds, `# EOF` last), yielded one metric at
 * a time so a large store is never held as one string. Exemplars of counter `_total` and histogram `_bucket`
 * series are written on the first sample at or after their time (one per line: where several fall between two
 * samples only the newest is written). Stale markers cannot be represented in OpenMetrics and are left out, as are
 * exemplars of other series: the binary snapshot (exportSnapshot) is the lossless format. `report`, when given,
 * receives how many exemplars could not be written.
 */
export async function* exportOpenMetrics(store: TsdbStore, sel: ExportSelection = {}, report?: { droppedExemplars: number }): AsyncGenerator<string> {
  const { matchers, start, end } = bounds(sel);
  const meta = await metadataMap(store);
  const byFamily = new Map<string, { header: FamilyHeader; metrics: Array<[string, LabelMatcher[]]> }>();
  for (const [name, ms] of await perMetric(store, matchers)) {
    const header = familyFor(name, meta);
    const f = byFamily.get(header.family) ?? { header, metrics: [] };
    f.metrics.push([name, ms]);
    byFamily.set(header.family, f);
  }
  for (const family of [...byFamily.keys()].sort()) {
    const f = byFamily.get(family)!;
    yield familyLines(f.header);
    for (const [name, ms] of f.metrics) {
      const exemplars = new Map<string, LineExemplar[]>();
      const dropped = { count: 0 };
      for (const e of await store.exemplars(ms, start, end)) {
        const list = e.exemplars.map((x) => ({ labels: x.labels, value: x.value, ts: x.timestamp }));
        if (allowsExemplars(name, f.header)) exemplars.set(labelsKey(e.seriesLabels), list);
        else dropped.count += list.length;
      }
      let text = '';
      for (const s of await store.select(ms, { start, end })) {
        const v = s.v instanceof Float64Array ? s.v : Float64Array.from(s.v);
        const ex = exemplars.get(labelsKey(s.labels)) ?? [];
        text += sampleLines(s.labels, s.t, v, ex, dropped);
        exemplars.delete(labelsKey(s.labels));
      }
      // Exemplars of series without samples in the range have no line to ride on.
      for (const list of exemplars.values()) dropped.count += list.length;
      if (report) report.droppedExemplars += dropped.count;
      if (text !== '') yield text;
    }
  }
  yield '# EOF\n';
}

/** The whole OpenMetrics export as one string (small selections, tests). */
export async function exportOpenMetricsText(store: TsdbStore, sel: ExportSelection = {}): Promise<string> {
  let out = '';
  for await (const part of exportOpenMetrics(store, sel)) out += part;
  return out;
}

/**
 * A binary snapshot of the selection: samples re-cut into chunks exactly at [start, end], exemplars in range, all
 * metadata, and the durable stream position (informational; imports do not move the target's position).
 */
export async function exportSnapshot(store: TsdbStore, sel: ExportSelection = {}): Promise<Uint8Array[]> {
  const { matchers, start, end } = bounds(sel);
  const series: Labels[] = [];
  const index = new Map<string, number>();
  const chunks: SnapshotChunk[] = [];
  for (const [, ms] of await perMetric(store, matchers)) {
    for (const s of await store.select(ms, { start, end })) {
      const i = series.push(s.labels) - 1;
      index.set(labelsKey(s.labels), i);
      const t = s.t instanceof Float64Array ? s.t : Float64Array.from(s.t);
      const v = s.v instanceof Float64Array ? s.v : Float64Array.from(s.v);
      for (const c of sealRun({ t, v })) chunks.push({ series: i, mint: c.mint, maxt: c.maxt, data: c.xor });
    }
  }
  const exemplars: SnapshotExemplar[] = [];
  for (const group of await store.exemplars(matchers, start, end)) {
    let i = index.get(labelsKey(group.seriesLabels));
    if (i === undefined) {
      i = series.push(group.seriesLabels) - 1;
      index.set(labelsKey(group.seriesLabels), i);
    }
    for (const x of group.exemplars) exemplars.push({ series: i, labels: x.labels, value: x.value, ts: x.timestamp });
  }
  const metadata: Snapshot['metadata'] = [];
  for (const [family, list] of Object.entries(await store.metadata())) metadata.push({ family, ...list[0] });
  const snap: Snapshot = {
    chunkRangeMs: CHUNK_RANGE_MS,
    createdMs: Date.now(),
    position: await store.durablePosition(),
    series,
    metadata,
    chunks,
    exemplars,
  };
  return encodeSnapshot(snap);
}

/** Series of a snapshot in label order with their chunks, for display or checks. */
export function snapshotSeries(s: Snapshot): Labels[] {
  return [...s.series].sort(compareLabels);
}
