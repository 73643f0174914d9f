// Executes a retention plan in one transaction: deletes whole block records (and exemplars) before the cutoff,
// then series that have nothing left, keeping the meta record's totals exact.
import type { Labels } from '../../../shared/model/labels.ts';
import { emptyMeta, type MetaRecord, type TsdbDatabase } from './db.ts';
import { bucketList, bucketTable } from './flush.ts';
import type { HeadState } from './headstate.ts';
import { subtractPostings } from './postings.ts';
import { decodeBlock } from './records.ts';
import { planRetention } from './retention.ts';
import { keySize, TYPED_ARRAY_ENVELOPE, valueSize } from './sizes.ts';
import type { RetentionPolicy, RetentionReport } from './types.ts';

export type RetentionOutcome =
  | { kind: 'conflict' }
  | { kind: 'done'; meta: MetaRecord | null; report: RetentionReport; droppedSeries: number[] };

const NOTHING: RetentionReport = { cutoff: null, reason: null, chunks: 0, samples: 0, bytes: 0, series: 0 };

/**
 * Applies the policy if the database is still at generation `expectedGen`. Series with nothing left are dropped
 * only by a writer (`head` given): it alone knows which series still have samples in the open region.
 */
export async function runRetention(db: TsdbDatabase, policy: RetentionPolicy, expectedGen: number, head: HeadState | null): Promise<RetentionOutcome> {
  const tx = db.transaction(['meta', 'series', 'postings', 'blocks', 'exemplars', 'lastseen'], 'readwrite');
  const done = tx.done.then(
    () => null,
    (e: unknown) => e ?? tx.error,
  );
  const meta = (await tx.objectStore('meta').get('state')) ?? emptyMeta();
  if (meta.gen !== expectedGen) {
    tx.abort();
    await done;
    return { kind: 'conflict' };
  }
  const newest = Math.max(meta.newest ?? -Infinity, head?.uncommittedRange().newest ?? -Infinity);
  const buckets = bucketTable(meta);
  const plan = planRetention({
    buckets,
    otherBytes: meta.walBytes + meta.indexBytes + meta.extraBytes,
    newest: Number.isFinite(newest) ? newest : null,
    policy,
  });
  if (!plan) {
    const failure = await done;
    if (failure) throw failure;
    return { kind: 'done', meta: null, report: NOTHING, droppedSeries: [] };
  }
  const { cutoff } = plan;
  const blocks = tx.objectStore('blocks');
  const exemplars = tx.objectStore('exemplars');
  const seriesStore = tx.objectStore('series');
  const [sids, records, last] = await Promise.all([seriesStore.getAllKeys(), seriesStore.getAll(), tx.objectStore('lastseen').get('last')]);
  const old = (first: number) => IDBKeyRange.bound([first, -Infinity], [first, cutoff], false, true);
  const writes: Promise<unknown>[] = [];
  const shards = [...new Set(records.map((r) => r.shard))];
  for (const shard of shards) writes.push(blocks.delete(old(shard)));
  const exemplarCounts = await Promise.all(sids.map((sid) => exemplars.count(old(sid))));
  for (const sid of sids) writes.push(exemplars.delete(old(sid)));
  const removedExemplars = exemplarCounts.reduce((a, b) => a + b, 0);
  if (removedExemplars > 0 && meta.exemplars > 0) {
    meta.extraBytes -= Math.round((removedExemplars / meta.exemplars) * Math.max(0, meta.extraBytes));
    meta.exemplars -= removedExemplars;
  }
  for (const [start] of buckets) if (start < cutoff) buckets.delete(start);
  meta.samples -= plan.samples;

  // Series with no block at or after the cutoff and nothing in the open region are gone.
  const dead: Array<{ sid: number; labels: Labels }> = [];
  if (head) {
    sids.forEach((sid, i) => {
      const lastBucket = last && sid < last.length ? last[sid] : -Infinity;
      const e = head.entry(sid);
      const open = e !== undefined && (e.maxt >= cutoff || e.sealed.length > 0 || e.head.count > 0 || e.ooo !== null || e.walDirty);
      if (lastBucket < cutoff && !open) dead.push({ sid, labels: records[i].labels });
    });
  }
  for (const { sid, labels } of dead) {
    writes.push(seriesStore.delete(sid));
    meta.indexBytes -= keySize(sid) + valueSize({ labels, shard: 0 });
  }
  if (dead.length > 0) {
    const postings = tx.objectStore('postings');
    const byPair = new Map<string, { key: [string, string]; ids: number[] }>();
    for (const { sid, labels } of dead) {
      for (const name in labels) {
        const id = JSON.stringify([name, labels[name]]);
        let p = byPair.get(id);
        if (!p) byPair.set(id, (p = { key: [name, labels[name]], ids: [] }));
        p.ids.push(sid);
      }
    }
    const pairs = [...byPair.values()];
    const lists = await Promise.all(pairs.map((p) => postings.get(p.key)));
    pairs.forEach((p, i) => {
      const list = lists[i];
      if (!list) return;
      const next = subtractPostings(list, Uint32Array.from(p.ids).sort());
      if (next.length === 0) {
        writes.push(postings.delete(p.key));
        meta.indexBytes -= list.byteLength + keySize(p.key) + TYPED_ARRAY_ENVELOPE;
      } else {
        writes.push(postings.put(next, p.key));
        meta.indexBytes -= list.byteLength - next.byteLength;
      }
    });
  }

  // The oldest sample left: in the oldest remaining bucket's blocks, else in the open region.
  const remaining = [...buckets.keys()].sort((a, b) => a - b);
  let oldest = Infinity;
  if (remaining.length > 0) {
    const first = await Promise.all(shards.map((sh) => blocks.get([sh, remaining[0]])));
    for (const b of first) {
      if (!b) continue;
      for (const chunks of decodeBlock(b).values()) if (chunks.length > 0 && chunks[0].mint < oldest) oldest = chunks[0].mint;
    }
  }
  if (!Number.isFinite(oldest) && head) {
    for (const e of head.entries()) {
      const m = e.sealed.length > 0 ? e.sealed[0].mint : e.head.count > 0 ? e.head.mint : Infinity;
      if (m < oldest) oldest = m;
    }
  }
  meta.oldest = Number.isFinite(oldest) ? oldest : meta.oldest !== null && meta.oldest >= cutoff ? meta.oldest : null;
  meta.buckets = bucketList(buckets);
  meta.blocksGen = (meta.blocksGen ?? 0) + 1;
  meta.gen++;
  writes.push(tx.objectStore('meta').put(meta, 'state'));
  try {
    await Promise.all(writes);
  } catch (e) {
    try {
      tx.abort();
    } catch {
      // Already finished.
    }
    throw (await done) ?? e;
  }
  const failure = await done;
  if (failure) throw failure;
  for (const { sid } of dead) head?.drop(sid);
  return {
    kind: 'done',
    meta,
    report: { cutoff, reason: plan.reason, chunks: plan.chunks, samples: plan.samples, bytes: plan.bytes, series: dead.length },
    droppedSeries: dead.map((d) => d.sid),
  };
}
