// Number grammar of the exposition formats, parsed without regexes, plus Prometheus's canonical float format.

// Exact powers of ten: a mantissa below 2^53 times or divided by one of these is correctly rounded
// (Clinger's fast path), so most values never go through the slower Number(string).
const POW10 = [
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18,
  1e19, 1e20, 1e21, 1e22,
];
const MAX_DIGITS = 15; // 10^15 < 2^53: a mantissa of this many digits is exact in a double
const EXP_CLAMP = 100_000; // beyond this the value is 0 or Infinity anyway; keeps the int maths small

/**
 * Parses `[+-]? (digits [. digits?] | . digits) ([eE] [+-]? digits)?` in s[start, end) and returns
 * value × 10^shift, or undefined when the text does not match. Shifting in decimal (not by
 * multiplying the double) keeps `1.001` seconds exactly 1001 ms.
 */
export function scanDecimal(s: string, start: number, end: number, shift: number): number | undefined {
  let i = start;
  if (i >= end) return undefined;
  let c = s.charCodeAt(i);
  let neg = false;
  if (c === 43 || c === 45) {
    neg = c === 45;
    i++;
  }
  let m = 0;
  let sig = 0; // significant digits folded into m
  let exp10 = 0;
  let exact = true;
  let digits = 0;
  for (; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    digits++;
    if (sig < MAX_DIGITS) {
      if (m !== 0 || d !== 0) {
        m = m * 10 + d;
        sig++;
      }
    } else {
      exp10++;
      if (d !== 0) exact = false;
    }
  }
  if (i < end && s.charCodeAt(i) === 46) {
    i++;
    for (; i < end; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) break;
      digits++;
      if (sig < MAX_DIGITS) {
        m = m * 10 + d;
        exp10--;
        if (m !== 0) sig++;
      } else if (d !== 0) exact = false;
    }
  }
  if (digits === 0) return undefined;
  const mantEnd = i;
  let e = 0;
  if (i < end) {
    c = s.charCodeAt(i);
    if (c !== 101 && c !== 69) return undefined;
    i++;
    let eneg = false;
    if (i < end) {
      c = s.charCodeAt(i);
      if (c === 43 || c === 45) {
        eneg = c === 45;
        i++;
      }
    }
    const eStart = i;
    for (; i < end; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return undefined;
      if (e < EXP_CLAMP) e = e * 10 + d;
    }
    if (i === eStart) return undefined;
    if (eneg) e = -e;
  }
  if (m === 0) return neg ? -0 : 0;
  const p = exp10 + e + shift;
  if (exact && p >= -22 && p <= 22) {
    const v = p >= 0 ? m * POW10[p] : m / POW10[-p];
    return neg ? -v : v;
  }
  // Number() implements the same decimal grammar with correct rounding.
  if (shift === 0 && mantEnd === end) return Number(s.slice(start, end));
  return Number(s.slice(start, mantEnd) + 'e' + (e + shift));
}

/** Case-insensitive match of lowercase ASCII `word` against s[i, i + word.length). */
function matchLower(s: string, i: number, word: string): boolean {
  for (let k = 0; k < word.length; k++) if ((s.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

/**
 * Parses a sample value as Go's strconv.ParseFloat does for the formats (and the OpenMetrics ABNF):
 * decimal floats, `[+-]Inf`/`[+-]Infinity` and `NaN` in any case; no hex, no underscores, no spaces.
 */
export function scanFloat(s: string, start: number, end: number): number | undefined {
  const c0 = s.charCodeAt(start);
  if (c0 >= 48 && c0 <= 57) return scanDecimal(s, start, end, 0);
  let i = start;
  let c = c0;
  if (c === 43 || c === 45) c = s.charCodeAt(++i);
  if (c === 105 || c === 73) {
    const n = end - i;
    if ((n === 3 && matchLower(s, i, 'inf')) || (n === 8 && matchLower(s, i, 'infinity'))) {
      return c0 === 45 ? -Infinity : Infinity;
    }
    return undefined;
  }
  if ((c === 110 || c === 78) && i === start && end - i === 3 && matchLower(s, i, 'nan')) return NaN;
  return scanDecimal(s, start, end, 0);
}

/** Parses a whole string as a float (label values such as `le`), or undefined. */
export function parseFloatString(s: string): number | undefined {
  return s.length === 0 ? undefined : scanFloat(s, 0, s.length);
}

/** Parses an unsigned decimal integer of at most 19 digits (Prometheus text timestamps), or undefined. */
export function scanDigits(s: string, start: number, end: number): number | undefined {
  if (end <= start || end - start > 19) return undefined;
  let v = 0;
  for (let i = start; i < end; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  // Beyond 2^53 the running sum may round differently from one correctly rounded conversion.
  return v <= Number.MAX_SAFE_INTEGER ? v : Number(s.slice(start, end));
}

/** Go's strconv.FormatFloat(v, 'g', -1, 64) for finite non-zero v. */
function formatGoShortest(v: number): string {
  const exp = v.toExponential(); // shortest round-trip digits: "-d.ddde+x"
  const ePos = exp.indexOf('e');
  const neg = exp.charCodeAt(0) === 45;
  const mant = exp.slice(neg ? 1 : 0, ePos);
  const digits = mant.length > 1 ? mant[0] + mant.slice(2) : mant;
  const x = Number(exp.slice(ePos + 1));
  const sign = neg ? '-' : '';
  if (x < -4 || x >= 6) {
    const ax = Math.abs(x);
    const frac = digits.length > 1 ? '.' + digits.slice(1) : '';
    return `${sign}${digits[0]}${frac}e${x < 0 ? '-' : '+'}${ax < 10 ? '0' + ax : ax}`;
  }
  const dp = x + 1; // digits before the decimal point
  if (dp <= 0) return `${sign}0.${'0'.repeat(-dp)}${digits}`;
  if (dp >= digits.length) return sign + digits + '0'.repeat(dp - digits.length);
  return `${sign}${digits.slice(0, dp)}.${digits.slice(dp)}`;
}

/** Prometheus's formatOpenMetricsFloat: the canonical text of a float (`1.0`, `+Inf`, `1e+06`, `0.25`). */
export function formatOpenMetricsFloat(v: number): string {
  if (v === 1) return '1.0';
  if (v === 0) return '0.0';
  if (v === -1) return '-1.0';
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = formatGoShortest(v);
  return s.includes('.') || s.includes('e') ? s : s + '.0';
}

/** Prometheus 3's normalisation of an `le`/`quantile` label value: canonical float text, or unchanged if not a float. */
export function normalizeFloatLabel(value: string): string {
  const v = parseFloatString(value);
  return v === undefined ? value : formatOpenMetricsFloat(v);
}

/**
 * Seconds → integral milliseconds for a value already parsed as a double (a `_created` value):
 * shifts the shortest decimal form of v, so 1.001 s is 1001 ms, not 1000.9999999999999.
 */
export function secondsToMillis(v: number): number {
  if (!Number.isFinite(v)) return NaN;
  const text = String(v);
  const e = text.indexOf('e');
  const ms = e === -1 ? Number(text + 'e3') : Number(text.slice(0, e) + 'e' + (Number(text.slice(e + 1)) + 3));
  return Math.trunc(ms);
}
