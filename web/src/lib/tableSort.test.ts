// Unit tests for result-table sorting.
import { describe, expect, it } from 'vitest';
import { nextSort, sortRows, type SortableRow } from './tableSort.ts';

const rows: SortableRow[] = [
  { labels: { __name__: 'up', instance: 'host:10' }, value: 3 },
  { labels: { __name__: 'up', instance: 'host:9' }, value: NaN },
  { labels: { __name__: 'up' }, value: -1 },
  { labels: { __name__: 'up', instance: 'host:100' }, value: 3 },
];
const names = (r: SortableRow[]): string[] => r.map((x) => x.labels.instance ?? '-');

describe('sortRows', () => {
  it('sorts label values naturally, rows without the label last', () => {
    expect(names(sortRows(rows, { key: 'label:instance', dir: 'asc' }))).toEqual(['host:9', 'host:10', 'host:100', '-']);
    expect(names(sortRows(rows, { key: 'label:instance', dir: 'desc' }))).toEqual(['host:100', 'host:10', 'host:9', '-']);
  });
  it('sorts by value with NaN last in both directions and ties in series order', () => {
    expect(names(sortRows(rows, { key: 'value', dir: 'desc' }))).toEqual(['host:10', 'host:100', '-', 'host:9']);
    expect(names(sortRows(rows, { key: 'value', dir: 'asc' }))).toEqual(['-', 'host:10', 'host:100', 'host:9']);
  });
  it('sorts by the whole label set', () => {
    expect(names(sortRows(rows, { key: 'series', dir: 'asc' }))).toEqual(['-', 'host:9', 'host:10', 'host:100']);
  });
  it('leaves the input untouched', () => {
    const copy = [...rows];
    sortRows(rows, { key: 'value', dir: 'asc' });
    expect(rows).toEqual(copy);
  });
});

describe('nextSort', () => {
  it('flips the same column and starts a new one in its natural direction', () => {
    expect(nextSort({ key: 'series', dir: 'asc' }, 'series')).toEqual({ key: 'series', dir: 'desc' });
    expect(nextSort({ key: 'series', dir: 'asc' }, 'value')).toEqual({ key: 'value', dir: 'desc' });
    expect(nextSort({ key: 'value', dir: 'desc' }, 'label:job')).toEqual({ key: 'label:job', dir: 'asc' });
  });
});
