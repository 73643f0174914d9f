// Range-vector functions (rate, *_over_time, deriv, …) computed on one window of one series' samples.
import { QueryError } from '../result.ts';
import { goFixed6, kahanInc, linearRegression, quantile, type KahanState } from './mathutil.ts';

/**
 * One evaluation window: samples [lo, hi) of t/v. For plain ranges these are the samples in
 * (rangeStart, rangeEnd]; anchored ranges also include the lookback before rangeStart, smoothed ranges the
 * lookback on both sides. The object is reused across calls.
 */
export interface Window {
  t: ArrayLike<number>;
  v: ArrayLike<number>;
  lo: number;
  hi: number;
  /** Evaluation time of this step. */
  ts: number;
  rangeStart: number;
  rangeEnd: number;
  /** Range length in ms. */
  range: number;
  anchored: boolean;
  smoothed: boolean;
  /** Values of the function's scalar arguments at this step, in argument order (matrix argument excluded). */
  args: number[];
}

let resetScratch = new Int32Array(1024);

/**
 * Prefix counts of counter resets: out[i] = number of k in [1, i] with v[k] < v[k-1]. The result is a shared
 * scratch buffer, valid until the next call.
 */
export function resetPrefix(v: ArrayLike<number>): Int32Array {
  if (resetScratch.length < v.length) resetScratch = new Int32Array(Math.max(v.length, resetScratch.length * 2));
  const out = resetScratch;
  out[0] = 0;
  let n = 0;
  for (let i = 1; i < v.length; i++) {
    if (v[i] < v[i - 1]) n++;
    out[i] = n;
  }
  return out;
}

/** Writes the result into out.v and returns true, or returns false when the series has no output at this step. */
export type WindowFn = (w: Window, out: { v: number }) => boolean;

const k1: KahanState = { sum: 0, c: 0 };
const k2: KahanState = { sum: 0, c: 0 };
let scratch = new Float64Array(64);

function scratchOf(n: number): Float64Array {
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  return scratch.subarray(0, n);
}

/** First index in [lo, hi) whose time is > x (hi if none). */
function firstAfter(t: ArrayLike<number>, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] > x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** First index in [lo, hi) whose time is >= x (hi if none). */
function firstAtOrAfter(t: ArrayLike<number>, lo: number, hi: number, x: number): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] >= x) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Linear interpolation between samples i and j at time x; a counter reset is modelled as restarting from zero. */
function interpolate(w: Window, i: number, j: number, x: number, isCounter: boolean): number {
  let y1 = w.v[i];
  const y2 = w.v[j];
  if (isCounter && y2 < y1) y1 = 0;
  return y1 + ((y2 - y1) * (x - w.t[i])) / (w.t[j] - w.t[i]);
}

/** Prometheus extendedRate: rate, increase and delta over anchored or smoothed ranges. */
function extendedRate(w: Window, out: { v: number }, isCounter: boolean, isRate: boolean): boolean {
  const { t, v, lo, hi } = w;
  if (hi - lo < 1) return false;
  let last = hi - 1;
  let first = Math.max(lo, firstAfter(t, lo, last, w.rangeStart) - 1);
  if (w.smoothed) last = firstAtOrAfter(t, lo, last, w.rangeEnd);
  // Nothing to interpolate from when every sample lies before the range or after it.
  if (t[last] <= w.rangeStart || (w.smoothed && t[first] > w.rangeEnd)) return false;
  const left = w.smoothed && t[first] < w.rangeStart ? interpolate(w, first, first + 1, w.rangeStart, isCounter) : v[first];
  const right =
    w.smoothed && last > lo && t[last] > w.rangeEnd ? interpolate(w, last - 1, last, w.rangeEnd, isCounter) : v[last];
  let result = right - left;
  if (isCounter) {
    if (t[first] <= w.rangeStart) first++;
    if (t[last] >= w.rangeEnd) last--;
    let correction = 0;
    let prev = left;
    for (let i = first; i <= last; i++) {
      if (v[i] < prev) correction += prev;
      prev = v[i];
    }
    if (right < prev) correction += prev;
    result += correction;
  }
  if (isRate) result /= w.range / 1000;
  out.v = result;
  return true;
}

/** irate / idelta: the last two samples. */
function instantValue(w: Window, out: { v: number }, isRate: boolean): boolean {
  const { t, v, hi } = w;
  if (hi - w.lo < 2) return false;
  const t0 = t[hi - 2];
  const t1 = t[hi - 1];
  const interval = t1 - t0;
  if (interval === 0) return false;
  const v0 = v[hi - 2];
  const v1 = v[hi - 1];
  let r = v1;
  if (!isRate || !(v1 < v0)) r = v1 - v0;
  if (isRate) r /= interval / 1000;
  out.v = r;
  return true;
}

