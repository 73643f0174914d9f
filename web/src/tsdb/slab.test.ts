import { describe, expect, it } from 'vitest';
import { ColumnSlab } from './slab.ts';

describe('ColumnSlab', () => {
  it('hands out zeroed, disjoint column pairs of the asked length, across slabs and for oversized requests', () => {
    const slab = new ColumnSlab(10);
    const pairs = [3, 4, 5, 25, 0, 2].map((n) => slab.take(n));
    expect(pairs.map((p) => [p.t.length, p.v.length])).toEqual([[3, 3], [4, 4], [5, 5], [25, 25], [0, 0], [2, 2]]);
    pairs.forEach((p, k) => {
      expect(Array.from(p.t).every((x) => x === 0) && Array.from(p.v).every((x) => x === 0)).toBe(true);
      p.t.fill(k + 1);
      p.v.fill(-(k + 1));
    });
    // No pair's writes reached another: each still holds only its own mark.
    pairs.forEach((p, k) => {
      expect(new Set(p.t)).toEqual(new Set(p.t.length ? [k + 1] : []));
      expect(new Set(p.v)).toEqual(new Set(p.v.length ? [-(k + 1)] : []));
    });
  });
});
