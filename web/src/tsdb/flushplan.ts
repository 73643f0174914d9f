// Flush planning: when the head must be flushed, and which records (chunk, head) and size accounting a flush writes.
import { encodeChunkRecord } from '../../../shared/chunk/record.ts';
import type { FlushSet, PendingCounts } from './headstate.ts';
import { bucketOf } from './layout.ts';
import { chunkRecordSize, headRecordSize } from './sizes.ts';
import type { FlushPolicy } from './types.ts';

/** Why a flush is due now, or null when the head may keep waiting. */
export function flushReason(p: PendingCounts, now: number, policy: FlushPolicy): 'batches' | 'samples' | 'age' | null {
  if (p.since === null) return null;
  if (p.batches >= policy.maxBatches) return 'batches';
  if (p.samples >= policy.maxSamples) return 'samples';
  if (now - p.since >= policy.maxDelayMs) return 'age';
  return null;
}

/** Milliseconds until the age limit makes a flush due (0 when overdue, null when nothing is pending). */
export function flushDelay(p: PendingCounts, now: number, policy: FlushPolicy): number | null {
  return p.since === null ? null : Math.max(0, p.since + policy.maxDelayMs - now);
}

/** Stored chunk bytes, samples and records per aligned time bucket: what size retention deletes by. */
export interface BucketStat {
  bytes: number;
  samples: number;
  chunks: number;
}

export type BucketTable = Map<number, BucketStat>;

/** Adds (sign 1) or removes (sign -1) one chunk record's share in its bucket. */
export function account(table: BucketTable, mint: number, bytes: number, samples: number, sign: 1 | -1): void {
  const b = bucketOf(mint);
  const s = table.get(b) ?? { bytes: 0, samples: 0, chunks: 0 };
  s.bytes += sign * bytes;
  s.samples += sign * samples;
  s.chunks += sign;
  if (s.chunks <= 0) table.delete(b);
  else table.set(b, s);
}

/** A head record: the open chunk (possibly empty) and the series' newest timestamp. */
export interface HeadRecord {
  maxt: number;
  data: Uint8Array;
}

/** The chunk and head records a flush set turns into, with the size accounting they imply. */
export interface FlushWrites {
  chunks: Array<{ key: [sid: number, mint: number]; value: Uint8Array; count: number; bytes: number }>;
  heads: Array<{ sid: number; value: HeadRecord; bytes: number }>;
}

/** Plans the record writes of a flush set (pure: no storage). */
export function planWrites(set: FlushSet): FlushWrites {
  const chunks: FlushWrites['chunks'] = set.chunks.map(({ sid, chunk }) => {
    const value = encodeChunkRecord(chunk.mint, chunk.maxt, chunk.xor);
    return { key: [sid, chunk.mint], value, count: chunk.run.t.length, bytes: chunkRecordSize(sid, chunk.mint, value) };
  });
  const heads: FlushWrites['heads'] = set.heads.map((h) => ({
    sid: h.sid,
    value: { maxt: h.maxt, data: h.xor },
    bytes: headRecordSize(h.xor.length),
  }));
  return { chunks, heads };
}
