// The writer's in-memory state: one open chunk per series, chunks cut since the last flush, out-of-order samples,
// and the bookkeeping that turns it into flush sets and back (pure: no IndexedDB here).
import { labelsKey, type Labels } from '../../../shared/model/labels.ts';
import { matchLabelValue, type LabelMatcher } from '../../../shared/promql/ast.ts';
import { dropEmptyLabels } from '../store/ingest.ts';
import type { StreamPosition } from '../store/sampleStore.ts';
import { HeadChunk, cutRun, type SealedChunk } from './head.ts';
import { EMPTY_RUN, mergeRuns, type Run } from './runs.ts';
import type { ExemplarAppend, MetricMetadata } from './types.ts';

/** A sealed chunk waiting for (or, while older reads run, just past) its flush. */
export interface PendingChunk extends SealedChunk {
  /** Generation of the flush that carries it; undefined while unclaimed. */
  flushGen?: number;
  /** Set when that flush committed; the chunk stays readable from memory until no read older than it runs. */
  committedGen?: number;
}

/** Out-of-order samples on their way into stored chunks. */
export interface OooRun {
  run: Run;
  flushGen: number;
  committedGen?: number;
}

export interface SeriesEntry {
  sid: number;
  labels: Labels;
  /** Newest timestamp held (stored or pending); -Infinity for none. */
  maxt: number;
  head: HeadChunk;
  headDirty: boolean;
  sealed: PendingChunk[];
  /** Samples older than the open chunk, not yet claimed by a flush. */
  ooo: Run | null;
  oooInflight: OooRun[];
  /** Whether the series record is durable. */
  stored: boolean;
  /** Size of the durable head record, for size accounting. */
  headBytes: number;
}

/** A durable head as loaded from storage. */
export interface LoadedHead {
  maxt: number;
  run: Run;
  bytes: number;
}

/** Everything one flush writes, claimed from the state under one generation number. */
export interface FlushSet {
  gen: number;
  position: StreamPosition | null;
  newSeries: Array<{ sid: number; labels: Labels }>;
  chunks: Array<{ sid: number; chunk: PendingChunk }>;
  heads: Array<{ sid: number; maxt: number; xor: Uint8Array; count: number; prevBytes: number }>;
  ooo: Array<{ sid: number; run: Run }>;
  metadata: Array<[string, MetricMetadata]>;
  exemplars: Array<{ sid: number; labels: Labels; value: number; ts: number }>;
  /** Net samples added (out-of-order samples counted as new; the flush corrects that). */
  samples: number;
  oldest: number | null;
  newest: number | null;
  nextSid: number;
}

/** Counters of what the state holds beyond durable storage. */
export interface PendingCounts {
  batches: number;
  samples: number;
  /** When the oldest unflushed append arrived (ms), null when nothing is pending. */
  since: number | null;
}

/** The writer's head: routes appends, cuts chunks, and hands out flush sets. */
export class HeadState {
  private readonly byKey = new Map<string, SeriesEntry>();
  private readonly bySid = new Map<number, SeriesEntry>();
  private readonly byObject = new WeakMap<Labels, SeriesEntry>();
  private readonly dirty = new Set<SeriesEntry>();
  private metadata = new Map<string, MetricMetadata>();
  private exemplars: FlushSet['exemplars'] = [];
  private readonly inflight = new Map<number, FlushSet>();
  nextSid: number;
  /** Last position accepted into memory. */
  accepted: StreamPosition | null;
  private pendingSamples = 0;
  private pendingBatches = 0;
  private pendingSince: number | null = null;
  private oldest: number | null = null;
  private newest: number | null = null;

  constructor(nextSid: number, accepted: StreamPosition | null) {
    this.nextSid = nextSid;
    this.accepted = accepted;
  }

  get seriesCount(): number {
    return this.bySid.size;
  }

