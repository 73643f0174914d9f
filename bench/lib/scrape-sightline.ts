// Times the gateway's own scrape path in process: ScrapeManager end to end, its stages one by one, and the head's memory.
import { loadConfig } from '../../shared/config/index.ts';
import { TargetScrapeState } from '../../shared/scrape/target-state.ts';
import { Head } from '../../gateway/head/head.ts';
import { systemClock, systemScheduler } from '../../gateway/runtime/ports.ts';
import { nodeScrapeGet } from '../../gateway/cli/node-scrape-get.ts';
import { fetchTarget } from '../../gateway/scrape/fetch-target.ts';
import { resolveTargets } from '../../gateway/scrape/from-config.ts';
import { ScrapeManager, type TargetSpec } from '../../gateway/scrape/manager.ts';
import { parseScrapeBody } from '../../gateway/scrape/parse.ts';

/** The scrapes' GET the Node gateway uses (gateway/node.ts), shared by every measurement here. */
const scrapeGet = nodeScrapeGet();

/** Median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The TargetSpec the gateway builds for one static target (job `bench`), through the real config loader. */
export function benchTarget(address: string, metricsPath: string): TargetSpec {
  const yaml = `scrape_configs:\n  - job_name: bench\n    scrape_timeout: 10s\n    scrape_interval: 10s\n    metrics_path: ${metricsPath}\n    static_configs:\n      - targets: ['${address}']\n`;
  const loaded = loadConfig(yaml, 'bench.yml');
  if (loaded.config === undefined) throw new Error(`bench config rejected: ${loaded.errors.map((e) => e.message).join('; ')}`);
  const targets = resolveTargets(loaded.config);
  if (targets.active.length !== 1) throw new Error(`expected one bench target, got ${targets.active.length}`);
  return targets.active[0];
}

/** When each scrape may start: resolves at the next slot. */
export type Pacer = () => Promise<void>;

/** A pacer with one slot every `paceMs` from now on (scrapes run at a fixed interval, as a scrape loop runs them). */
export function fixedPacer(paceMs: number): Pacer {
  const start = performance.now();
  let i = 0;
  return async () => {
    const wait = start + i++ * paceMs - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };
}

/** Wall-clock span of one scrape (Unix ms), to tell which scrapes of the two sides overlapped. */
export interface Span {
  startMs: number;
  endMs: number;
}

export interface EndToEnd {
  /** Wall time of each steady-state scrape (fetch, parse, relabel, append), ms. */
  scrapesMs: number[];
  /** When each steady-state scrape ran. */
  spans: Span[];
  /** The first scrape, which also creates every series. */
  firstMs: number;
  /** When the first scrape ran. */
  firstSpan: Span;
  /** What the gateway itself reports as the scrape's duration (its scrape_duration_seconds), ms, per steady-state scrape. */
  reportedMs: number[];
  samples: number;
}

/**
 * Scrapes `spec` `runs + 1` times, each at the pacer's next slot, through ScrapeManager.scrapeAllNow() on a fresh
 * head. The manager is stopped before targets are applied, so it runs no loop of its own and only these scrapes
 * touch the head.
 */
export async function scrapeEndToEnd(spec: TargetSpec, runs: number, pace: Pacer): Promise<EndToEnd> {
  const head = new Head({ epoch: 'bench' });
  const reported: number[] = [];
  let samples = 0;
  let error: string | null = null;
  const manager = new ScrapeManager({
    head,
    fetchFn: (input, init) => fetch(input, init),
    scrapeGet,
    clock: systemClock,
    scheduler: systemScheduler,
    parse: parseScrapeBody,
    userAgent: 'Sightline/bench',
    onScrape: (_spec, output, durationMs) => {
      reported.push(durationMs);
      samples = output.scraped;
      error = output.error;
    },
  });
  manager.stop();
  manager.apply([spec]);
  const times: number[] = [];
  const spans: Span[] = [];
  for (let i = 0; i <= runs; i++) {
    await pace();
    const startMs = Date.now();
    const t0 = performance.now();
    await manager.scrapeAllNow();
    times.push(performance.now() - t0);
    spans.push({ startMs, endMs: Date.now() });
    if (error !== null) throw new Error(`scrape of ${spec.url} failed: ${error}`);
  }
  return { firstMs: times[0], firstSpan: spans[0], scrapesMs: times.slice(1), spans: spans.slice(1), reportedMs: reported.slice(1), samples };
}

