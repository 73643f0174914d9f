// The synthetic series Prometheus records for every scrape of a target.
import { labelsKey, sortedNames, type Labels } from '../model/labels.ts';
import type { MetricMetadata } from '../stream/protocol.ts';
import type { OutputSample } from './types.ts';
import { reportLabels } from './target-labels.ts';

/** The report series, in the order Prometheus appends them. */
export const REPORT_SERIES = [
  'up',
  'scrape_duration_seconds',
  'scrape_samples_scraped',
  'scrape_samples_post_metric_relabeling',
  'scrape_series_added',
] as const;

/** Appended after REPORT_SERIES when the job sets extra_scrape_metrics, in Prometheus's order. */
export const EXTRA_REPORT_SERIES = ['scrape_timeout_seconds', 'scrape_sample_limit', 'scrape_body_size_bytes'] as const;

export type ReportSeriesName = (typeof REPORT_SERIES)[number] | (typeof EXTRA_REPORT_SERIES)[number];

/** HELP/TYPE for the report series, so the studio can show them like any exposed family. */
export const REPORT_METADATA: ReadonlyArray<[ReportSeriesName, MetricMetadata]> = [
  ['up', { type: 'gauge', help: 'Health of the scrape target: 1 if the last scrape succeeded, 0 if it failed.', unit: '' }],
  ['scrape_duration_seconds', { type: 'gauge', help: 'Duration of the last scrape of the target.', unit: '' }],
  ['scrape_samples_scraped', { type: 'gauge', help: 'Samples the target exposed in the last scrape.', unit: '' }],
  [
    'scrape_samples_post_metric_relabeling',
    { type: 'gauge', help: 'Samples left after metric relabelling in the last scrape.', unit: '' },
  ],
  ['scrape_series_added', { type: 'gauge', help: 'Series not present in the previous successful scrape.', unit: '' }],
];

/** HELP/TYPE for the extra_scrape_metrics series. */
export const EXTRA_REPORT_METADATA: ReadonlyArray<[ReportSeriesName, MetricMetadata]> = [
  ['scrape_timeout_seconds', { type: 'gauge', help: 'The configured scrape timeout of the target.', unit: '' }],
  ['scrape_sample_limit', { type: 'gauge', help: 'The configured sample limit of the target (0 = none).', unit: '' }],
  [
    'scrape_body_size_bytes',
    { type: 'gauge', help: 'Uncompressed size of the last scrape response; -1 when it broke body_size_limit, 0 for other failures.', unit: '' },
  ],
];

/** Values of one scrape's report. */
export interface ScrapeReport {
  up: boolean;
  durationSeconds: number;
  scraped: number;
  postRelabel: number;
  seriesAdded: number;
  /** Only read when the labels include the extra series. */
  timeoutSeconds?: number;
  sampleLimit?: number;
  bodySizeBytes?: number;
}

/** Precomputed label sets of one target's report series (with the extra ones when `extra`). */
export function reportSeriesLabels(target: Labels, extra = false): Labels[] {
  const names: readonly ReportSeriesName[] = extra ? [...REPORT_SERIES, ...EXTRA_REPORT_SERIES] : REPORT_SERIES;
  return names.map((name) => {
    const labels = reportLabels(name, target);
    const sorted: Record<string, string> = {};
    for (const n of sortedNames(labels)) sorted[n] = labels[n];
    return sorted;
  });
}

/** The report samples at time t, in REPORT_SERIES (then EXTRA_REPORT_SERIES) order. */
export function reportSamples(labels: readonly Labels[], t: number, r: ScrapeReport): OutputSample[] {
  const values = [r.up ? 1 : 0, r.durationSeconds, r.scraped, r.postRelabel, r.seriesAdded, r.timeoutSeconds ?? 0, r.sampleLimit ?? 0, r.bodySizeBytes ?? 0];
  return labels.map((l, i) => ({ labels: l, t, v: values[i], key: labelsKey(l) }));
}
