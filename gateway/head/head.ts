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
  /** The head holding the series; null once compaction dropped it (a remembered ref is checked against it). */
  owner: Head | null;
}

/** A sample to append, by labels. */
export interface AppendSample {
  labels: Labels;
  t: number;
  v: number;
  /** labelsKey(labels) if the caller has it. */
  key?: string;
  /**
   * Where the head remembers the series it stored the sample in, when the object declares the field: a caller that
   * appends the same object again (the scrape cache reuses one per series) then skips the label lookup. Opaque.
   */
  ref?: unknown;
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
  /** The highest series id in `ids`, cached by the stream encoder. */
  maxId?: number;
}

/** One batch as a HeadStore keeps it: the StoredBatch without its wire cache. */
export interface PersistedBatch {
  seq: number;
  appendedAt: number;
  ids: Uint32Array;
  ts: number | Float64Array;
  vals: Float64Array;
  meta: ReadonlyArray<[string, MetricMetadata]>;
  exemplars: ReadonlyArray<[number, Labels, number, number | null]>;
}

/** What a restart needs to continue an epoch: the counters and the retained batches with their series' labels. */
export interface HeadSnapshot {
  /** Sequence number the next new batch must get. */
  nextSeq: number;
  /** Series id the next new series must get (ids are never reused within an epoch). */
  nextSeriesId: number;
  series: ReadonlyMap<number, Labels>;
  /** Ascending by seq. */
  batches: readonly PersistedBatch[];
}

/**
 * The persistence port of a head: Node's LogHeadStore (--storage.path); a Durable Object store on Workers. Start-up:
 * load() → new Head({ epoch }) → head.restore(snapshot) → attach(head, epoch); shutdown: close().
 */
export interface HeadStore {
  /** The stored epoch and what is still within retention, or null when nothing is stored. */
  load(): Promise<{ epoch: string; snapshot: HeadSnapshot } | null>;
  /** Persists every batch the head appends from now on. */
  attach(head: Head, epoch: string): void;
  /** Writes what is pending; nothing is written afterwards. */
  close(): Promise<void>;
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
/** Often enough that the head's size swings little around the window (a pass over 100 000 series takes a few ms). */
export const COMPACT_EVERY_MS = 15_000;
/** Batches older than this lose their cached wire text at the next compaction. */
const WIRE_CACHE_MS = 30_000;

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
  private readonly publishListeners = new Set<() => void>();
  /** While a store holds batches back until they are durable: the first batch it has not yet made durable. */
  private durableNext: number | null = null;

  constructor(options: HeadOptions) {
    this.epoch = options.epoch;
    this.retentionMs = options.retentionMs ?? HOUR_MS;
  }

  /** Sequence number the next batch gets. */
  get nextSeq(): number {
    return this.seq;
  }

  /**
   * Exclusive bound of the batches streams may send: nextSeq, or — with a store that holds batches back until they
   * are durable (`holdUntilDurable`) — the first batch not yet written. So a client never holds a batch a crash can
   * lose, and a restarted gateway never gives that batch's sequence number to other data.
   */
  get publishedSeq(): number {
    return this.durableNext ?? this.seq;
  }

  /** From now on a new batch reaches streams only once `markDurable` covers it (what is held now counts as durable). */
  holdUntilDurable(): void {
    this.durableNext = this.seq;
  }

  /** Batches with seq < `nextSeq` are durable: streams may send them. */
  markDurable(nextSeq: number): void {
    if (this.durableNext === null || nextSeq <= this.durableNext) return;
    this.durableNext = Math.min(nextSeq, this.seq);
    this.publish();
  }

  /** Stops holding batches back (the store gave up); everything appended is published. */
  releaseHold(): void {
    if (this.durableNext === null) return;
    this.durableNext = null;
    this.publish();
  }

  /** Calls `listener` whenever publishedSeq advances; returns the unsubscribe function. */
  onPublish(listener: () => void): () => void {
    this.publishListeners.add(listener);
    return () => this.publishListeners.delete(listener);
  }

