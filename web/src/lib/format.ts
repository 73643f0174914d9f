// Display formatting shared by the pages: Prometheus-style durations, relative times, compact numbers.

const UNITS: Array<[string, number]> = [
  ['y', 365 * 86_400_000],
  ['w', 7 * 86_400_000],
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

/** Formats ms as a Prometheus duration (`1h30m`, `15s`, `0s`). */
export function formatDuration(ms: number): string {
  if (ms <= 0) return '0s';
  let rest = Math.round(ms);
  let out = '';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** Parses a Prometheus duration such as `1h30m` or `90s` into ms; null when it is not one. */
export function parseDuration(text: string): number | null {
  const re = /(\d+)(ms|y|w|d|h|m|s)/y;
  let total = 0;
  let pos = 0;
  const s = text.trim();
  if (s === '') return null;
  while (pos < s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) return null;
    total += Number(m[1]) * UNITS.find(([u]) => u === m[2])![1];
    pos = re.lastIndex;
  }
  return total;
}

/** "just now", "12 s ago", "3 min ago", "2 h ago", "4 d ago" relative to `now`. */
export function formatAgo(ms: number, now: number): string {
  const d = Math.max(0, now - ms);
  if (d < 1500) return 'just now';
  if (d < 90_000) return `${Math.round(d / 1000)} s ago`;
  if (d < 90 * 60_000) return `${Math.round(d / 60_000)} min ago`;
  if (d < 36 * 3_600_000) return `${Math.round(d / 3_600_000)} h ago`;
  return `${Math.round(d / 86_400_000)} d ago`;
}

/**
 * A sample value for legends and axes: at most 4 significant digits, k/M/G/T for large magnitudes, plain decimals
 * below 1000 (a bare "m" suffix would read as minutes on a *_seconds metric), Prometheus spellings for specials.
 */
export function formatValue(v: number | null | undefined): string {
  if (v === null || v === undefined) return '–';
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const a = Math.abs(v);
  if (a === 0) return '0';
  if (a >= 1e15 || a < 1e-4) return v.toExponential(2);
  const si: Array<[number, string]> = [
    [1e12, 'T'],
    [1e9, 'G'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  const big = si.find(([s]) => a >= s);
  if (big) return `${trimZeros((v / big[0]).toPrecision(4))}${big[1]}`;
  return trimZeros(v.toPrecision(4));
}

/** Integer with thousands separators (locale-independent: thin spaces would confuse tests and logs alike). */
export function formatCount(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function trimZeros(s: string): string {
  return s.includes('.') && !s.includes('e') ? s.replace(/\.?0+$/, '') : s;
}