export interface Stages {
  fetchMs: number[];
  parseMs: number[];
  /** Labelling, staleness tracking and the head append (TargetScrapeState.success + Head.append). */
  ingestMs: number[];
  /** When each scrape ran, the warm-up included. */
  spans: Span[];
  bytes: number;
}

/** The same path as a TargetLoop scrape, stage by stage, `runs` steady-state times after one warm-up, each at the pacer's next slot. */
export async function scrapeStages(spec: TargetSpec, runs: number, pace: Pacer): Promise<Stages> {
  const head = new Head({ epoch: 'bench-stages' });
  const state = new TargetScrapeState(spec.settings);
  const out: Stages = { fetchMs: [], parseMs: [], ingestMs: [], spans: [], bytes: 0 };
  for (let i = 0; i <= runs; i++) {
    await pace();
    const startMs = Date.now();
    const t0 = performance.now();
    const fetched = await fetchTarget({
      url: spec.url,
      fetchFn: (input, init) => fetch(input, init),
      get: scrapeGet,
      scheduler: systemScheduler,
      timeoutMs: spec.timeoutMs,
      accept: spec.accept,
      userAgent: 'Sightline/bench',
      compression: spec.compression,
      bodySizeLimit: spec.bodySizeLimit,
    });
    const t1 = performance.now();
    if (!fetched.ok) throw new Error(`fetch ${spec.url}: ${fetched.error}`);
    const parsed = parseScrapeBody(fetched.body, fetched.contentType, spec);
    const t2 = performance.now();
    if (!parsed.ok) throw new Error(`parse ${spec.url}: ${parsed.error}`);
    const now = Date.now();
    const output = state.success(now, parsed.scrape, t1 - t0, fetched.bytes);
    parsed.scrape.release?.();
    head.append(output.samples, now, output.metadata, output.exemplars);
    const t3 = performance.now();
    out.spans.push({ startMs, endMs: Date.now() });
    out.bytes = fetched.bytes;
    if (i === 0) continue;
    out.fetchMs.push(t1 - t0);
    out.parseMs.push(t2 - t1);
    out.ingestMs.push(t3 - t2);
  }
  return out;
}

export interface HeadMemory {
  series: number;
  /** Samples each series holds when measured. */
  samplesPerSeries: number;
  /** Heap + external bytes added by the first append (series, labels, label cache, first sample), per series. */
  bytesPerSeries: number;
  /** Bytes added per sample by the following appends (sample buffers and the stream's batch log). */
  bytesPerSample: number;
}

function used(gc: () => void): number {
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

/**
 * Measures the head's memory with process.memoryUsage() around forced GCs: one scrape of `spec` is fetched and
 * parsed, then ingested `appends` times at increasing timestamps (60 = one minute of 1 s scrapes), so the figures
 * cover the head and the scrape state only.
 */
export async function headMemory(spec: TargetSpec, appends: number, gc: () => void): Promise<HeadMemory> {
  const fetched = await fetchTarget({
    url: spec.url,
    fetchFn: (input, init) => fetch(input, init),
    get: scrapeGet,
    scheduler: systemScheduler,
    timeoutMs: spec.timeoutMs,
    accept: spec.accept,
    userAgent: 'Sightline/bench',
    compression: spec.compression,
    bodySizeLimit: spec.bodySizeLimit,
  });
  if (!fetched.ok) throw new Error(`fetch ${spec.url}: ${fetched.error}`);
  const parsed = parseScrapeBody(fetched.body, fetched.contentType, spec);
  if (!parsed.ok) throw new Error(`parse ${spec.url}: ${parsed.error}`);
  const head = new Head({ epoch: 'bench-mem' });
  const state = new TargetScrapeState(spec.settings);
  const t0 = Date.now();
  let perAppend = 0;
  const ingest = (i: number): void => {
    const t = t0 + i * 1000;
    const output = state.success(t, parsed.scrape, 0);
    head.append(output.samples, t, output.metadata, output.exemplars);
    perAppend = output.samples.length;
  };
  const m0 = used(gc);
  ingest(0);
  const m1 = used(gc);
  for (let i = 1; i < appends; i++) ingest(i);
  const m2 = used(gc);
  const series = head.stats().series;
  return {
    series,
    samplesPerSeries: appends,
    bytesPerSeries: (m1 - m0) / series,
    bytesPerSample: (m2 - m1) / ((appends - 1) * perAppend),
  };
}
