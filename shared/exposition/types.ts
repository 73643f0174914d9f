// Data shapes produced by the exposition parsers (Prometheus text 0.0.4/1.0.0 and OpenMetrics 1.0 text).

/**
 * Metric family types. Prometheus text `untyped` and a family without TYPE line both map to
 * `unknown`, as Prometheus's own metadata does.
 */
export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'unknown';

/**
 * A body to parse: one string, or consecutive pieces of it (normally each ending with a newline) that are parsed
 * as their concatenation without being joined — a large body then costs no single large string.
 */
export type ExpositionText = string | readonly string[];

/** The exposition formats this module parses. */
export type ExpositionFormat = 'prometheus' | 'openmetrics';

/**
 * Metadata of one metric family. `name` is the family name (`http_requests` for OpenMetrics
 * `http_requests_total`; Prometheus text names counters with their `_total`). `help` and `unit`
 * are '' when absent. In lenient parsing a later HELP/TYPE line updates the same object.
 */
export interface MetricFamily {
  name: string;
  type: MetricType;
  help: string;
  unit: string;
}

/**
 * Labels as a flat list `[name0, value0, name1, value1, …]` in input order, unescaped, without the
 * metric name. Consecutive samples of the same series share one array: never mutate it.
 */
export type FlatLabels = readonly string[];

/** An OpenMetrics exemplar attached to a counter `_total` or histogram `_bucket` sample. */
export interface Exemplar {
  labels: FlatLabels;
  value: number;
  /** Milliseconds since the epoch (OpenMetrics float seconds × 1000, truncated), or undefined. */
  timestampMs: number | undefined;
}

/** One sample as a plain object (see ParseResult.sample(i); the hot paths avoid building these). */
export interface ExpositionSample {
  /** Metric name as written, e.g. `http_request_duration_seconds_bucket`. */
  name: string;
  labels: FlatLabels;
  /** float64; NaN, +Inf, -Inf allowed. */
  value: number;
  /** Milliseconds since the epoch, integral (OpenMetrics seconds × 1000, truncated), or undefined. */
  timestampMs: number | undefined;
  exemplar: Exemplar | undefined;
  family: MetricFamily;
  /** 1-based line number in the input. */
  line: number;
}

/**
 * The sample being reported to a sink. Valid only during the sink call: the parser reuses it for
 * the next line. Labels are built only when asked for.
 */
export interface SampleCursor {
  readonly name: string;
  readonly value: number;
  readonly timestampMs: number | undefined;
  readonly exemplar: Exemplar | undefined;
  readonly family: MetricFamily;
  readonly line: number;
  /**
   * The labels (histogram `le` / summary `quantile` normalised unless disabled). The returned
   * array stays valid after the call and may be shared with later samples of the same series.
   */
  labels(): FlatLabels;
  /**
   * The series exactly as written (`name{labels}` or the braces alone for quoted names): a cheap
   * identity for a scrape cache, as Prometheus's own. Equal text means the same series; the
   * converse need not hold (label order, spacing), so fall back to labels() on a miss.
   */
  seriesText(): string;
}

/** Receives parse output incrementally (streaming API). */
export interface ExpositionSink {
  /** Called once per sample, in input order. */
  sample(sample: SampleCursor): void;
  /** Called once when a family is first seen, before any of its samples. Later metadata lines may still fill in its fields. */
  family?(family: MetricFamily): void;
}

/** Options shared by both parsers. */
export interface ParseOptions {
  /**
   * OpenMetrics only. true: enforce every OpenMetrics 1.0 rule (grouping, ordering, histogram,
   * counter, stateset, info, exemplar placement, unit, clashing/duplicate families). false (default):
   * accept what Prometheus's own scraper and `promtool tsdb create-blocks-from openmetrics` accept —
   * the syntax, `# EOF`, known types, unit suffix, unique label names — and let HELP/TYPE of a family
   * appear again or after its samples. Exemplars whose labels exceed 128 characters are dropped
   * (kept sample), as Prometheus does.
   */
  strict?: boolean;
  /**
   * Rewrite histogram `le` and summary `quantile` label values to Prometheus 3's canonical float
   * form (`1` → `1.0`, `1e6` → `1e+06`), as Prometheus 3 does on ingestion. Default true.
   */
  normalizeBucketLabels?: boolean;
}
