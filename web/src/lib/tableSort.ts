// Sorting of result-table rows: by series (label set), by one label, or by value; natural order for label values.
import { formatLabels, type Labels } from '../../../shared/model/labels.ts';

export interface SortableRow {
  labels: Labels;
  /** The value the row is sorted by (the last sample of a range vector); NaN sorts after every number. */
  value: number;
}

/** 'series' = the whole label set as text, 'value', or `label:<name>`. */
export type SortKey = 'series' | 'value' | `label:${string}`;

export interface SortSpec {
  key: SortKey;
  dir: 'asc' | 'desc';
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'variant' });

/** Numbers with NaN last in either direction, so "no value" never hides the top rows. */
function compareValues(a: number, b: number, dir: 1 | -1): number {
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? 1 : -1;
  return a === b ? 0 : (a < b ? -1 : 1) * dir;
}

/** A sorted copy; ties keep the series order, so sorting by one column then another is stable. */
export function sortRows<T extends SortableRow>(rows: readonly T[], spec: SortSpec): T[] {
  const dir = spec.dir === 'asc' ? 1 : -1;
  const keyed = rows.map((row, i) => ({ row, i, text: spec.key === 'series' ? formatLabels(row.labels) : '' }));
  const label = spec.key.startsWith('label:') ? spec.key.slice('label:'.length) : null;
  keyed.sort((a, b) => {
    let c: number;
    if (spec.key === 'value') c = compareValues(a.row.value, b.row.value, dir);
    else if (label !== null) {
      const av = a.row.labels[label];
      const bv = b.row.labels[label];
      // Rows without the label go last, like NaN values.
      if (av === undefined || bv === undefined) c = av === bv ? 0 : av === undefined ? 1 : -1;
      else c = collator.compare(av, bv) * dir;
    } else c = collator.compare(a.text, b.text) * dir;
    return c || a.i - b.i;
  });
  return keyed.map((k) => k.row);
}

/** The next sort after clicking a column header: a new column sorts ascending (values descending), the same one flips. */
export function nextSort(current: SortSpec, key: SortKey): SortSpec {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: key === 'value' ? 'desc' : 'asc' };
}