/** Start index for changes()/resets(): anchored ranges also look at the last sample at or before the range start. */
function firstSampleIndex(w: Window): number {
  if (!w.anchored) return w.lo;
  if (w.hi === w.lo || w.t[w.hi - 1] <= w.rangeStart) return -1;
  return Math.max(w.lo, firstAfter(w.t, w.lo, w.hi - 1, w.rangeStart) - 1);
}

function avgOverTime(w: Window, out: { v: number }): boolean {
  const { v, lo, hi } = w;
  if (hi <= lo) return false;
  let sum = v[lo];
  let c = 0;
  let count = 1;
  let mean = 0;
  let incremental = false;
  for (let i = lo + 1; i < hi; i++) {
    const f = v[i];
    count = i - lo + 1;
    if (!incremental) {
      k1.sum = sum;
      k1.c = c;
      kahanInc(f, k1);
      if (k1.sum !== Infinity && k1.sum !== -Infinity) {
        sum = k1.sum;
        c = k1.c;
        continue;
      }
      // The running sum would overflow: continue with an incremental mean.
      incremental = true;
      mean = sum / (count - 1);
      c /= count - 1;
    }
    const q = (count - 1) / count;
    k1.sum = q * mean;
    k1.c = q * c;
    kahanInc(f / count, k1);
    mean = k1.sum;
    c = k1.c;
  }
  out.v = incremental ? mean + c : sum / count + c / count;
  return true;
}

function sumOverTime(w: Window, out: { v: number }): boolean {
  const { v, lo, hi } = w;
  if (hi <= lo) return false;
  k1.sum = 0;
  k1.c = 0;
  for (let i = lo; i < hi; i++) kahanInc(v[i], k1);
  out.v = k1.sum === Infinity || k1.sum === -Infinity ? k1.sum : k1.sum + k1.c;
  return true;
}

function extremeOverTime(w: Window, out: { v: number }, max: boolean, timestamp: boolean, orEqual: boolean): boolean {
  const { t, v, lo, hi } = w;
  if (hi <= lo) return false;
  let best = v[lo];
  let bestT = t[lo];
  for (let i = lo; i < hi; i++) {
    const cur = v[i];
    const better = max ? (orEqual ? cur >= best : cur > best) : orEqual ? cur <= best : cur < best;
    if (better || best !== best) {
      best = cur;
      bestT = t[i];
    }
  }
  out.v = timestamp ? bestT / 1000 : best;
  return true;
}

function varianceOverTime(w: Window, out: { v: number }, sqrt: boolean): boolean {
  const { v, lo, hi } = w;
  if (hi <= lo) return false;
  let count = 0;
  k1.sum = 0;
  k1.c = 0; // mean
  k2.sum = 0;
  k2.c = 0; // aux
  for (let i = lo; i < hi; i++) {
    const f = v[i];
    count++;
    const delta = f - (k1.sum + k1.c);
    kahanInc(delta / count, k1);
    kahanInc(delta * (f - (k1.sum + k1.c)), k2);
  }
  const variance = (k2.sum + k2.c) / count;
  out.v = sqrt ? Math.sqrt(variance) : variance;
  return true;
}

function quantileOverTime(w: Window, out: { v: number }): boolean {
  const { v, lo, hi } = w;
  if (hi <= lo) return false;
  const vals = scratchOf(hi - lo);
  for (let i = lo; i < hi; i++) vals[i - lo] = v[i];
  out.v = quantile(w.args[0], vals);
  return true;
}

function madOverTime(w: Window, out: { v: number }): boolean {
  const { v, lo, hi } = w;
  if (hi <= lo) return false;
  const n = hi - lo;
  const vals = scratchOf(n);
  for (let i = lo; i < hi; i++) vals[i - lo] = v[i];
  const median = quantile(0.5, vals);
  for (let i = lo; i < hi; i++) vals[i - lo] = Math.abs(v[i] - median);
  out.v = quantile(0.5, vals);
  return true;
}

function changes(w: Window, out: { v: number }, resets: boolean): boolean {
  const { v, hi } = w;
  if (hi <= w.lo) return false;
  const first = firstSampleIndex(w);
  if (first < 0) return false;
  let n = 0;
  let prev = v[first];
  for (let i = first + 1; i < hi; i++) {
    const cur = v[i];
    if (resets) {
      if (cur < prev) n++;
    } else if (cur !== prev && !(cur !== cur && prev !== prev)) n++;
    prev = cur;
  }
  out.v = n;
  return true;
}

function deriv(w: Window, out: { v: number }): boolean {
  if (w.hi - w.lo < 2) return false;
  out.v = linearRegression(w.t, w.v, w.lo, w.hi, w.t[w.lo])[0];
  return true;
}

function predictLinear(w: Window, out: { v: number }): boolean {
  if (w.hi - w.lo < 2) return false;
  const [slope, intercept] = linearRegression(w.t, w.v, w.lo, w.hi, w.ts);
  out.v = slope * w.args[0] + intercept;
  return true;
}

