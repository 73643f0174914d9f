// Prometheus durations (model.Duration): parse "1h30m", "90s", "1y2w3d"; print them back canonically.

const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['y', 365 * 24 * 3600_000],
  ['w', 7 * 24 * 3600_000],
  ['d', 24 * 3600_000],
  ['h', 3600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

const DURATION_RE = /^(?:(\d+)y)?(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?(?:(\d+)ms)?$/;

/** Parsed duration in milliseconds, or an error message worded like Prometheus's. */
export type DurationResult = { ok: true; ms: number } | { ok: false; error: string };

/** Parses a Prometheus duration string ("5m", "1h30m", "0") into milliseconds. */
export function parseDuration(text: string): DurationResult {
  if (text === '') return { ok: false, error: 'empty duration string' };
  if (text === '0') return { ok: true, ms: 0 };
  const m = DURATION_RE.exec(text);
  if (!m) return { ok: false, error: `not a valid duration string: "${text}"` };
  let ms = 0;
  for (let i = 0; i < UNITS.length; i++) {
    const part = m[i + 1];
    if (part !== undefined) ms += Number(part) * UNITS[i][1];
  }
  // Go's int64 nanoseconds overflow at ~292 years.
  if (ms * 1e6 > 9.223372036854775807e18) return { ok: false, error: 'duration out of range' };
  return { ok: true, ms };
}

/** Formats milliseconds the way model.Duration.String does ("1h30m", "90d", "0s"). */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.trunc(ms);
  let out = '';
  if (rest < 0) {
    out = '-';
    rest = -rest;
  }
  for (const [unit, mult] of UNITS) {
    // Years and weeks only when exact: "90d" reads better than "12w6d".
    if ((unit === 'y' || unit === 'w') && rest % mult !== 0) continue;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * mult;
    }
  }
  return out;
}
