// One target's scrape bookkeeping: labels each scrape's samples, tracks series for staleness, builds the report.
import { labelsKey, METRIC_NAME, sortedNames, type Labels } from '../model/labels.ts';
import { STALE_NAN } from '../model/stale.ts';
import { EXTRA_REPORT_METADATA, REPORT_METADATA, reportSamples, reportSeriesLabels, type ScrapeReport } from './report.ts';
import { applyTargetLabels } from './target-labels.ts';
import type { MetricMetadata } from '../stream/protocol.ts';
import type { ExposedScrape, OutputExemplar, OutputSample, ScrapeOutput, ScrapeSettings } from './types.ts';

/** A scrape's duration in ms, or a function giving it when the report is built. */
export type Duration = number | (() => number);

function ms(d: Duration): number {
  return typeof d === 'number' ? d : d();
}

interface LabelCacheEntry {
  /** Final labels, or null when metric relabelling drops the series. */
  labels: Labels | null;
  key: string;
}

/** A failed scrape: the fetch error, or a body that could not be parsed or broke a limit. */
export interface ScrapeFailure {
  error: string;
  /** Samples seen before the failure was detected (reported as scrape_samples_scraped). */
  scraped?: number;
  postRelabel?: number;
  /** Uncompressed body size for scrape_body_size_bytes: -1 when body_size_limit was exceeded, else 0. */
  bodySize?: number;
}

/**
 * Per-target state across scrapes, mirroring Prometheus's scrape cache: the series of the previous scrape (for stale
 * markers and scrape_series_added) and the raw-to-final label mapping (so relabelling runs once per series).
 */
export class TargetScrapeState {
  /** Series written by the last scrape that must get a stale marker when they disappear. */
  private tracked = new Map<string, Labels>();
  /** Series of the last successful scrape, for scrape_series_added. */
  private lastSeen = new Set<string>();
  private labelCache = new Map<string, LabelCacheEntry>();
  private readonly report: Labels[];

  constructor(readonly settings: ScrapeSettings) {
    this.report = reportSeriesLabels(settings.targetLabels, settings.extraMetrics !== undefined);
    this.reportMetadata = settings.extraMetrics !== undefined ? [...REPORT_METADATA, ...EXTRA_REPORT_METADATA] : REPORT_METADATA;
  }

  private readonly reportMetadata: ReadonlyArray<[string, MetricMetadata]>;

  /**
   * Takes over the series a previous state of the same target tracked, as Prometheus reuses a target's scrape cache
   * across a reload that changed nothing affecting the samples (interval, timeout, sample_limit, HTTP settings): the
   * series continue without stale markers. Labelling is redone, since the new settings build the labels.
   */
  inherit(previous: TargetScrapeState): void {
    this.tracked = previous.tracked;
    this.lastSeen = previous.lastSeen;
  }

  /** The report values every scrape shares (the extra metrics' configured limits). */
  private reportValues(r: ScrapeReport): ScrapeReport {
    const extra = this.settings.extraMetrics;
    if (extra === undefined) return r;
    return { ...r, timeoutSeconds: extra.timeoutSeconds, sampleLimit: this.settings.sampleLimit };
  }

  /** Labels of this target's synthetic report series (up first). */
  get reportLabels(): readonly Labels[] {
    return this.report;
  }

  /**
   * Processes a successfully fetched and parsed scrape taken at `time` (Unix ms) of a `bodyBytes` long body.
   * `durationMs` may be a function, read when the report is built: Prometheus's scrape_duration_seconds spans the
   * fetch, parsing and labelling (its report runs deferred, after the append).
   */
  success(time: number, scrape: ExposedScrape, durationMs: Duration, bodyBytes = 0): ScrapeOutput {
    const s = this.settings;
    const samples: OutputSample[] = [];
    const exemplars: OutputExemplar[] = [];
    const seen = new Set<string>();
    const nextTracked = new Map<string, Labels>();
    let postRelabel = 0;
    let seriesAdded = 0;
    const n = scrape.length;
    for (let i = 0; i < n; i++) {
      const entry = this.resolve(scrape, i);
      if (entry.labels === null) continue;
      postRelabel++;
      const limitError = this.checkLimits(entry.labels);
      if (limitError !== null) {
        return this.failure(time, { error: limitError, scraped: n, postRelabel, bodySize: bodyBytes }, durationMs);
      }
      // A repeated series within one scrape is a duplicate sample; Prometheus keeps the first.
      if (seen.has(entry.key)) continue;
      seen.add(entry.key);
      const exposedTs = scrape.timestampsMs[i];
      const explicit = s.honorTimestamps && exposedTs === exposedTs;
      samples.push({ labels: entry.labels, t: explicit ? exposedTs : time, v: scrape.values[i], key: entry.key });
      if (!explicit || s.trackTimestampsStaleness) nextTracked.set(entry.key, entry.labels);
      if (!this.lastSeen.has(entry.key)) seriesAdded++;
      const e = scrape.exemplars.get(i);
      if (e !== undefined) {
        exemplars.push({ series: entry.labels, labels: fromFlat(e.labels), value: e.value, timestamp: e.timestampMs ?? null });
      }
    }
    if (s.sampleLimit > 0 && postRelabel > s.sampleLimit) {
      return this.failure(time, { error: 'sample limit exceeded', scraped: n, postRelabel, bodySize: bodyBytes }, durationMs);
    }
    for (const [key, labels] of this.tracked) {
      if (!nextTracked.has(key)) samples.push({ labels, t: time, v: STALE_NAN, key });
    }
    this.tracked = nextTracked;
    this.lastSeen = seen;
    if (this.labelCache.size > 2 * seen.size + 1000) this.labelCache.clear();
    const scraped = n;
    samples.push(
      ...reportSamples(
        this.report,
        time,
        this.reportValues({ up: true, durationSeconds: ms(durationMs) / 1000, scraped, postRelabel, seriesAdded, bodySizeBytes: bodyBytes }),
      ),
    );
    const metadata = scrape.families.map((f): [string, MetricMetadata] => [f.name, { type: f.type, help: f.help, unit: f.unit }]);
    metadata.push(...this.reportMetadata);
    return { samples, metadata, exemplars, error: null, scraped, postRelabel, seriesAdded };
  }

