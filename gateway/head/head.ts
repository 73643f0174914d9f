// The gateway's bounded in-memory head: series with their recent samples (a Queryable) and the batch log for stream replay.
import { labelsKey, METRIC_NAME, type Labels } from '../../shared/model/labels.ts';
import type { LabelMatcher } from '../../shared/promql/ast.ts';
import { matchLabelValue } from '../../shared/promql/ast.ts';
import type { Cancellation, Queryable, SelectHints, SeriesSamples } from '../../shared/promql/queryable.ts';
import type { MetricMetadata } from '../../shared/stream/protocol.ts';
import { SampleBuffer } from './sample-buffer.ts';

/** One series known to the head; `id` is stable for the epoch and never reused. */
export interface HeadSeries {
  readonly id: number;
  readonly labels: Labels;
  readonly key: string;
  readonly samples: SampleBuffer;
  /** Sequence number of the newest batch that carried this series (keeps its definition alive for replay). */
  lastSeq: number;
}

/** A sample to append, by labels. */
export interface AppendSample {
  labels: Labels;
  t: number;
  v: number;
  /** labelsKey(labels) if the caller has it. */
  key?: string;
}

export interface AppendExemplar {
  series: Labels;
  labels: Labels;
  value: number;
  timestamp: number | null;
}

/** One appended batch as kept for replay. Sample i is (ids[i], ts[i] or ts, vals[i]). */
export interface StoredBatch {
  readonly seq: number;
  /** Wall-clock time of the append (ms), used for retention. */
  readonly appendedAt: number;
  readonly ids: Uint32Array;
  readonly ts: number | Float64Array;
  readonly vals: Float64Array;
  readonly meta: ReadonlyArray<[string, MetricMetadata]>;
  readonly exemplars: ReadonlyArray<[number, Labels, number, number | null]>;
  /** Connections cache the encoded sample arrays here, so a batch is serialised once however many clients read it. */
  wire?: string;
}

export interface HeadOptions {
  /** Changes whenever sequence numbers and series ids restart (each process start). */
  epoch: string;
  /** How long samples and batches are kept, ms (default 1 h). */
  retentionMs?: number;
}

export interface HeadStats {
  series: number;
  samples: number;
  batches: number;
  batchSamples: number;
  outOfOrder: number;
}

type BatchListener = (batch: StoredBatch) => void;

const HOUR_MS = 3_600_000;
const COMPACT_EVERY_MS = 60_000;

/** In-memory storage of recent samples; implements the engine's Queryable and feeds the stream. */
export class Head implements Queryable {
  readonly epoch: string;
  readonly retentionMs: number;
  private readonly byKey = new Map<string, HeadSeries>();
  private readonly byId = new Map<number, HeadSeries>();
  /** Postings for the metric name, the selector almost every query has. */
  private readonly byName = new Map<string, Set<HeadSeries>>();
  private readonly metadata = new Map<string, MetricMetadata>();
  private readonly batches: StoredBatch[] = [];
  private firstBatch = 0;
  private nextId = 1;
  private seq = 1;
  private sampleCount = 0;
  private batchSampleCount = 0;
  private outOfOrder = 0;
  private lastCompaction = -Infinity;
  private readonly listeners = new Set<BatchListener>();

  constructor(options: HeadOptions) {
    this.epoch = options.epoch;
    this.retentionMs = options.retentionMs ?? HOUR_MS;
  }

  /** Sequence number the next batch gets. */
  get nextSeq(): number {
    return this.seq;
  }

  /** Oldest sequence number still replayable (equals nextSeq when nothing is retained). */
  get oldestSeq(): number {
    return this.firstBatch < this.batches.length ? this.batches[this.firstBatch].seq : this.seq;
  }

  /** Stores samples (dropping ones not newer than their series' last sample) and logs them as one batch. */
  append(
    samples: readonly AppendSample[],
    now: number,
    meta: ReadonlyArray<[string, MetricMetadata]> = [],
    exemplars: readonly AppendExemplar[] = [],
  ): StoredBatch | null {
    if (now - this.lastCompaction >= COMPACT_EVERY_MS) this.compact(now);
    const seq = this.seq;
    const ids = new Uint32Array(samples.length);
    const ts = new Float64Array(samples.length);
    const vals = new Float64Array(samples.length);
    let n = 0;
    for (const s of samples) {
      const series = this.getOrCreate(s.labels, s.key);
      if (!series.samples.append(s.t, s.v)) {
        this.outOfOrder++;
        continue;
      }
      series.lastSeq = seq;
      ids[n] = series.id;
      ts[n] = s.t;
      vals[n] = s.v;
      n++;
    }
    for (const [family, m] of meta) this.metadata.set(family, m);
    const ex: Array<[number, Labels, number, number | null]> = [];
    for (const e of exemplars) {
      const series = this.byKey.get(labelsKey(e.series));
      if (series) ex.push([series.id, e.labels, e.value, e.timestamp]);
    }
    if (n === 0 && meta.length === 0 && ex.length === 0) return null;
    this.sampleCount += n;
    this.batchSampleCount += n;
    const batch: StoredBatch = {
      seq,
      appendedAt: now,
      ids: ids.subarray(0, n),
      ts: sameTimestamp(ts, n) ? ts[0] : ts.subarray(0, n),
      vals: vals.subarray(0, n),
      meta,
      exemplars: ex,
    };
    this.seq++;
    this.batches.push(batch);
    for (const listener of this.listeners) listener(batch);
    return batch;
  }

