// One target's scrape bookkeeping: labels each scrape's samples, tracks series for staleness, builds the report.
import { labelsKey, METRIC_NAME, sortedNames, type Labels } from '../model/labels.ts';
import { STALE_NAN } from '../model/stale.ts';
import { EXTRA_REPORT_METADATA, REPORT_METADATA, reportSamples, reportSeriesLabels, type ScrapeReport } from './report.ts';
import { applyTargetLabels } from './target-labels.ts';
import { detach } from './detach.ts';
import type { MetricMetadata } from '../stream/protocol.ts';
import type { ExposedScrape, OutputExemplar, OutputSample, ScrapeOutput, ScrapeSettings } from './types.ts';

/** A scrape's duration in ms, or a function giving it when the report is built. */
export type Duration = number | (() => number);

function ms(d: Duration): number {
  return typeof d === 'number' ? d : d();
}

/**
 * One final series of this target (after target labels and metric relabelling), shared by every spelling of it.
 * It is also the series' OutputSample: each scrape sets t and v and hands the same object out again.
 */
interface SeriesEntry extends OutputSample {
  readonly labels: Labels;
  readonly key: string;
  t: number;
  v: number;
  /** Number of the scrape that last wrote a sample for it: a second sample in that scrape is a duplicate. */
  scrapeNo: number;
  /** Number of the last successful scrape that exposed it (scrape_series_added counts the others). */
  seenNo: number;
  /** Number of the scrape whose sample makes it due a stale marker once it disappears. */
  trackedNo: number;
}