  /** Adds a stored series with its durable head. */
  load(sid: number, labels: Labels, head: LoadedHead | null): void {
    const e = this.newEntry(sid, labels);
    e.stored = true;
    if (head) {
      e.maxt = head.maxt;
      e.head = HeadChunk.of(head.run);
      e.headBytes = head.bytes;
    }
    if (sid >= this.nextSid) this.nextSid = sid + 1;
  }

  entry(sid: number): SeriesEntry | undefined {
    return this.bySid.get(sid);
  }

  entries(): IterableIterator<SeriesEntry> {
    return this.bySid.values();
  }

  /** Forgets a series (retention deleted it). */
  drop(sid: number): void {
    const e = this.bySid.get(sid);
    if (!e) return;
    this.bySid.delete(sid);
    this.byKey.delete(labelsKey(e.labels));
    this.dirty.delete(e);
  }

  /** Whether a batch at this position would be a replay of one already accepted. */
  isReplay(pos: StreamPosition): boolean {
    return this.accepted !== null && this.accepted.epoch === pos.epoch && pos.seq <= this.accepted.seq;
  }

  /** Records a batch boundary: the position advances and the batch counts toward the flush policy. */
  acceptBatch(pos: StreamPosition | null, now: number): void {
    if (pos) this.accepted = { epoch: pos.epoch, seq: pos.seq };
    this.pendingBatches++;
    this.pendingSince ??= now;
  }

  /** Appends one series' time-sorted samples; returns the net number of samples added. */
  append(labels: Labels, t: Float64Array, v: Float64Array, now: number): number {
    if (t.length === 0) return 0;
    const e = this.resolve(labels);
    let added = 0;
    // The input is sorted, so samples at or before maxt (a prefix) are the out-of-order ones.
    let split = 0;
    while (split < t.length && t[split] <= e.maxt) split++;
    if (split > 0) added += this.late(e, { t: t.subarray(0, split), v: v.subarray(0, split) });
    for (let i = split; i < t.length; i++) {
      if (!e.head.accepts(t[i])) this.seal(e);
      e.head.append(t[i], v[i]);
      added++;
    }
    if (split < t.length) e.maxt = t[t.length - 1];
    e.headDirty = true;
    this.dirty.add(e);
    this.pendingSamples += added;
    this.pendingSince ??= now;
    if (this.oldest === null || t[0] < this.oldest) this.oldest = t[0];
    if (this.newest === null || t[t.length - 1] > this.newest) this.newest = t[t.length - 1];
    return added;
  }

  /** Queues metadata for the next flush. */
  addMetadata(family: string, meta: MetricMetadata, now: number): void {
    this.metadata.set(family, meta);
    this.pendingSince ??= now;
  }

  /** Queues an exemplar for the next flush (creating its series if it has no samples yet). */
  addExemplar(x: ExemplarAppend, now: number): void {
    const e = this.resolve(x.series);
    this.dirty.add(e);
    this.exemplars.push({ sid: e.sid, labels: x.labels, value: x.value, ts: x.ts });
    this.pendingSince ??= now;
  }

  /** Metadata not yet committed (pending and in flight). */
  uncommittedMetadata(): Array<[string, MetricMetadata]> {
    const out: Array<[string, MetricMetadata]> = [];
    for (const f of this.inflight.values()) out.push(...f.metadata);
    out.push(...this.metadata);
    return out;
  }

  /** Exemplars not yet committed (in flight, then pending). */
  uncommittedExemplars(): FlushSet['exemplars'] {
    const out: FlushSet['exemplars'] = [];
    for (const f of this.inflight.values()) out.push(...f.exemplars);
    out.push(...this.exemplars);
    return out;
  }

  pending(): PendingCounts {
    return { batches: this.pendingBatches, samples: this.pendingSamples, since: this.pendingSince };
  }

  /** Net samples accepted but not yet committed, including flushes in flight. */
  uncommittedSamples(): number {
    let n = this.pendingSamples;
    for (const f of this.inflight.values()) n += f.samples;
    return n;
  }

