// The writer's in-memory head (pure: no IndexedDB): the open region of every series (chunks not yet in blocks),
// routing of appends, and the claims that turn it into WAL records and finalised blocks at each flush.
//
// Time is split at the finalised boundary F: samples before F live in block records; samples from F on live here
// and, durably, in the write-ahead log. A flush writes a WAL delta (or a checkpoint of the whole region); once the
// newest sample is half a chunk range past a bucket's end, the flush also moves that bucket into blocks.
import { labelsKey, type Labels } from '../../../shared/model/labels.ts';
import { matchLabelValue, type LabelMatcher } from '../../../shared/promql/ast.ts';
import { decodeXorColumns } from '../../../shared/chunk/xordecode.ts';
import { dropEmptyLabels } from '../store/ingest.ts';
import type { StreamPosition } from '../store/sampleStore.ts';
import { HeadChunk, cutRun } from './head.ts';
import { bucketOf, CHUNK_RANGE_MS } from './layout.ts';
import { applyOpen, type ChunkRef, type WalEntry } from './records.ts';
import { EMPTY_RUN, mergeRuns, type Run } from './runs.ts';
import type { ExemplarAppend, MetricMetadata } from './types.ts';
import { ShardAssigner } from './shards.ts';

export { SHARD_SERIES } from './shards.ts';

export interface SeriesEntry {
  sid: number;
  labels: Labels;
  shard: number;
  /** Newest timestamp in the open region (or appended since load); -Infinity for none. */
  maxt: number;
  head: HeadChunk;
  /** Sealed chunks of the open region (mint ≥ F), ascending. */
  sealed: ChunkRef[];
  /** How many chunks at the end of `sealed` the next WAL delta must carry. */
  newSealed: number;
  /** `sealed` was rewritten: the next WAL delta carries all of it. */
  replace: boolean;
  walDirty: boolean;
  /** Late samples before F, for merging into blocks at the next flush. */
  ooo: Run | null;
  oooInflight: Array<{ run: Run; gen: number }>;
  /** Chunks an in-flight flush is moving into blocks: still read from here until it commits. */
  finalInflight: ChunkRef[];
  stored: boolean;
  /** The open chunk as the WAL last recorded it (object and byte length), so the next delta sends only its growth. */
  walOpen: { head: HeadChunk; len: number } | null;
  /** While replaying the WAL: the open chunk's bytes so far. */
  replayOpen: Uint8Array | null;
}

/** What a read sees of one series in memory, captured when its transaction starts. */
export interface SeriesView {
  final: readonly ChunkRef[];
  sealed: readonly ChunkRef[];
  head: HeadChunk;
  headCount: number;
  /** Late samples before F not yet in blocks; they win over block samples at equal times. */
  late: Run[];
}

/** Everything one flush writes, claimed under one generation number. */
export interface FlushSet {
  gen: number;
  position: StreamPosition | null;
  newSeries: Array<{ sid: number; labels: Labels; shard: number }>;
  wal: { kind: 'delta' | 'checkpoint'; entries: WalEntry[] };
  /** Buckets in [from, to) move into blocks: per shard and bucket, each series' chunks. */
  finalize: { from: number; to: number; blocks: Map<string, { shard: number; bucket: number; series: Map<number, ChunkRef[]> }> } | null;
  ooo: Array<{ sid: number; shard: number; run: Run }>;
  metadata: Array<[string, MetricMetadata]>;
  exemplars: Array<{ sid: number; labels: Labels; value: number; ts: number }>;
  /** Net samples added (late samples before F counted as new; the flush corrects that). */
  samples: number;
  oldest: number | null;
  newest: number | null;
  nextSid: number;
  nextShard: number;
}

export interface PendingCounts {
  batches: number;
  samples: number;
  /** When the oldest unflushed change arrived (ms), null when nothing is pending. */
  since: number | null;
}

interface Saved {
  newSealed: number;
  replace: boolean;
  walDirty: boolean;
  walOpen: SeriesEntry['walOpen'];
}

