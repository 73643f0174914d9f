// Grafana-compatible value formatting by unit id (short, percent, bytes, bps, s, dtdurations, ops, ...), with Grafana's decimals rules.

/** A formatted number in parts, so a renderer can style the unit separately. */
export interface FormattedValue {
  prefix?: string;
  text: string;
  suffix?: string;
}

export type ValueFormatter = (value: number, decimals?: number) => FormattedValue;

/** Joins the parts: `{prefix}{text}{suffix}`. */
export function formattedToString(v: FormattedValue): string {
  return `${v.prefix ?? ''}${v.text}${v.suffix ?? ''}`;
}

/** Formats a value in a unit (Grafana unit ids, plus `prefix:`, `suffix:`, `si:`, `count:`, `currency:` custom units). Null → empty text. */
export function formatValue(value: number | null | undefined, unit?: string, decimals?: number): FormattedValue {
  if (value === null || value === undefined) return { text: '' };
  return getUnitFormatter(unit)(value, decimals);
}

/** Shorthand for formattedToString(formatValue(...)). */
export function formatValueText(value: number | null | undefined, unit?: string, decimals?: number): string {
  return formattedToString(formatValue(value, unit, decimals));
}

/**
 * Rounds to `decimals` places (or Grafana's automatic count: more places for smaller magnitudes, none for integers)
 * and pads with zeros to exactly that many.
 */
export function toFixed(value: number, decimals?: number): string {
  if (value === Infinity || value === -Infinity) return value > 0 ? '∞' : '-∞';
  if (Number.isNaN(value)) return 'NaN';
  const dec = decimals === undefined || decimals === null ? autoDecimals(value) : Math.max(0, Math.trunc(decimals));
  if (value === 0) return value.toFixed(dec);
  const factor = dec ? Math.pow(10, dec) : 1;
  const formatted = String(Math.round(value * factor) / factor);
  if (formatted.includes('e')) return formatted;
  const dot = formatted.indexOf('.');
  const precision = dot === -1 ? 0 : formatted.length - dot - 1;
  if (precision < dec) return (precision ? formatted : formatted + '.') + '0'.repeat(dec - precision);
  return formatted;
}

function autoDecimals(value: number): number {
  if (value % 1 === 0) return 0;
  const abs = Math.abs(value);
  const log10 = Math.floor(Math.log(abs) / Math.LN10);
  let dec = -log10 + 1;
  const norm = abs / Math.pow(10, -dec);
  // Grafana's "special case for 2.5": one more place once the normalised value passes 2.25.
  if (norm > 2.25) ++dec;
  return Math.max(0, dec);
}

function nonFinite(value: number): FormattedValue | undefined {
  return Number.isFinite(value) ? undefined : { text: toFixed(value) };
}

/** The number followed by ` unit` (or preceded by it as a prefix). */
export function fixedUnit(unit: string, asPrefix = false): ValueFormatter {
  return (value, decimals) => {
    const text = toFixed(value, decimals);
    if (!unit) return { text };
    return asPrefix ? { prefix: unit, text } : { text, suffix: ' ' + unit };
  };
}

/** Scales by powers of `factor`, picking the suffix from `suffixes` (index `offset` is the unscaled one). */
export function scaledUnits(factor: number, suffixes: readonly string[], offset = 0): ValueFormatter {
  return (value, decimals) => {
    const bad = nonFinite(value);
    if (bad) return bad;
    const index = value === 0 ? 0 : Math.floor(Math.log10(Math.abs(value)) / Math.log10(factor));
    const clamped = Math.min(Math.max(index, -offset), suffixes.length - offset - 1);
    return { text: toFixed(value / Math.pow(factor, clamped), decimals), suffix: suffixes[offset + clamped] };
  };
}

const SI_PREFIXES = ['f', 'p', 'n', 'µ', 'm', '', 'k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y'];
const SI_BASE = SI_PREFIXES.indexOf('');
const BIN_PREFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi'];

