// The TSDB engine behind every handle on one database in this JavaScript realm: head, flushes, reads, retention.
import { readChunkRecord, xorFirstTime, type ChunkHeader } from '../../../shared/chunk/record.ts';
import { chunkSampleCount } from '../../../shared/chunk/xor.ts';
import { decodeXorInto } from '../../../shared/chunk/xordecode.ts';
import { compareLabels, METRIC_NAME, type Labels } from '../../../shared/model/labels.ts';
import type { LabelMatcher } from '../../../shared/promql/ast.ts';
import type { Cancellation, SelectHints, SeriesSamples } from '../../../shared/promql/queryable.ts';
import type { SeriesAppend, StoreStats, StreamGap, StreamPosition } from '../store/sampleStore.ts';
import { BlockCache, ChunkCache } from './cache.ts';
import { runCheck } from './check.ts';
import { emptyMeta, isQuotaError, openTsdbDatabase, type MetaRecord, type SeriesRecord, type TsdbDatabase } from './db.ts';
import { writeFlush } from './flush.ts';
import { checkpointDue, flushDelay, flushReason } from './flushplan.ts';
import { HeadState, type FlushSet } from './headstate.ts';
import { bucketOf, CHUNK_RANGE_MS } from './layout.ts';
import { decodeWal, readBlockDirectory, type BlockDirectory } from './records.ts';
import { Replica } from './replica.ts';
import { unionPostings, selectPostings } from './postings.ts';
import { allLabelNames, idbPostings, READ_STORES, type ReadTx } from './read.ts';
import { runRetention } from './retention-run.ts';
import { combineRuns, sliceRun, type Run } from './runs.ts';
import { ColumnSlab } from './slab.ts';
import { requestPersistence, storageEstimate } from './storage.ts';
import {
  DEFAULT_FLUSH_POLICY,
  DEFAULT_RETENTION,
  type CheckReport,
  type ExemplarAppend,
  type ExemplarSeries,
  type FlushPolicy,
  type MetricMetadata,
  type RetentionPolicy,
  type RetentionReport,
  type TsdbAppendBatch,
  type TsdbStatus,
} from './types.ts';

/** Sent after every committed flush; the same shape as the worker protocol's DataChange. */
export interface FlushNotice {
  epoch: string;
  seq: number;
  samples: number;
  /** Metric names that got samples. */
  names: string[];
  minT: number;
  maxT: number;
}

export interface TsdbOptions {
  /** IndexedDB database name (default 'sightline-tsdb'). */
  name?: string;
  flush?: Partial<FlushPolicy>;
  retention?: Partial<RetentionPolicy>;
  /** How often a writer checks retention after a flush (ms, default 60 s); a store over its size limit checks every flush. */
  retentionCheckMs?: number;
  /** Budget of the decoded-chunk cache in samples (default 2,000,000, about 32 MB). */
  cacheSamples?: number;
  /** Posts a FlushNotice on this BroadcastChannel after each committed flush, for other tabs. */
  broadcastChannel?: string | null;
  onFlush?: (notice: FlushNotice) => void;
  /** Ask navigator.storage.persist() when opening (default true). */
  persist?: boolean;
  /** Decode every chunk when opening (default false: heads and the meta record only). */
  deepCheck?: boolean;
}

/** Thrown by appends while the browser's quota is exhausted; everything stored before stays intact. */
export class TsdbQuotaError extends Error {
  override name = 'TsdbQuotaError';
}

/** Thrown by appends after a storage failure or on a closed store. */
export class TsdbStateError extends Error {
  override name = 'TsdbStateError';
}

/** Appends kept until durable, so a head rebuilt after another realm's write can replay them. */
type LogEntry =
  | { kind: 'batch'; batch: TsdbAppendBatch }
  | { kind: 'import'; series: SeriesAppend[]; meta: Array<[string, MetricMetadata]>; exemplars: ExemplarAppend[] };

const QUOTA_MESSAGE =
  'The browser refused to store more data (storage quota exceeded). Ingest has stopped; everything stored so far is intact. ' +
  'Free space (lower the retention or delete data) and resume.';