/** The writer's head: routes appends, cuts chunks, and hands out flush sets. */
export class HeadState {
  private readonly byKey = new Map<string, SeriesEntry>();
  private readonly bySid = new Map<number, SeriesEntry>();
  private readonly byObject = new WeakMap<Labels, SeriesEntry>();
  private readonly dirty = new Set<SeriesEntry>();
  private readonly shards: ShardAssigner;
  private metadata = new Map<string, MetricMetadata>();
  private exemplars: FlushSet['exemplars'] = [];
  private readonly inflight = new Map<number, { set: FlushSet; saved: Map<SeriesEntry, Saved> }>();
  /** Finalised boundary: everything before it is in blocks. */
  finalized: number;
  nextSid: number;
  accepted: StreamPosition | null;
  private newestSeen = -Infinity;
  private pendingSamples = 0;
  private pendingBatches = 0;
  private pendingSince: number | null = null;
  private oldest: number | null = null;
  private newest: number | null = null;

  constructor(opts: { nextSid: number; nextShard: number; accepted: StreamPosition | null; finalized: number }) {
    this.nextSid = opts.nextSid;
    this.shards = new ShardAssigner(opts.nextShard);
    this.accepted = opts.accepted;
    this.finalized = opts.finalized;
  }

  /** The next unused shard number. */
  get nextShard(): number {
    return this.shards.next;
  }

  get seriesCount(): number {
    return this.bySid.size;
  }

  /** Adds a stored series. */
  load(sid: number, labels: Labels, shard: number): void {
    const e = this.newEntry(sid, labels, shard);
    e.stored = true;
    if (sid >= this.nextSid) this.nextSid = sid + 1;
    this.shards.load(labels, shard);
  }

  /** Replays one WAL record's entries (loading the head after a restart); call finishReplay() after the last. */
  replay(entries: readonly WalEntry[]): void {
    for (const w of entries) {
      const e = this.bySid.get(w.sid);
      if (!e) continue;
      const keep = (c: ChunkRef) => c.mint >= this.finalized;
      e.sealed = w.mode === 'replace' ? w.sealed.filter(keep) : [...e.sealed, ...w.sealed.filter(keep)];
      e.replayOpen = applyOpen(e.replayOpen ?? undefined, w.open);
    }
  }

  /** Rebuilds the open chunks from the replayed bytes (re-encoding gives the same bytes, so later deltas can grow them). */
  finishReplay(): void {
    for (const e of this.bySid.values()) {
      if (e.replayOpen) {
        const open = decodeXorColumns(e.replayOpen);
        e.head = HeadChunk.of(open.t.length > 0 && open.t[0] >= this.finalized ? open : EMPTY_RUN);
        e.walOpen = { head: e.head, len: e.replayOpen.length };
        e.replayOpen = null;
      }
      const last = e.head.count > 0 ? e.head.maxt : e.sealed.length > 0 ? e.sealed[e.sealed.length - 1].maxt : -Infinity;
      e.maxt = Math.max(e.maxt, last);
      if (e.maxt > this.newestSeen) this.newestSeen = e.maxt;
    }
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

  /** Whether a batch at this position repeats one already accepted. */
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
    const n = t.length;
    if (n === 0) return 0;
    const e = this.resolve(labels);
    let added = 0;
    let i = 0;
    // Sorted input: first what falls before the finalised boundary, then what is late within the open region.
    while (i < n && t[i] < this.finalized) i++;
    if (i > 0) {
      const late = { t: t.slice(0, i), v: v.slice(0, i) };
      e.ooo = e.ooo ? mergeRuns(e.ooo, late) : late;
      added += i;
    }
    let j = i;
    while (j < n && t[j] <= e.maxt) j++;
    if (j > i) added += this.lateInRegion(e, { t: t.subarray(i, j), v: v.subarray(i, j) });
    for (let k = j; k < n; k++) {
      if (!e.head.accepts(t[k])) this.seal(e);
      e.head.append(t[k], v[k]);
    }
    added += n - j;
    if (j < n) {
      e.maxt = t[n - 1];
      if (e.maxt > this.newestSeen) this.newestSeen = e.maxt;
    }
    // The flag spares a Set insertion per series and batch.
    if (!e.walDirty) {
      e.walDirty = true;
      this.dirty.add(e);
    }
    this.pendingSamples += added;
    this.pendingSince ??= now;
    if (this.oldest === null || t[0] < this.oldest) this.oldest = t[0];
    if (this.newest === null || t[n - 1] > this.newest) this.newest = t[n - 1];
    return added;
  }