/** A series as written in the exposition (before any labelling), mapped to its final series. */
interface RawEntry {
  /** The series text (a copy, detached from the body it came from). */
  readonly text: string;
  /** null: metric relabelling drops it (or leaves it nameless). */
  readonly series: SeriesEntry | null;
  /** The label-limit error the series causes (limits are fixed per state, so checked once per series), or null. */
  readonly limitError: string | null;
  /** Number of the last scrape that exposed this text. */
  scrapeNo: number;
  /** Its index among the samples of that scrape, where the next scrape most likely has it again. */
  index: number;
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
 * Per-target state across scrapes, mirroring Prometheus's scrape cache: each series as written maps to its final,
 * labelled series (so parsing labels, relabelling and keying run once per series, not once per scrape), and the
 * final series carry the numbers of the scrapes that saw them, for duplicates, stale markers and
 * scrape_series_added. Entries of series a scrape no longer exposes are dropped after it.
 */
export class TargetScrapeState {
  /** Series as written → final series. Keys are copied out of the body, so they do not pin it in memory. */
  private raw = new Map<string, RawEntry>();
  /** Label names and values of the series, one copy each (see sortedLabels). */
  private strings = new Map<string, string>();
  /** Final series by labelsKey: every spelling of one series shares its entry. */
  private byKey = new Map<string, SeriesEntry>();
  /** Series written by the last scrape that must get a stale marker when they disappear. */
  private tracked: SeriesEntry[] = [];
  /** The array the next successful scrape fills as its `tracked` (the one before last, reused). */
  private spareTracked: SeriesEntry[] = [];
  /** Where success() gathers its samples before copying them out (kept, so it does not regrow every scrape). */
  private outBuffer: OutputSample[] = [];
  /**
   * The raw entry of every sample of the last scrape that got this far, in order (`order[0, orderLength)`), and a
   * spare array the next scrape fills: expositions list their series in the same order every time, so a scrape
   * compares each series text with the one at the same place last time before it falls back to a hash lookup.
   */
  private order: RawEntry[] = [];
  private orderLength = 0;
  private spareOrder: RawEntry[] = [];
  /** The last successful scrape's family metadata by family name (copies, see familyMetadata). */
  private metadataCache = new Map<string, [string, MetricMetadata]>();
  /** Number of the latest scrape processed (success or failure with samples). */
  private scrapeNo = 0;
  /** Number of the last successful scrape (SeriesEntry.seenNo equal to it: seen there). */
  private lastSuccessNo = 0;
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
    this.byKey = previous.byKey;
    this.tracked = previous.tracked;
    this.scrapeNo = previous.scrapeNo;
    this.lastSuccessNo = previous.lastSuccessNo;
    this.raw = new Map();
    this.order = [];
    this.orderLength = 0;
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
    const no = ++this.scrapeNo;
    // This scrape's samples and tracked series go into arrays kept from the last scrape (written by index, no
    // regrowth), and the samples are copied out once, at their final count.
    const out = this.outBuffer;
    let ns = 0;
    const exemplars: OutputExemplar[] = [];
    const nextTracked = this.spareTracked;
    let nt = 0;
    const honor = s.honorTimestamps;
    const trackExplicit = s.trackTimestampsStaleness;
    const lastSuccess = this.lastSuccessNo;
    const timestamps = scrape.timestampsMs;
    const values = scrape.values;
    const hasExemplars = scrape.exemplars.size > 0;
    let postRelabel = 0;
    let seriesAdded = 0;
    let rawTouched = 0;
    const n = scrape.length;
    const prev = this.order;
    const prevLength = this.orderLength;
    const next = this.spareOrder;
    let j = 0;
    for (let i = 0; i < n; i++) {
      // Same text as at this place last scrape: compared in place in the body, no substring, no hashing.
      let raw: RawEntry | undefined = j < prevLength ? prev[j] : undefined;
      if (raw !== undefined && scrape.seriesTextIs(i, raw.text)) j++;
      else {
        const text = scrape.seriesText(i);
        raw = this.raw.get(text);
        if (raw === undefined) {
          raw = this.resolve(scrape, i, text);
          this.raw.set(raw.text, raw);
        } else if (raw.scrapeNo !== no) j = raw.index + 1; // the series moved (others were added or removed): follow it
      }
      if (raw.scrapeNo !== no) {
        raw.scrapeNo = no;
        rawTouched++;
      }
      raw.index = i;
      next[i] = raw;
      const entry = raw.series;
      if (entry === null) continue;
      postRelabel++;
      if (raw.limitError !== null) {
        return this.failure(time, { error: raw.limitError, scraped: n, postRelabel, bodySize: bodyBytes }, durationMs);
      }
      // A repeated series within one scrape is a duplicate sample; Prometheus keeps the first.
      if (entry.scrapeNo === no) continue;
      entry.scrapeNo = no;
      const exposedTs = timestamps[i];
      const explicit = honor && exposedTs === exposedTs;
      entry.t = explicit ? exposedTs : time;
      entry.v = values[i];
      out[ns++] = entry;
      if (!explicit || trackExplicit) {
        entry.trackedNo = no;
        nextTracked[nt++] = entry;
      }
      if (entry.seenNo !== lastSuccess) seriesAdded++;
      if (hasExemplars) {
        const e = scrape.exemplars.get(i);
        if (e !== undefined) {
          exemplars.push({ series: entry.labels, labels: fromFlat(e.labels, true), value: e.value, timestamp: e.timestampMs ?? null });
        }
      }
    }
    // The whole body was read: its order replaces the last one (so the order only holds entries the sweep keeps).
    next.length = n;
    this.spareOrder = prev;
    this.order = next;
    this.orderLength = n;
    if (s.sampleLimit > 0 && postRelabel > s.sampleLimit) {
      this.sweep(no, rawTouched, false);
      return this.failure(time, { error: 'sample limit exceeded', scraped: n, postRelabel, bodySize: bodyBytes }, durationMs);
    }
    const seen = ns;
    markSeen(out, seen, no);
    ns = staleUntracked(this.tracked, no, time, out, ns);
    if (nextTracked.length > nt) nextTracked.length = nt;
    this.spareTracked = this.tracked;
    this.tracked = nextTracked;
    this.lastSuccessNo = no;
    this.sweep(no, rawTouched, seen);
    const scraped = n;
    const report = reportSamples(
      this.report,
      time,
      this.reportValues({ up: true, durationSeconds: ms(durationMs) / 1000, scraped, postRelabel, seriesAdded, bodySizeBytes: bodyBytes }),
    );
    for (let k = 0; k < report.length; k++) out[ns++] = report[k];
    const samples = out.slice(0, ns);
    // Shorter than last time: let go of the rest (V8 keeps the capacity when the difference is small).
    if (out.length > ns) out.length = ns;
    const metadata = this.familyMetadata(scrape);
    metadata.push(...this.reportMetadata);
    return { samples, metadata, exemplars, error: null, scraped, postRelabel, seriesAdded };
  }

  /**
   * The scrape's family metadata, as entries of the last scrape where unchanged, else as copies: the parser's names
   * and help texts are substrings of the body, and storage keeps metadata with every batch, so one kept substring
   * would keep its whole body alive for as long as the batch.
   */
  private familyMetadata(scrape: ExposedScrape): Array<[string, MetricMetadata]> {
    const known = this.metadataCache;
    const next = new Map<string, [string, MetricMetadata]>();
    const out: Array<[string, MetricMetadata]> = [];
    for (const f of scrape.families) {
      let entry = next.get(f.name) ?? known.get(f.name);
      const m = entry?.[1];
      if (entry === undefined || m === undefined || m.type !== f.type || m.help !== f.help || m.unit !== f.unit) {
        entry = [detach(f.name), { type: f.type, help: detach(f.help), unit: detach(f.unit) }];
      }
      next.set(entry[0], entry);
      out.push(entry);
    }
    this.metadataCache = next;
    return out;
  }

