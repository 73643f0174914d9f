// Flush planning: when the head must be flushed, when a WAL checkpoint is due, and per-bucket size accounting.
import type { FlushSet, PendingCounts } from './headstate.ts';
import { bucketOf } from './layout.ts';
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

/** WAL records after a checkpoint before the next flush writes a new checkpoint (bounding replay on open). */
export const CHECKPOINT_EVERY = 48;

/** Whether the next flush should write a checkpoint instead of a delta. */
export function checkpointDue(walRecords: number, walBytes: number, regionBytes: number): boolean {
  // Also when the deltas outweigh the region they describe (bounding the WAL at rest to a few times the region).
  return walRecords >= CHECKPOINT_EVERY || (walRecords > 2 && walBytes > 3 * regionBytes + 65_536);
}