  /** Processes a failed scrape: every tracked series goes stale, `up` becomes 0 (never stale). */
  failure(time: number, failure: ScrapeFailure, durationMs: Duration): ScrapeOutput {
    const samples = this.staleTracked(time);
    const scraped = failure.scraped ?? 0;
    const postRelabel = failure.postRelabel ?? 0;
    samples.push(
      ...reportSamples(
        this.report,
        time,
        this.reportValues({ up: false, durationSeconds: ms(durationMs) / 1000, scraped, postRelabel, seriesAdded: 0, bodySizeBytes: failure.bodySize ?? 0 }),
      ),
    );
    return { samples, metadata: [...this.reportMetadata], exemplars: [], error: failure.error, scraped, postRelabel, seriesAdded: 0 };
  }

  /** The target went away (config reload, shutdown of its pool): stale markers for all its series, report included. */
  end(time: number): OutputSample[] {
    const samples = this.staleTracked(time);
    for (const labels of this.report) samples.push({ labels, t: time, v: STALE_NAN });
    return samples;
  }

  private staleTracked(time: number): OutputSample[] {
    const samples: OutputSample[] = [];
    for (const [key, labels] of this.tracked) samples.push({ labels, t: time, v: STALE_NAN, key });
    this.tracked = new Map();
    return samples;
  }

  private resolve(scrape: ExposedScrape, i: number): LabelCacheEntry {
    // Keyed by the series as written (like Prometheus's cache of raw metric strings): labels are built on a miss only.
    const rawKey = scrape.seriesText(i);
    let entry = this.labelCache.get(rawKey);
    if (entry === undefined) {
      const raw = fromFlat(scrape.labels(i));
      raw[METRIC_NAME] = scrape.name(i);
      let labels: Labels | null = applyTargetLabels(raw, this.settings.targetLabels, this.settings.honorLabels);
      if (this.settings.metricRelabel) labels = this.settings.metricRelabel(labels);
      if (labels !== null && !labels[METRIC_NAME]) labels = null;
      if (labels !== null) labels = sortedLabels(labels);
      entry = { labels, key: labels === null ? '' : labelsKey(labels) };
      this.labelCache.set(rawKey, entry);
    }
    return entry;
  }

  private checkLimits(labels: Labels): string | null {
    const s = this.settings;
    if (s.labelLimit === 0 && s.labelNameLengthLimit === 0 && s.labelValueLengthLimit === 0) return null;
    const metric = (labels[METRIC_NAME] ?? '').slice(0, 50);
    const names = Object.keys(labels);
    if (s.labelLimit > 0 && names.length > s.labelLimit) {
      return `label_limit exceeded (metric: ${metric}, number of labels: ${names.length}, limit: ${s.labelLimit})`;
    }
    for (const name of names) {
      const nameLen = utf8Length(name);
      if (s.labelNameLengthLimit > 0 && nameLen > s.labelNameLengthLimit) {
        return `label_name_length_limit exceeded (metric: ${metric}, label name: ${name.slice(0, 50)}, length: ${nameLen}, limit: ${s.labelNameLengthLimit})`;
      }
      const valueLen = utf8Length(labels[name]);
      if (s.labelValueLengthLimit > 0 && valueLen > s.labelValueLengthLimit) {
        return `label_value_length_limit exceeded (metric: ${metric}, label name: ${name.slice(0, 50)}, value: ${labels[name].slice(0, 50)}, length: ${valueLen}, limit: ${s.labelValueLengthLimit})`;
      }
    }
    return null;
  }
}

/** Labels in canonical (sorted) name order, so every consumer sees one shape per series. */
function sortedLabels(labels: Labels): Labels {
  const out: Record<string, string> = {};
  for (const name of sortedNames(labels)) out[name] = labels[name];
  return out;
}

function fromFlat(flat: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

/** Length of a string in UTF-8 bytes (limits are defined in bytes, as in Prometheus). */
function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}