/** One database's engine; handles share it (see tsdb.ts). */
export class TsdbCore {
  private head: HeadState | null = null;
  private loading: Promise<HeadState> | null = null;
  /** Generation of the last flush this core committed or loaded. */
  private committedGen = 0;
  private durableMeta: MetaRecord | null = null;
  private flushChain: Promise<void> = Promise.resolve();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private fetched = 0;
  private memoryDecodes = 0;
  private memoryHits = 0;
  private readonly seriesCache = new Map<number, SeriesRecord>();
  private readonly directories = new WeakMap<Uint8Array, BlockDirectory>();
  private memoryDecoded = new WeakMap<Uint8Array, Run>();
  private combined = new Map<number, { inputs: Run[]; out: Run }>();
  private combinedSamples = 0;
  private readonly cacheSamples: number;
  private blockCache = new BlockCache(-1, 64 * 1024 * 1024);
  /** A reader's copy of the open region, and the meta generation it was brought up to. */
  private readonly replica = new Replica();
  private replicaGen = -1;
  private walRecords = 0;
  private walBytes = 0;
  private readonly cache: ChunkCache;
  private log: LogEntry[] = [];
  private lastRetentionAt = 0;
  /** An eager flush is queued and has not started yet. */
  private eagerQueued = false;
  private lastEstimateAt = 0;
  private readonly listeners = new Set<(s: TsdbStatus) => void>();
  private readonly channel: BroadcastChannel | null;
  private readonly flushPolicy: FlushPolicy;
  retention: RetentionPolicy;
  private state: TsdbStatus = {
    state: 'ok',
    message: null,
    writer: false,
    durable: null,
    accepted: null,
    pendingSamples: 0,
    lastFlushAt: null,
    lastFlushMs: null,
    persisted: null,
    usage: null,
    quota: null,
    storedBytes: 0,
  };
  /** What the check on open found. */
  openCheck: CheckReport | null = null;

  private constructor(
    readonly db: TsdbDatabase,
    readonly name: string,
    private readonly opts: TsdbOptions,
  ) {
    this.flushPolicy = { ...DEFAULT_FLUSH_POLICY, ...opts.flush };
    this.retention = { ...DEFAULT_RETENTION, ...opts.retention };
    this.cacheSamples = opts.cacheSamples ?? 2_000_000;
    this.cache = new ChunkCache(this.cacheSamples);
    this.channel = opts.broadcastChannel && typeof BroadcastChannel !== 'undefined' ? new BroadcastChannel(opts.broadcastChannel) : null;
  }

  /** Opens the database, checks it (dropping torn heads) and reports the durable position in status(). */
  static async open(name: string, opts: TsdbOptions): Promise<TsdbCore> {
    let core: TsdbCore | null = null;
    const db = await openTsdbDatabase(name, () => core?.setState('error', 'The database was upgraded in another tab: reload this page.'));
    core = new TsdbCore(db, name, opts);
    const { wal, ...report } = await runCheck(db, { deep: opts.deepCheck ?? false });
    core.openCheck = report;
    // The check read the WAL already: it seeds this reader's replica, so the first query need not read it again.
    core.replica.apply(wal.keys, wal.values);
    core.replicaGen = wal.gen;
    const meta = (await db.get('meta', 'state')) ?? emptyMeta();
    core.committedGen = meta.gen;
    core.state.durable = meta.epoch === null ? null : { epoch: meta.epoch, seq: meta.seq };
    core.state.storedBytes = storedBytes(meta);
    if (opts.persist ?? true) {
      void requestPersistence().then((p) => core!.patch({ persisted: p }));
    }
    void core.refreshEstimate();
    return core;
  }

  // ---------------------------------------------------------------- writing

  /** Accepts a batch into the head; flushes (and waits) when the flush policy says so. */
  async appendBatch(batch: TsdbAppendBatch): Promise<void> {
    this.assertWritable();
    const head = await this.writerState();
    if (head.isReplay(batch)) return;
    this.log.push({ kind: 'batch', batch });
    this.apply(head, { kind: 'batch', batch });
    await this.afterAppend(head);
  }

  /** Adds samples, metadata and exemplars from outside the stream (imports): the stream position does not move. */
  async importData(series: SeriesAppend[], meta: Array<[string, MetricMetadata]> = [], exemplars: ExemplarAppend[] = []): Promise<void> {
    this.assertWritable();
    const head = await this.writerState();
    const entry: LogEntry = { kind: 'import', series, meta, exemplars };
    this.log.push(entry);
    this.apply(head, entry);
    await this.afterAppend(head);
  }

  /** Makes everything accepted so far durable. */
  flush(): Promise<void> {
    const run = this.flushChain.then(() => this.flushOnce(0));
    this.flushChain = run.catch(() => undefined);
    return run;
  }

  /** Leaves the quota-exceeded or error state and retries the pending flush. */
  async resume(): Promise<void> {
    if (this.state.state === 'closed') throw new TsdbStateError('the store is closed');
    this.setState('ok', null);
    await this.flush();
  }

  private assertWritable(): void {
    if (this.state.state === 'quota-exceeded') throw new TsdbQuotaError(QUOTA_MESSAGE);
    if (this.state.state !== 'ok') throw new TsdbStateError(this.state.message ?? `the store is ${this.state.state}`);
  }