  addMetadata(family: string, meta: MetricMetadata, now: number): void {
    this.metadata.set(family, meta);
    this.pendingSince ??= now;
  }

  /** Queues an exemplar (creating its series if it has no samples yet). */
  addExemplar(x: ExemplarAppend, now: number): void {
    const e = this.resolve(x.series);
    this.dirty.add(e);
    this.exemplars.push({ sid: e.sid, labels: x.labels, value: x.value, ts: x.ts });
    this.pendingSince ??= now;
  }

  uncommittedMetadata(): Array<[string, MetricMetadata]> {
    const out: Array<[string, MetricMetadata]> = [];
    for (const f of this.inflight.values()) out.push(...f.set.metadata);
    out.push(...this.metadata);
    return out;
  }

  uncommittedExemplars(): FlushSet['exemplars'] {
    const out: FlushSet['exemplars'] = [];
    for (const f of this.inflight.values()) out.push(...f.set.exemplars);
    out.push(...this.exemplars);
    return out;
  }

  pending(): PendingCounts {
    return { batches: this.pendingBatches, samples: this.pendingSamples, since: this.pendingSince };
  }

  uncommittedSamples(): number {
    let n = this.pendingSamples;
    for (const f of this.inflight.values()) n += f.set.samples;
    return n;
  }

  uncommittedRange(): { oldest: number | null; newest: number | null } {
    let { oldest, newest } = this;
    for (const { set } of this.inflight.values()) {
      if (set.oldest !== null && (oldest === null || set.oldest < oldest)) oldest = set.oldest;
      if (set.newest !== null && (newest === null || set.newest > newest)) newest = set.newest;
    }
    return { oldest, newest };
  }

  /** Series created in memory and not yet durable that match every matcher. */
  unstoredMatching(matchers: readonly LabelMatcher[]): SeriesEntry[] {
    const out: SeriesEntry[] = [];
    for (const e of this.bySid.values()) {
      if (!e.stored && matchers.every((m) => matchLabelValue(m, e.labels[m.name] ?? ''))) out.push(e);
    }
    return out;
  }

  /** The boundary the next flush should finalise up to (null when no bucket is due). */
  finalizeTarget(): number | null {
    if (!Number.isFinite(this.newestSeen)) return null;
    const target = bucketOf(this.newestSeen - CHUNK_RANGE_MS / 2);
    return target > this.finalized ? target : null;
  }

