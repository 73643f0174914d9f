// Numeric helpers shared by PromQL functions: Kahan–Neumaier summation, quantiles, least squares, Go formatting.

/** Result holder for kahanInc, reused to avoid allocating per addition. */
export interface KahanState {
  sum: number;
  c: number;
}

/** Adds `inc` to a compensated sum in place (Prometheus kahansum.Inc, the Neumaier variant). */
export function kahanInc(inc: number, k: KahanState): void {
  const sum = k.sum;
  const t = sum + inc;
  if (t === Infinity || t === -Infinity) k.c = 0;
  else if (Math.abs(sum) >= Math.abs(inc)) k.c += sum - t + inc;
  else k.c += inc - t + sum;
  k.sum = t;
}

/** Sorts ascending with NaN first, as Prometheus's vectorByValueHeap does. */
export function sortNaNFirst(values: Float64Array | number[]): void {
  (values as number[]).sort((a, b) => {
    if (a !== a) return b !== b ? 0 : -1;
    if (b !== b) return 1;
    return a - b;
  });
}

/** φ-quantile of `values` with linear interpolation between closest ranks (sorts `values` in place). */
export function quantile(q: number, values: Float64Array | number[]): number {
  const n = values.length;
  if (n === 0 || q !== q) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  sortNaNFirst(values);
  const rank = q * (n - 1);
  const lower = Math.max(0, Math.floor(rank));
  const upper = Math.min(n - 1, lower + 1);
  const weight = rank - Math.floor(rank);
  return values[lower] * (1 - weight) + values[upper] * weight;
}

/**
 * Least-squares fit over samples [lo, hi) with x in seconds relative to `interceptTime`; returns
 * [slope, intercept at interceptTime] (Prometheus linearRegression, with its constant-y shortcut).
 */
export function linearRegression(
  t: ArrayLike<number>,
  v: ArrayLike<number>,
  lo: number,
  hi: number,
  interceptTime: number,
): [number, number] {
  let n = 0;
  const sx: KahanState = { sum: 0, c: 0 };
  const sy: KahanState = { sum: 0, c: 0 };
  const sxy: KahanState = { sum: 0, c: 0 };
  const sx2: KahanState = { sum: 0, c: 0 };
  const initY = v[lo];
  let constY = true;
  for (let i = lo; i < hi; i++) {
    const y = v[i];
    if (constY && i > lo && y !== initY) constY = false;
    n += 1;
    const x = (t[i] - interceptTime) / 1e3;
    kahanInc(x, sx);
    kahanInc(y, sy);
    kahanInc(x * y, sxy);
    kahanInc(x * x, sx2);
  }
  if (constY) {
    if (initY === Infinity || initY === -Infinity) return [NaN, NaN];
    return [0, initY];
  }
  const sumX = sx.sum + sx.c;
  const sumY = sy.sum + sy.c;
  const sumXY = sxy.sum + sxy.c;
  const sumX2 = sx2.sum + sx2.c;
  const covXY = sumXY - (sumX * sumY) / n;
  const varX = sumX2 - (sumX * sumX) / n;
  const slope = covXY / varX;
  const intercept = sumY / n - (slope * sumX) / n;
  return [slope, intercept];
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64): shortest digits, never an exponent. */
export function formatFloatPlain(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  let mantissa = s.slice(0, e);
  const exp = Number(s.slice(e + 1));
  let sign = '';
  if (mantissa[0] === '-') {
    sign = '-';
    mantissa = mantissa.slice(1);
  }
  const dot = mantissa.indexOf('.');
  const digits = dot < 0 ? mantissa : mantissa.slice(0, dot) + mantissa.slice(dot + 1);
  const point = (dot < 0 ? mantissa.length : dot) + exp;
  if (point <= 0) return sign + '0.' + '0'.repeat(-point) + digits;
  if (point >= digits.length) return sign + digits + '0'.repeat(point - digits.length);
  return sign + digits.slice(0, point) + '.' + digits.slice(point);
}

/** Go's %f (six decimals), used in a few Prometheus error texts. */
export function goFixed6(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return v.toFixed(6);
}

/** Prometheus's almost.Equal: relative comparison with a floor near the smallest normal float. */
export function almostEqual(a: number, b: number, epsilon: number): boolean {
  const minNormal = 2.2250738585072014e-308;
  if (a !== a && b !== b) return true;
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  if (a === 0 || b === 0 || absSum < minNormal) return diff < epsilon * minNormal;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}
