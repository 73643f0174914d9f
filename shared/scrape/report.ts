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

export type ReportSeriesName = (typeof REPORT_SERIES)[number];

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

/** Values of one scrape's report. */
export interface ScrapeReport {
  up: boolean;
  durationSeconds: number;
  scraped: number;
  postRelabel: number;
  seriesAdded: number;
}

/** Precomputed label sets of one target's report series. */
export function reportSeriesLabels(target: Labels): Labels[] {
  return REPORT_SERIES.map((name) => {
    const labels = reportLabels(name, target);
    const sorted: Record<string, string> = {};
    for (const n of sortedNames(labels)) sorted[n] = labels[n];
    return sorted;
  });
}

/** The report samples at time t, in REPORT_SERIES order. */
export function reportSamples(labels: readonly Labels[], t: number, r: ScrapeReport): OutputSample[] {
  const values = [r.up ? 1 : 0, r.durationSeconds, r.scraped, r.postRelabel, r.seriesAdded];
  return labels.map((l, i) => ({ labels: l, t, v: values[i], key: labelsKey(l) }));
}