  /**
   * Claims everything pending for flush `gen`: a WAL delta (or, with `checkpoint`, the whole open region), and with
   * `finalizeTo` the chunks before that boundary as blocks. The caller must later commit(gen) or rollback(gen).
   */
  claim(gen: number, durable: StreamPosition | null, opts: { checkpoint: boolean; finalizeTo: number | null }): FlushSet {
    const saved = new Map<SeriesEntry, Saved>();
    const save = (e: SeriesEntry) => {
      if (!saved.has(e)) saved.set(e, { newSealed: e.newSealed, replace: e.replace, walDirty: e.walDirty, walOpen: e.walOpen });
    };
    let finalize: FlushSet['finalize'] = null;
    if (opts.finalizeTo !== null && opts.finalizeTo > this.finalized) {
      const to = opts.finalizeTo;
      const blocks: NonNullable<FlushSet['finalize']>['blocks'] = new Map();
      for (const e of this.bySid.values()) {
        let k = 0;
        while (k < e.sealed.length && e.sealed[k].mint < to) k++;
        const moving = e.sealed.slice(0, k);
        if (e.head.count > 0 && e.head.mint < to) {
          moving.push(toRef(e.head));
          e.head = new HeadChunk();
        }
        if (moving.length === 0) continue;
        save(e);
        e.sealed = e.sealed.slice(k);
        e.finalInflight = moving;
        for (const c of moving) {
          const bucket = bucketOf(c.mint);
          const key = `${e.shard}:${bucket}`;
          let b = blocks.get(key);
          if (!b) blocks.set(key, (b = { shard: e.shard, bucket, series: new Map() }));
          const list = b.series.get(e.sid) ?? [];
          list.push(c);
          b.series.set(e.sid, list);
        }
      }
      finalize = { from: this.finalized, to, blocks };
    }
    const checkpoint = opts.checkpoint || finalize !== null;
    const entries: WalEntry[] = [];
    const newSeries: FlushSet['newSeries'] = [];
    const ooo: FlushSet['ooo'] = [];
    const source = checkpoint ? this.bySid.values() : this.dirty.values();
    for (const e of source) {
      if (checkpoint) {
        if (e.sealed.length > 0 || e.head.count > 0) {
          save(e);
          const full = e.head.bytes();
          entries.push({ sid: e.sid, mode: 'replace', sealed: e.sealed, open: { full } });
          e.walOpen = { head: e.head, len: full.length };
        }
      } else if (e.walDirty) {
        save(e);
        const bytes = e.head.bytes();
        const known = e.walOpen;
        // The same open chunk, grown: send the count and the bytes from its last (partly filled) known byte on.
        const open =
          known && known.head === e.head && known.len > 2 && bytes.length >= known.len
            ? { from: known.len - 1, count: e.head.count, tail: bytes.subarray(known.len - 1) }
            : { full: bytes };
        entries.push({ sid: e.sid, mode: e.replace ? 'replace' : 'append', sealed: e.replace ? e.sealed : e.sealed.slice(e.sealed.length - e.newSealed), open });
        e.walOpen = { head: e.head, len: bytes.length };
      }
      if (e.walDirty || e.newSealed > 0 || e.replace) {
        save(e);
        e.walDirty = false;
        e.newSealed = 0;
        e.replace = false;
      }
    }
    for (const e of this.dirty) {
      if (!e.stored) newSeries.push({ sid: e.sid, labels: e.labels, shard: e.shard });
      if (e.ooo) {
        ooo.push({ sid: e.sid, shard: e.shard, run: e.ooo });
        e.oooInflight.push({ run: e.ooo, gen });
        e.ooo = null;
      }
    }
    const set: FlushSet = {
      gen,
      position: this.accepted ?? durable,
      newSeries,
      wal: { kind: checkpoint ? 'checkpoint' : 'delta', entries },
      finalize,
      ooo,
      metadata: [...this.metadata],
      exemplars: this.exemplars,
      samples: this.pendingSamples,
      oldest: this.oldest,
      newest: this.newest,
      nextSid: this.nextSid,
      nextShard: this.nextShard,
    };
    this.dirty.clear();
    this.metadata = new Map();
    this.exemplars = [];
    this.pendingSamples = 0;
    this.pendingBatches = 0;
    this.pendingSince = null;
    this.oldest = null;
    this.newest = null;
    this.inflight.set(gen, { set, saved });
    return set;
  }

  /** Marks flush `gen` durable. */
  commit(gen: number): void {
    const f = this.inflight.get(gen);
    if (!f) return;
    this.inflight.delete(gen);
    const { set } = f;
    for (const { sid } of set.newSeries) {
      const e = this.bySid.get(sid);
      if (e) e.stored = true;
    }
    if (set.finalize) {
      this.finalized = set.finalize.to;
      for (const b of set.finalize.blocks.values()) for (const sid of b.series.keys()) {
        const e = this.bySid.get(sid);
        if (e) e.finalInflight = [];
      }
    }
    for (const { sid } of set.ooo) {
      const e = this.bySid.get(sid);
      if (e) e.oooInflight = e.oooInflight.filter((o) => o.gen !== gen);
    }
  }

