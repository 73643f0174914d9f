// Unit tests for the bucket helpers: splitting, merging (fast and slow paths) and inclusive range cuts.
import { describe, expect, it } from 'vitest';
import { isStaleMarker, STALE_NAN } from '../../../shared/model/stale.ts';
import { bucketStart, concatInRange, mergeRuns, splitByBucket, type SampleRun } from './buckets.ts';

const run = (t: number[], v: number[]): SampleRun => ({ t: Float64Array.from(t), v: Float64Array.from(v) });
const plain = (r: SampleRun) => ({ t: Array.from(r.t), v: Array.from(r.v) });

describe('bucketStart', () => {
  it('floors to the bucket width, also before 1970', () => {
    expect(bucketStart(1234, 1000)).toBe(1000);
    expect(bucketStart(1000, 1000)).toBe(1000);
    expect(bucketStart(-1, 1000)).toBe(-1000);
  });
});

describe('splitByBucket', () => {
  it('groups consecutive samples by bucket and copies them out of the input buffer', () => {
    const t = Float64Array.from([100, 900, 1000, 2500, 2999]);
    const v = Float64Array.from([1, 2, 3, 4, 5]);
    const parts = splitByBucket(t, v, 1000);
    expect([...parts.keys()]).toEqual([0, 1000, 2000]);
    expect(plain(parts.get(2000)!)).toEqual({ t: [2500, 2999], v: [4, 5] });
    expect(parts.get(0)!.t.buffer).not.toBe(t.buffer);
    expect(parts.get(0)!.t.buffer.byteLength).toBe(16);
  });
});

describe('mergeRuns', () => {
  it('appends newer samples', () => {
    expect(plain(mergeRuns(run([1, 2], [10, 20]), run([3], [30])))).toEqual({ t: [1, 2, 3], v: [10, 20, 30] });
  });
  it('inserts older samples in order and lets a repeated timestamp replace the old value', () => {
    expect(plain(mergeRuns(run([1, 3, 5], [10, 30, 50]), run([0, 3, 4, 6], [0, 33, 40, 60])))).toEqual({
      t: [0, 1, 3, 4, 5, 6],
      v: [0, 10, 33, 40, 50, 60],
    });
  });
  it('keeps stale markers on both paths', () => {
    const stale = new Float64Array(1);
    stale[0] = STALE_NAN;
    const fast = mergeRuns(run([1], [1]), { t: Float64Array.from([2]), v: stale });
    const slow = mergeRuns(run([1, 3], [1, 3]), { t: Float64Array.from([2]), v: stale });
    expect(isStaleMarker(fast.v[1])).toBe(true);
    expect(isStaleMarker(slow.v[1])).toBe(true);
  });
});

describe('concatInRange', () => {
  it('joins runs and keeps both range ends inclusive', () => {
    const got = concatInRange([run([1, 2, 3], [1, 2, 3]), run([4, 5, 6], [4, 5, 6])], 2, 5);
    expect(plain(got)).toEqual({ t: [2, 3, 4, 5], v: [2, 3, 4, 5] });
  });
  it('returns empty arrays when nothing is in range', () => {
    expect(plain(concatInRange([run([1, 2], [1, 2])], 3, 9))).toEqual({ t: [], v: [] });
  });
});
