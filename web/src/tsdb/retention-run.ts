// Executes a retention plan in one transaction: deletes whole chunks (and exemplars) before the cutoff, then
// heads and series that have nothing left, keeping the meta record's totals exact.
import { xorFirstTime } from '../../../shared/chunk/record.ts';
import { chunkSampleCount } from '../../../shared/chunk/xor.ts';
import type { Labels } from '../../../shared/model/labels.ts';
import { emptyMeta, type MetaRecord, type TsdbDatabase } from './db.ts';
import { bucketList, bucketTable } from './flush.ts';
import type { HeadState } from './headstate.ts';
import { subtractPostings } from './postings.ts';
import { planRetention } from './retention.ts';
import { headRecordSize, keySize, TYPED_ARRAY_ENVELOPE, valueSize } from './sizes.ts';
import type { RetentionPolicy, RetentionReport } from './types.ts';

export type RetentionOutcome =
  | { kind: 'conflict' }
  | { kind: 'done'; meta: MetaRecord | null; report: RetentionReport; droppedSeries: number[] };

const NOTHING: RetentionReport = { cutoff: null, reason: null, chunks: 0, samples: 0, bytes: 0, series: 0 };

/** Applies the policy if the database is still at generation `expectedGen`; the writer's head (if any) loses dropped series. */
export async function runRetention(db: TsdbDatabase, policy: RetentionPolicy, expectedGen: number, head: HeadState | null): Promise<RetentionOutcome> {
  const tx = db.transaction(['meta', 'series', 'postings', 'chunks', 'heads', 'exemplars'], 'readwrite');
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
    otherBytes: meta.headBytes + meta.indexBytes + meta.extraBytes,
    newest: Number.isFinite(newest) ? newest : null,
    policy,
  });
  if (!plan) {
    const failure = await done;
    if (failure) throw failure;
    return { kind: 'done', meta: null, report: NOTHING, droppedSeries: [] };
  }
  const { cutoff } = plan;
  const chunks = tx.objectStore('chunks');
  const exemplars = tx.objectStore('exemplars');
  const heads = tx.objectStore('heads');
  const seriesStore = tx.objectStore('series');
  const sids = await seriesStore.getAllKeys();
  const old = (sid: number) => IDBKeyRange.bound([sid, -Infinity], [sid, cutoff], false, true);
  const exemplarCounts = await Promise.all(sids.map((sid) => exemplars.count(old(sid))));
  const writes: Promise<unknown>[] = [];
  for (const sid of sids) {
    writes.push(chunks.delete(old(sid)));
    writes.push(exemplars.delete(old(sid)));
  }
  const removedExemplars = exemplarCounts.reduce((a, b) => a + b, 0);
  if (removedExemplars > 0 && meta.exemplars > 0) {
    meta.extraBytes -= Math.round((removedExemplars / meta.exemplars) * Math.max(0, meta.extraBytes));
    meta.exemplars -= removedExemplars;
  }
  for (const [start] of buckets) if (start < cutoff) buckets.delete(start);
  meta.samples -= plan.samples;

  // Series whose newest sample is before the cutoff are gone entirely: head, series record, postings.
  const [headKeys, headValues] = await Promise.all([heads.getAllKeys(), heads.getAll()]);
  const dead: Array<{ sid: number; labels: Labels }> = [];
  const deadLabels = await Promise.all(
    headKeys.map((sid, i) => {
      const live = head?.entry(sid);
      const maxt = live ? live.maxt : headValues[i].maxt;
      return maxt < cutoff ? seriesStore.get(sid) : Promise.resolve(undefined);
    }),
  );
  headKeys.forEach((sid, i) => {
    const labels = deadLabels[i];
    if (!labels) return;
    dead.push({ sid, labels });
    writes.push(heads.delete(sid));
    writes.push(seriesStore.delete(sid));
    meta.samples -= chunkSampleCount(headValues[i].data);
    meta.headBytes -= headRecordSize(headValues[i].data.length);
    meta.indexBytes -= keySize(sid) + valueSize(labels);
  });
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

  // The oldest sample left: the first chunk of each series, or its head.
  const firstKeys = await Promise.all(sids.map((sid) => chunks.getKey(IDBKeyRange.bound([sid, cutoff], [sid, Infinity]))));
  let oldest = Infinity;
  for (const k of firstKeys) if (k && k[1] < oldest) oldest = k[1];
  const deadSet = new Set(dead.map((d) => d.sid));
  headKeys.forEach((sid, i) => {
    if (deadSet.has(sid) || chunkSampleCount(headValues[i].data) === 0) return;
    oldest = Math.min(oldest, xorFirstTime(headValues[i].data));
  });
  meta.oldest = Number.isFinite(oldest) ? oldest : null;
  meta.buckets = bucketList(buckets);
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
