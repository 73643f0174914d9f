// Unit tests for stacking graph data.
import { describe, expect, it } from 'vitest';
import type { AlignedData } from 'uplot';
import { stackData } from './stack.ts';

describe('stackData', () => {
  const data: AlignedData = [
    [1, 2, 3],
    [1, 2, null],
    [10, undefined, 30],
    [100, 200, 300],
  ];
  it('adds each series onto the ones before it, keeping gaps', () => {
    expect(stackData(data, new Set())).toEqual([
      [1, 2, 3],
      [1, 2, null],
      [11, undefined, 30],
      [111, 202, 330],
    ]);
  });
  it('leaves hidden series out of the sums', () => {
    expect(stackData(data, new Set([1]))[3]).toEqual([101, 202, 300]);
    expect(stackData(data, new Set([1]))[2]).toEqual([10, undefined, 30]);
  });
});