  private apply(head: HeadState, entry: LogEntry): void {
    const now = Date.now();
    if (entry.kind === 'batch') {
      const b = entry.batch;
      for (const s of b.series) head.append(s.labels, s.t, s.v, now);
      for (const [family, m] of b.meta ?? []) head.addMetadata(family, m, now);
      for (const x of b.exemplars ?? []) head.addExemplar(x, now);
      head.acceptBatch({ epoch: b.epoch, seq: b.seq }, now);
    } else {
      for (const s of entry.series) head.append(s.labels, s.t, s.v, now);
      for (const [family, m] of entry.meta) head.addMetadata(family, m, now);
      for (const x of entry.exemplars) head.addExemplar(x, now);
      head.acceptBatch(null, now);
    }
    this.patch({ writer: true, accepted: head.accepted, pendingSamples: head.uncommittedSamples() });
  }

  private async afterAppend(head: HeadState): Promise<void> {
    const now = Date.now();
    const reason = flushReason(head.pending(), now, this.flushPolicy);
    if (this.flushPolicy.eager && reason !== 'samples') {
      // Group commit: one flush queued behind the one writing (if any) takes everything accepted until it starts.
      if (!this.eagerQueued) {
        this.eagerQueued = true;
        const run = this.flushChain.then(() => {
          this.eagerQueued = false;
          return this.flushOnce(0);
        });
        this.flushChain = run.catch(() => undefined);
        // A failure is reported through status(); the next append sees it.
        run.catch(() => undefined);
      }
      return;
    }
    if (reason !== null) {
      await this.flush();
      return;
    }
    if (this.timer === null) {
      const delay = flushDelay(head.pending(), now, this.flushPolicy) ?? this.flushPolicy.maxDelayMs;
      this.timer = setTimeout(() => {
        this.timer = null;
        // A failure is reported through status(); the next append sees it.
        this.flush().catch(() => undefined);
      }, delay);
    }
  }

  /** The head, loaded from storage on first use (the handle becomes this tab's writer). */
  private writerState(): Promise<HeadState> {
    if (this.head) return Promise.resolve(this.head);
    this.loading ??= this.loadHead().then((h) => {
      this.head = h;
      this.loading = null;
      return h;
    });
    return this.loading;
  }

  private async loadHead(): Promise<HeadState> {
    const tx = this.db.transaction(['meta', 'series', 'wal'], 'readonly');
    const [meta, sids, records, walKeys, walValues] = await Promise.all([
      tx.objectStore('meta').get('state'),
      tx.objectStore('series').getAllKeys(),
      tx.objectStore('series').getAll(),
      tx.objectStore('wal').getAllKeys(),
      tx.objectStore('wal').getAll(),
    ]);
    await tx.done;
    const m = meta ?? emptyMeta();
    const state = new HeadState({
      nextSid: m.nextSid,
      nextShard: m.nextShard,
      accepted: m.epoch === null ? null : { epoch: m.epoch, seq: m.seq },
      finalized: m.finalized,
    });
    sids.forEach((sid, i) => state.load(sid, records[i].labels, records[i].shard));
    // From the newest checkpoint on (older records are deleted with it, but a crash may not have let that happen).
    let from = 0;
    walKeys.forEach((k, i) => {
      if (k[1] === 1) from = i;
    });
    for (let i = from; i < walKeys.length; i++) {
      try {
        state.replay(decodeWal(walValues[i]).entries);
      } catch {
        // runCheck reports and drops undecodable records on open; skip one that fails now.
      }
    }
    state.finishReplay();
    this.durableMeta = m;
    this.committedGen = m.gen;
    this.walRecords = m.walRecords;
    this.walBytes = m.walBytes;
    this.patch({ durable: m.epoch === null ? null : { epoch: m.epoch, seq: m.seq }, accepted: state.accepted });
    return state;
  }

