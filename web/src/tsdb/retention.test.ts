import { describe, expect, it } from 'vitest';
import { account, type BucketTable } from './flushplan.ts';
import { CHUNK_RANGE_MS } from './layout.ts';
import { planRetention } from './retention.ts';

const H = 3_600_000;
const DAY = 24 * H;
const R = CHUNK_RANGE_MS;

/** One chunk of `bytes` bytes and 120 samples in each of `count` consecutive buckets from `from`. */
function table(from: number, count: number, bytes = 1000): BucketTable {
  const t: BucketTable = new Map();
  for (let i = 0; i < count; i++) account(t, from + i * R + 60_000, bytes, 120, 1);
  return t;
}

describe('planRetention', () => {
  it('keeps everything within the time limit and under the size limit', () => {
    const buckets = table(0, 12);
    expect(planRetention({ buckets, otherBytes: 0, newest: 12 * R - 1, policy: { timeMs: DAY, maxBytes: 1e9 } })).toBeNull();
    expect(planRetention({ buckets: new Map(), otherBytes: 0, newest: null, policy: { timeMs: 1, maxBytes: 1 } })).toBeNull();
  });

  it('deletes whole buckets that end before newest - time limit, measured from the data, not the clock', () => {
    const buckets = table(0, 24); // two days of 2 h buckets
    const newest = 24 * R - 1;
    const plan = planRetention({ buckets, otherBytes: 0, newest, policy: { timeMs: DAY, maxBytes: 1e9 } });
    // newest - 1 d falls inside bucket 11, which may still hold samples in range: buckets 0..10 go.
    expect(plan).toEqual({ cutoff: 11 * R, reason: 'time', bytes: 11_000, samples: 11 * 120, chunks: 11 });
    for (const [start] of buckets) {
      if (start < plan!.cutoff) expect(start + R).toBeLessThanOrEqual(newest - DAY);
    }
  });

  it('deletes the oldest buckets until the total fits the size limit, counting bytes outside buckets', () => {
    const buckets = table(0, 10, 1000);
    const plan = planRetention({ buckets, otherBytes: 500, newest: 10 * R - 1, policy: { timeMs: 100 * DAY, maxBytes: 7000 } });
    // 10_500 bytes held: removing 4 buckets leaves 6_500 <= 7_000.
    expect(plan).toMatchObject({ cutoff: 4 * R, reason: 'size', bytes: 4000, chunks: 4 });
  });

  it('never deletes the bucket holding the newest sample, even when it alone is over the limit', () => {
    const buckets = table(0, 3, 10_000);
    const plan = planRetention({ buckets, otherBytes: 0, newest: 3 * R - 1, policy: { timeMs: 100 * DAY, maxBytes: 1 } });
    expect(plan?.cutoff).toBe(2 * R);
  });

  it('combines both limits, reporting the later cause', () => {
    const buckets = table(0, 30, 1000);
    const plan = planRetention({ buckets, otherBytes: 0, newest: 30 * R - 1, policy: { timeMs: 2 * DAY, maxBytes: 5000 } });
    expect(plan).toMatchObject({ cutoff: 25 * R, reason: 'size' });
  });

  it('keeps bucket accounting exact as chunks come and go', () => {
    const t: BucketTable = new Map();
    account(t, 5, 100, 10, 1);
    account(t, 6, 50, 5, 1);
    account(t, 5, 100, 10, -1);
    expect([...t]).toEqual([[0, { bytes: 50, samples: 5, chunks: 1 }]]);
    account(t, 6, 50, 5, -1);
    expect(t.size).toBe(0);
  });
});
