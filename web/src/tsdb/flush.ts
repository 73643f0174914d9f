// Writes one flush set in a single readwrite transaction: new series and postings, the WAL record, blocks for
// finalised buckets, late samples merged into blocks, metadata, exemplars and the meta record (stream position,
// totals) commit together or not at all.
import type { IDBPObjectStore } from 'idb';
import { decodeXorColumns } from '../../../shared/chunk/xordecode.ts';
import { emptyMeta, type MetaRecord, type TsdbDatabase, type TsdbSchema } from './db.ts';
import { account, type BucketTable } from './flushplan.ts';
import { sealRun } from './head.ts';
import type { FlushSet } from './headstate.ts';
import { bucketOf, CHUNK_RANGE_MS } from './layout.ts';
import { addPostings } from './postings.ts';
import { decodeBlock, encodeBlock, encodeWal, type ChunkRef } from './records.ts';
import { combineRuns, type Run } from './runs.ts';
import { bulkRecordSize, keySize, TYPED_ARRAY_ENVELOPE, valueSize } from './sizes.ts';

export type FlushOutcome =
  | { kind: 'committed'; meta: MetaRecord }
  /** Another writer committed since this one last looked: nothing was written. */
  | { kind: 'conflict'; meta: MetaRecord };

/** The meta record's bucket list as a table. */
export function bucketTable(meta: MetaRecord): BucketTable {
  return new Map(meta.buckets.map(([start, bytes, samples, chunks]) => [start, { bytes, samples, chunks }]));
}

/** The table back in the meta record's form, ascending. */
export function bucketList(table: BucketTable): MetaRecord['buckets'] {
  return [...table].sort((a, b) => a[0] - b[0]).map(([start, s]) => [start, s.bytes, s.samples, s.chunks]);
}

/** Exemplars kept per series; older ones are deleted as new ones arrive (retention deletes them by time too). */
export const MAX_EXEMPLARS_PER_SERIES = 64;

const STORES = ['meta', 'series', 'postings', 'blocks', 'wal', 'metadata', 'exemplars', 'lastseen'] as const;
type Stores = typeof STORES;
type BlockStore = IDBPObjectStore<TsdbSchema, Stores, 'blocks', 'readwrite'>;

/** Samples in a block record (sum over its chunks). */
function blockSamples(series: ReadonlyMap<number, readonly ChunkRef[]>): number {
  let n = 0;
  for (const list of series.values()) for (const c of list) n += c.count;
  return n;
}

/**
 * Adds chunks or late samples for some series to the block (shard, bucket), merging with what it holds (later
 * data wins at equal timestamps), and rewrites it. Returns the change in sample count.
 */
async function mergeIntoBlock(
  blocks: BlockStore,
  table: BucketTable,
  shard: number,
  bucket: number,
  add: ReadonlyMap<number, { chunks?: readonly ChunkRef[]; run?: Run }>,
  writes: Promise<unknown>[],
): Promise<number> {
  const key: [number, number] = [shard, bucket];
  const old = await blocks.get(key);
  const series = old ? decodeBlock(old) : new Map<number, ChunkRef[]>();
  const before = blockSamples(series);
  for (const [sid, a] of add) {
    const have = series.get(sid) ?? [];
    const incoming = a.chunks ?? [];
    const disjoint = !a.run && (have.length === 0 || incoming.length === 0 || incoming[0].mint > have[have.length - 1].maxt);
    if (disjoint) {
      series.set(sid, [...have, ...incoming]);
      continue;
    }
    const runs: Run[] = have.map((c) => decodeXorColumns(c.xor));
    for (const c of incoming) runs.push(decodeXorColumns(c.xor));
    if (a.run) runs.push(a.run);
    series.set(
      sid,
      sealRun(combineRuns(runs)).map((c) => ({ mint: c.mint, maxt: c.maxt, count: c.run.t.length, xor: c.xor })),
    );
  }
  const value = encodeBlock(series);
  writes.push(blocks.put(value, key));
  const after = blockSamples(series);
  if (old) account(table, bucket, bulkRecordSize(key, old), before, -1);
  account(table, bucket, bulkRecordSize(key, value), after, 1);
  return after - before;
}

