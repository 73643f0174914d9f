// Constants and key shapes of the studio's time-series database, shared by its pure core and its IndexedDB edge.

/** A chunk is cut after this many samples (Prometheus's target). */
export const CHUNK_SAMPLES = 120;
/**
 * Chunks never cross a multiple of this range (2 h, Prometheus's block range): a chunk spans less than it, so a
 * reader finds the chunk covering time t among keys (sid, mint) with mint in (t - range, t], and retention can
 * drop whole aligned buckets of chunks.
 */
export const CHUNK_RANGE_MS = 2 * 3_600_000;

/**
 * Postings records are keyed by the array [name, value] rather than a joined string: with UTF-8 label names any
 * separator character could occur inside a name, while array keys keep every pair distinct and let one key range,
 * [name] to [name, []], list all values of a name in order.
 */
export type PostingKey = [name: string, value: string];

/** Start of the aligned chunk bucket holding time t. */
export function bucketOf(t: number): number {
  return Math.floor(t / CHUNK_RANGE_MS) * CHUNK_RANGE_MS;
}
