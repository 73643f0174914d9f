// Grafana-style interval strings (`15s`, `1m`, `1h30m`, bare seconds) and the "nice" interval rounding table.

const UNIT_MS: Readonly<Record<string, number>> = {
  y: 365 * 86_400_000,
  M: 30 * 86_400_000,
  w: 7 * 86_400_000,
  d: 86_400_000,
  h: 3_600_000,
  m: 60_000,
  s: 1000,
  ms: 1,
};

const PART = /(\d+(?:\.\d+)?)(ms|[yMwdhms])/y;

/**
 * Parses an interval to milliseconds: one or more `<number><unit>` parts (units y M w d h m s ms, M = 30 days,
 * y = 365 days) or a bare number of seconds. Returns undefined when the text is not an interval.
 * Grafana reads only the first part of `1h30m`; summing every part agrees with it on single-unit strings.
 */
export function parseInterval(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(s)) return Number(s) * 1000;
  let ms = 0;
  let pos = 0;
  while (pos < s.length) {
    PART.lastIndex = pos;
    const m = PART.exec(s);
    if (!m) return undefined;
    ms += Number(m[1]) * UNIT_MS[m[2]];
    pos = PART.lastIndex;
  }
  return ms;
}

/** The error message for a string that is not an interval, or undefined when it is one. */
export function intervalError(text: string): string | undefined {
  return parseInterval(text) === undefined
    ? `invalid interval ${JSON.stringify(text)}: use a number with a unit (ms, s, m, h, d, w, M, y), e.g. "30s" or "1h"`
    : undefined;
}

/** Renders milliseconds as Grafana's secondsToHms does: the largest whole unit only (`90s` → `1m`, `500` → `500ms`). */
export function formatIntervalHms(ms: number): string {
  const seconds = ms / 1000;
  const years = Math.floor(seconds / 31_536_000);
  if (years) return `${years}y`;
  const days = Math.floor((seconds % 31_536_000) / 86_400);
  if (days) return `${days}d`;
  const hours = Math.floor((seconds % 86_400) / 3600);
  if (hours) return `${hours}h`;
  const minutes = Math.floor((seconds % 3600) / 60);
  if (minutes) return `${minutes}m`;
  const secs = Math.floor(seconds % 60);
  if (secs) return `${secs}s`;
  const millis = Math.floor(ms);
  if (millis) return `${millis}ms`;
  return 'less than a millisecond';
}

/**
 * Renders milliseconds as a PromQL duration in seconds (`60s`), as Grafana writes `$__rate_interval` and an adjusted
 * `$__interval`; sub-second or fractional values become whole milliseconds (`1500ms`) so PromQL still parses them.
 */
export function formatPromSeconds(ms: number): string {
  const rounded = Math.max(1, Math.round(ms));
  return rounded % 1000 === 0 ? `${rounded / 1000}s` : `${rounded}ms`;
}

// Upper bound (exclusive) of the raw interval → the nice interval it rounds to, in ms (Grafana's rangeutil table).
const ROUNDING: ReadonlyArray<readonly [number, number]> = [
  [10, 1],
  [15, 10],
  [35, 20],
  [75, 50],
  [150, 100],
  [350, 200],
  [750, 500],
  [1500, 1000],
  [3500, 2000],
  [7500, 5000],
  [12_500, 10_000],
  [17_500, 15_000],
  [25_000, 20_000],
  [45_000, 30_000],
  [90_000, 60_000],
  [210_000, 120_000],
  [450_000, 300_000],
  [750_000, 600_000],
  [1_050_000, 900_000],
  [1_500_000, 1_200_000],
  [2_700_000, 1_800_000],
  [5_400_000, 3_600_000],
  [9_000_000, 7_200_000],
  [16_200_000, 10_800_000],
  [32_400_000, 21_600_000],
  [86_400_000, 43_200_000],
  [604_800_000, 86_400_000],
  [1_814_400_000, 604_800_000],
  [3_628_800_000, 2_592_000_000],
];

/** Rounds a raw interval (ms) to the nearest "nice" one (1s, 2s, 5s, 10s, 15s, 20s, 30s, 1m, 2m, 5m, ... 1y) like Grafana. */
export function roundInterval(ms: number): number {
  for (const [below, nice] of ROUNDING) if (ms < below) return nice;
  return 31_536_000_000;
}
