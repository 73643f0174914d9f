// Consistency check run on open: verifies head records (and with `deep` every chunk), dropping what cannot be decoded.
import { ChunkError } from '../../../shared/chunk/bits.ts';
import { readChunkRecord } from '../../../shared/chunk/record.ts';
import { chunkSampleCount, decodeXor } from '../../../shared/chunk/xor.ts';
import type { TsdbDatabase } from './db.ts';
import { CHUNK_SAMPLES, bucketOf } from './layout.ts';
import type { CheckReport } from './types.ts';

/** Why a head record cannot be trusted, or null when it is sound. */
export function headProblem(maxt: number, data: Uint8Array): string | null {
  try {
    const n = chunkSampleCount(data);
    if (n > CHUNK_SAMPLES) return `holds ${n} samples, more than a chunk may`;
    const { t } = decodeXor(data);
    if (n === 0) return null;
    if (t[n - 1] > maxt) return `ends at ${t[n - 1]}, after the series' newest time ${maxt}`;
    if (bucketOf(t[0]) !== bucketOf(t[n - 1])) return 'spans two chunk ranges';
    for (let i = 1; i < n; i++) if (!(t[i] > t[i - 1])) return 'timestamps are not increasing';
    return null;
  } catch (e) {
    return e instanceof ChunkError ? e.message : String(e);
  }
}

/** Why a stored chunk record cannot be trusted (decoding all of it when asked), or null. */
export function chunkProblem(keyMint: number, record: Uint8Array): string | null {
  try {
    const h = readChunkRecord(record);
    if (h.mint !== keyMint) return `starts at ${h.mint} but is keyed ${keyMint}`;
    if (h.count > 0xffff) return 'impossible sample count';
    const { t } = decodeXor(h.xor);
    if (t[t.length - 1] !== h.maxt) return `ends at ${t[t.length - 1]}, record says ${h.maxt}`;
    return null;
  } catch (e) {
    return e instanceof ChunkError ? e.message : String(e);
  }
}

/**
 * Checks the store: every head record decodes and fits its header; with `deep`, every chunk too. Records that
 * fail are deleted (a torn head loses its samples instead of poisoning every read). Reads in a readonly
 * transaction and repairs in a separate readwrite one, so a healthy store is never locked for writing.
 */
export async function runCheck(db: TsdbDatabase, opts: { deep: boolean }): Promise<CheckReport> {
  const tx = db.transaction(['meta', 'series', 'heads', 'chunks'], 'readonly');
  const [meta, seriesCount, headKeys, heads, chunkCount] = await Promise.all([
    tx.objectStore('meta').get('state'),
    tx.objectStore('series').count(),
    tx.objectStore('heads').getAllKeys(),
    tx.objectStore('heads').getAll(),
    tx.objectStore('chunks').count(),
  ]);
  const problems: string[] = [];
  const badHeads: number[] = [];
  let samples = 0;
  headKeys.forEach((sid, i) => {
    const p = headProblem(heads[i].maxt, heads[i].data);
    if (p) {
      badHeads.push(sid);
      problems.push(`head of series ${sid}: ${p}`);
    } else samples += chunkSampleCount(heads[i].data);
  });
  const badChunks: Array<[number, number]> = [];
  if (opts.deep) {
    // Walked with a cursor so the whole store is never held in memory at once.
    let cursor = await tx.objectStore('chunks').openCursor();
    while (cursor) {
      const p = chunkProblem(cursor.key[1], cursor.value);
      if (p) {
        badChunks.push(cursor.key);
        problems.push(`chunk (${cursor.key[0]}, ${cursor.key[1]}): ${p}`);
      } else samples += readChunkRecord(cursor.value).count;
      cursor = await cursor.continue();
    }
  }
  await tx.done;
  if (badHeads.length > 0 || badChunks.length > 0) {
    const fix = db.transaction(['heads', 'chunks'], 'readwrite');
    await Promise.all([...badHeads.map((sid) => fix.objectStore('heads').delete(sid)), ...badChunks.map((k) => fix.objectStore('chunks').delete(k)), fix.done]);
  }
  if (opts.deep && meta && meta.samples !== samples) problems.push(`meta counts ${meta.samples} samples, records hold ${samples}`);
  return {
    ok: problems.length === 0,
    series: seriesCount,
    chunks: chunkCount - badChunks.length,
    heads: headKeys.length - badHeads.length,
    samples: opts.deep ? samples : (meta?.samples ?? 0),
    droppedHeads: badHeads.length,
    droppedChunks: badChunks.length,
    problems,
    durable: meta && meta.epoch !== null ? { epoch: meta.epoch, seq: meta.seq } : null,
  };
}
