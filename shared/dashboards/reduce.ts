// Value reducers for stat/gauge/bargauge panels and legend calculations (Grafana's lastNotNull, mean, max, ...).
import type { ReduceCalc } from './model.ts';

/** Display names for a reducer picker. */
export const REDUCER_NAMES: Readonly<Record<ReduceCalc, string>> = {
  lastNotNull: 'Last *',
  last: 'Last',
  firstNotNull: 'First *',
  first: 'First',
  mean: 'Mean',
  max: 'Max',
  min: 'Min',
  sum: 'Total',
  count: 'Count',
  range: 'Range',
  diff: 'Difference',
};

const isValue = (v: number | null | undefined): v is number => v !== null && v !== undefined && !Number.isNaN(v);

/**
 * Reduces a series' values (null = no sample) to one number, or null when there is nothing to reduce.
 * `*NotNull` skip nulls and NaN; `last`/`first` take the raw end values; min/max/range skip NaN;
 * mean and sum skip nulls but let NaN through (as Grafana does); count counts non-null values.
 */
export function reduceValues(values: ArrayLike<number | null | undefined>, calc: ReduceCalc): number | null {
  const n = values.length;
  switch (calc) {
    case 'last':
      return n > 0 ? (values[n - 1] ?? null) : null;
    case 'first':
      return n > 0 ? (values[0] ?? null) : null;
    case 'lastNotNull':
      for (let i = n - 1; i >= 0; i--) if (isValue(values[i])) return values[i] as number;
      return null;
    case 'firstNotNull':
      for (let i = 0; i < n; i++) if (isValue(values[i])) return values[i] as number;
      return null;
    case 'count': {
      let c = 0;
      for (let i = 0; i < n; i++) if (values[i] !== null && values[i] !== undefined) c++;
      return c;
    }
    case 'sum':
    case 'mean': {
      let sum = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (v === null || v === undefined) continue;
        sum += v;
        c++;
      }
      if (c === 0) return null;
      return calc === 'sum' ? sum : sum / c;
    }
    case 'max':
    case 'min':
    case 'range': {
      let max = -Infinity;
      let min = Infinity;
      let seen = false;
      for (let i = 0; i < n; i++) {
        const v = values[i];
        if (!isValue(v)) continue;
        seen = true;
        if (v > max) max = v;
        if (v < min) min = v;
      }
      if (!seen) return null;
      return calc === 'max' ? max : calc === 'min' ? min : max - min;
    }
    case 'diff': {
      const first = reduceValues(values, 'firstNotNull');
      const last = reduceValues(values, 'lastNotNull');
      return first === null || last === null ? null : last - first;
    }
  }
}
