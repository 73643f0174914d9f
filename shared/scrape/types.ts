// Types the scrape logic works on: what a parsed exposition yields, per-target settings, and what a scrape produces.
import type { Labels } from '../model/labels.ts';
import type { MetricMetadata } from '../stream/protocol.ts';

/** An exemplar as the exposition parser reports it; labels are a flat `[name0, value0, …]` list. */
export interface ExposedExemplar {
  labels: readonly string[];
  value: number;
  timestampMs: number | undefined;
}

/** A metric family's HELP/TYPE/UNIT as exposed (structurally exposition's MetricFamily). */
export interface ExposedFamily {
  name: string;
  type: MetricMetadata['type'];
  help: string;
  unit: string;
}

/**
 * A parsed exposition body, column-wise (structurally exposition's ParseResult): sample i is name(i), values[i],
 * timestampsMs[i] (NaN when the line had none), exemplars.get(i), labels(i) as a flat list without the metric name,
 * and seriesText(i), the series as written — a cheap cache key (equal text means the same series), which
 * seriesTextIs(i, text) compares without building it.
 */
export interface ExposedScrape {
  readonly length: number;
  readonly values: ArrayLike<number>;
  readonly timestampsMs: ArrayLike<number>;
  readonly exemplars: ReadonlyMap<number, ExposedExemplar>;
  readonly families: readonly ExposedFamily[];
  name(i: number): string;
  labels(i: number): readonly string[];
  seriesText(i: number): string;
  /** seriesText(i) === text, possibly without building seriesText(i). */
  seriesTextIs(i: number, text: string): boolean;
  /** Called once the scrape is ingested, when nothing reads it any more: its storage may be reused. */
  release?(): void;
}

/** Rewrites one sample's labels after target labels are attached; null drops the sample (metric_relabel_configs). */
export type MetricRelabelFn = (labels: Labels) => Labels | null;

/** How one target's scraped samples are labelled, timestamped and limited (from its scrape_config). */
export interface ScrapeSettings {
  /** Target labels attached to every sample (job, instance, static and relabelled labels; no `__` labels). */
  targetLabels: Labels;
  honorLabels: boolean;
  honorTimestamps: boolean;
  trackTimestampsStaleness: boolean;
  /** 0 = no limit; more samples after metric relabelling fail the scrape. */
  sampleLimit: number;
  /** 0 = no limit; a sample with more labels fails the scrape. */
  labelLimit: number;
  labelNameLengthLimit: number;
  labelValueLengthLimit: number;
  metricRelabel?: MetricRelabelFn;
  /** extra_scrape_metrics: also report scrape_timeout_seconds, scrape_sample_limit and scrape_body_size_bytes. */
  extraMetrics?: { timeoutSeconds: number };
}

/** One sample to store: final labels, Unix ms timestamp, value (possibly the stale marker). */
export interface OutputSample {
  labels: Labels;
  t: number;
  v: number;
  /** labelsKey(labels), when already known: spares storage from recomputing it per sample. */
  key?: string;
  /** Storage's memo of where it stored this series (see Head's AppendSample.ref); opaque here. */
  ref?: unknown;
}

export interface OutputExemplar {
  series: Labels;
  labels: Labels;
  value: number;
  timestamp: number | null;
}

/** Everything one scrape (or the end of a target) contributes to storage. */
export interface ScrapeOutput {
  /** Scraped samples, then stale markers, then the synthetic report series — in append order. */
  samples: OutputSample[];
  /** Metadata of the families the scrape carried. */
  metadata: Array<[family: string, meta: MetricMetadata]>;
  exemplars: OutputExemplar[];
  /** The scrape's error (a failed fetch, a parse error, an exceeded limit), or null when healthy. */
  error: string | null;
  /** Counts as reported in the synthetic series. */
  scraped: number;
  postRelabel: number;
  seriesAdded: number;
}
