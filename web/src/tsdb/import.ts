// Imports OpenMetrics text (with timestamps) or a binary snapshot into a store, into new or existing series alike.
import { decodeSnapshot } from '../../../shared/chunk/snapshot.ts';
import { decodeXorColumns } from '../../../shared/chunk/xordecode.ts';
import { createExpositionStream, ExpositionParseError, type FlatLabels, type MetricFamily } from '../../../shared/exposition/index.ts';
import { labelsKey, METRIC_NAME, type Labels } from '../../../shared/model/labels.ts';
import type { SeriesAppend } from '../store/sampleStore.ts';
import { combineRuns, type Run } from './runs.ts';
import type { TsdbStore } from './tsdb.ts';
import type { ExemplarAppend, MetricMetadata } from './types.ts';

export interface ImportReport {
  series: number;
  samples: number;
  exemplars: number;
  families: number;
}

/** A user's import file was malformed; the message names the line and column. */
export class ImportError extends Error {
  override name = 'ImportError';
}

/** Samples are handed to the store in groups of about this many, so an import never sits whole in memory. */
const GROUP_SAMPLES = 250_000;

/** A flat label list as a record, with the metric name when given. */
function record(flat: FlatLabels, name?: string): Labels {
  const out: Record<string, string> = name === undefined ? {} : { [METRIC_NAME]: name };
  for (let i = 0; i < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

/** Per-series columns being collected. */
class Pending {
  t: number[] = [];
  v = new Float64Array(64);
  n = 0;
  sorted = true;

  constructor(readonly labels: Labels) {}

  push(t: number, v: number): void {
    if (this.n > 0 && t <= this.t[this.n - 1]) this.sorted = false;
    if (this.n === this.v.length) {
      const next = new Float64Array(this.v.length * 2);
      next.set(this.v);
      this.v = next;
    }
    this.t.push(t);
    this.v[this.n++] = v;
  }

  /** Time-sorted columns; for a repeated timestamp the later sample wins. */
  take(): SeriesAppend {
    if (this.sorted) return { labels: this.labels, t: Float64Array.from(this.t), v: this.v.slice(0, this.n) };
    // Array.prototype.sort is stable, so among equal timestamps input order is kept and the last one is taken.
    const order = Array.from({ length: this.n }, (_, i) => i).sort((a, b) => this.t[a] - this.t[b]);
    const t = new Float64Array(this.n);
    const v = new Float64Array(this.n);
    let k = 0;
    for (const i of order) {
      if (k > 0 && t[k - 1] === this.t[i]) k--;
      t[k] = this.t[i];
      v[k++] = this.v[i];
    }
    return { labels: this.labels, t: t.slice(0, k), v: v.slice(0, k) };
  }
}

/**
 * Reads OpenMetrics text (timestamps required) into the store: samples, HELP/TYPE/UNIT as metadata, exemplars.
 * Throws ImportError with the line and column of the first malformed line; what was imported before it stays.
 */
export async function importOpenMetrics(store: TsdbStore, source: string | AsyncIterable<string>): Promise<ImportReport> {
  let pending = new Map<string, Pending>();
  let pendingSamples = 0;
  let exemplars: ExemplarAppend[] = [];
  const families = new Map<string, MetricFamily>();
  const report: ImportReport = { series: 0, samples: 0, exemplars: 0, families: 0 };
  const seen = new Set<string>();
  const failed: { error: ImportError | null } = { error: null };
  let lastText = '';
  let last: Pending | null = null;
  const stream = createExpositionStream(
    'openmetrics',
    {
      family: (f) => {
        families.set(f.name, f);
      },
      sample: (c) => {
        if (failed.error) return;
        if (c.timestampMs === undefined) {
          failed.error = new ImportError(`line ${c.line}: sample has no timestamp (an import needs one per sample)`);
          return;
        }
        const text = c.seriesText();
        let p = text === lastText ? last : null;
        if (!p) {
          const labels = record(c.labels(), c.name);
          const key = labelsKey(labels);
          p = pending.get(key) ?? null;
          if (!p) pending.set(key, (p = new Pending(labels)));
          seen.add(key);
          lastText = text;
          last = p;
        }
        p.push(c.timestampMs, c.value);
        pendingSamples++;
        if (c.exemplar) {
          exemplars.push({ series: p.labels, labels: record(c.exemplar.labels), value: c.exemplar.value, ts: c.exemplar.timestampMs ?? c.timestampMs });
        }
      },
    },
    { normalizeBucketLabels: false },
  );
  const flushGroup = async (): Promise<void> => {
    const series = [...pending.values()].map((p) => p.take());
    const ex = exemplars;
    report.samples += pendingSamples;
    report.exemplars += ex.length;
    pending = new Map();
    pendingSamples = 0;
    exemplars = [];
    lastText = '';
    last = null;
    if (series.length > 0 || ex.length > 0) await store.importData(series, [], ex);
  };
  try {
    const chunks = typeof source === 'string' ? [source] : source;
    for await (const chunk of chunks) {
      stream.push(chunk);
      if (failed.error) throw failed.error;
      if (pendingSamples >= GROUP_SAMPLES) await flushGroup();
    }
    stream.end();
    if (failed.error) throw failed.error;
  } catch (e) {
    if (e instanceof ExpositionParseError) throw new ImportError(e.column > 0 ? `line ${e.line}:${e.column}: ${e.detail}` : e.message);
    throw e;
  }
  await flushGroup();
  const meta: Array<[string, MetricMetadata]> = [];
  for (const f of families.values()) {
    if (f.type !== 'unknown' || f.help !== '' || f.unit !== '') meta.push([f.name, { type: f.type, help: f.help, unit: f.unit }]);
  }
  if (meta.length > 0) await store.importData([], meta, []);
  await store.flush();
  report.series = seen.size;
  report.families = meta.length;
  return report;
}

/** Reads a binary snapshot into the store (merging with what it holds); throws SnapshotError for a damaged file. */
export async function importSnapshot(store: TsdbStore, bytes: Uint8Array): Promise<ImportReport> {
  const snap = decodeSnapshot(bytes);
  const runs = new Map<number, Run[]>();
  for (const c of snap.chunks) {
    const list = runs.get(c.series) ?? [];
    list.push(decodeXorColumns(c.data));
    runs.set(c.series, list);
  }
  const report: ImportReport = { series: runs.size, samples: 0, exemplars: snap.exemplars.length, families: snap.metadata.length };
  let group: SeriesAppend[] = [];
  let groupSamples = 0;
  for (const [i, list] of runs) {
    const r = combineRuns(list);
    group.push({ labels: snap.series[i], t: r.t, v: r.v });
    groupSamples += r.t.length;
    report.samples += r.t.length;
    if (groupSamples >= GROUP_SAMPLES) {
      await store.importData(group);
      group = [];
      groupSamples = 0;
    }
  }
  const exemplars: ExemplarAppend[] = snap.exemplars.map((x) => ({ series: snap.series[x.series], labels: x.labels, value: x.value, ts: x.ts }));
  await store.importData(
    group,
    snap.metadata.map((m) => [m.family, { type: m.type, help: m.help, unit: m.unit }]),
    exemplars,
  );
  await store.flush();
  return report;
}