/** Commits `set` if the database is still at generation `expectedGen`. */
export async function writeFlush(db: TsdbDatabase, set: FlushSet, expectedGen: number): Promise<FlushOutcome> {
  const tx = db.transaction(STORES, 'readwrite');
  // Observed from the start, so an abort never surfaces as an unhandled rejection.
  const done = tx.done.then(
    () => null,
    (e: unknown) => e ?? tx.error ?? new Error('transaction aborted'),
  );
  let committed: MetaRecord | undefined;
  try {
    const meta = (await tx.objectStore('meta').get('state')) ?? emptyMeta();
    if (meta.gen !== expectedGen) {
      tx.abort();
      await done;
      return { kind: 'conflict', meta };
    }
    const table = bucketTable(meta);
    const writes: Promise<unknown>[] = [];

    // New series and their postings.
    if (set.newSeries.length > 0) {
      const series = tx.objectStore('series');
      const postings = tx.objectStore('postings');
      const byPair = new Map<string, { key: [string, string]; ids: number[] }>();
      for (const s of set.newSeries) {
        const rec = { labels: s.labels, shard: s.shard };
        writes.push(series.put(rec, s.sid));
        meta.indexBytes += keySize(s.sid) + valueSize(rec);
        for (const name in s.labels) {
          const id = JSON.stringify([name, s.labels[name]]);
          let p = byPair.get(id);
          if (!p) byPair.set(id, (p = { key: [name, s.labels[name]], ids: [] }));
          p.ids.push(s.sid);
        }
      }
      const pairs = [...byPair.values()];
      const existing = await Promise.all(pairs.map((p) => postings.get(p.key)));
      pairs.forEach((p, i) => {
        const old = existing[i];
        const next = addPostings(old ?? new Uint32Array(0), p.ids);
        writes.push(postings.put(next, p.key));
        meta.indexBytes += next.byteLength - (old ? old.byteLength : -(keySize(p.key) + TYPED_ARRAY_ENVELOPE));
      });
    }

    // Finalised buckets become blocks; the per-series "newest block bucket" index follows.
    const blocks = tx.objectStore('blocks');
    if (set.finalize) {
      const lastStore = tx.objectStore('lastseen');
      let last = (await lastStore.get('last')) ?? new Float64Array(0);
      if (last.length < set.nextSid) {
        const grown = new Float64Array(Math.max(set.nextSid, last.length * 2)).fill(-Infinity);
        grown.set(last);
        last = grown;
      }
      // Distinct block records: their reads go out together rather than one round trip after another.
      const merges: Promise<number>[] = [];
      for (const b of set.finalize.blocks.values()) {
        const add = new Map<number, { chunks: ChunkRef[] }>();
        for (const [sid, chunks] of b.series) {
          add.set(sid, { chunks });
          if (last[sid] < b.bucket) last[sid] = b.bucket;
        }
        merges.push(mergeIntoBlock(blocks, table, b.shard, b.bucket, add, writes));
      }
      await Promise.all(merges);
      writes.push(lastStore.put(last, 'last'));
      meta.finalized = set.finalize.to;
      meta.blocksGen = (meta.blocksGen ?? 0) + 1;
    }

    // Late samples before the boundary: merged into the blocks of their buckets.
    let correction = 0;
    if (set.ooo.length > 0) {
      meta.blocksGen = (meta.blocksGen ?? 0) + 1;
      const byBlock = new Map<string, { shard: number; bucket: number; add: Map<number, { run: Run }> }>();
      for (const o of set.ooo) {
        let i = 0;
        while (i < o.run.t.length) {
          const bucket = bucketOf(o.run.t[i]);
          let j = i + 1;
          while (j < o.run.t.length && o.run.t[j] < bucket + CHUNK_RANGE_MS) j++;
          const key = `${o.shard}:${bucket}`;
          let b = byBlock.get(key);
          if (!b) byBlock.set(key, (b = { shard: o.shard, bucket, add: new Map() }));
          b.add.set(o.sid, { run: { t: o.run.t.subarray(i, j), v: o.run.v.subarray(i, j) } });
          i = j;
        }
      }
      const blockList = [...byBlock.values()];
      const deltas = await Promise.all(blockList.map((b) => mergeIntoBlock(blocks, table, b.shard, b.bucket, b.add, writes)));
      blockList.forEach((b, i) => {
        let late = 0;
        for (const a of b.add.values()) late += a.run.t.length;
        correction += deltas[i] - late;
      });
    }

    // The WAL record: a delta, or a checkpoint that replaces every earlier record.
    const wal = tx.objectStore('wal');
    const checkpoint = set.wal.kind === 'checkpoint';
    if (checkpoint) writes.push(wal.delete(IDBKeyRange.upperBound([set.gen])));
    if (checkpoint || set.wal.entries.length > 0) {
      const key: [number, number] = [set.gen, checkpoint ? 1 : 0];
      const value = encodeWal(set.wal.kind, set.wal.entries);
      writes.push(wal.put(value, key));
      meta.walBytes = (checkpoint ? 0 : meta.walBytes) + bulkRecordSize(key, value);
      meta.walRecords = (checkpoint ? 0 : meta.walRecords) + 1;
    }

    // Metadata (accounting replaces the old record's size) and exemplars.
    if (set.metadata.length > 0) {
      const store = tx.objectStore('metadata');
      const old = await Promise.all(set.metadata.map(([family]) => store.get(family)));
      set.metadata.forEach(([family, m], i) => {
        writes.push(store.put(m, family));
        meta.extraBytes += valueSize(m) - (old[i] ? valueSize(old[i]) : -keySize(family));
      });
    }
    if (set.exemplars.length > 0) {
      const store = tx.objectStore('exemplars');
      // The last of several at one (series, time) wins, as does a new one over a stored one (whose size is taken back).
      const latest = new Map<string, (typeof set.exemplars)[number]>();
      for (const x of set.exemplars) latest.set(`${x.sid}:${x.ts}`, x);
      const list = [...latest.values()];
      const old = await Promise.all(list.map((x) => store.get([x.sid, x.ts])));
      const sids = new Set<number>();
      list.forEach((x, i) => {
        const key: [number, number] = [x.sid, x.ts];
        const value = { labels: x.labels, value: x.value };
        const prev = old[i];
        if (prev) {
          meta.extraBytes -= keySize(key) + valueSize(prev);
          meta.exemplars--;
        }
        writes.push(store.put(value, key));
        meta.extraBytes += keySize(key) + valueSize(value);
        meta.exemplars++;
        sids.add(x.sid);
      });
      // Bounded: each series keeps its newest MAX_EXEMPLARS_PER_SERIES (requests run in order, so the count sees the puts).
      for (const sid of sids) {
        const all = IDBKeyRange.bound([sid, -Infinity], [sid, Infinity]);
        const n = await store.count(all);
        if (n <= MAX_EXEMPLARS_PER_SERIES) continue;
        const excess = await store.getAll(all, n - MAX_EXEMPLARS_PER_SERIES);
        const keys = await store.getAllKeys(all, n - MAX_EXEMPLARS_PER_SERIES);
        keys.forEach((k, i) => (meta.extraBytes -= keySize(k) + valueSize(excess[i])));
        meta.exemplars -= keys.length;
        writes.push(store.delete(IDBKeyRange.bound([sid, -Infinity], keys[keys.length - 1])));
      }
    }

    meta.gen = set.gen;
    if (set.position) {
      meta.epoch = set.position.epoch;
      meta.seq = set.position.seq;
    }
    meta.nextSid = Math.max(meta.nextSid, set.nextSid);
    meta.nextShard = Math.max(meta.nextShard, set.nextShard);
    meta.samples += set.samples + correction;
    if (set.oldest !== null && (meta.oldest === null || set.oldest < meta.oldest)) meta.oldest = set.oldest;
    if (set.newest !== null && (meta.newest === null || set.newest > meta.newest)) meta.newest = set.newest;
    meta.buckets = bucketList(table);
    writes.push(tx.objectStore('meta').put(meta, 'state'));
    await Promise.all(writes);
    committed = meta;
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // Already finished or aborted.
    }
    const cause = await done;
    throw cause ?? e;
  }
  const failure = await done;
  if (failure) throw failure;
  return { kind: 'committed', meta: committed };
}