function doubleExponentialSmoothing(w: Window, out: { v: number }): boolean {
  const { v, lo, hi } = w;
  if (hi <= lo) return false;
  const sf = w.args[0];
  const tf = w.args[1];
  if (!(sf > 0 && sf < 1)) throw new QueryError('execution', `invalid smoothing factor. Expected: 0 < sf < 1, got: ${goFixed6(sf)}`);
  if (!(tf > 0 && tf < 1)) throw new QueryError('execution', `invalid trend factor. Expected: 0 < tf < 1, got: ${goFixed6(tf)}`);
  if (hi - lo < 2) return false;
  let s0 = 0;
  let s1 = v[lo];
  let b = v[lo + 1] - v[lo];
  for (let i = lo + 1; i < hi; i++) {
    const x = sf * v[i];
    // The trend at i-1; the first one is the initial difference.
    if (i - 1 > lo) b = tf * (s1 - s0) + (1 - tf) * b;
    const y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  out.v = s1;
  return true;
}

/** Every function over a range vector, by name. */
export const WINDOW_FUNCTIONS: Readonly<Record<string, WindowFn>> = {
  // Plain ranges of these three take the column fast path in rangeeval.ts; only extended ranges come here.
  rate: (w, o) => extendedRate(w, o, true, true),
  increase: (w, o) => extendedRate(w, o, true, false),
  delta: (w, o) => extendedRate(w, o, false, false),
  irate: (w, o) => instantValue(w, o, true),
  idelta: (w, o) => instantValue(w, o, false),
  avg_over_time: avgOverTime,
  sum_over_time: sumOverTime,
  count_over_time: (w, o) => {
    if (w.hi <= w.lo) return false;
    o.v = w.hi - w.lo;
    return true;
  },
  min_over_time: (w, o) => extremeOverTime(w, o, false, false, false),
  max_over_time: (w, o) => extremeOverTime(w, o, true, false, false),
  ts_of_min_over_time: (w, o) => extremeOverTime(w, o, false, true, true),
  ts_of_max_over_time: (w, o) => extremeOverTime(w, o, true, true, true),
  last_over_time: (w, o) => {
    if (w.hi <= w.lo) return false;
    o.v = w.v[w.hi - 1];
    return true;
  },
  first_over_time: (w, o) => {
    if (w.hi <= w.lo) return false;
    o.v = w.v[w.lo];
    return true;
  },
  ts_of_last_over_time: (w, o) => {
    if (w.hi <= w.lo) return false;
    o.v = w.t[w.hi - 1] / 1000;
    return true;
  },
  ts_of_first_over_time: (w, o) => {
    if (w.hi <= w.lo) return false;
    o.v = w.t[w.lo] / 1000;
    return true;
  },
  present_over_time: (w, o) => {
    if (w.hi <= w.lo) return false;
    o.v = 1;
    return true;
  },
  absent_over_time: (w, o) => {
    if (w.hi <= w.lo) return false;
    o.v = 1;
    return true;
  },
  stddev_over_time: (w, o) => varianceOverTime(w, o, true),
  stdvar_over_time: (w, o) => varianceOverTime(w, o, false),
  quantile_over_time: quantileOverTime,
  mad_over_time: madOverTime,
  changes: (w, o) => changes(w, o, false),
  resets: (w, o) => changes(w, o, true),
  deriv,
  predict_linear: predictLinear,
  double_exponential_smoothing: doubleExponentialSmoothing,
};

/**
 * Sliding max/min over a window that only moves forward: a monotonic deque of sample indices, so
 * max_over_time/min_over_time cost O(1) amortised per step. NaN samples only count when the window holds nothing
 * else (Prometheus replaces a NaN running extreme with any later value and never lets a NaN replace a number).
 */
export class SlidingExtreme {
  private q = new Int32Array(16);
  private head = 0;
  private tail = 0;
  private v: ArrayLike<number> = [];

  constructor(private readonly max: boolean) {}

  /** Starts over for another series. */
  reset(v: ArrayLike<number>): void {
    this.v = v;
    if (this.q.length < v.length) this.q = new Int32Array(v.length);
    this.head = 0;
    this.tail = 0;
  }

  /** Adds sample i (indices must increase). */
  push(i: number): void {
    const x = this.v[i];
    if (x !== x) return;
    const q = this.q;
    const v = this.v;
    if (this.max) while (this.tail > this.head && v[q[this.tail - 1]] < x) this.tail--;
    else while (this.tail > this.head && v[q[this.tail - 1]] > x) this.tail--;
    q[this.tail++] = i;
  }

  /** Forgets samples before index lo. */
  evict(lo: number): void {
    while (this.head < this.tail && this.q[this.head] < lo) this.head++;
  }

  /** The extreme of the samples in the window, or NaN when all of them are NaN. */
  value(): number {
    return this.head < this.tail ? this.v[this.q[this.head]] : NaN;
  }
}
