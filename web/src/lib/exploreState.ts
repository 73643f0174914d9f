// Explore's view as plain data: encoded into and decoded from the URL hash, plus time-range moves (zoom, shift).
import { formatDuration, parseDuration } from './format.ts';

export type ExploreTab = 'graph' | 'table' | 'explain';
export type GraphMode = 'lines' | 'stacked' | 'points';
export type UnitId = 'auto' | 'short' | 'bytes' | 'percent' | 'percentunit' | 's';
export type RefreshChoice = 'off' | '5s' | '10s' | '30s' | '1m';

export const TABS: readonly ExploreTab[] = ['graph', 'table', 'explain'];
export const GRAPH_MODES: readonly GraphMode[] = ['lines', 'stacked', 'points'];
export const UNITS: readonly UnitId[] = ['auto', 'short', 'bytes', 'percent', 'percentunit', 's'];
export const REFRESH_CHOICES: readonly RefreshChoice[] = ['off', '5s', '10s', '30s', '1m'];
/** Relative ranges offered in the picker (last 5m … last 7d). */
export const RELATIVE_RANGES = ['5m', '15m', '30m', '1h', '3h', '6h', '12h', '1d', '2d', '7d'] as const;

/** Shortest and longest range a view may have. */
const MIN_RANGE_MS = 1_000;
const MAX_RANGE_MS = 5 * 365 * 86_400_000;

export interface ExploreState {
  expr: string;
  tab: ExploreTab;
  /** Width of the time range (ms). */
  rangeMs: number;
  /** End of the range (Unix ms), or null for "now" (a relative range that follows the clock). */
  end: number | null;
  /** Step override (ms); null = chosen from the range and the chart width. */
  step: number | null;
  mode: GraphMode;
  unit: UnitId;
  refresh: RefreshChoice;
}

export const DEFAULT_STATE: ExploreState = {
  expr: 'scrape_duration_seconds',
  tab: 'graph',
  rangeMs: 15 * 60_000,
  end: null,
  step: null,
  mode: 'lines',
  unit: 'auto',
  refresh: 'off',
};

function oneOf<T extends string>(list: readonly T[], value: string | undefined, fallback: T): T {
  return value !== undefined && (list as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** Parses an end time given as Unix seconds (Prometheus's API style) or RFC 3339; null when neither. */
export function parseTimeParam(text: string): number | null {
  if (/^\d{9,11}(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}

/** The view described by hash parameters; anything missing or malformed takes its default. */
export function decodeState(params: Readonly<Record<string, string>>): ExploreState {
  const range = params.range === undefined ? null : parseDuration(params.range);
  const step = params.step === undefined ? null : parseDuration(params.step);
  const end = params.end === undefined ? null : parseTimeParam(params.end);
  return {
    expr: params.expr ?? DEFAULT_STATE.expr,
    tab: oneOf(TABS, params.tab, DEFAULT_STATE.tab),
    rangeMs: range !== null && range >= MIN_RANGE_MS && range <= MAX_RANGE_MS ? range : DEFAULT_STATE.rangeMs,
    end,
    step: step !== null && step > 0 ? step : null,
    mode: oneOf(GRAPH_MODES, params.mode, DEFAULT_STATE.mode),
    unit: oneOf(UNITS, params.unit, DEFAULT_STATE.unit),
    refresh: oneOf(REFRESH_CHOICES, params.refresh, DEFAULT_STATE.refresh),
  };
}

/** Hash parameters for a view: only what differs from the defaults (the expression always), so links stay short. */
export function encodeState(s: ExploreState): Record<string, string> {
  const out: Record<string, string> = { expr: s.expr };
  if (s.tab !== DEFAULT_STATE.tab) out.tab = s.tab;
  // The range is always written: the foundation links (`range=5m`) and people read it.
  out.range = formatDuration(s.rangeMs);
  if (s.end !== null) out.end = new Date(s.end).toISOString();
  if (s.step !== null) out.step = formatDuration(s.step);
  if (s.mode !== DEFAULT_STATE.mode) out.mode = s.mode;
  if (s.unit !== DEFAULT_STATE.unit) out.unit = s.unit;
  if (s.refresh !== DEFAULT_STATE.refresh) out.refresh = s.refresh;
  return out;
}

/** [start, end] in Unix ms at wall-clock `now`. */
export function resolveRange(s: Pick<ExploreState, 'rangeMs' | 'end'>, now: number): { start: number; end: number } {
  const end = s.end ?? now;
  return { start: end - s.rangeMs, end };
}

type Window = Pick<ExploreState, 'rangeMs' | 'end'>;

/** An end at or after `now` is "now": the view follows the clock again. */
function settle(w: Window, now: number): Window {
  return w.end !== null && w.end >= now ? { rangeMs: w.rangeMs, end: null } : w;
}

/** Twice as wide around the same centre (a relative range just doubles, still ending now). */
export function zoomOut(w: Window, now: number): Window {
  const rangeMs = Math.min(MAX_RANGE_MS, w.rangeMs * 2);
  if (w.end === null) return { rangeMs, end: null };
  return settle({ rangeMs, end: w.end + (rangeMs - w.rangeMs) / 2 }, now);
}

/** Moves the window by half its width, earlier (-1) or later (+1); moving later past now returns to "now". */
export function shift(w: Window, direction: -1 | 1, now: number): Window {
  const end = (w.end ?? now) + (direction * w.rangeMs) / 2;
  return settle({ rangeMs: w.rangeMs, end: Math.round(end) }, now);
}

/** The window between two instants (drag-to-zoom, absolute from/to); null when they are not a usable range. */
export function absoluteWindow(from: number, to: number, now: number): Window | null {
  if (!Number.isFinite(from) || !Number.isFinite(to)) return null;
  const [a, b] = from <= to ? [from, to] : [to, from];
  const rangeMs = Math.round(b - a);
  if (rangeMs < MIN_RANGE_MS || rangeMs > MAX_RANGE_MS) return null;
  return settle({ rangeMs, end: Math.round(b) }, now);
}

/** What the picker shows: "Last 1h" or the absolute span. */
export function describeWindow(w: Window, fmt: (ms: number) => string): string {
  if (w.end === null) return `Last ${formatDuration(w.rangeMs)}`;
  return `${fmt(w.end - w.rangeMs)} → ${fmt(w.end)}`;
}

/** A `datetime-local` input value (local time, seconds precision) for Unix ms. */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** Unix ms of a `datetime-local` value (local time); null when empty or invalid. */
export function fromLocalInput(text: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) return null;
  const ms = new Date(text).getTime();
  return Number.isNaN(ms) ? null : ms;
}
