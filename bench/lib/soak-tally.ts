// What one soak client received, per target scrape: completeness against the exporter's own count, duplicates, lag, interval drift, scrape durations.
import type { SessionEvent } from '../../shared/stream/session.ts';

export interface TallyOptions {
  intervalMs: number;
  /** Series on each target's page (the scrape counter included). */
  seriesPerTarget: number;
  /** The counter whose value numbers a target's scrapes (1, 2, …). */
  counterName: string;
}

/** Report series Prometheus adds per scrape: up, scrape_duration_seconds, scrape_samples_scraped, scrape_samples_post_metric_relabeling, scrape_series_added. */
export const REPORT_SERIES = 5;

interface TargetTally {
  /** Scrape number → samples that scrape's batch carried for this target. */
  scrapes: Map<number, number>;
  /** Timestamps of `up`, in arrival order. */
  upTs: number[];
  failures: number;
  duplicateScrapes: number;
}

/** The completeness verdict for one client. */
export interface Completeness {
  /** targets × (series + report series) × scrapes the exporter answered. */
  expectedSamples: number;
  receivedSamples: number;
  lostSamples: number;
  /** Lost samples not explained by a scrape the gateway reported failed: must be 0 whatever the machine's load. */
  lostInStream: number;
  missingScrapes: number;
  /** Scrapes the gateway reported failed (up == 0). */
  failedScrapes: number;
}

/** Accumulates one client's session events. */
export class SoakTally {
  batches = 0;
  samples = 0;
  /** Batches the session saw again (a replay overlap) — the gateway must never send them. */
  duplicateBatches = 0;
  /** Samples whose series already had a sample at that time or later. */
  duplicateSamples = 0;
  /** Sequence numbers skipped without a gap being announced. */
  silentSeqGaps = 0;
  /** Gaps the gateway announced in hello. */
  reportedGaps = 0;
  readonly errors: string[] = [];
  /** Receive time − scrape timestamp, ms, one per scrape batch. */
  readonly lagMs: number[] = [];
  /** scrape_duration_seconds values, in seconds. */
  readonly scrapeDurations: number[] = [];
  /** Per scrape batch: its timestamp, lag (ms) and scrape duration (s, NaN if absent), to see when slow scrapes happened. */
  readonly scrapeLog: Array<[t: number, lagMs: number, durationS: number]> = [];
  private readonly targets = new Map<string, TargetTally>();
  private readonly lastTs = new Map<number, number>();
  private prevSeq: number | null = null;

  constructor(private readonly opts: TallyOptions) {}

  onEvent(ev: SessionEvent, receivedAt: number): void {
    switch (ev.type) {
      case 'hello':
        if (ev.hello.gap) this.reportedGaps++;
        if (ev.epochChanged) {
          // Series ids restart with the epoch.
          this.lastTs.clear();
          this.prevSeq = null;
        }
        return;
      case 'duplicate':
        this.duplicateBatches++;
        return;
      case 'error':
        this.errors.push(ev.error);
        return;
      case 'heartbeat':
        return;
      case 'batch':
        this.batch(ev.batch, receivedAt);
    }
  }

  private batch(b: Extract<SessionEvent, { type: 'batch' }>['batch'], receivedAt: number): void {
    if (this.prevSeq !== null && b.seq !== this.prevSeq + 1) this.silentSeqGaps += b.seq - this.prevSeq - 1;
    this.prevSeq = b.seq;
    this.batches++;
    this.samples += b.ids.length;
    // A scrape's batch holds one target; count its samples and find its up value, counter and timestamp.
    const perInstance = new Map<string, { n: number; up: number | null; counter: number | null; ts: number; duration: number }>();
    for (let i = 0; i < b.ids.length; i++) {
      const id = b.ids[i];
      const t = b.ts[i];
      const last = this.lastTs.get(id);
      if (last !== undefined && t <= last) this.duplicateSamples++;
      else this.lastTs.set(id, t);
      const labels = b.labels[i];
      const instance = labels.instance ?? '';
      let entry = perInstance.get(instance);
      if (entry === undefined) perInstance.set(instance, (entry = { n: 0, up: null, counter: null, ts: t, duration: NaN }));
      entry.n++;
      const name = labels.__name__;
      if (name === 'up') {
        entry.up = b.vals[i];
        entry.ts = t;
      } else if (name === 'scrape_duration_seconds') {
        this.scrapeDurations.push(b.vals[i]);
        entry.duration = b.vals[i];
      }
      else if (name === this.opts.counterName && !Number.isNaN(b.vals[i])) entry.counter = b.vals[i];
    }
    for (const [instance, e] of perInstance) {
      if (e.up === null) continue;
      const target = this.target(instance);
      target.upTs.push(e.ts);
      this.lagMs.push(receivedAt - e.ts);
      this.scrapeLog.push([e.ts, receivedAt - e.ts, e.duration]);
      if (e.up !== 1) target.failures++;
      if (e.counter !== null) {
        if (target.scrapes.has(e.counter)) target.duplicateScrapes++;
        else target.scrapes.set(e.counter, e.n);
      }
    }
  }

  private target(instance: string): TargetTally {
    let t = this.targets.get(instance);
    if (t === undefined) this.targets.set(instance, (t = { scrapes: new Map(), upTs: [], failures: 0, duplicateScrapes: 0 }));
    return t;
  }

  /** Scrapes received per target instance. */
  scrapeCounts(): Map<string, number> {
    return new Map([...this.targets].map(([k, v]) => [k, v.scrapes.size]));
  }

  /** Scrape-to-scrape interval minus the configured interval, ms, for every target. */
  intervalDrift(): number[] {
    return this.intervalDriftAt().map(([, d]) => d);
  }

  /** Interval drift with the timestamp of the later scrape: [t, drift ms]. */
  intervalDriftAt(): Array<[t: number, driftMs: number]> {
    const out: Array<[number, number]> = [];
    for (const t of this.targets.values()) for (let i = 1; i < t.upTs.length; i++) out.push([t.upTs[i], t.upTs[i] - t.upTs[i - 1] - this.opts.intervalMs]);
    return out;
  }

  /** Scrapes received twice (by their counter value) over all targets. */
  duplicateScrapes(): number {
    let n = 0;
    for (const t of this.targets.values()) n += t.duplicateScrapes;
    return n;
  }

  /**
   * Compares with what the exporter answered: `served.get(instance)` = responses it completed (numbered 1..S). Every
   * one of those scrapes must have reached this client with all its samples.
   */
  completeness(served: ReadonlyMap<string, number>): Completeness {
    const perScrape = this.opts.seriesPerTarget + REPORT_SERIES;
    let expectedSamples = 0;
    let receivedSamples = 0;
    let missingScrapes = 0;
    let failedScrapes = 0;
    for (const [instance, count] of served) {
      expectedSamples += count * perScrape;
      const t = this.targets.get(instance);
      failedScrapes += t?.failures ?? 0;
      for (let n = 1; n <= count; n++) {
        const got = t?.scrapes.get(n);
        if (got === undefined) missingScrapes++;
        else receivedSamples += Math.min(got, perScrape);
      }
    }
    const lostSamples = expectedSamples - receivedSamples;
    return { expectedSamples, receivedSamples, lostSamples, lostInStream: Math.max(0, lostSamples - failedScrapes * perScrape), missingScrapes, failedScrapes };
  }
}
