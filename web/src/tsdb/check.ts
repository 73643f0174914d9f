// Consistency check run on open: every WAL record from the newest checkpoint on must decode (with `deep`, every
// block too); what cannot be decoded is dropped and reported.
import { ChunkError } from '../../../shared/chunk/bits.ts';
import { decodeXorColumns } from '../../../shared/chunk/xordecode.ts';
import type { TsdbDatabase } from './db.ts';
import { CHUNK_SAMPLES, bucketOf } from './layout.ts';
import { applyOpen, decodeBlock, decodeWal, type ChunkRef } from './records.ts';
import { chunkSampleCount } from '../../../shared/chunk/xor.ts';
import type { CheckReport } from './types.ts';

/** The WAL records the check read and kept (newest checkpoint on), with the meta generation they belong to. */
export interface CheckedWal {
  gen: number;
  keys: Array<[number, number]>;
  values: Uint8Array[];
}

/** Why a chunk cannot be trusted (decoding all of it), or null. `bucket` is the block bucket it must lie in, if any. */
export function chunkProblem(c: ChunkRef, bucket: number | null): string | null {
  try {
    const { t } = decodeXorColumns(c.xor);
    if (t.length !== c.count) return `holds ${t.length} samples, header says ${c.count}`;
    if (t.length === 0) return 'is empty';
    if (t[0] !== c.mint || t[t.length - 1] !== c.maxt) return `spans ${t[0]}..${t[t.length - 1]}, record says ${c.mint}..${c.maxt}`;
    if (bucketOf(c.mint) !== bucketOf(c.maxt)) return 'crosses a chunk range boundary';
    if (bucket !== null && bucketOf(c.mint) !== bucket) return `lies outside its block's bucket ${bucket}`;
    return null;
  } catch (e) {
    return e instanceof ChunkError ? e.message : String(e);
  }
}

/** Why an open (head) chunk cannot be trusted, or null. */
export function openChunkProblem(xor: Uint8Array): string | null {
  try {
    const { t } = decodeXorColumns(xor);
    if (t.length > CHUNK_SAMPLES) return `holds ${t.length} samples, more than a chunk may`;
    if (t.length > 1 && bucketOf(t[0]) !== bucketOf(t[t.length - 1])) return 'crosses a chunk range boundary';
    return null;
  } catch (e) {
    return e instanceof ChunkError ? e.message : String(e);
  }
}

/**
 * Checks the store and repairs what it can: WAL records whose chunk headers do not decode are deleted (their
 * samples are lost, every other record stays readable); with `deep`, every chunk of the WAL and the blocks is
 * decoded and the sample total compared with the meta record. Reads in a readonly transaction, repairs in a separate readwrite one, so a
 * healthy store is never locked for writing.
 */
export async function runCheck(db: TsdbDatabase, opts: { deep: boolean }): Promise<CheckReport & { wal: CheckedWal }> {
  const tx = db.transaction(['meta', 'series', 'wal', 'blocks'], 'readonly');
  const [meta, seriesCount, walKeys, walValues, blockCount] = await Promise.all([
    tx.objectStore('meta').get('state'),
    tx.objectStore('series').count(),
    tx.objectStore('wal').getAllKeys(),
    tx.objectStore('wal').getAll(),
    tx.objectStore('blocks').count(),
  ]);
  const problems: string[] = [];
  const badWal: Array<[number, number]> = [];
  let from = 0;
  walKeys.forEach((k, i) => {
    if (k[1] === 1) from = i;
  });
  // The open region's samples, as the newest checkpoint and later deltas describe it.
  const region = new Map<number, { sealed: number; open: Uint8Array }>();
  for (let i = from; i < walKeys.length; i++) {
    try {
      // Decoding the record checks every chunk header (sample count, first time); `deep` decodes the samples too.
      const { entries } = decodeWal(walValues[i]);
      const next = new Map(region);
      for (const e of entries) {
        const prev = next.get(e.sid);
        const open = applyOpen(prev?.open, e.open);
        if (chunkSampleCount(open) > CHUNK_SAMPLES) throw new ChunkError(`series ${e.sid}: open chunk holds more samples than a chunk may`);
        if (opts.deep) {
          for (const c of e.sealed) {
            const p = chunkProblem(c, null);
            if (p) throw new ChunkError(`series ${e.sid}: chunk ${p}`);
          }
          const p = openChunkProblem(open);
          if (p) throw new ChunkError(`series ${e.sid}: open chunk ${p}`);
        }
        const sealed = e.sealed.reduce((n, c) => n + c.count, e.mode === 'append' && prev ? prev.sealed : 0);
        next.set(e.sid, { sealed, open });
      }
      // A record applies whole or not at all.
      region.clear();
      for (const [k, v] of next) region.set(k, v);
    } catch (err) {
      badWal.push(walKeys[i]);
      problems.push(`WAL record ${walKeys[i][0]}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  let samples = 0;
  for (const r of region.values()) samples += r.sealed + chunkSampleCount(r.open);
  const badBlocks: Array<[number, number]> = [];
  if (opts.deep) {
    // Walked with a cursor so the whole store is never held in memory at once.
    let cursor = await tx.objectStore('blocks').openCursor();
    while (cursor) {
      try {
        for (const [sid, chunks] of decodeBlock(cursor.value)) {
          for (const c of chunks) {
            const p = chunkProblem(c, cursor.key[1]);
            if (p) throw new ChunkError(`series ${sid}: chunk ${p}`);
            samples += c.count;
          }
        }
      } catch (err) {
        badBlocks.push(cursor.key);
        problems.push(`block (${cursor.key[0]}, ${cursor.key[1]}): ${err instanceof Error ? err.message : String(err)}`);
      }
      cursor = await cursor.continue();
    }
  }
  await tx.done;
  if (badWal.length > 0 || badBlocks.length > 0) {
    const fix = db.transaction(['wal', 'blocks'], 'readwrite');
    await Promise.all([...badWal.map((k) => fix.objectStore('wal').delete(k)), ...badBlocks.map((k) => fix.objectStore('blocks').delete(k)), fix.done]);
  }
  if (opts.deep && meta && badWal.length === 0 && badBlocks.length === 0 && meta.samples !== samples) {
    problems.push(`meta counts ${meta.samples} samples, records hold ${samples}`);
  }
  const bad = new Set(badWal.map((k) => k.join(':')));
  const kept = walKeys.map((k, i) => ({ k, v: walValues[i] })).filter(({ k }, i) => i >= from && !bad.has(k.join(':')));
  return {
    wal: { gen: meta?.gen ?? 0, keys: kept.map((x) => x.k), values: kept.map((x) => x.v) },
    ok: problems.length === 0,
    series: seriesCount,
    chunks: blockCount - badBlocks.length,
    heads: region.size,
    samples: opts.deep ? samples : (meta?.samples ?? 0),
    droppedHeads: badWal.length,
    droppedChunks: badBlocks.length,
    problems,
    durable: meta && meta.epoch !== null ? { epoch: meta.epoch, seq: meta.seq } : null,
  };
}