/** Decimal SI scaling (`1.50 kB`, `250 mB/s`); `offset` shifts the base unit (1 = the value is already in k). */
export function siPrefix(unit: string, offset = 0): ValueFormatter {
  return scaledUnits(
    1000,
    SI_PREFIXES.map((p) => ' ' + p + unit),
    SI_BASE + offset,
  );
}

/** Binary IEC scaling (`1.50 KiB`). */
export function binaryPrefix(unit: string, offset = 0): ValueFormatter {
  return scaledUnits(
    1024,
    BIN_PREFIXES.map((p) => ' ' + p + unit),
    offset,
  );
}

/** Counts with K/M/B/T then the unit (`1.50K ops`). */
export function countUnit(symbol: string): ValueFormatter {
  const scale = scaledUnits(1000, ['', 'K', 'M', 'B', 'T']);
  return (value, decimals) => {
    const v = scale(value, decimals);
    return { ...v, suffix: `${v.suffix ?? ''} ${symbol}` };
  };
}

function currency(symbol: string): ValueFormatter {
  const scale = scaledUnits(1000, ['', 'K', 'M', 'B', 'T']);
  return (value, decimals) => {
    const v = scale(Math.abs(value), decimals);
    return { ...v, prefix: value < 0 ? `-${symbol}` : symbol };
  };
}

const PLURAL = new Set([' min', ' hour', ' day', ' week', ' year']);

function scaledTime(value: number, decimals: number | undefined, ext: string): FormattedValue {
  return { text: toFixed(value, decimals), suffix: Math.abs(value) > 1 && PLURAL.has(ext) ? ext + 's' : ext };
}

type Step = readonly [limit: number, divisor: number, ext: string];

/** A time unit formatter: the first step whose limit exceeds |value| divides it; the last step catches the rest. */
function timeScale(steps: readonly Step[]): ValueFormatter {
  return (value, decimals) => {
    const bad = nonFinite(value);
    if (bad) return bad;
    const abs = Math.abs(value);
    const step = steps.find(([limit]) => abs < limit) ?? steps[steps.length - 1];
    // The unscaled step keeps its unit singular (`5 min`), as Grafana does; scaled steps pluralise (`2 hours`).
    return step[1] === 1 ? { text: toFixed(value, decimals), suffix: step[2] } : scaledTime(value / step[1], decimals, step[2]);
  };
}

const toNanoseconds = timeScale([
  [1e3, 1, ' ns'],
  [1e6, 1e3, ' µs'],
  [1e9, 1e6, ' ms'],
  [6e10, 1e9, ' s'],
  [3.6e12, 6e10, ' min'],
  [8.64e13, 3.6e12, ' hour'],
  [Infinity, 8.64e13, ' day'],
]);
const toMicroseconds = timeScale([
  [1e3, 1, ' µs'],
  [1e6, 1e3, ' ms'],
  [Infinity, 1e6, ' s'],
]);
const toMilliseconds = timeScale([
  [1e3, 1, ' ms'],
  [6e4, 1e3, ' s'],
  [3.6e6, 6e4, ' min'],
  [8.64e7, 3.6e6, ' hour'],
  [3.1536e10, 8.64e7, ' day'],
  [Infinity, 3.1536e10, ' year'],
]);
const secondsScale = timeScale([
  [60, 1, ' s'],
  [3600, 60, ' min'],
  [86_400, 3600, ' hour'],
  [604_800, 86_400, ' day'],
  [31_536_000, 604_800, ' week'],
  [Infinity, 3.15569e7, ' year'],
]);

/** Seconds, humanised: `250 ms`, `1.50 mins`, `2 hours`, `3.29 weeks` (sub-second values in ms/µs/ns). */
export const toSeconds: ValueFormatter = (value, decimals) => {
  if (value === 0) return { text: '0', suffix: ' s' };
  const abs = Math.abs(value);
  if (abs < 1e-6) return scaledTime(value * 1e9, decimals, ' ns');
  if (abs < 1e-3) return scaledTime(value * 1e6, decimals, ' µs');
  if (abs < 1) return scaledTime(value * 1e3, decimals, ' ms');
  return secondsScale(value, decimals);
};