  /** Returns flush `gen`'s claims to the pending state (its transaction did not commit). */
  rollback(gen: number, now: number): void {
    const f = this.inflight.get(gen);
    if (!f) return;
    this.inflight.delete(gen);
    const { set, saved } = f;
    if (set.finalize) {
      for (const b of set.finalize.blocks.values()) for (const sid of b.series.keys()) {
        const e = this.bySid.get(sid);
        if (!e || e.finalInflight.length === 0) continue;
        e.sealed = [...e.finalInflight, ...e.sealed];
        e.finalInflight = [];
        e.replace = true;
      }
    }
    for (const [e, s] of saved) {
      e.walOpen = s.walOpen;
      e.newSealed += s.newSealed;
      e.replace ||= s.replace;
      if (s.walDirty || e.newSealed > 0 || e.replace) e.walDirty = true;
      if (e.walDirty) this.dirty.add(e);
    }
    for (const { sid } of set.newSeries) {
      const e = this.bySid.get(sid);
      if (e) this.dirty.add(e);
    }
    for (const { sid, run } of set.ooo) {
      const e = this.bySid.get(sid);
      if (!e) continue;
      e.oooInflight = e.oooInflight.filter((o) => o.gen !== gen);
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

  /** What memory holds for a series right now (arrays are replaced, never mutated, once a read may hold them). */
  view(e: SeriesEntry): SeriesView {
    const late: Run[] = e.oooInflight.map((o) => o.run);
    if (e.ooo) late.push(e.ooo);
    return { final: e.finalInflight, sealed: e.sealed, head: e.head, headCount: e.head.count, late };
  }

  /** Views of every series, captured together (a read takes them when its transaction starts). */
  snapshot(): { finalized: number; views: Map<number, SeriesView> } {
    const views = new Map<number, SeriesView>();
    for (const e of this.bySid.values()) views.set(e.sid, this.view(e));
    return { finalized: this.finalized, views };
  }

  private resolve(labels: Labels): SeriesEntry {
    const cached = this.byObject.get(labels);
    if (cached && this.bySid.get(cached.sid) === cached) return cached;
    const clean = dropEmptyLabels(labels);
    const key = labelsKey(clean);
    let e = this.byKey.get(key);
    if (!e) {
      e = this.newEntry(this.nextSid++, clean, this.shards.assign(clean));
    }
    this.byObject.set(labels, e);
    return e;
  }

  private newEntry(sid: number, labels: Labels, shard: number): SeriesEntry {
    const e: SeriesEntry = {
      sid,
      labels,
      shard,
      maxt: -Infinity,
      head: new HeadChunk(),
      sealed: [],
      newSealed: 0,
      replace: false,
      walDirty: false,
      ooo: null,
      oooInflight: [],
      finalInflight: [],
      stored: false,
      walOpen: null,
      replayOpen: null,
    };
    this.byKey.set(labelsKey(labels), e);
    this.bySid.set(sid, e);
    return e;
  }

  private seal(e: SeriesEntry): void {
    // A new array: a read may hold the old one.
    e.sealed = [...e.sealed, toRef(e.head)];
    e.newSealed++;
    e.head = new HeadChunk();
  }

  /** Samples in [F, maxt]: merged into the open chunk, or into the sealed chunks of the region they fall among. */
  private lateInRegion(e: SeriesEntry, run: Run): number {
    const first = run.t[0];
    const head = e.head;
    if (head.count > 0 && first >= head.mint) {
      const before = head.count;
      const merged = mergeRuns({ t: head.run().t.slice(), v: head.run().v.slice() }, { t: run.t.slice(), v: run.v.slice() });
      const { sealed, last } = cutRun(merged);
      if (sealed.length > 0) {
        e.sealed = [...e.sealed, ...sealed.map((c) => ({ mint: c.mint, maxt: c.maxt, count: c.run.t.length, xor: c.xor }))];
        e.newSealed += sealed.length;
      }
      e.head = HeadChunk.of(last);
      return merged.t.length - before;
    }
    // Rewrite from the first sealed chunk the late samples reach, through the open chunk.
    let k = 0;
    while (k < e.sealed.length && e.sealed[k].maxt < first) k++;
    let before = head.count;
    let region: Run = EMPTY_RUN;
    for (let i = k; i < e.sealed.length; i++) {
      region = mergeRuns(region, decodeXorColumns(e.sealed[i].xor));
      before += e.sealed[i].count;
    }
    if (head.count > 0) region = mergeRuns(region, { t: head.run().t.slice(), v: head.run().v.slice() });
    const merged = mergeRuns(region, { t: run.t.slice(), v: run.v.slice() });
    const { sealed, last } = cutRun(merged);
    e.sealed = [...e.sealed.slice(0, k), ...sealed.map((c) => ({ mint: c.mint, maxt: c.maxt, count: c.run.t.length, xor: c.xor }))];
    e.head = HeadChunk.of(last);
    e.replace = true;
    return merged.t.length - before;
  }
}

/** The open chunk as a sealed chunk reference. */
function toRef(h: HeadChunk): ChunkRef {
  return { mint: h.mint, maxt: h.maxt, count: h.count, xor: h.bytes() };
}
