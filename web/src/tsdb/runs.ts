// Runs of samples in columnar Float64Arrays (NaN payloads kept): merging with replacement, range slicing, concatenation.

/** Samples in strictly increasing time order; t in Unix ms. */
export interface Run {
  t: Float64Array;
  v: Float64Array;
}

export const EMPTY_RUN: Run = { t: new Float64Array(0), v: new Float64Array(0) };

/** Index of the first element of t[0..n) that is >= x. */
export function lowerBound(t: ArrayLike<number>, x: number, n = t.length): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element of t[0..n) that is > x. */
export function upperBound(t: ArrayLike<number>, x: number, n = t.length): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The samples of `run` in [start, end], as views. */
export function sliceRun(run: Run, start: number, end: number): Run {
  const lo = lowerBound(run.t, start);
  const hi = upperBound(run.t, end);
  if (lo === 0 && hi === run.t.length) return run;
  return { t: run.t.subarray(lo, Math.max(lo, hi)), v: run.v.subarray(lo, Math.max(lo, hi)) };
}

/** Merges two runs; where both hold a timestamp, `add`'s value wins. */
export function mergeRuns(base: Run, add: Run): Run {
  const n = base.t.length;
  const m = add.t.length;
  if (m === 0) return base;
  if (n === 0) return add;
  if (add.t[0] > base.t[n - 1] || add.t[m - 1] < base.t[0]) return add.t[0] > base.t[n - 1] ? concatRuns([base, add]) : concatRuns([add, base]);
  const t = new Float64Array(n + m);
  const v = new Float64Array(n + m);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < n || j < m) {
    if (j >= m || (i < n && base.t[i] < add.t[j])) {
      t[k] = base.t[i];
      v[k++] = base.v[i++];
    } else {
      if (i < n && base.t[i] === add.t[j]) i++;
      t[k] = add.t[j];
      v[k++] = add.v[j++];
    }
  }
  return { t: t.slice(0, k), v: v.slice(0, k) };
}

/** Joins runs that follow each other in time (each starts after the previous ends) into one copy. */
export function concatRuns(runs: readonly Run[]): Run {
  const nonEmpty = runs.filter((r) => r.t.length > 0);
  if (nonEmpty.length === 0) return EMPTY_RUN;
  if (nonEmpty.length === 1) return nonEmpty[0];
  let total = 0;
  for (const r of nonEmpty) total += r.t.length;
  const t = new Float64Array(total);
  const v = new Float64Array(total);
  let k = 0;
  for (const r of nonEmpty) {
    t.set(r.t, k);
    v.set(r.v, k);
    k += r.t.length;
  }
  return { t, v };
}

/**
 * Combines runs listed from lowest to highest priority: where runs overlap, a later run's sample replaces an
 * earlier one at the same timestamp. Disjoint runs (the common case: stored chunks, then the head) are simply
 * concatenated in time order.
 */
export function combineRuns(runs: readonly Run[]): Run {
  const nonEmpty = runs.filter((r) => r.t.length > 0);
  if (nonEmpty.length <= 1) return nonEmpty[0] ?? EMPTY_RUN;
  const ordered = nonEmpty.map((r, priority) => ({ r, priority })).sort((a, b) => a.r.t[0] - b.r.t[0] || a.priority - b.priority);
  let disjoint = true;
  for (let i = 1; i < ordered.length; i++) {
    const prev = ordered[i - 1].r;
    if (ordered[i].r.t[0] <= prev.t[prev.t.length - 1]) {
      disjoint = false;
      break;
    }
  }
  if (disjoint) return concatRuns(ordered.map((o) => o.r));
  let out = EMPTY_RUN;
  for (const r of nonEmpty) out = mergeRuns(out, r);
  return out;
}
