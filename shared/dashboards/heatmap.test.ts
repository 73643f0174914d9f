// Heatmap shaping of classic `le` buckets: ordering, de-cumulation, grouping, gaps and bad bounds.
import { describe, expect, it } from 'vitest';
import { classicHeatmaps } from './heatmap.ts';

describe('classicHeatmaps', () => {
  it('orders buckets by bound and subtracts the bucket below', () => {
    const { heatmaps, skipped } = classicHeatmaps([
      { labels: { __name__: 'h_bucket', le: '+Inf' }, values: [10, 12] },
      { labels: { __name__: 'h_bucket', le: '0.5' }, values: [6, 7] },
      { labels: { __name__: 'h_bucket', le: '0.1' }, values: [2, null] },
    ]);
    expect(skipped).toBe(0);
    expect(heatmaps).toEqual([{ labels: {}, bounds: [0.1, 0.5, Infinity], counts: [[2, null], [4, 7], [4, 5]] }]);
  });

  it('groups by the other labels, adds equal bounds, skips series without a numeric bound', () => {
    const { heatmaps, skipped } = classicHeatmaps([
      { labels: { le: '1', job: 'a' }, values: [1] },
      { labels: { le: '1.0', job: 'a' }, values: [2] },
      { labels: { le: '2', job: 'a' }, values: [5] },
      { labels: { le: '1', job: 'b' }, values: [9] },
      { labels: { le: 'many', job: 'b' }, values: [9] },
      { labels: { job: 'b' }, values: [9] },
    ]);
    expect(skipped).toBe(2);
    expect(heatmaps).toEqual([
      { labels: { job: 'a' }, bounds: [1, 2], counts: [[3], [2]] },
      { labels: { job: 'b' }, bounds: [1], counts: [[9]] },
    ]);
  });

  it('honours another bucket label', () => {
    expect(classicHeatmaps([{ labels: { bucket: '5' }, values: [1] }], 'bucket').heatmaps[0].bounds).toEqual([5]);
  });
});