  /** One flush; `compact` writes a checkpoint even with nothing new, when the WAL holds more than one record. */
  private async flushOnce(attempt: number, compact = false): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const head = this.head;
    if (!head) return;
    const finalizeTo = head.finalizeTarget();
    const compacting = compact && this.walRecords > 1;
    if (head.pending().since === null && finalizeTo === null && !compacting) return;
    const gen = this.committedGen + 1;
    const checkpoint = compacting || checkpointDue(this.walRecords, this.walBytes, this.regionBytes(head));
    const set = head.claim(gen, this.state.durable, { checkpoint, finalizeTo });
    const logMark = this.log.length;
    const t0 = performance.now();
    let outcome;
    try {
      outcome = await writeFlush(this.db, set, this.committedGen);
    } catch (e) {
      head.rollback(gen, Date.now());
      if (isQuotaError(e)) this.setState('quota-exceeded', QUOTA_MESSAGE);
      else this.setState('error', `storing samples failed: ${e instanceof Error ? e.message : String(e)}`);
      throw isQuotaError(e) ? new TsdbQuotaError(QUOTA_MESSAGE) : e;
    }
    if (outcome.kind === 'conflict') {
      head.rollback(gen, Date.now());
      if (attempt >= 3) {
        this.setState('error', 'another tab keeps writing to the same database; reload this tab');
        throw new TsdbStateError('write conflict');
      }
      await this.reloadAfterConflict();
      return this.flushOnce(attempt + 1, compact);
    }
    head.commit(gen);
    this.log.splice(0, logMark);
    this.committedGen = gen;
    this.durableMeta = outcome.meta;
    this.walRecords = outcome.meta.walRecords;
    this.walBytes = outcome.meta.walBytes;
    const ms = performance.now() - t0;
    this.patch({
      durable: set.position,
      accepted: head.accepted,
      pendingSamples: head.uncommittedSamples(),
      lastFlushAt: Date.now(),
      lastFlushMs: ms,
      storedBytes: storedBytes(outcome.meta),
    });
    this.notify(head, set);
    await this.maybeRetention(outcome.meta);
    if (Date.now() - this.lastEstimateAt > 10_000) void this.refreshEstimate();
  }

  /** Bytes of the open region's chunks (what a checkpoint would write). */
  private regionBytes(head: HeadState): number {
    let n = 0;
    for (const e of head.entries()) {
      for (const c of e.sealed) n += c.xor.length;
      n += e.head.count * 2;
    }
    return n;
  }

  /** Another realm wrote since this head was loaded: reload it and replay what this one has not made durable. */
  private async reloadAfterConflict(): Promise<void> {
    const fresh = await this.loadHead();
    for (const entry of this.log) {
      if (entry.kind === 'batch' && fresh.isReplay(entry.batch)) continue;
      this.apply(fresh, entry);
    }
    this.head = fresh;
    this.seriesCache.clear();
    this.cache.clear();
  }

  private notify(head: HeadState, set: FlushSet): void {
    if (!set.position || (set.samples === 0 && set.wal.kind === 'delta' && set.wal.entries.length === 0)) return;
    const names = new Set<string>();
    for (const w of set.wal.entries) names.add(head.entry(w.sid)?.labels[METRIC_NAME] ?? '');
    const notice: FlushNotice = {
      epoch: set.position.epoch,
      seq: set.position.seq,
      samples: set.samples,
      names: [...names].sort(),
      minT: set.oldest ?? NaN,
      maxT: set.newest ?? NaN,
    };
    this.opts.onFlush?.(notice);
    this.channel?.postMessage(notice);
  }

  private async maybeRetention(meta: MetaRecord): Promise<void> {
    const over = storedBytes(meta) > this.retention.maxBytes;
    if (!over && Date.now() - this.lastRetentionAt < (this.opts.retentionCheckMs ?? 60_000)) return;
    await this.retentionOnce();
  }

  /** Changes the retention limits (for this session; pass them in TsdbOptions to keep them) and applies them now. */
  setRetention(policy: Partial<RetentionPolicy>): Promise<RetentionReport> {
    this.retention = { ...this.retention, ...policy };
    return this.applyRetention();
  }

  /** Applies the retention limits now (serialised with flushes). */
  applyRetention(): Promise<RetentionReport> {
    const run = this.flushChain.then(() => this.retentionOnce());
    this.flushChain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async retentionOnce(): Promise<RetentionReport> {
    this.lastRetentionAt = Date.now();
    const head = this.head;
    const result = await runRetention(this.db, this.retention, this.committedGen, head);
    if (result.kind === 'conflict') return { cutoff: null, reason: null, chunks: 0, samples: 0, bytes: 0, series: 0 };
    if (result.meta) {
      this.committedGen = result.meta.gen;
      this.durableMeta = result.meta;
      this.cache.clear();
      for (const sid of result.droppedSeries) this.seriesCache.delete(sid);
      this.patch({ storedBytes: storedBytes(result.meta) });
    }
    return result.report;
  }

  // ---------------------------------------------------------------- reading

  /** Ids of matching series: the postings index, plus this writer's series not yet stored. */
  private async matchIds(tx: ReadTx, matchers: readonly LabelMatcher[]): Promise<Uint32Array> {
    const ids = await selectPostings(idbPostings(tx), matchers);
    const head = this.head;
    if (!head) return ids;
    const extra = head.unstoredMatching(matchers).map((e) => e.sid);
    return extra.length === 0 ? ids : unionPostings([ids, Uint32Array.from(extra).sort()]);
  }

  /** Series records (labels and shard) of the ids, from the head, the cache or the series store. */
  private async seriesOf(tx: ReadTx, ids: Uint32Array): Promise<SeriesRecord[]> {
    const head = this.head;
    const out: SeriesRecord[] = new Array(ids.length);
    const missing: number[] = [];
    ids.forEach((sid, i) => {
      const e = head?.entry(sid);
      const r = e ? { labels: e.labels, shard: e.shard } : this.seriesCache.get(sid);
      if (r) out[i] = r;
      else missing.push(i);
    });
    if (missing.length > 0) {
      const store = tx.objectStore('series');
      // Series of one metric are mostly created together, so their ids form runs: one ranged read per run
      // instead of one request per series. A run may skip ids, but reads at most twice the records it wants
      // (every eighth id, as one CPU mode of node_cpu_seconds_total is, takes single reads instead).
      const wanted = missing.map((i) => ids[i]);
      const runs: Array<[lo: number, hi: number, n: number]> = [];
      for (const sid of wanted) {
        const last = runs[runs.length - 1];
        if (last && sid - last[1] <= 8 && sid - last[0] + 1 <= 2 * (last[2] + 1)) {
          last[1] = sid;
          last[2]++;
        } else runs.push([sid, sid, 1]);
      }
      const found = new Map<number, SeriesRecord>();
      await Promise.all(
        runs.map(async ([lo, hi]) => {
          if (lo === hi) {
            const r = await store.get(lo);
            if (r) found.set(lo, r);
            return;
          }
          const range = IDBKeyRange.bound(lo, hi);
          // Mostly every id in the run exists, and then the values are ids lo..hi in order: counting is cheaper than
          // fetching the keys (IndexedDB's cost is per entry returned).
          const [n, values] = await Promise.all([store.count(range), store.getAll(range)]);
          if (n === hi - lo + 1) values.forEach((r, j) => found.set(lo + j, r));
          else (await store.getAllKeys(range)).forEach((k, j) => found.set(k, values[j]));
        }),
      );
      for (const i of missing) {
        const r = found.get(ids[i]);
        out[i] = r ?? { labels: {}, shard: -1 };
        if (r) this.seriesCache.set(ids[i], r);
      }
    }
    return out;
  }

  private async labelsOf(tx: ReadTx, ids: Uint32Array): Promise<Labels[]> {
    return (await this.seriesOf(tx, ids)).map((r) => r.labels);
  }

  /** Brings this reader's replica of the open region up to the WAL in `tx` (a writer's head needs none). */
  private async syncReplica(tx: ReadTx, meta: MetaRecord): Promise<void> {
    if (meta.gen === this.replicaGen) return;
    const wal = tx.objectStore('wal');
    const range = IDBKeyRange.lowerBound([this.replica.applied + 1]);
    const [keys, values] = await Promise.all([wal.getAllKeys(range), wal.getAll(range)]);
    // Applied synchronously, so concurrent reads apply every record once and see a consistent replica.
    this.replica.apply(keys, values);
    this.replicaGen = Math.max(this.replicaGen, meta.gen);
  }

  /** Series matching the matchers with their samples in [start, end]; decodes only chunks overlapping the range. */
  async select(matchers: readonly LabelMatcher[], hints: SelectHints, cancel?: Cancellation): Promise<SeriesSamples[]> {
    const { start, end } = hints;
    if (!(start <= end)) return [];
    const tx: ReadTx = this.db.transaction(READ_STORES, 'readonly');
    // Taken with the transaction: whatever a flush commits later is either in this view or in what tx reads.
    const memory = this.head?.snapshot() ?? null;
    const [meta, ids] = await Promise.all([tx.objectStore('meta').get('state'), this.matchIds(tx, matchers)]);
    if (cancel?.aborted || ids.length === 0) return [];
    const finalized = memory ? memory.finalized : (meta?.finalized ?? -Infinity);
    const series = await this.seriesOf(tx, ids);
    // Blocks hold buckets before the finalised boundary; one read per shard covers every series in it.
    const firstBucket = bucketOf(start);
    const lastBucket = Math.min(bucketOf(end), finalized - CHUNK_RANGE_MS);
    const shards = [...new Set(series.map((r) => r.shard))];
    const blockStore = tx.objectStore('blocks');
    const blocksGen = meta?.blocksGen ?? 0;
    if (blocksGen !== this.blockCache.gen) this.blockCache = new BlockCache(blocksGen, this.blockCache.budget);
    const blockCache = this.blockCache;
    const [blockLists] = await Promise.all([
      firstBucket <= lastBucket
        ? Promise.all(
            shards.map(async (sh) => {
              const hit = blockCache.get(sh, firstBucket, lastBucket);
              if (hit) return hit;
              const got = await blockStore.getAll(IDBKeyRange.bound([sh, firstBucket], [sh, lastBucket]));
              blockCache.put(sh, firstBucket, lastBucket, got);
              return got;
            }),
          )
        : Promise.resolve(shards.map(() => [] as Uint8Array[])),
      !memory && meta ? this.syncReplica(tx, meta) : Promise.resolve(),
    ]);
    if (cancel?.aborted) return [];
    const replica = memory ? null : this.replica;
    const byShard = new Map<number, Array<{ block: Uint8Array; dir: BlockDirectory }>>();
    shards.forEach((sh, i) => byShard.set(sh, blockLists[i].map((block) => ({ block, dir: this.directory(block) }))));
    const out: SeriesSamples[] = [];
    const slab = new ColumnSlab();
    ids.forEach((sid, i) => {
      const stored: Array<{ rec: Uint8Array; h: ChunkHeader }> = [];
      for (const { block, dir } of byShard.get(series[i].shard) ?? []) {
        const k = dir.sids.indexOf(sid);
        if (k < 0) continue;
        for (const [off, len] of dir.chunks[k]) {
          this.fetched++;
          const rec = block.subarray(off, off + len);
          const h = readChunkRecord(rec);
          if (h.maxt < start || h.mint > end) continue;
          stored.push({ rec, h });
        }
      }
      // XOR chunks held in memory (the writer's sealed ones, or a reader's replica of the open region), then the
      // writer's uncompressed head and late samples: later entries win where times repeat.
      const inMemory: Uint8Array[] = [];
      const extra: Run[] = [];
      if (memory) {
        const view = memory.views.get(sid);
        if (view) {
          for (const c of view.final) if (c.maxt >= start && c.mint <= end) inMemory.push(c.xor);
          for (const c of view.sealed) if (c.maxt >= start && c.mint <= end) inMemory.push(c.xor);
          if (view.headCount > 0) extra.push({ t: view.head.t.subarray(0, view.headCount), v: view.head.v.subarray(0, view.headCount) });
          extra.push(...view.late);
        }
      } else {
        const r = replica!.get(sid);
        if (r) {
          for (const c of r.sealed) if (c.maxt >= start && c.mint <= end) inMemory.push(c.xor);
          if (chunkSampleCount(r.open) > 0 && xorFirstTime(r.open) <= end) inMemory.push(r.open);
        }
      }
      const cached: Array<Run | undefined> = stored.map(({ rec, h }) => this.cache.lookup(sid, rec, h));
      for (const xor of inMemory) cached.push(this.memoryDecoded.get(xor));
      let combined: Run;
      if (cached.every((r) => r !== undefined)) {
        // Warm: every chunk is decoded already; the memo hands back the columns joined last time.
        this.memoryHits += inMemory.length;
        combined = this.combine(sid, [...(cached as Run[]), ...extra]);
      } else combined = this.decodeAll(sid, stored, inMemory, extra, slab);
      const run = sliceRun(combined, start, end);
      if (run.t.length > 0) out.push({ labels: series[i].labels, t: run.t, v: run.v });
    });
    out.sort((a, b) => compareLabels(a.labels, b.labels));
    return out;
  }

  /**
   * combineRuns, remembered per series: a repeated query hands in the same cached chunk runs, and then gets the
   * same combined columns back instead of a fresh copy.
   */
  private combine(sid: number, runs: Run[]): Run {
    const memo = this.combined.get(sid);
    if (memo && memo.inputs.length === runs.length && memo.inputs.every((r, i) => r === runs[i])) {
      this.combined.delete(sid);
      this.combined.set(sid, memo);
      return memo.out;
    }
    const out = combineRuns(runs);
    // Only worth keeping when it is a copy; an open chunk's run changes with every append anyway.
    if (runs.length > 1) this.rememberCombined(sid, runs, out);
    return out;
  }

  private rememberCombined(sid: number, inputs: Run[], out: Run): void {
    const memo = this.combined.get(sid);
    if (memo) {
      this.combined.delete(sid);
      this.combinedSamples -= memo.out.t.length;
    }
    this.combined.set(sid, { inputs, out });
    this.combinedSamples += out.t.length;
    for (const [k, m] of this.combined) {
      if (this.combinedSamples <= this.cacheSamples) break;
      this.combined.delete(k);
      this.combinedSamples -= m.out.t.length;
    }
  }

  /**
   * Cold read of one series: decodes its stored chunks (ascending, as blocks hold them) and then its in-memory XOR
   * chunks straight into one pair of columns (views into the read's shared slab), with no per-chunk arrays and no
   * copy to join them. The caches keep
   * views of each chunk's part, and the memo the joined columns, so the next (warm) read of the same chunks gets
   * these very columns back. The writer's uncompressed head and late samples (`extra`) are merged on top.
   */
  private decodeAll(sid: number, stored: ReadonlyArray<{ rec: Uint8Array; h: ChunkHeader }>, inMemory: readonly Uint8Array[], extra: Run[], slab: ColumnSlab): Run {
    const counts = inMemory.map((x) => chunkSampleCount(x));
    let total = 0;
    for (const { h } of stored) total += h.count;
    for (const n of counts) total += n;
    const { t, v } = slab.take(total);
    const parts: Run[] = [];
    let at = 0;
    let ordered = true;
    let last = -Infinity;
    const place = (n: number): Run => {
      const part = { t: t.subarray(at, at + n), v: v.subarray(at, at + n) };
      if (n > 0) {
        if (t[at] <= last) ordered = false;
        last = t[at + n - 1];
      }
      at += n;
      parts.push(part);
      return part;
    };
    for (const { rec, h } of stored) {
      decodeXorInto(h.xor, t, v, at);
      this.cache.remember(sid, rec, h, place(h.count));
    }
    inMemory.forEach((xor, j) => {
      decodeXorInto(xor, t, v, at);
      this.memoryDecoded.set(xor, place(counts[j]));
      this.memoryDecodes++;
    });
    // Overlapping chunks (late samples merged into the open region) take the general path.
    const joined = ordered ? { t, v } : combineRuns(parts);
    if (extra.length > 0) return combineRuns([joined, ...extra]);
    if (parts.length > 1) this.rememberCombined(sid, parts, joined);
    return joined;
  }

  /** A block's directory, parsed once per block record object. */
  private directory(block: Uint8Array): BlockDirectory {
    let d = this.directories.get(block);
    if (!d) this.directories.set(block, (d = readBlockDirectory(block)));
    return d;
  }

  /** Label sets of the matching series, in Prometheus order. */
  async seriesList(matchers: readonly LabelMatcher[]): Promise<Labels[]> {
    const tx: ReadTx = this.db.transaction(READ_STORES, 'readonly');
    const ids = await this.matchIds(tx, matchers);
    return (await this.labelsOf(tx, ids)).sort(compareLabels);
  }

  /** Values of a label on the matching series (the time range is not consulted: series stay until retention drops them). */
  async labelValues(name: string, matchers: readonly LabelMatcher[]): Promise<string[]> {
    const tx: ReadTx = this.db.transaction(READ_STORES, 'readonly');
    const values = new Set<string>();
    if (matchers.length === 0) {
      for (const v of await idbPostings(tx).labelValues(name)) values.add(v);
      for (const e of this.head?.unstoredMatching([]) ?? []) if (e.labels[name] !== undefined) values.add(e.labels[name]);
    } else {
      for (const l of await this.labelsOf(tx, await this.matchIds(tx, matchers))) if (l[name] !== undefined) values.add(l[name]);
    }
    values.delete('');
    return [...values].sort();
  }

  /** Label names on the matching series. */
  async labelNames(matchers: readonly LabelMatcher[]): Promise<string[]> {
    const tx: ReadTx = this.db.transaction(READ_STORES, 'readonly');
    const names = new Set<string>();
    if (matchers.length === 0) {
      for (const n of await allLabelNames(tx)) names.add(n);
      for (const e of this.head?.unstoredMatching([]) ?? []) for (const n in e.labels) names.add(n);
    } else {
      for (const l of await this.labelsOf(tx, await this.matchIds(tx, matchers))) for (const n in l) names.add(n);
    }
    return [...names].sort();
  }

  /** Where the stream should resume: the last accepted batch (durable after a reload, where memory starts empty). */
  async position(): Promise<StreamPosition | null> {
    if (this.head) return this.head.accepted && { ...this.head.accepted };
    const meta = await this.db.get('meta', 'state');
    return meta && meta.epoch !== null ? { epoch: meta.epoch, seq: meta.seq } : null;
  }

  /** The last position whose batches are durable. */
  async durablePosition(): Promise<StreamPosition | null> {
    const meta = await this.db.get('meta', 'state');
    return meta && meta.epoch !== null ? { epoch: meta.epoch, seq: meta.seq } : null;
  }

  async recordGap(gap: StreamGap): Promise<void> {
    await this.db.add('gaps', gap);
  }

  async gaps(): Promise<StreamGap[]> {
    return this.db.getAll('gaps');
  }

  async stats(): Promise<StoreStats> {
    const head = this.head;
    if (head && this.durableMeta) {
      const m = this.durableMeta;
      const u = head.uncommittedRange();
      return {
        series: head.seriesCount,
        samples: m.samples + head.uncommittedSamples(),
        oldest: minOf(m.oldest, u.oldest),
        newest: maxOf(m.newest, u.newest),
        position: head.accepted ?? (m.epoch === null ? null : { epoch: m.epoch, seq: m.seq }),
      };
    }
    const tx = this.db.transaction(['meta', 'series'], 'readonly');
    const [meta, series] = await Promise.all([tx.objectStore('meta').get('state'), tx.objectStore('series').count()]);
    const m = meta ?? emptyMeta();
    return {
      series,
      samples: m.samples,
      oldest: m.oldest,
      newest: m.newest,
      position: m.epoch === null ? null : { epoch: m.epoch, seq: m.seq },
    };
  }

  /** Metric metadata by family, shaped like Prometheus's /api/v1/metadata data. */
  async metadata(): Promise<Record<string, MetricMetadata[]>> {
    const tx = this.db.transaction('metadata', 'readonly');
    const [keys, values] = await Promise.all([tx.store.getAllKeys(), tx.store.getAll()]);
    const all = new Map<string, MetricMetadata>(keys.map((k, i) => [k, values[i]]));
    for (const [family, m] of this.head?.uncommittedMetadata() ?? []) all.set(family, m);
    const out: Record<string, MetricMetadata[]> = {};
    for (const family of [...all.keys()].sort()) {
      const m = all.get(family)!;
      out[family] = [{ type: m.type, help: m.help, unit: m.unit }];
    }
    return out;
  }

  /** Exemplars of the matching series in [start, end], like Prometheus's /api/v1/query_exemplars. */
  async exemplars(matchers: readonly LabelMatcher[], start: number, end: number): Promise<ExemplarSeries[]> {
    if (!(start <= end)) return [];
    const tx = this.db.transaction([...READ_STORES, 'exemplars'], 'readonly');
    const readTx = tx as unknown as ReadTx;
    const ids = await this.matchIds(readTx, matchers);
    const store = tx.objectStore('exemplars');
    const [labels, keys, values] = await Promise.all([
      this.labelsOf(readTx, ids),
      Promise.all(Array.from(ids, (sid) => store.getAllKeys(IDBKeyRange.bound([sid, start], [sid, end])))),
      Promise.all(Array.from(ids, (sid) => store.getAll(IDBKeyRange.bound([sid, start], [sid, end])))),
    ]);
    const bySid = new Map<number, ExemplarSeries>();
    ids.forEach((sid, i) => {
      if (keys[i].length === 0) return;
      bySid.set(sid, {
        seriesLabels: labels[i],
        exemplars: keys[i].map((k, j) => ({ labels: values[i][j].labels, value: values[i][j].value, timestamp: k[1] })),
      });
    });
    const wanted = new Set(ids);
    for (const x of this.head?.uncommittedExemplars() ?? []) {
      if (!wanted.has(x.sid) || x.ts < start || x.ts > end) continue;
      let s = bySid.get(x.sid);
      if (!s) bySid.set(x.sid, (s = { seriesLabels: this.head!.entry(x.sid)!.labels, exemplars: [] }));
      s.exemplars = s.exemplars.filter((e) => e.timestamp !== x.ts);
      s.exemplars.push({ labels: x.labels, value: x.value, timestamp: x.ts });
      s.exemplars.sort((a, b) => a.timestamp - b.timestamp);
    }
    return [...bySid.values()].sort((a, b) => compareLabels(a.seriesLabels, b.seriesLabels));
  }

  /** Runs the consistency check now (deep: decode every chunk), repairing what it can. */
  check(deep: boolean): Promise<CheckReport> {
    const run = this.flushChain.then(async () => {
      const { wal, ...report } = await runCheck(this.db, { deep });
      void wal;
      return report;
    });
    this.flushChain = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Chunks select() looked at in blocks, chunks it decoded (blocks and memory), and decodes served from caches, since open. */
  readCounters(): { fetched: number; decoded: number; cached: number } {
    return { fetched: this.fetched, decoded: this.cache.decoded + this.memoryDecodes, cached: this.cache.hits + this.memoryHits };
  }

  /** Drops decoded chunks from memory (the next query reads and decodes from storage: a cold query). */
  dropCaches(): void {
    this.cache.clear();
    this.blockCache = new BlockCache(-1, this.blockCache.budget);
    this.seriesCache.clear();
    this.memoryDecoded = new WeakMap();
    this.combined = new Map();
    this.combinedSamples = 0;
  }

  // ---------------------------------------------------------------- status

  status(): TsdbStatus {
    return { ...this.state };
  }

  onStatus(listener: (s: TsdbStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private setState(state: TsdbStatus['state'], message: string | null): void {
    this.patch({ state, message });
  }

  private patch(p: Partial<TsdbStatus>): void {
    this.state = { ...this.state, ...p };
    for (const l of this.listeners) l(this.status());
  }

  private async refreshEstimate(): Promise<void> {
    this.lastEstimateAt = Date.now();
    const e = await storageEstimate();
    if (e) this.patch({ usage: e.usage, quota: e.quota });
  }

  /**
   * Flushes what is pending (as a checkpoint, so the next open replays one WAL record) and closes the database;
   * resolves when both are done.
   */
  async close(): Promise<void> {
    try {
      if (this.state.state === 'ok') {
        const run = this.flushChain.then(() => this.flushOnce(0, true));
        this.flushChain = run.catch(() => undefined);
        await run;
      }
    } catch {
      // The failure is in status(); closing goes on, the unflushed head is lost as after a crash.
    }
    await this.flushChain;
    if (this.timer !== null) clearTimeout(this.timer);
    this.channel?.close();
    this.db.close();
    this.setState('closed', null);
  }
}

function storedBytes(m: MetaRecord): number {
  let n = m.walBytes + m.indexBytes + m.extraBytes;
  for (const b of m.buckets) n += b[1];
  return n;
}

function minOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.min(a, b);
}

function maxOf(a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b);
}