  private publish(): void {
    for (const listener of this.publishListeners) listener();
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
    for (let i = 0; i < samples.length; i++) {
      const s = samples[i];
      let series = s.ref as HeadSeries | undefined;
      // A remembered series is used while this head still holds it (compaction may have dropped it since): a field
      // check, not a lookup in byId (which was most of the cost of appending a large scrape).
      if (series === undefined || series.owner !== this) {
        series = this.getOrCreate(s.labels, s.key);
        if ('ref' in s) s.ref = series;
      }
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
    if (this.durableNext === null) this.publish();
    return batch;
  }

  /** Id the next new series gets (persisted so ids are never reused within an epoch). */
  get nextSeriesId(): number {
    return this.nextId;
  }

  /** Every series the head holds. */
  allSeries(): Iterable<HeadSeries> {
    return this.byId.values();
  }

  /**
   * Loads a persisted snapshot into this fresh head: series keep their ids, batches their sequence numbers, and
   * numbering continues after both. Only the newest run of consecutive batches is kept (replay finds a batch by its
   * distance from the oldest); samples older than the retention window at `now` are dropped. Listeners are not told.
   */
  restore(snap: HeadSnapshot, now: number): void {
    if (this.seq !== 1 || this.byId.size !== 0) throw new Error('Head.restore needs a fresh head');
    let from = snap.batches.length;
    while (from > 0 && (from === snap.batches.length || snap.batches[from].seq === snap.batches[from - 1].seq + 1)) from--;
    let maxSeq = 0;
    let maxId = 0;
    for (const id of snap.series.keys()) maxId = Math.max(maxId, id);
    for (const b of snap.batches.slice(from)) {
      const n = b.ids.length;
      const ids = new Uint32Array(n);
      const ts = new Float64Array(n);
      const vals = new Float64Array(n);
      let kept = 0;
      for (let i = 0; i < n; i++) {
        const series = this.restoredSeries(b.ids[i], snap.series);
        const t = typeof b.ts === 'number' ? b.ts : b.ts[i];
        if (series === undefined || !series.samples.append(t, b.vals[i])) continue;
        series.lastSeq = b.seq;
        ids[kept] = series.id;
        ts[kept] = t;
        vals[kept] = b.vals[i];
        kept++;
      }
      for (const [family, m] of b.meta) this.metadata.set(family, m);
      const exemplars = b.exemplars.filter(([id]) => this.restoredSeries(id, snap.series) !== undefined);
      this.sampleCount += kept;
      this.batchSampleCount += kept;
      this.batches.push({
        seq: b.seq,
        appendedAt: b.appendedAt,
        ids: ids.subarray(0, kept),
        ts: sameTimestamp(ts, kept) ? (kept > 0 ? ts[0] : typeof b.ts === 'number' ? b.ts : 0) : ts.subarray(0, kept),
        vals: vals.subarray(0, kept),
        meta: b.meta,
        exemplars,
      });
      maxSeq = b.seq;
    }
    this.seq = Math.max(snap.nextSeq, maxSeq + 1, 1);
    this.nextId = Math.max(snap.nextSeriesId, maxId + 1, 1);
    this.compact(now);
  }

  /** The series with a persisted id, created under that id on first use. */
  private restoredSeries(id: number, labelsById: ReadonlyMap<number, Labels>): HeadSeries | undefined {
    const known = this.byId.get(id);
    if (known !== undefined) return known;
    const labels = labelsById.get(id);
    if (labels === undefined) return undefined;
    const key = labelsKey(labels);
    const older = this.byKey.get(key);
    const series: HeadSeries = { id, labels, key, samples: new SampleBuffer(), lastSeq: 0, owner: this };
    this.byId.set(id, series);
    // A label set that vanished and came back has two ids; queries see the newer one only.
    if (older === undefined || older.id < id) {
      if (older !== undefined) this.byName.get(older.labels[METRIC_NAME] ?? '')?.delete(older);
      this.byKey.set(key, series);
      const name = labels[METRIC_NAME] ?? '';
      let set = this.byName.get(name);
      if (set === undefined) this.byName.set(name, (set = new Set()));
      set.add(series);
    }
    return series;
  }

  /** The batch with this sequence number, if still retained. */
  batch(seq: number): StoredBatch | undefined {
    const i = this.firstBatch + (seq - this.oldestSeq);
    return i >= this.firstBatch && i < this.batches.length ? this.batches[i] : undefined;
  }

  /** Calls `listener` for every new batch as it is appended (published or not); returns the unsubscribe function. */
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
    // Expired batches go now, not when half the log is dead: until then they would keep their arrays and wire text.
    if (this.firstBatch > 0) {
      this.batches.splice(0, this.firstBatch);
      this.firstBatch = 0;
    }
    // Cached wire text is for clients reading live batches together; a replay of older ones re-encodes them.
    const wireBefore = now - WIRE_CACHE_MS;
    for (const b of this.batches) {
      if (b.appendedAt >= wireBefore) break;
      b.wire = undefined;
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

  /** Series matching all matchers that have samples overlapping [start, end] (ms). */
  *matching(matchers: readonly LabelMatcher[], start: number, end: number): Iterable<HeadSeries> {
    for (const series of this.candidates(matchers)) {
      if (!matchesAll(series.labels, matchers)) continue;
      if (series.samples.lastT < start || series.samples.firstT > end) continue;
      yield series;
    }
  }

  /**
   * Exemplars still in the replay window with time in [start, end], oldest first. An exemplar exposed without a
   * timestamp gets its scrape's sample time, as Prometheus stores it; repeats of the previous exemplar of the same
   * series (the same exemplar seen on every scrape) are skipped, as Prometheus's exemplar storage does.
   */
  *exemplars(start: number, end: number): Iterable<{ series: HeadSeries; labels: Labels; value: number; t: number }> {
    const last = new Map<number, string>();
    for (let i = this.firstBatch; i < this.batches.length; i++) {
      const b = this.batches[i];
      for (const [id, labels, value, ts] of b.exemplars) {
        const series = this.byId.get(id);
        if (series === undefined) continue;
        let t = ts;
        if (t === null) {
          if (typeof b.ts === 'number') t = b.ts;
          else {
            const at = b.ids.indexOf(id);
            t = at >= 0 ? b.ts[at] : b.appendedAt;
          }
        }
        const sig = `${labelsKey(labels)}\x00${value}\x00${t}`;
        if (last.get(id) === sig) continue;
        last.set(id, sig);
        if (t >= start && t <= end) yield { series, labels, value, t };
      }
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
      series = { id: this.nextId++, labels, key, samples: new SampleBuffer(), lastSeq: 0, owner: this };
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
    series.owner = null;
    if (this.byKey.get(series.key) === series) this.byKey.delete(series.key);
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
