// Dashboard time ranges: Grafana date math (`now-6h`, `now-1d/d`, `now/w`) and absolute times, resolved to Unix ms.
import type { TimeRange } from './model.ts';

type CalendarUnit = 'y' | 'M' | 'w' | 'd' | 'h' | 'm' | 's';

type Op = { kind: 'add'; amount: number; unit: CalendarUnit } | { kind: 'round'; unit: CalendarUnit };

/** A parsed time expression: `now` followed by operations, or a fixed instant. */
export type TimeExpr = { kind: 'relative'; ops: Op[] } | { kind: 'absolute'; ms: number };

const ISO = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/** Parses one end of a time range; returns an error message instead when the text is neither date math nor an absolute time. */
export function parseTimeExpr(text: string): TimeExpr | { error: string } {
  const s = text.trim();
  if (/^\d+$/.test(s)) return { kind: 'absolute', ms: Number(s) };
  if (ISO.test(s)) {
    // A date without a zone is read as UTC so a dashboard means the same instant everywhere.
    const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(s) || !s.includes(':') ? s : `${s}Z`;
    const ms = Date.parse(withZone.replace(' ', 'T'));
    if (Number.isFinite(ms)) return { kind: 'absolute', ms };
  }
  if (!s.startsWith('now')) {
    return { error: `invalid time ${JSON.stringify(text)}: use "now", date math such as "now-6h" or "now-1d/d", or an ISO 8601 time` };
  }
  const ops: Op[] = [];
  let rest = s.slice(3);
  while (rest !== '') {
    const m = /^([+-])(\d+)([yMwdhms])|^\/([yMwdhms])/.exec(rest);
    if (!m) return { error: `invalid date math ${JSON.stringify(text)} at ${JSON.stringify(rest)}: expected +N<unit>, -N<unit> or /<unit> (units y M w d h m s)` };
    if (m[4] !== undefined) ops.push({ kind: 'round', unit: m[4] as CalendarUnit });
    else ops.push({ kind: 'add', amount: (m[1] === '-' ? -1 : 1) * Number(m[2]), unit: m[3] as CalendarUnit });
    rest = rest.slice(m[0].length);
  }
  return { kind: 'relative', ops };
}

/** Whether the text is a valid time expression; the error message when not. */
export function timeExprError(text: string): string | undefined {
  const r = parseTimeExpr(text);
  return 'error' in r ? r.error : undefined;
}

/**
 * Resolves a time expression at `nowMs`. Rounding (`/d`) goes to the start of the unit for the range start and to
 * the last millisecond of the unit for the range end (`roundUp`), in UTC or in the runtime's local zone
 * (`timezone` other than `utc`); weeks start on Monday.
 */
export function resolveTime(text: string, nowMs: number, opts: { roundUp: boolean; timezone?: string }): number | undefined {
  const expr = parseTimeExpr(text);
  if ('error' in expr) return undefined;
  if (expr.kind === 'absolute') return expr.ms;
  const utc = opts.timezone === 'utc';
  const d = new Date(nowMs);
  for (const op of expr.ops) {
    if (op.kind === 'add') addUnits(d, op.amount, op.unit, utc);
    else roundTo(d, op.unit, opts.roundUp, utc);
  }
  return d.getTime();
}

/** Resolves a dashboard time range to `{from, to}` in Unix ms, or an error message naming the bad end. */
export function resolveTimeRange(range: TimeRange, nowMs: number, timezone?: string): { from: number; to: number } | { error: string } {
  const from = resolveTime(range.from, nowMs, { roundUp: false, timezone });
  if (from === undefined) return { error: `time.from: ${timeExprError(range.from)}` };
  const to = resolveTime(range.to, nowMs, { roundUp: true, timezone });
  if (to === undefined) return { error: `time.to: ${timeExprError(range.to)}` };
  if (from >= to) return { error: `time range is empty: from ${range.from} is not before to ${range.to}` };
  return { from, to };
}

function addUnits(d: Date, n: number, unit: CalendarUnit, utc: boolean): void {
  const fixed: Partial<Record<CalendarUnit, number>> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000 };
  if (unit === 'M') {
    if (utc) d.setUTCMonth(d.getUTCMonth() + n);
    else d.setMonth(d.getMonth() + n);
  } else if (unit === 'y') {
    if (utc) d.setUTCFullYear(d.getUTCFullYear() + n);
    else d.setFullYear(d.getFullYear() + n);
  } else if ((unit === 'd' || unit === 'w') && !utc) {
    // Calendar days in local time, so "now-1d" across a DST switch lands on the same wall-clock time.
    d.setDate(d.getDate() + n * (unit === 'w' ? 7 : 1));
  } else {
    d.setTime(d.getTime() + n * (fixed[unit] ?? 0));
  }
}

function roundTo(d: Date, unit: CalendarUnit, up: boolean, utc: boolean): void {
  const get = utc
    ? { y: d.getUTCFullYear(), M: d.getUTCMonth(), d: d.getUTCDate(), h: d.getUTCHours(), m: d.getUTCMinutes(), s: d.getUTCSeconds(), wd: d.getUTCDay() }
    : { y: d.getFullYear(), M: d.getMonth(), d: d.getDate(), h: d.getHours(), m: d.getMinutes(), s: d.getSeconds(), wd: d.getDay() };
  const parts = [get.y, get.M, get.d, get.h, get.m, get.s];
  const keep = { y: 1, M: 2, w: 3, d: 3, h: 4, m: 5, s: 6 }[unit];
  for (let i = keep; i < parts.length; i++) parts[i] = i === 2 ? 1 : 0;
  if (unit === 'w') parts[2] = get.d - ((get.wd + 6) % 7);
  const make = (p: number[]): number => (utc ? Date.UTC(p[0], p[1], p[2], p[3], p[4], p[5]) : new Date(p[0], p[1], p[2], p[3], p[4], p[5]).getTime());
  const start = make(parts);
  if (!up) {
    d.setTime(start);
    return;
  }
  const next = [...parts];
  const bump = { y: 0, M: 1, w: 2, d: 2, h: 3, m: 4, s: 5 }[unit];
  next[bump] += unit === 'w' ? 7 : 1;
  d.setTime(make(next) - 1);
}
