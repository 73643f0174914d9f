// Tests for the bounded pool of body buffers.
import { describe, expect, it } from 'vitest';
import { BodyPool } from './body-pool.ts';

describe('BodyPool', () => {
  it('hands out a buffer at least as large as asked, reusing the smallest free one that fits', () => {
    const pool = new BodyPool(4, 1 << 30);
    const a = pool.take(100_000);
    const b = pool.take(300_000);
    expect(a.length).toBeGreaterThanOrEqual(100_000);
    pool.give(a);
    pool.give(b);
    expect(pool.take(90_000)).toBe(a);
    expect(pool.take(90_000)).toBe(b);
    expect(pool.retainedBuffers).toBe(0);
    expect(pool.take(10).length).toBeGreaterThanOrEqual(10);
  });

  it('grows a buffer keeping its used bytes, and gives the smaller one back', () => {
    const pool = new BodyPool(4, 1 << 30);
    const a = pool.take(70_000);
    a.write('hello', 0, 'latin1');
    expect(pool.grow(a, 5, a.length)).toBe(a);
    const b = pool.grow(a, 5, a.length + 1);
    expect(b.length).toBeGreaterThanOrEqual(2 * a.length);
    expect(b.subarray(0, 5).toString('latin1')).toBe('hello');
    expect(pool.retainedBuffers).toBe(1);
    expect(pool.take(1)).toBe(a);
  });

  it('keeps at most maxBuffers buffers of at most maxBytes together, preferring the largest', () => {
    const pool = new BodyPool(2, 1_000_000);
    const small = pool.take(100_000);
    const mid = pool.take(200_000);
    const large = pool.take(600_000);
    const huge = pool.take(2_000_000);
    pool.give(huge); // over maxBytes on its own: dropped
    expect(pool.retainedBuffers).toBe(0);
    pool.give(small);
    pool.give(mid);
    pool.give(large); // two buffers at most: the smallest goes
    expect(pool.retainedBuffers).toBe(2);
    expect(pool.retainedBytes).toBe(mid.length + large.length);
    expect(pool.retainedBytes).toBeLessThanOrEqual(1_000_000);
    pool.give(pool.take(150_000)); // mid comes back out and in again
    const another = pool.take(500_000);
    expect(another).toBe(large);
    pool.give(another);
    pool.give(pool.take(100_000)); // a fresh small buffer does not push out the larger ones
    expect(pool.retainedBytes).toBe(mid.length + large.length);
  });
});
