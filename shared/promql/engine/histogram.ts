// Classic-histogram functions: histogram_quantile and histogram_fraction over `le` buckets (Prometheus quantile.go).
import { almostEqual } from './mathutil.ts';

/** Buckets of one histogram at one step; cumulative counts, any order. Reused across calls. */
export interface Buckets {
  upper: number[];
  count: number[];
  n: number;
}

/** How bucketQuantile had to repair its input. */
export interface MonotonicityFix {
  forced: boolean;
  minBucket: number;
  maxBucket: number;
  maxDiff: number;
}

const SMALL_DELTA_TOLERANCE = 1e-12;

/** Sorts the first n buckets by upper bound and merges equal bounds; returns the new count. */
function sortAndCoalesce(b: Buckets): number {
  const n = b.n;
  // Insertion sort: bucket counts are small and usually already ordered.
  for (let i = 1; i < n; i++) {
    const u = b.upper[i];
    const c = b.count[i];
    let j = i - 1;
    while (j >= 0 && b.upper[j] > u) {
      b.upper[j + 1] = b.upper[j];
      b.count[j + 1] = b.count[j];
      j--;
    }
    b.upper[j + 1] = u;
    b.count[j + 1] = c;
  }
  let w = 0;
  for (let i = 1; i < n; i++) {
    if (b.upper[i] === b.upper[w]) b.count[w] += b.count[i];
    else {
      w++;
      b.upper[w] = b.upper[i];
      b.count[w] = b.count[i];
    }
  }
  return n === 0 ? 0 : w + 1;
}

/** Removes decreases between successive cumulative counts, ignoring differences that are float noise. */
function ensureMonotonic(b: Buckets, n: number, fix: MonotonicityFix): void {
  fix.forced = false;
  fix.minBucket = Infinity;
  fix.maxBucket = -Infinity;
  fix.maxDiff = 0;
  let prev = b.count[0];
  for (let i = 1; i < n; i++) {
    const curr = b.count[i];
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE)) {
      b.count[i] = prev;
      continue;
    }
    if (curr < prev) {
      b.count[i] = prev;
      fix.forced = true;
      if (b.upper[i] < fix.minBucket) fix.minBucket = b.upper[i];
      if (b.upper[i] > fix.maxBucket) fix.maxBucket = b.upper[i];
      if (prev - curr > fix.maxDiff) fix.maxDiff = prev - curr;
      continue;
    }
    prev = curr;
  }
}

/** Prometheus BucketQuantile: the q-quantile of classic buckets, interpolating linearly within a bucket. */
export function bucketQuantile(q: number, b: Buckets, fix: MonotonicityFix): number {
  fix.forced = false;
  if (q !== q) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const n = sortAndCoalesce(b);
  b.n = n;
  if (n === 0 || b.upper[n - 1] !== Infinity) return NaN;
  ensureMonotonic(b, n, fix);
  if (n < 2) return NaN;
  const observations = b.count[n - 1];
  if (observations === 0) return NaN;
  let rank = q * observations;
  // Binary search over all but the +Inf bucket for the first count >= rank.
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (b.count[mid] >= rank) hi = mid;
    else lo = mid + 1;
  }
  const i = lo;
  if (i === n - 1) return b.upper[n - 2];
  if (i === 0 && b.upper[0] <= 0) return b.upper[0];
  let start = 0;
  const end = b.upper[i];
  let count = b.count[i];
  if (i > 0) {
    start = b.upper[i - 1];
    count -= b.count[i - 1];
    rank -= b.count[i - 1];
  }
  return start + (end - start) * (rank / count);
}

/** Prometheus BucketFraction: the share of observations in (lower, upper] estimated from classic buckets. */
export function bucketFraction(lower: number, upper: number, b: Buckets): number {
  const n = sortAndCoalesce(b);
  b.n = n;
  if (n === 0 || b.upper[n - 1] !== Infinity) return NaN;
  const count = b.count[n - 1];
  if (count === 0 || lower !== lower || upper !== upper) return NaN;
  if (lower >= upper) return 0;
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  let lowerBound = b.upper[0] <= 0 ? -Infinity : 0;
  for (let i = 0; i < n; i++) {
    if (i > 0) lowerBound = b.upper[i - 1];
    const upperBound = b.upper[i];
    const bc = b.count[i];
    const interp = (x: number): number =>
      lowerBound === -Infinity ? bc : rank + ((bc - rank) * (x - lowerBound)) / (upperBound - lowerBound);
    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) {
      lowerRank = interp(lower);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank = interp(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = bc;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}

/** Parses a bucket bound like Go's strconv.ParseFloat; NaN when malformed (NaN itself is returned as null). */
export function parseBound(s: string): number | null {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s[0] === '-' ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  if (/^[+-]?(\d+(_\d+)*\.?(\d+(_\d+)*)?|\.\d+(_\d+)*)([eE][+-]?\d+)?$/.test(s) && !s.includes('_')) return Number(s);
  if (/^[+-]?0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+$/.test(s)) return parseHexFloat(s);
  return null;
}

function parseHexFloat(s: string): number {
  const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(s);
  if (!m) return NaN;
  const intPart = m[2] ? parseInt(m[2], 16) : 0;
  let frac = 0;
  for (let i = 0; i < m[3].length; i++) frac += parseInt(m[3][i], 16) / Math.pow(16, i + 1);
  const v = (intPart + frac) * Math.pow(2, Number(m[4]));
  return m[1] === '-' ? -v : v;
}
