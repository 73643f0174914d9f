// Pins the shaping of panel results: alignment with gaps, naming, reduction and table columns.
import { describe, expect, it } from 'vitest';
import { alignSeries, nameSeries, reduceSeries, tableFrame } from './frames.ts';

const col = (t: number[], v: number[]) => ({ t: Float64Array.from(t), v: Float64Array.from(v) });

describe('panel frames', () => {
  it('aligns series on the union of timestamps with nulls for gaps and stale samples', () => {
    const a = { refId: 'A', name: 'a', labels: {}, ...col([1000, 2000], [1, 2]) };
    const b = { refId: 'A', name: 'b', labels: {}, ...col([2000, 3000], [NaN, 5]) };
    expect(alignSeries([a, b])).toEqual([[1, 2, 3], [1, 2, null], [null, null, 5]]);
  });

  it('names series by legendFormat, else by Prometheus series name', () => {
    const raw = [{ labels: { __name__: 'up', job: 'x' }, ...col([1], [1]) }];
    expect(nameSeries({ refId: 'A', legendFormat: '{{job}} up' }, 'up', raw)[0].name).toBe('x up');
    expect(nameSeries({ refId: 'A' }, 'up', raw)[0].name).toBe('up{job="x"}');
  });

  it('reduces ignoring NaN and builds table columns with __name__ first', () => {
    expect(reduceSeries(col([1, 2, 3], [4, 7, NaN]), 'lastNotNull')).toBe(7);
    const t = tableFrame([{ refId: 'A', name: '', labels: { job: 'j', __name__: 'up', a: '1' }, ...col([1], [3]) }]);
    expect(t.columns).toEqual(['__name__', 'a', 'job']);
    expect(t.rows[0].value).toBe(3);
  });
});