  /**
   * Drops cache entries scrape `no` did not touch, when there are any (a stable target has none, so this costs
   * nothing). After a success (`seriesSeen` = distinct series it had) a final series is kept only if that scrape had
   * it; after a failed one, also if the last successful scrape had it, for scrape_series_added.
   */
  private sweep(no: number, rawTouched: number, seriesSeen: number | false): void {
    if (this.raw.size > rawTouched) {
      for (const [text, raw] of this.raw) if (raw.scrapeNo !== no) this.raw.delete(text);
    }
    if (seriesSeen === false || this.byKey.size > seriesSeen) {
      const keepSeen = this.lastSuccessNo;
      for (const [key, entry] of this.byKey) if (entry.scrapeNo !== no && entry.seenNo !== keepSeen) this.byKey.delete(key);
    }
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
    for (const entry of this.tracked) samples.push(stale(entry, time));
    this.tracked = [];
    return samples;
  }

  /** Labels series i (written as `text`) on a cache miss: target labels, metric relabelling, limits. */
  private resolve(scrape: ExposedScrape, i: number, text: string): RawEntry {
    const raw = fromFlat(scrape.labels(i));
    raw[METRIC_NAME] = scrape.name(i);
    let labels: Labels | null = applyTargetLabels(raw, this.settings.targetLabels, this.settings.honorLabels);
    if (this.settings.metricRelabel) labels = this.settings.metricRelabel(labels);
    if (labels !== null && !labels[METRIC_NAME]) labels = null;
    let series: SeriesEntry | null = null;
    let limitError: string | null = null;
    if (labels !== null) {
      const final = this.sortedLabels(labels);
      const key = labelsKey(final);
      series = this.byKey.get(key) ?? null;
      if (series === null) {
        series = { labels: final, key, t: 0, v: 0, ref: undefined, scrapeNo: 0, seenNo: -1, trackedNo: 0 };
        this.byKey.set(key, series);
      }
      limitError = this.checkLimits(series.labels);
    }
    return { text: detach(text), series, limitError, scrapeNo: 0, index: -1 };
  }

  /**
   * Labels in canonical (sorted) name order, so every consumer sees one shape per series, made of interned strings:
   * one copy of each name and value for all the target's series, none of them a view into a scraped body.
   */
  private sortedLabels(labels: Labels): Labels {
    const out: Record<string, string> = {};
    for (const name of sortedNames(labels)) out[this.intern(name)] = this.intern(labels[name]);
    return out;
  }

  private intern(s: string): string {
    let kept = this.strings.get(s);
    if (kept === undefined) {
      // Bounded: once it holds far more strings than the series need, start over (kept strings stay valid).
      if (this.strings.size > 4 * this.byKey.size + 10_000) this.strings.clear();
      kept = detach(s);
      this.strings.set(kept, kept);
    }
    return kept;
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

// The passes over every series below are functions of their own with index loops: they run once a scrape, over
// 100k series on a large target, and must not wait for the engine to optimize a long method on the stack.

/** Records that scrape `no` saw each of `samples` (this scrape's series entries). */
function markSeen(samples: readonly OutputSample[], count: number, no: number): void {
  for (let k = 0; k < count; k++) (samples[k] as SeriesEntry).seenNo = no;
}

/** Writes to out[at…] a stale marker for each tracked series that scrape `no` did not write; returns the new end. */
function staleUntracked(tracked: readonly SeriesEntry[], no: number, time: number, out: OutputSample[], at: number): number {
  for (let k = 0; k < tracked.length; k++) {
    const entry = tracked[k];
    if (entry.trackedNo !== no) out[at++] = stale(entry, time);
  }
  return at;
}

/** The series' stale marker at `time` (a new object: the entry may be this scrape's sample with its own time). */
function stale(entry: SeriesEntry, time: number): OutputSample {
  return { labels: entry.labels, t: time, v: STALE_NAN, key: entry.key };
}


/** A flat label list as a record; with `copy`, of strings detached from the body they were cut from (kept labels). */
function fromFlat(flat: readonly string[], copy = false): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[copy ? detach(flat[i]) : flat[i]] = copy ? detach(flat[i + 1]) : flat[i + 1];
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