const toMinutes = timeScale([
  [60, 1, ' min'],
  [1440, 60, ' hour'],
  [10_080, 1440, ' day'],
  [604_800, 10_080, ' week'],
  [Infinity, 5.25948e5, ' year'],
]);
const toHours = timeScale([
  [24, 1, ' hour'],
  [168, 24, ' day'],
  [8760, 168, ' week'],
  [Infinity, 8760, ' year'],
]);
const toDays = timeScale([
  [7, 1, ' day'],
  [365, 7, ' week'],
  [Infinity, 365, ' year'],
]);

const DURATION_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
  ['millisecond', 1e-3],
  ['microsecond', 1e-6],
  ['nanosecond', 1e-9],
];

/**
 * A duration spelled out (`1 hour`, `2 days, 3 hours` with decimals = 1): the largest unit, then `decimals` more.
 * `scaleSeconds` is the input's unit in seconds (1 for dtdurations, 0.001 for dtdurationms).
 */
function toDuration(scaleSeconds: number, unitName: string): ValueFormatter {
  const format: ValueFormatter = (value, decimals) => {
    const bad = nonFinite(value);
    if (bad) return bad;
    if (value === 0) return { text: '0', suffix: ` ${unitName}s` };
    if (value < 0) {
      const v = format(-value, decimals);
      return { ...v, suffix: `${v.suffix ?? ''} ago` };
    }
    let rest = value * scaleSeconds;
    let more = decimals ?? 0;
    const parts: string[] = [];
    for (const [name, secs] of DURATION_UNITS) {
      if (more < 0) break;
      const n = rest / secs;
      if (n >= 1 - 1e-9 || parts.length > 0) {
        // Floating-point remainders (0.9999999) must not drop a whole unit.
        const whole = Math.floor(n + 1e-9);
        parts.push(`${whole} ${name}${whole !== 1 ? 's' : ''}`);
        rest = Math.max(0, rest - whole * secs);
        more--;
      }
    }
    return { text: parts.join(', ') };
  };
  return format;
}

function pad2(n: number): string {
  return n > 9 ? String(n) : `0${n}`;
}

/** Seconds as `hh:mm:ss`. */
const toHms: ValueFormatter = (value) => {
  if (!Number.isFinite(value)) return { text: toFixed(value) };
  if (value < 0) {
    const v = toHms(-value);
    return { ...v, suffix: `${v.suffix ?? ''} ago` };
  }
  return { text: [Math.floor(value / 3600), Math.floor((value % 3600) / 60), Math.floor(value % 60)].map(pad2).join(':') };
};

/** Seconds as `d d hh:mm:ss`. */
const toDhms: ValueFormatter = (value) => {
  if (!Number.isFinite(value)) return { text: toFixed(value) };
  if (value < 0) {
    const v = toDhms(-value);
    return { ...v, suffix: `${v.suffix ?? ''} ago` };
  }
  const days = Math.floor(value / 86_400);
  return { text: (days > 0 ? `${days} d ` : '') + toHms(value - days * 86_400).text };
};

const toPercent: ValueFormatter = (value, decimals) => ({ text: toFixed(value, decimals), suffix: '%' });
const toPercentUnit: ValueFormatter = (value, decimals) => ({ text: toFixed(100 * value, decimals), suffix: '%' });
const toScientific: ValueFormatter = (value, decimals) => ({ text: Number.isFinite(value) ? value.toExponential(decimals ?? undefined) : toFixed(value) });

export interface UnitInfo {
  id: string;
  name: string;
}
export interface UnitCategory {
  name: string;
  units: UnitInfo[];
}

type UnitDef = readonly [id: string, name: string, fn: ValueFormatter];

