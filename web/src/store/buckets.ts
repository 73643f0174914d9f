// Pure helpers for time-bucketed sample records: which bucket a sample falls in, merging and range slicing.

/** A run of samples in time order; t holds Unix ms. */
export interface SampleRun {
  t: Float64Array;
  v: Float64Array;
}

/** Start (Unix ms) of the bucket of width `size` that holds time t. */
export function bucketStart(t: number, size: number): number {
  return Math.floor(t / size) * size;
}

/** Splits time-sorted samples into per-bucket runs (copies, not views), keyed by bucket start, ascending. */
export function splitByBucket(t: Float64Array, v: Float64Array, size: number): Map<number, SampleRun> {
  const out = new Map<number, SampleRun>();
  let i = 0;
  while (i < t.length) {
    const start = bucketStart(t[i], size);
    let j = i + 1;
    while (j < t.length && t[j] < start + size) j++;
    out.set(start, { t: t.slice(i, j), v: v.slice(i, j) });
    i = j;
  }
  return out;
}

/**
 * Merges `add` into `base`, both time-sorted; a sample in `add` replaces one in `base` at the same time.
 * Appending strictly newer samples (the common case) is a plain concatenation.
 */
export function mergeRuns(base: SampleRun, add: SampleRun): SampleRun {
  const n = base.t.length;
  const m = add.t.length;
  if (m === 0) return base;
  if (n === 0) return add;
  if (add.t[0] > base.t[n - 1]) {
    const t = new Float64Array(n + m);
    const v = new Float64Array(n + m);
    t.set(base.t);
    t.set(add.t, n);
    v.set(base.v);
    v.set(add.v, n);
    return { t, v };
  }
  // Slow path (out-of-order or repeated timestamps). Typed arrays throughout: number[] would lose stale markers.
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

/** Index of the first element of t that is >= x. */
export function lowerBound(t: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element of t that is > x. */
export function upperBound(t: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = t.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Concatenates time-ordered, non-overlapping runs and keeps the samples in [start, end]. */
export function concatInRange(runs: readonly SampleRun[], start: number, end: number): SampleRun {
  const bounds = runs.map((r) => [lowerBound(r.t, start), upperBound(r.t, end)] as const);
  const total = bounds.reduce((n, [lo, hi]) => n + Math.max(0, hi - lo), 0);
  const t = new Float64Array(total);
  const v = new Float64Array(total);
  let k = 0;
  runs.forEach((r, i) => {
    const [lo, hi] = bounds[i];
    if (hi <= lo) return;
    t.set(r.t.subarray(lo, hi), k);
    v.set(r.v.subarray(lo, hi), k);
    k += hi - lo;
  });
  return { t, v };
}