  /** Oldest and newest sample times accepted since the last commit (null when none). */
  uncommittedRange(): { oldest: number | null; newest: number | null } {
    let { oldest, newest } = this;
    for (const f of this.inflight.values()) {
      if (f.oldest !== null && (oldest === null || f.oldest < oldest)) oldest = f.oldest;
      if (f.newest !== null && (newest === null || f.newest > newest)) newest = f.newest;
    }
    return { oldest, newest };
  }

  /** Series created in memory and not yet durable that match every matcher. */
  unstoredMatching(matchers: readonly LabelMatcher[]): SeriesEntry[] {
    const out: SeriesEntry[] = [];
    for (const e of this.dirty) {
      if (!e.stored && matchers.every((m) => matchLabelValue(m, e.labels[m.name] ?? ''))) out.push(e);
    }
    for (const f of this.inflight.values()) {
      for (const s of f.newSeries) {
        const e = this.bySid.get(s.sid);
        if (e && !e.stored && !out.includes(e) && matchers.every((m) => matchLabelValue(m, e.labels[m.name] ?? ''))) out.push(e);
      }
    }
    return out;
  }

  /** Claims everything pending for flush `gen`; the caller must later commit(gen) or rollback(gen). */
  claim(gen: number, durable: StreamPosition | null): FlushSet {
    const set: FlushSet = {
      gen,
      position: this.accepted ?? durable,
      newSeries: [],
      chunks: [],
      heads: [],
      ooo: [],
      metadata: [...this.metadata],
      exemplars: this.exemplars,
      samples: this.pendingSamples,
      oldest: this.oldest,
      newest: this.newest,
      nextSid: this.nextSid,
    };
    for (const e of this.dirty) {
      if (!e.stored) set.newSeries.push({ sid: e.sid, labels: e.labels });
      for (const c of e.sealed) {
        if (c.flushGen === undefined) {
          c.flushGen = gen;
          set.chunks.push({ sid: e.sid, chunk: c });
        }
      }
      if (e.headDirty) {
        set.heads.push({ sid: e.sid, maxt: e.maxt, xor: e.head.bytes(), count: e.head.count, prevBytes: e.headBytes });
        e.headDirty = false;
      }
      if (e.ooo) {
        set.ooo.push({ sid: e.sid, run: e.ooo });
        e.oooInflight.push({ run: e.ooo, flushGen: gen });
        e.ooo = null;
      }
    }
    this.dirty.clear();
    this.metadata = new Map();
    this.exemplars = [];
    this.pendingSamples = 0;
    this.pendingBatches = 0;
    this.pendingSince = null;
    this.oldest = null;
    this.newest = null;
    this.inflight.set(gen, set);
    return set;
  }

  /** Marks flush `gen` durable; `headBytes` gives each written head record's size. */
  commit(gen: number, headBytes: ReadonlyMap<number, number>): void {
    const set = this.inflight.get(gen);
    if (!set) return;
    this.inflight.delete(gen);
    for (const { sid } of set.newSeries) {
      const e = this.bySid.get(sid);
      if (e) e.stored = true;
    }
    for (const { chunk } of set.chunks) chunk.committedGen = gen;
    for (const { sid } of set.ooo) {
      for (const o of this.bySid.get(sid)?.oooInflight ?? []) if (o.flushGen === gen) o.committedGen = gen;
    }
    for (const [sid, bytes] of headBytes) {
      const e = this.bySid.get(sid);
      if (e) e.headBytes = bytes;
    }
  }