  /** The batch with this sequence number, if still retained. */
  batch(seq: number): StoredBatch | undefined {
    const i = this.firstBatch + (seq - this.oldestSeq);
    return i >= this.firstBatch && i < this.batches.length ? this.batches[i] : undefined;
  }

  /** Calls `listener` for every new batch; returns the unsubscribe function. */
  onBatch(listener: BatchListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The series with this id, while the head still knows it. */
  series(id: number): HeadSeries | undefined {
    return this.byId.get(id);
  }

  /** Current metadata per metric family. */
  familyMetadata(): ReadonlyMap<string, MetricMetadata> {
    return this.metadata;
  }

  stats(): HeadStats {
    return {
      series: this.byId.size,
      samples: this.sampleCount,
      batches: this.batches.length - this.firstBatch,
      batchSamples: this.batchSampleCount,
      outOfOrder: this.outOfOrder,
    };
  }

  /** Drops samples and batches older than the retention window, and series left with neither. */
  compact(now: number): void {
    this.lastCompaction = now;
    const minT = now - this.retentionMs;
    while (this.firstBatch < this.batches.length && this.batches[this.firstBatch].appendedAt < minT) {
      this.batchSampleCount -= this.batches[this.firstBatch].ids.length;
      this.firstBatch++;
    }
    if (this.firstBatch > 1024 && this.firstBatch > this.batches.length / 2) {
      this.batches.splice(0, this.firstBatch);
      this.firstBatch = 0;
    }
    const oldest = this.oldestSeq;
    for (const series of this.byId.values()) {
      const before = series.samples.length;
      series.samples.trimBefore(minT);
      this.sampleCount -= before - series.samples.length;
      if (series.samples.length === 0 && series.lastSeq < oldest) this.drop(series);
    }
  }

  async select(matchers: readonly LabelMatcher[], hints: SelectHints, cancel?: Cancellation): Promise<SeriesSamples[]> {
    const out: SeriesSamples[] = [];
    for (const series of this.candidates(matchers)) {
      if (cancel?.aborted) break;
      if (!matchesAll(series.labels, matchers)) continue;
      const { t, v } = series.samples.range(hints.start, hints.end);
      if (t.length > 0) out.push({ labels: series.labels, t, v });
    }
    return out;
  }

  async labelNames(matchers: readonly LabelMatcher[], start: number, end: number): Promise<string[]> {
    const names = new Set<string>();
    for (const series of this.matching(matchers, start, end)) for (const name in series.labels) names.add(name);
    return [...names].sort();
  }

  async labelValues(name: string, matchers: readonly LabelMatcher[], start: number, end: number): Promise<string[]> {
    const values = new Set<string>();
    for (const series of this.matching(matchers, start, end)) {
      const value = series.labels[name];
      if (value !== undefined && value !== '') values.add(value);
    }
    return [...values].sort();
  }

  private *matching(matchers: readonly LabelMatcher[], start: number, end: number): Iterable<HeadSeries> {
    for (const series of this.candidates(matchers)) {
      if (!matchesAll(series.labels, matchers)) continue;
      if (series.samples.lastT < start || series.samples.firstT > end) continue;
      yield series;
    }
  }

  private candidates(matchers: readonly LabelMatcher[]): Iterable<HeadSeries> {
    const byName = matchers.find((m) => m.name === METRIC_NAME && m.type === '=');
    if (byName) return this.byName.get(byName.value) ?? [];
    return this.byId.values();
  }

  private getOrCreate(labels: Labels, knownKey?: string): HeadSeries {
    const key = knownKey ?? labelsKey(labels);
    let series = this.byKey.get(key);
    if (series === undefined) {
      series = { id: this.nextId++, labels, key, samples: new SampleBuffer(), lastSeq: 0 };
      this.byKey.set(key, series);
      this.byId.set(series.id, series);
      const name = labels[METRIC_NAME] ?? '';
      let set = this.byName.get(name);
      if (set === undefined) this.byName.set(name, (set = new Set()));
      set.add(series);
    }
    return series;
  }

  private drop(series: HeadSeries): void {
    this.byKey.delete(series.key);
    this.byId.delete(series.id);
    const name = series.labels[METRIC_NAME] ?? '';
    const set = this.byName.get(name);
    set?.delete(series);
    if (set?.size === 0) this.byName.delete(name);
  }
}

function matchesAll(labels: Labels, matchers: readonly LabelMatcher[]): boolean {
  for (const m of matchers) if (!matchLabelValue(m, labels[m.name] ?? '')) return false;
  return true;
}

function sameTimestamp(ts: Float64Array, n: number): boolean {
  if (n === 0) return true;
  for (let i = 1; i < n; i++) if (ts[i] !== ts[0]) return false;
  return true;
}
