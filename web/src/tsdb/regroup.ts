// Rewrites a store's block records for a new series → shard assignment (the schema 1 → 2 upgrade regroups shards).
import type { IDBPTransaction, StoreNames } from 'idb';
import type { Labels } from '../../../shared/model/labels.ts';
import type { TsdbSchema } from './db.ts';
import { account, type BucketTable } from './flushplan.ts';
import { decodeBlock, encodeBlock, type ChunkRef } from './records.ts';
import { bulkRecordSize } from './sizes.ts';

export type RegroupTx = IDBPTransaction<TsdbSchema, ArrayLike<StoreNames<TsdbSchema>>, 'readwrite' | 'versionchange'>;

/**
 * Gives every stored series the shard `assign` picks (called in ascending series id order, as series were created)
 * and rewrites all block records to match, with the meta record's per-bucket accounting and shard counter, in the
 * caller's transaction (all or nothing). Samples and chunks are moved as they are, never re-encoded. Chunks of a
 * series id without a series record are kept together in one shard of their own.
 */
export async function regroupBlocks(tx: RegroupTx, assign: (labels: Labels) => number): Promise<void> {
  const metaStore = tx.objectStore('meta');
  const meta = await metaStore.get('state');
  if (!meta) return;
  const seriesStore = tx.objectStore('series');
  const [sids, records] = await Promise.all([seriesStore.getAllKeys(), seriesStore.getAll()]);
  const shardOf = new Map<number, number>();
  let next = 1;
  const writes: Promise<unknown>[] = [];
  sids.forEach((sid, i) => {
    const shard = assign(records[i].labels);
    shardOf.set(sid, shard);
    next = Math.max(next, shard + 1);
    if (shard !== records[i].shard) writes.push(seriesStore.put({ ...records[i], shard }, sid));
  });
  const orphans = next++;
  const blocks = tx.objectStore('blocks');
  const [keys, values] = await Promise.all([blocks.getAllKeys(), blocks.getAll()]);
  const regrouped = new Map<string, { key: [number, number]; series: Map<number, ChunkRef[]> }>();
  keys.forEach(([, bucket], i) => {
    for (const [sid, chunks] of decodeBlock(values[i])) {
      const shard = shardOf.get(sid) ?? orphans;
      const id = `${shard}:${bucket}`;
      let b = regrouped.get(id);
      if (!b) regrouped.set(id, (b = { key: [shard, bucket], series: new Map() }));
      b.series.set(sid, [...(b.series.get(sid) ?? []), ...chunks]);
    }
  });
  await blocks.clear();
  const table: BucketTable = new Map();
  for (const { key, series } of regrouped.values()) {
    const value = encodeBlock(series);
    let samples = 0;
    for (const list of series.values()) for (const c of list) samples += c.count;
    account(table, key[1], bulkRecordSize(key, value), samples, 1);
    writes.push(blocks.put(value, key));
  }
  meta.buckets = [...table].sort((a, b) => a[0] - b[0]).map(([start, s]) => [start, s.bytes, s.samples, s.chunks]);
  meta.nextShard = Math.max(meta.nextShard, next);
  meta.blocksGen = (meta.blocksGen ?? 0) + 1;
  writes.push(metaStore.put(meta, 'state'));
  await Promise.all(writes);
}