const CATEGORIES: ReadonlyArray<readonly [string, readonly UnitDef[]]> = [
  [
    'Misc',
    [
      ['none', 'Number', fixedUnit('')],
      ['short', 'Short (K, Mil, Bil)', scaledUnits(1000, ['', ' K', ' Mil', ' Bil', ' Tri', ' Quadr', ' Quint', ' Sext', ' Sept'])],
      ['sishort', 'SI short (k, M, G)', siPrefix('')],
      ['percent', 'Percent (0-100)', toPercent],
      ['percentunit', 'Percent (0.0-1.0)', toPercentUnit],
      ['humidity', 'Humidity (%H)', fixedUnit('%H')],
      ['dB', 'Decibel', fixedUnit('dB')],
      ['sci', 'Scientific notation', toScientific],
    ],
  ],
  [
    'Data',
    [
      ['bytes', 'bytes (IEC)', binaryPrefix('B')],
      ['decbytes', 'bytes (SI)', siPrefix('B')],
      ['bits', 'bits (IEC)', binaryPrefix('b')],
      ['decbits', 'bits (SI)', siPrefix('b')],
      ['kbytes', 'kibibytes', binaryPrefix('B', 1)],
      ['deckbytes', 'kilobytes', siPrefix('B', 1)],
      ['mbytes', 'mebibytes', binaryPrefix('B', 2)],
      ['decmbytes', 'megabytes', siPrefix('B', 2)],
      ['gbytes', 'gibibytes', binaryPrefix('B', 3)],
      ['decgbytes', 'gigabytes', siPrefix('B', 3)],
      ['tbytes', 'tebibytes', binaryPrefix('B', 4)],
      ['dectbytes', 'terabytes', siPrefix('B', 4)],
    ],
  ],
  [
    'Data rate',
    [
      ['pps', 'packets/sec', siPrefix('p/s')],
      ['binBps', 'bytes/sec (IEC)', binaryPrefix('B/s')],
      ['Bps', 'bytes/sec (SI)', siPrefix('B/s')],
      ['binbps', 'bits/sec (IEC)', binaryPrefix('b/s')],
      ['bps', 'bits/sec (SI)', siPrefix('b/s')],
      ['KiBs', 'kibibytes/sec', binaryPrefix('B/s', 1)],
      ['KBs', 'kilobytes/sec', siPrefix('B/s', 1)],
      ['Kbits', 'kilobits/sec', siPrefix('b/s', 1)],
      ['MiBs', 'mebibytes/sec', binaryPrefix('B/s', 2)],
      ['MBs', 'megabytes/sec', siPrefix('B/s', 2)],
      ['Mbits', 'megabits/sec', siPrefix('b/s', 2)],
      ['GiBs', 'gibibytes/sec', binaryPrefix('B/s', 3)],
      ['GBs', 'gigabytes/sec', siPrefix('B/s', 3)],
      ['Gbits', 'gigabits/sec', siPrefix('b/s', 3)],
    ],
  ],
  [
    'Throughput',
    [
      ['cps', 'counts/sec (cps)', countUnit('c/s')],
      ['ops', 'ops/sec (ops)', countUnit('ops')],
      ['reqps', 'requests/sec (rps)', countUnit('req/s')],
      ['rps', 'reads/sec (rps)', countUnit('rd/s')],
      ['wps', 'writes/sec (wps)', countUnit('wr/s')],
      ['iops', 'I/O ops/sec (iops)', countUnit('io/s')],
      ['eps', 'events/sec (eps)', countUnit('evt/s')],
      ['mps', 'messages/sec (mps)', countUnit('msg/s')],
      ['cpm', 'counts/min (cpm)', countUnit('c/m')],
      ['opm', 'ops/min (opm)', countUnit('ops/min')],
      ['reqpm', 'requests/min (rpm)', countUnit('req/min')],
    ],
  ],
  [
    'Time',
    [
      ['hertz', 'Hertz (1/s)', siPrefix('Hz')],
      ['ns', 'nanoseconds (ns)', toNanoseconds],
      ['µs', 'microseconds (µs)', toMicroseconds],
      ['ms', 'milliseconds (ms)', toMilliseconds],
      ['s', 'seconds (s)', toSeconds],
      ['m', 'minutes (m)', toMinutes],
      ['h', 'hours (h)', toHours],
      ['d', 'days (d)', toDays],
      ['dtdurationms', 'duration (ms)', toDuration(1e-3, 'millisecond')],
      ['dtdurations', 'duration (s)', toDuration(1, 'second')],
      ['dthms', 'duration (hh:mm:ss)', toHms],
      ['dtdhms', 'duration (d hh:mm:ss)', toDhms],
      ['timeticks', 'Timeticks (s/100)', (v, d) => toSeconds(v / 100, d)],
    ],
  ],
  [
    'Energy',
    [
      ['watt', 'Watt (W)', siPrefix('W')],
      ['kwatt', 'Kilowatt (kW)', siPrefix('W', 1)],
      ['mwatt', 'Milliwatt (mW)', siPrefix('W', -1)],
      ['voltamp', 'Volt-Ampere (VA)', siPrefix('VA')],
      ['watth', 'Watt-hour (Wh)', siPrefix('Wh')],
      ['kwatth', 'Kilowatt-hour (kWh)', siPrefix('Wh', 1)],
      ['joule', 'Joule (J)', siPrefix('J')],
      ['amp', 'Ampere (A)', siPrefix('A')],
      ['mamp', 'Milliampere (mA)', siPrefix('A', -1)],
      ['volt', 'Volt (V)', siPrefix('V')],
      ['mvolt', 'Millivolt (mV)', siPrefix('V', -1)],
    ],
  ],
  [
    'Temperature',
    [
      ['celsius', 'Celsius (°C)', fixedUnit('°C')],
      ['fahrenheit', 'Fahrenheit (°F)', fixedUnit('°F')],
      ['kelvin', 'Kelvin (K)', fixedUnit('K')],
    ],
  ],
  [
    'Currency',
    [
      ['currencyUSD', 'Dollars ($)', currency('$')],
      ['currencyEUR', 'Euro (€)', currency('€')],
      ['currencyGBP', 'Pounds (£)', currency('£')],
      ['currencyJPY', 'Yen (¥)', currency('¥')],
    ],
  ],
];

