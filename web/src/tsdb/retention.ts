// Retention planning: which aligned chunk buckets to delete for the time limit and the size limit (pure).
import type { BucketTable } from './flushplan.ts';
import { CHUNK_RANGE_MS, bucketOf } from './layout.ts';
import type { RetentionPolicy } from './types.ts';

export interface RetentionInput {
  buckets: BucketTable;
  /** Bytes outside the buckets (heads, series, postings, metadata, exemplars): counted, never deleted here. */
  otherBytes: number;
  /** Newest sample time held; retention is measured from it, as Prometheus measures from its newest block. */
  newest: number | null;
  policy: RetentionPolicy;
}

export interface RetentionPlan {
  /** Delete every chunk whose mint is before this (an aligned bucket start). */
  cutoff: number;
  reason: 'time' | 'size';
  /** What the deleted buckets hold. */
  bytes: number;
  samples: number;
  chunks: number;
}

/**
 * Plans deletion of whole buckets of chunks, oldest first: those entirely older than newest - time limit, then,
 * while the total is over the size limit, further old buckets (never the newest one). Null when nothing is due.
 */
export function planRetention(input: RetentionInput): RetentionPlan | null {
  const { buckets, policy, newest } = input;
  if (newest === null || buckets.size === 0) return null;
  const starts = [...buckets.keys()].sort((a, b) => a - b);
  // A bucket's chunks all end before its end, so buckets starting before bucketOf(limit) are wholly out of range.
  const timeCutoff = bucketOf(newest - policy.timeMs);
  let total = input.otherBytes;
  for (const s of starts) total += buckets.get(s)!.bytes;
  let cutoff = starts[0];
  let reason: RetentionPlan['reason'] | null = null;
  let remaining = total;
  const keep = bucketOf(newest);
  for (const s of starts) {
    const overTime = s < timeCutoff;
    const overSize = remaining > policy.maxBytes && s < keep;
    if (!overTime && !overSize) break;
    reason = overTime ? 'time' : 'size';
    remaining -= buckets.get(s)!.bytes;
    cutoff = s + CHUNK_RANGE_MS;
  }
  if (reason === null) return null;
  let bytes = 0;
  let samples = 0;
  let chunks = 0;
  for (const s of starts) {
    if (s >= cutoff) break;
    const b = buckets.get(s)!;
    bytes += b.bytes;
    samples += b.samples;
    chunks += b.chunks;
  }
  return { cutoff, reason, bytes, samples, chunks };
}