  /** Returns flush `gen`'s claims to the pending state (its transaction did not commit). */
  rollback(gen: number, now: number): void {
    const set = this.inflight.get(gen);
    if (!set) return;
    this.inflight.delete(gen);
    for (const { sid, chunk } of set.chunks) {
      chunk.flushGen = undefined;
      const e = this.bySid.get(sid);
      if (e) this.dirty.add(e);
    }
    for (const { sid } of set.heads) {
      const e = this.bySid.get(sid);
      if (e) {
        e.headDirty = true;
        this.dirty.add(e);
      }
    }
    for (const { sid } of set.newSeries) {
      const e = this.bySid.get(sid);
      if (e) this.dirty.add(e);
    }
    for (const { sid, run } of set.ooo) {
      const e = this.bySid.get(sid);
      if (!e) continue;
      e.oooInflight = e.oooInflight.filter((o) => o.flushGen !== gen);
      // Samples that arrived since the claim are newer and win over the returned ones.
      e.ooo = mergeRuns(run, e.ooo ?? EMPTY_RUN);
      this.dirty.add(e);
    }
    for (const [family, meta] of set.metadata) if (!this.metadata.has(family)) this.metadata.set(family, meta);
    this.exemplars = [...set.exemplars, ...this.exemplars];
    this.pendingSamples += set.samples;
    if (set.oldest !== null && (this.oldest === null || set.oldest < this.oldest)) this.oldest = set.oldest;
    if (set.newest !== null && (this.newest === null || set.newest > this.newest)) this.newest = set.newest;
    this.pendingBatches++;
    this.pendingSince ??= now;
  }

  /**
   * Frees committed chunks and out-of-order runs that no running read still needs from memory: a read whose
   * transaction began at committed generation g sees every flush up to g in storage.
   */
  release(oldestReadGen: number): void {
    for (const e of this.bySid.values()) {
      if (e.sealed.length > 0 && e.sealed[0].committedGen !== undefined) {
        e.sealed = e.sealed.filter((c) => c.committedGen === undefined || c.committedGen > oldestReadGen);
      }
      if (e.oooInflight.length > 0) e.oooInflight = e.oooInflight.filter((o) => o.committedGen === undefined || o.committedGen > oldestReadGen);
    }
  }

  /** The samples memory holds for a series, lowest priority first (for merging over stored chunks). */
  memoryRuns(e: SeriesEntry): Run[] {
    const runs: Run[] = e.sealed.map((c) => c.run);
    for (const o of e.oooInflight) runs.push(o.run);
    if (e.ooo) runs.push(e.ooo);
    runs.push(e.head.run());
    return runs;
  }

  private resolve(labels: Labels): SeriesEntry {
    const cached = this.byObject.get(labels);
    if (cached && this.bySid.get(cached.sid) === cached) return cached;
    const clean = dropEmptyLabels(labels);
    const key = labelsKey(clean);
    let e = this.byKey.get(key);
    if (!e) e = this.newEntry(this.nextSid++, clean);
    this.byObject.set(labels, e);
    return e;
  }

  private newEntry(sid: number, labels: Labels): SeriesEntry {
    const e: SeriesEntry = {
      sid,
      labels,
      maxt: -Infinity,
      head: new HeadChunk(),
      headDirty: false,
      sealed: [],
      ooo: null,
      oooInflight: [],
      stored: false,
      headBytes: 0,
    };
    this.byKey.set(labelsKey(labels), e);
    this.bySid.set(sid, e);
    return e;
  }

  private seal(e: SeriesEntry): void {
    e.sealed.push(e.head.seal());
    e.head = new HeadChunk();
  }

  /** Samples at or before the series' newest: merged into the open chunk, or queued for the stored chunks. */
  private late(e: SeriesEntry, run: Run): number {
    const head = e.head;
    // Samples before the open chunk's first one (all of them when it is empty) belong to stored chunks.
    let k = 0;
    while (k < run.t.length && (head.count === 0 || run.t[k] < head.mint)) k++;
    let added = 0;
    if (k > 0) {
      const older = { t: run.t.slice(0, k), v: run.v.slice(0, k) };
      e.ooo = e.ooo ? mergeRuns(e.ooo, older) : older;
      // Counted as new until the flush finds which replaced stored samples.
      added += k;
    }
    if (k < run.t.length) {
      const before = head.count;
      // Copies: the head's own columns are about to be replaced.
      const merged = mergeRuns({ t: head.run().t.slice(), v: head.run().v.slice() }, { t: run.t.slice(k), v: run.v.slice(k) });
      const { sealed, last } = cutRun(merged);
      e.sealed.push(...sealed);
      e.head = HeadChunk.of(last);
      added += merged.t.length - before;
    }
    return added;
  }
}
