// Unit tests for legend click behaviour.
import { describe, expect, it } from 'vitest';
import { legendClick } from './legendClick.ts';

describe('legendClick', () => {
  it('isolates a series on a plain click and shows all again on a second click', () => {
    const isolated = legendClick(new Set(), 1, 3, false);
    expect([...isolated].sort()).toEqual([0, 2]);
    expect(legendClick(isolated, 1, 3, false).size).toBe(0);
  });
  it('isolates another series when one is already isolated', () => {
    expect([...legendClick(new Set([0, 2]), 0, 3, false)].sort()).toEqual([1, 2]);
  });
  it('toggles one series with a modifier', () => {
    expect([...legendClick(new Set(), 2, 3, true)]).toEqual([2]);
    expect([...legendClick(new Set([2]), 2, 3, true)]).toEqual([]);
  });
});