const FORMATTERS = new Map<string, ValueFormatter>(CATEGORIES.flatMap(([, defs]) => defs.map(([id, , fn]) => [id, fn] as const)));

/** Units by category for a unit picker. */
export const UNIT_CATEGORIES: readonly UnitCategory[] = CATEGORIES.map(([name, defs]) => ({ name, units: defs.map(([id, label]) => ({ id, name: label })) }));

/** Whether Grafana (and Sightline) know this unit id; unknown ids still format, as a plain suffix. */
export function isKnownUnit(unit: string): boolean {
  return FORMATTERS.has(unit) || /^(prefix|suffix|si|count|currency):./.test(unit);
}

/**
 * The formatter of a unit id. Custom units: `prefix:€`, `suffix:req`, `si:mV` (SI-scaled with the given base prefix),
 * `count:req` (K/M/B then the text), `currency:CHF`. Any other unknown id is shown after the number, as Grafana does.
 */
export function getUnitFormatter(unit?: string): ValueFormatter {
  if (!unit) return FORMATTERS.get('none')!;
  const known = FORMATTERS.get(unit);
  if (known) return known;
  const colon = unit.indexOf(':');
  if (colon > 0) {
    const key = unit.slice(0, colon);
    const sub = unit.slice(colon + 1);
    if (key === 'prefix') return fixedUnit(sub, true);
    if (key === 'suffix') return fixedUnit(sub);
    if (key === 'count') return countUnit(sub);
    if (key === 'currency') return currency(sub);
    if (key === 'si') {
      const idx = SI_PREFIXES.indexOf(sub.charAt(0));
      const offset = idx < 0 || sub.length === 1 ? 0 : idx - SI_BASE;
      return siPrefix(offset === 0 ? sub : sub.slice(1), offset);
    }
  }
  return fixedUnit(unit);
}
