// Writes one flush set in a single readwrite transaction: series, postings, chunks, heads, out-of-order merges,
// metadata, exemplars and the meta record (stream position, totals) commit together or not at all.
import { encodeChunkRecord, readChunkRecord } from '../../../shared/chunk/record.ts';
import { decodeXor } from '../../../shared/chunk/xor.ts';
import type { IDBPObjectStore } from 'idb';
import { emptyMeta, type MetaRecord, type TsdbDatabase, type TsdbSchema } from './db.ts';
import { account, planWrites, type BucketTable } from './flushplan.ts';
import { sealRun } from './head.ts';
import type { FlushSet } from './headstate.ts';
import { CHUNK_RANGE_MS } from './layout.ts';
import { addPostings } from './postings.ts';
import { combineRuns, type Run } from './runs.ts';
import { TYPED_ARRAY_ENVELOPE, chunkRecordSize, keySize, valueSize } from './sizes.ts';

export type FlushOutcome =
  | { kind: 'committed'; meta: MetaRecord; headBytes: Map<number, number> }
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

const STORES = ['meta', 'series', 'postings', 'chunks', 'heads', 'metadata', 'exemplars'] as const;

/** Commits `set` if the database is still at generation `expectedGen`. */
export async function writeFlush(db: TsdbDatabase, set: FlushSet, expectedGen: number): Promise<FlushOutcome> {
  const tx = db.transaction(STORES, 'readwrite');
  // Observed from the start, so an abort never surfaces as an unhandled rejection.
  const done = tx.done.then(
    () => null,
    (e: unknown) => e ?? tx.error ?? new Error('transaction aborted'),
  );
  let committedMeta: MetaRecord | undefined;
  let committedHeads: Map<number, number> | undefined;
  try {
    const meta = (await tx.objectStore('meta').get('state')) ?? emptyMeta();
    if (meta.gen !== expectedGen) {
      tx.abort();
      await done;
      return { kind: 'conflict', meta };
    }
    const buckets = bucketTable(meta);
    const writes: Promise<unknown>[] = [];

    // New series and their postings.
    if (set.newSeries.length > 0) {
      const series = tx.objectStore('series');
      const postings = tx.objectStore('postings');
      const byPair = new Map<string, { key: [string, string]; ids: number[] }>();
      for (const s of set.newSeries) {
        writes.push(series.put(s.labels, s.sid));
        meta.indexBytes += keySize(s.sid) + valueSize(s.labels);
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

    // Sealed chunks, then the dirty heads.
    const planned = planWrites(set);
    const chunks = tx.objectStore('chunks');
    for (const c of planned.chunks) {
      writes.push(chunks.put(c.value, c.key));
      account(buckets, c.key[1], c.bytes, c.count, 1);
    }
    const heads = tx.objectStore('heads');
    const headBytes = new Map<number, number>();
    planned.heads.forEach((h, i) => {
      writes.push(heads.put(h.value, h.sid));
      headBytes.set(h.sid, h.bytes);
      meta.headBytes += h.bytes - set.heads[i].prevBytes;
    });

    // Out-of-order samples: rewrite the stored chunks they fall among (requests in a transaction run in order,
    // so the chunks put above are already visible here).
    let correction = 0;
    for (const o of set.ooo) {
      correction += await mergeLate(chunks, buckets, o.sid, o.run, writes);
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
      for (const x of set.exemplars) {
        writes.push(store.put({ labels: x.labels, value: x.value }, [x.sid, x.ts]));
        meta.extraBytes += keySize([x.sid, x.ts]) + valueSize({ labels: x.labels, value: x.value });
        meta.exemplars++;
      }
    }

    meta.gen = set.gen;
    if (set.position) {
      meta.epoch = set.position.epoch;
      meta.seq = set.position.seq;
    }
    meta.nextSid = Math.max(meta.nextSid, set.nextSid);
    meta.samples += set.samples + correction;
    if (set.oldest !== null && (meta.oldest === null || set.oldest < meta.oldest)) meta.oldest = set.oldest;
    if (set.newest !== null && (meta.newest === null || set.newest > meta.newest)) meta.newest = set.newest;
    meta.buckets = bucketList(buckets);
    writes.push(tx.objectStore('meta').put(meta, 'state'));
    await Promise.all(writes);
    committedMeta = meta;
    committedHeads = headBytes;
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
  return { kind: 'committed', meta: committedMeta!, headBytes: committedHeads! };
}

type ChunkStore = IDBPObjectStore<TsdbSchema, typeof STORES, 'chunks', 'readwrite'>;

/**
 * Merges late samples of one series into the stored chunks their time span touches: reads them, merges (late
 * samples win on equal timestamps), deletes them and writes the re-cut result. Returns the sample-count correction
 * (late samples were counted as new; some replaced stored ones).
 */
async function mergeLate(chunks: ChunkStore, buckets: BucketTable, sid: number, late: Run, writes: Promise<unknown>[]): Promise<number> {
  const first = late.t[0];
  const last = late.t[late.t.length - 1];
  // A chunk spans less than CHUNK_RANGE_MS, so one starting earlier than this cannot reach `first`.
  const range = IDBKeyRange.bound([sid, first - CHUNK_RANGE_MS + 1], [sid, last]);
  const [keys, values] = await Promise.all([chunks.getAllKeys(range), chunks.getAll(range)]);
  const runs: Run[] = [];
  let replaced = 0;
  keys.forEach((key, i) => {
    const h = readChunkRecord(values[i]);
    if (h.maxt < first) return;
    runs.push(decodeXor(h.xor));
    replaced += h.count;
    writes.push(chunks.delete(key));
    account(buckets, h.mint, chunkRecordSize(sid, h.mint, values[i]), h.count, -1);
  });
  runs.push(late);
  const merged = combineRuns(runs);
  for (const c of sealRun(merged)) {
    const value = encodeChunkRecord(c.mint, c.maxt, c.xor);
    writes.push(chunks.put(value, [sid, c.mint]));
    account(buckets, c.mint, chunkRecordSize(sid, c.mint, value), c.run.t.length, 1);
  }
  return merged.t.length - replaced - late.t.length;
}
