// Rebuilds a fresh Head from persisted batches so a restarted Durable Object keeps its epoch, sequence and series ids.
import { labelsKey, type Labels } from '../../shared/model/labels.ts';
import type { MetricMetadata } from '../../shared/stream/protocol.ts';
import { COMPACT_EVERY_MS, type AppendExemplar, type AppendSample, type Head, type HeadSeries } from '../head/head.ts';

/** One batch as stored: the head's StoredBatch without its wire cache. */
export interface PersistedBatch {
  seq: number;
  appendedAt: number;
  ids: Uint32Array;
  ts: number | Float64Array;
  vals: Float64Array;
  meta: ReadonlyArray<[string, MetricMetadata]>;
  exemplars: ReadonlyArray<[number, Labels, number, number | null]>;
}

/** What a restart needs: the counters and the retained batches with the labels of the series they use. */
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
 * The Head fields restore has to set. Head offers no way to start numbering anywhere but 1, so this reaches into
 * it; `assertRestorable` fails loudly (and the unit test with it) if those fields change. Requested core seam:
 * `HeadOptions.resume = { nextSeq, nextSeriesId }` plus `Head.restoreBatch(seq, series, batch)`.
 */
interface HeadInternals {
  seq: number;
  nextId: number;
  getOrCreate(labels: Labels): HeadSeries;
}

function internalsOf(head: Head): HeadInternals {
  const h = head as unknown as HeadInternals;
  if (typeof h.seq !== 'number' || typeof h.nextId !== 'number' || typeof h.getOrCreate !== 'function') {
    throw new Error('head-restore: Head no longer has seq/nextId/getOrCreate; update gateway/worker/head-restore.ts');
  }
  return h;
}

/** Throws unless `head` is fresh and has the fields restore sets. */
export function assertRestorable(head: Head): void {
  internalsOf(head);
  if (head.nextSeq !== 1 || head.stats().series !== 0) throw new Error('head-restore: restore needs a fresh head');
}

/**
 * Replays a snapshot into a fresh head: series get their old ids, batches their old sequence numbers, and the
 * counters continue where the previous instance stopped. Call before anything subscribes to the head's batches.
 */
export function restoreHead(head: Head, snap: HeadSnapshot): void {
  assertRestorable(head);
  const h = internalsOf(head);
  const byId = new Map<number, Labels>();
  const idOfKey = new Map<string, number>();
  // A label set can own two ids only if it vanished and came back; the newer id is the live one.
  for (const id of [...snap.series.keys()].sort((a, b) => a - b)) {
    const labels = snap.series.get(id) as Labels;
    const key = labelsKey(labels);
    const older = idOfKey.get(key);
    if (older !== undefined) byId.delete(older);
    idOfKey.set(key, id);
    byId.set(id, labels);
  }
  // The head's own interval: append must never find a compaction due (see below).
  let lastCompaction = -Infinity;
  let maxSeq = 0;
  for (const b of replayable(snap.batches, byId)) {
    // Compact here, not inside append: append compacts before it stores samples and would drop the series this
    // batch needs, which are created just below with their old ids (getOrCreate takes the id from nextId).
    if (b.appendedAt - lastCompaction >= COMPACT_EVERY_MS) {
      head.compact(b.appendedAt);
      lastCompaction = b.appendedAt;
    }
    const samples: AppendSample[] = [];
    for (let i = 0; i < b.ids.length; i++) {
      const labels = byId.get(b.ids[i]);
      if (labels === undefined) continue;
      ensureSeries(head, h, b.ids[i], labels);
      samples.push({ labels, t: typeof b.ts === 'number' ? b.ts : b.ts[i], v: b.vals[i] });
    }
    const exemplars: AppendExemplar[] = [];
    for (const [id, labels, value, timestamp] of b.exemplars) {
      const series = byId.get(id);
      if (series === undefined) continue;
      ensureSeries(head, h, id, series);
      exemplars.push({ series, labels, value, timestamp });
    }
    h.seq = b.seq;
    head.append(samples, b.appendedAt, b.meta, exemplars);
    maxSeq = Math.max(maxSeq, b.seq);
  }
  let maxId = 0;
  for (const id of byId.keys()) maxId = Math.max(maxId, id);
  h.seq = Math.max(snap.nextSeq, maxSeq + 1, 1);
  h.nextId = Math.max(snap.nextSeriesId, maxId + 1, 1);
}

/** Creates the series under its old id unless the head holds it already. */
function ensureSeries(head: Head, h: HeadInternals, id: number, labels: Labels): void {
  if (head.series(id) !== undefined) return;
  h.nextId = id;
  h.getOrCreate(labels);
}

/**
 * The newest run of batches with consecutive sequence numbers whose every batch still carries something: the head
 * finds a batch by its distance from the oldest one, so the replayed log must have no holes.
 */
function replayable(batches: readonly PersistedBatch[], byId: ReadonlyMap<number, Labels>): readonly PersistedBatch[] {
  let start = batches.length;
  while (start > 0) {
    const b = batches[start - 1];
    if (start < batches.length && batches[start].seq !== b.seq + 1) break;
    const carries = b.meta.length > 0 || b.exemplars.some(([id]) => byId.has(id)) || Array.from(b.ids).some((id) => byId.has(id));
    if (!carries) break;
    start--;
  }
  return batches.slice(start);
}

/** The counters a restart must continue from (the next series id is not public on Head). */
export function headCounters(head: Head): { nextSeq: number; nextSeriesId: number } {
  return { nextSeq: head.nextSeq, nextSeriesId: internalsOf(head).nextId };
}
