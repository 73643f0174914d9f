// Value reducers: null and NaN handling per reducer, empty input.
import { describe, expect, it } from 'vitest';
import { REDUCE_CALCS } from './model.ts';
import { REDUCER_NAMES, reduceValues } from './reduce.ts';

const v = [null, 3, NaN, 1, 5, null];

describe('reduceValues', () => {
  it('computes each reducer', () => {
    expect(reduceValues(v, 'lastNotNull')).toBe(5);
    expect(reduceValues(v, 'last')).toBeNull();
    expect(reduceValues(v, 'firstNotNull')).toBe(3);
    expect(reduceValues(v, 'first')).toBeNull();
    expect(reduceValues(v, 'max')).toBe(5);
    expect(reduceValues(v, 'min')).toBe(1);
    expect(reduceValues(v, 'range')).toBe(4);
    expect(reduceValues(v, 'diff')).toBe(2);
    expect(reduceValues(v, 'count')).toBe(4);
    expect(reduceValues(v, 'mean')).toBeNaN();
    expect(reduceValues([2, null, 4], 'mean')).toBe(3);
    expect(reduceValues([2, null, 4], 'sum')).toBe(6);
    expect(reduceValues([1, 2, NaN], 'lastNotNull')).toBe(2);
    expect(reduceValues(new Float64Array([1, 2, 3]), 'sum')).toBe(6);
  });

  it('returns null when nothing can be reduced, and names every reducer', () => {
    for (const calc of REDUCE_CALCS) {
      expect(reduceValues([], calc), calc).toBe(calc === 'count' ? 0 : null);
      expect(REDUCER_NAMES[calc]).toBeTruthy();
    }
  });
});
