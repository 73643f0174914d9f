// Turns decoded stream batches into store appends: resolves interned series ids, groups samples per series and
// carries the batches' metric metadata (HELP/TYPE/UNIT per family) and exemplars along to the store.
import { labelsKey, METRIC_NAME, type Labels } from '../../../shared/model/labels.ts';
import { decodeValue, type BatchMessage, type MetricMetadata } from '../../../shared/stream/protocol.ts';
import type { SeriesAppend } from '../store/sampleStore.ts';
import type { ExemplarAppend, TsdbAppendBatch } from '../tsdb/types.ts';

/** Exemplars carried per take(); a replay of many batches keeps the newest (the store bounds them per series too). */
export const MAX_EXEMPLARS_PER_TAKE = 10_000;

/** Grows a Float64Array by doubling; values go straight into typed memory so NaN payloads (stale markers) survive. */
class F64Builder {
  private buf = new Float64Array(8);
  length = 0;

  push(x: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = x;
  }

  get(i: number): number {
    return this.buf[i];
  }

  /** A right-sized copy. */
  build(): Float64Array {
    return this.buf.slice(0, this.length);
  }
}

interface Pending {
  labels: Labels;
  t: F64Builder;
  v: F64Builder;
  sorted: boolean;
}

/** What changed in the store after a flush, for 'data-changed' notifications. */
export interface BatchSummary {
  samples: number;
  /** Metric names that received samples. */
  names: string[];
  minT: number;
  maxT: number;
}

/**
 * Collects consecutive batch messages of one connection into a single AppendBatch, so a replay of many batches
 * becomes one storage transaction. Series ids are interned per connection: `defs` must precede their first use.
 */
export class BatchCollector {
  private readonly labelsById = new Map<number, Labels>();
  private pending = new Map<string, Pending>();
  private lastSeq = -1;
  private samples = 0;
  private minT = Infinity;
  private maxT = -Infinity;
  private meta = new Map<string, MetricMetadata>();
  private exemplars: ExemplarAppend[] = [];

  constructor(readonly epoch: string) {}

  /** Adds one batch; returns a message per sample that could not be used (unknown series id). */
  add(msg: BatchMessage): string[] {
    const problems: string[] = [];
    for (const [id, labels] of msg.defs ?? []) this.labelsById.set(id, labels);
    const keyById = new Map<number, string>();
    for (let i = 0; i < msg.ids.length; i++) {
      const id = msg.ids[i];
      const labels = this.labelsById.get(id);
      if (labels === undefined) {
        problems.push(`batch ${msg.seq}: series id ${id} was never defined on this connection`);
        continue;
      }
      let key = keyById.get(id);
      if (key === undefined) {
        key = labelsKey(labels);
        keyById.set(id, key);
      }
      let p = this.pending.get(key);
      if (p === undefined) {
        p = { labels, t: new F64Builder(), v: new F64Builder(), sorted: true };
        this.pending.set(key, p);
      }
      const t = typeof msg.ts === 'number' ? msg.ts : msg.ts[i];
      if (p.t.length > 0 && t <= p.t.get(p.t.length - 1)) p.sorted = false;
      p.t.push(t);
      p.v.push(decodeValue(msg.vals[i]));
      this.samples++;
      if (t < this.minT) this.minT = t;
      if (t > this.maxT) this.maxT = t;
    }
    for (const [family, m] of msg.meta ?? []) {
      // Later batches win: metadata is sent when a family is first seen or changes.
      this.meta.delete(family);
      this.meta.set(family, m);
    }
    for (const [id, labels, value, ts] of msg.exemplars ?? []) {
      const series = this.labelsById.get(id);
      if (series === undefined) {
        problems.push(`batch ${msg.seq}: exemplar for series id ${id}, which was never defined on this connection`);
        continue;
      }
      // Without its own timestamp an exemplar belongs to its series' sample in this batch.
      const at = ts ?? sampleTime(msg, id);
      if (at === null) {
        problems.push(`batch ${msg.seq}: exemplar for series id ${id} has no timestamp and no sample in the batch`);
        continue;
      }
      this.exemplars.push({ series, labels, value: decodeValue(value), ts: at });
    }
    if (this.exemplars.length > MAX_EXEMPLARS_PER_TAKE) this.exemplars.splice(0, this.exemplars.length - MAX_EXEMPLARS_PER_TAKE);
    this.lastSeq = msg.seq;
    return problems;
  }

  /** True when batches were added since the last take(). */
  get hasData(): boolean {
    return this.lastSeq >= 0;
  }

  /** The collected append (null when nothing was added) and its summary; resets the collector. */
  take(): { batch: TsdbAppendBatch; summary: BatchSummary } | null {
    if (this.lastSeq < 0) return null;
    const series: SeriesAppend[] = [];
    const names = new Set<string>();
    for (const p of this.pending.values()) {
      series.push(p.sorted ? { labels: p.labels, t: p.t.build(), v: p.v.build() } : sortedAppend(p));
      names.add(p.labels[METRIC_NAME] ?? '');
    }
    const batch: TsdbAppendBatch = { epoch: this.epoch, seq: this.lastSeq, series };
    if (this.meta.size > 0) batch.meta = [...this.meta];
    if (this.exemplars.length > 0) batch.exemplars = this.exemplars;
    const out = {
      batch,
      summary: { samples: this.samples, names: [...names].sort(), minT: this.minT, maxT: this.maxT },
    };
    this.pending = new Map();
    this.meta = new Map();
    this.exemplars = [];
    this.lastSeq = -1;
    this.samples = 0;
    this.minT = Infinity;
    this.maxT = -Infinity;
    return out;
  }
}

/** The time of series `id`'s first sample in the batch, or null when it has none there. */
function sampleTime(msg: BatchMessage, id: number): number | null {
  const i = msg.ids.indexOf(id);
  if (i < 0) return null;
  return typeof msg.ts === 'number' ? msg.ts : msg.ts[i];
}

/** Sorts one series' samples by time; for a repeated timestamp the later sample wins. */
function sortedAppend(p: Pending): SeriesAppend {
  const order = Array.from({ length: p.t.length }, (_, i) => i).sort((a, b) => p.t.get(a) - p.t.get(b) || a - b);
  const t = new F64Builder();
  const v = new F64Builder();
  for (const i of order) {
    if (t.length > 0 && t.get(t.length - 1) === p.t.get(i)) {
      t.length--;
      v.length--;
    }
    t.push(p.t.get(i));
    v.push(p.v.get(i));
  }
  return { labels: p.labels, t: t.build(), v: v.build() };
}
