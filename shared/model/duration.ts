// Prometheus's duration type (model.Duration): the one parser and printer behind config, rule files and PromQL.

/** Milliseconds per unit, largest first: the order units must appear in, each at most once. */
const UNITS: ReadonlyArray<readonly [string, number]> = [
  ['y', 365 * 24 * 3600_000],
  ['w', 7 * 24 * 3600_000],
  ['d', 24 * 3600_000],
  ['h', 3600_000],
  ['m', 60_000],
  ['s', 1000],
  ['ms', 1],
];

const UNIT_RANK: ReadonlyMap<string, number> = new Map(UNITS.map(([unit], i) => [unit, i + 1]));
const UNIT_MS: ReadonlyMap<string, number> = new Map(UNITS);

/** Largest magnitude in milliseconds that Go's time.Duration (int64 nanoseconds) can hold. */
export const MAX_DURATION_MS = 9223372036854.775;

/** A parsed duration in milliseconds, or the error Prometheus would print for the text. */
export type DurationResult = { ok: true; ms: number } | { ok: false; error: string };

const isDigit = (c: string): boolean => c >= '0' && c <= '9';

/**
 * Parses a Prometheus duration (`1h30m`, `250ms`, `0`) as prometheus/common's model.ParseDuration does:
 * units y w d h m s ms, largest first, each at most once; the same error texts.
 */
export function parseDuration(text: string): DurationResult {
  if (text === '0') return { ok: true, ms: 0 };
  if (text === '') return { ok: false, error: 'empty duration string' };
  const invalid: DurationResult = { ok: false, error: `not a valid duration string: ${JSON.stringify(text)}` };
  let ms = 0;
  let lastRank = 0;
  let i = 0;
  while (i < text.length) {
    const numStart = i;
    while (i < text.length && isDigit(text[i])) i++;
    if (i === numStart) return invalid;
    const value = Number(text.slice(numStart, i));
    const unitStart = i;
    while (i < text.length && !isDigit(text[i])) i++;
    if (i === unitStart) return invalid;
    const unit = text.slice(unitStart, i);
    const rank = UNIT_RANK.get(unit);
    if (rank === undefined) return { ok: false, error: `unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(text)}` };
    if (rank <= lastRank) return invalid;
    lastRank = rank;
    ms += value * (UNIT_MS.get(unit) as number);
    if (ms > MAX_DURATION_MS) return { ok: false, error: 'duration out of range' };
  }
  return { ok: true, ms };
}

/** Formats milliseconds like model.Duration.String (`1h30m`, `90d`, `1s500ms`, `0s`, `-5m`). */
export function formatDuration(ms: number): string {
  if (ms < 0) return '-' + formatDuration(-ms);
  let rest = Math.trunc(ms);
  if (rest === 0) return '0s';
  let out = '';
  for (const [unit, mult] of UNITS) {
    // Years and weeks only when exact: `90d` reads better than `12w6d`.
    if ((unit === 'y' || unit === 'w') && rest % mult !== 0) continue;
    const v = Math.floor(rest / mult);
    if (v > 0) {
      out += `${v}${unit}`;
      rest -= v * mult;
    }
  }
  return out;
}
