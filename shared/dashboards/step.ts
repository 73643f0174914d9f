// Query step and interval built-ins from panel width and time range, as Grafana's query runner and Prometheus data source compute them.
import { formatIntervalHms, formatPromSeconds, parseInterval, roundInterval } from './interval.ts';
import { rangeBuiltins, type TimeWindow } from './variables.ts';

/** Prometheus refuses range queries of more than 11,000 points per series. */
export const PROMETHEUS_MAX_POINTS = 11_000;

/** Grafana's default scrape interval for a Prometheus data source without one configured. */
export const DEFAULT_SCRAPE_INTERVAL = '15s';

export interface QueryTimingInput {
  range: TimeWindow;
  /** Panel width in pixels: Grafana's resolution when maxDataPoints is not set. */
  widthPx?: number;
  maxDataPoints?: number;
  /** Panel "Min interval" (already interpolated); defaults to the scrape interval. */
  minInterval?: string;
  /** Query "Min step" (`Target.minStep`, already interpolated); also replaces the scrape interval in `$__rate_interval`. */
  minStep?: string;
  /** Deprecated Grafana resolution divisor (1/N); multiplies the interval. */
  intervalFactor?: number;
  /** The data's scrape interval (default 15s). */
  scrapeInterval?: string;
  /** Seconds east of UTC used to align start/end to the step (Grafana passes the dashboard zone's offset). */
  utcOffsetSec?: number;
}

export interface QueryTiming {
  /** Range query start and end (Unix ms), aligned down to multiples of the step. */
  start: number;
  end: number;
  stepMs: number;
  /** `$__interval` in ms (equals the step). */
  intervalMs: number;
  rateIntervalMs: number;
  /** The interval before Prometheus adjustments (Grafana's query-runner interval). */
  panelIntervalMs: number;
  /** Built-in variables for interpolation: `__interval`, `__interval_ms`, `__rate_interval`, `__rate_interval_ms`, `__range`, `__range_s`, `__range_ms`. */
  builtins: Record<string, string>;
}

/**
 * Grafana's query-runner interval: the range divided by the resolution (maxDataPoints, else the panel width),
 * rounded to a nice interval, never below the low limit (panel min interval, else the scrape interval).
 */
export function panelInterval(range: TimeWindow, resolution: number, lowLimitMs: number): number {
  const raw = (range.to - range.from) / Math.max(1, resolution);
  return Math.max(roundInterval(raw), lowLimitMs);
}

/**
 * Computes one query's step, aligned range and interval built-ins, following Grafana's Prometheus data source:
 * step = max(interval × intervalFactor, min step, range / 11,000 (whole seconds above 1 s));
 * `$__rate_interval` = max(step + scrape, 4 × scrape), where a query min step stands in for the scrape interval.
 * Unparsable intervals fall back to their defaults (the validator reports them).
 */
export function queryTiming(input: QueryTimingInput): QueryTiming {
  const scrapeMs = parseInterval(input.scrapeInterval ?? DEFAULT_SCRAPE_INTERVAL) || 15_000;
  const lowLimitMs = (input.minInterval !== undefined ? parseInterval(input.minInterval) : undefined) ?? scrapeMs;
  const resolution = input.maxDataPoints ?? input.widthPx ?? 1000;
  const baseMs = panelInterval(input.range, resolution, lowLimitMs);

  // Grafana computes the query range in whole seconds: start floored, end ceiled.
  const startS = Math.floor(input.range.from / 1000);
  const endS = Math.ceil(input.range.to / 1000);
  const rangeS = Math.ceil(endS - startS);
  let safeS = rangeS / PROMETHEUS_MAX_POINTS;
  if (safeS > 1) safeS = Math.ceil(safeS);
  const minStepMs = input.minStep !== undefined ? parseInterval(input.minStep) : undefined;
  const factor = input.intervalFactor && input.intervalFactor > 0 ? input.intervalFactor : 1;
  const stepMs = Math.max(baseMs * factor, minStepMs ?? baseMs, safeS * 1000);
  const rateScrapeMs = minStepMs || scrapeMs;
  const rateIntervalMs = Math.max(stepMs + rateScrapeMs, 4 * rateScrapeMs);

  const stepS = stepMs / 1000;
  const offset = input.utcOffsetSec ?? 0;
  const alignedStart = Math.floor((startS + offset) / stepS) * stepS - offset;
  const alignedEnd = Math.floor((endS + offset) / stepS) * stepS - offset;

  // Unadjusted, `$__interval` is the query runner's text (`1m`); once adjusted Grafana writes seconds (`60s`).
  // Grafana's text keeps only the largest unit (90s → 1m); seconds are used instead whenever that would lose time.
  const hms = formatIntervalHms(stepMs);
  const intervalText = stepMs === baseMs && parseInterval(hms) === stepMs ? hms : formatPromSeconds(stepMs);
  return {
    start: Math.round(alignedStart * 1000),
    end: Math.round(alignedEnd * 1000),
    stepMs,
    intervalMs: stepMs,
    rateIntervalMs,
    panelIntervalMs: baseMs,
    builtins: {
      __interval: intervalText,
      __interval_ms: String(stepMs),
      __rate_interval: formatPromSeconds(rateIntervalMs),
      __rate_interval_ms: String(rateIntervalMs),
      ...rangeBuiltins(input.range),
    },
  };
}
