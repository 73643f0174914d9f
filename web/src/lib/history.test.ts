// Unit tests for the query history list.
import { describe, expect, it } from 'vitest';
import { addToHistory, filterHistory, HISTORY_KEY, loadHistory, saveHistory } from './history.ts';

describe('query history', () => {
  it('puts the newest first, moves a repeated query to the front and caps the length', () => {
    let h = addToHistory([], 'up');
    h = addToHistory(h, ' rate(x[5m]) ');
    h = addToHistory(h, 'up');
    expect(h).toEqual(['up', 'rate(x[5m])']);
    expect(addToHistory(h, '   ')).toEqual(h);
    expect(addToHistory(['a', 'b', 'c'], 'd', 3)).toEqual(['d', 'a', 'b']);
  });
  it('filters by every word', () => {
    expect(filterHistory(['sum(rate(a[5m]))', 'rate(b[1m])', 'up'], 'RATE 5m')).toEqual(['sum(rate(a[5m]))']);
    expect(filterHistory(['x'], '')).toEqual(['x']);
  });
  it('survives corrupt storage and round-trips through a Storage', () => {
    const m = new Map<string, string>();
    const storage = { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v) };
    expect(loadHistory(storage)).toEqual([]);
    m.set(HISTORY_KEY, '{not json');
    expect(loadHistory(storage)).toEqual([]);
    m.set(HISTORY_KEY, JSON.stringify(['up', 7, 'x']));
    expect(loadHistory(storage)).toEqual(['up', 'x']);
    saveHistory(storage, ['a']);
    expect(loadHistory(storage)).toEqual(['a']);
  });
});
