// `npm run bench:store`: the reference dataset through the studio TSDB in headless Chromium (bytes per sample,
// ingest rate, cold and warm PromQL times) beside a local Prometheus over the same data; writes bench/results/store.json.
//
// Query times: open_ms is the first run in a freshly opened store (database open, consistency check, WAL read);
// cold_ms is the median of --runs runs on the open store, each after its memory caches are dropped, as Prometheus's
// first HTTP query runs with its head in memory; warm_ms is the median of repeated runs. Ingest appends one batch per
// task (as stream reads arrive) under the studio's group commit and reports how long batches waited to be durable.
// Bytes per sample are at rest (after the closing checkpoint, as Prometheus's blocks hold no WAL); the figure while
// running, with the write-ahead log's deltas, is recorded beside it. Prometheus's are HTTP round trips, JSON included.
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';
import { build, type Rolldown } from 'vite';
import type { Labels } from '../shared/model/labels.ts';
import { TextLoader } from '../shared/promql/loader.ts';
import { backfill, startPrometheus, which, type RunningPrometheus } from './lib/prometheus.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const SHARED_BENCH = resolve(repoRoot, '../shared/bench');
const RESULTS = join(here, 'results', 'store.json');
const ORIGIN = 'http://127.0.0.1:9';
const CHROMIUM = '/usr/bin/chromium';

const USAGE = `Usage: bench:store [--instances N] [--hours H] [--step S] [--runs N] [--batch-steps N] [--no-prometheus]
  --instances N     dataset instances (200 series each; default 10 = the reference 2,000 series)
  --hours H         dataset length (default 6)
  --step S          range query step in seconds (default 60)
  --runs N          warm runs per query, median reported (default 5)
  --batch-steps N   scrape intervals per appended batch (default 1: one batch per scrape, as streamed)
  --no-prometheus   skip the side-by-side run even if prometheus and promtool are installed
  --max-batches N   flush after every N appended batches, waiting for it (default: the studio's group commit)
  --profile FILE    write a Chrome CPU profile of the page's ingest and queries to FILE (.cpuprofile)`;

interface Args {
  instances?: string;
  hours?: string;
  step: number;
  runs: number;
  batchSteps: number;
  prometheus: boolean;
  profile?: string;
  maxBatches?: number;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { step: 60, runs: 5, batchSteps: 1, prometheus: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--instances') out.instances = argv[++i];
    else if (a === '--hours') out.hours = argv[++i];
    else if (a === '--step') out.step = Number(argv[++i]);
    else if (a === '--runs') out.runs = Math.max(1, Number(argv[++i]));
    else if (a === '--batch-steps') out.batchSteps = Math.max(1, Number(argv[++i]));
    else if (a === '--no-prometheus') out.prometheus = false;
    else if (a === '--profile') out.profile = argv[++i];
    else if (a === '--max-batches') out.maxBatches = Math.max(1, Number(argv[++i]));
    else {
      console.error(USAGE);
      process.exit(a === '-h' || a === '--help' ? 0 : 1);
    }
  }
  return out;
}

interface QueryDef {
  id: string;
  kind: 'range' | 'instant';
  expr: string;
}

function readQueries(): QueryDef[] {
  const out: QueryDef[] = [];
  for (const line of readFileSync(join(SHARED_BENCH, 'queries.txt'), 'utf8').split('\n')) {
    const t = line.trim();
    if (t === '' || t.startsWith('#')) continue;
    const m = /^(\S+)\s+(range|instant)\s+(.+)$/.exec(t);
    if (!m) throw new Error(`queries.txt: cannot read ${JSON.stringify(line)}`);
    out.push({ id: m[1], kind: m[2] as QueryDef['kind'], expr: m[3] });
  }
  return out;
}

interface Manifest {
  startMs: number;
  endMs: number;
  series: number;
  samples: number;
  [k: string]: unknown;
}

/** Parses the OpenMetrics dataset into one binary blob the page fetches: header length, JSON header, t column, v column. */
async function datasetBlob(file: string): Promise<Buffer> {
  const labels: Labels[] = [];
  const ts: number[][] = [];
  const vs: number[][] = [];
  const loader = new TextLoader({
    seriesRef: (l) => {
      labels.push(l);
      ts.push([]);
      vs.push([]);
      return labels.length - 1;
    },
    appendRef: (ref, t, v) => {
      ts[ref].push(t);
      vs[ref].push(v);
    },
  });
  for await (const chunk of createReadStream(file, { encoding: 'utf8', highWaterMark: 1 << 20 })) loader.push(chunk as string);
  loader.end();
  const counts = ts.map((x) => x.length);
  const total = counts.reduce((a, b) => a + b, 0);
  const header = Buffer.from(JSON.stringify({ labels, counts }));
  const offset = Math.ceil((4 + header.length) / 8) * 8;
  const out = Buffer.alloc(offset + total * 16);
  out.writeUInt32LE(header.length, 0);
  header.copy(out, 4);
  const t = new Float64Array(out.buffer, out.byteOffset + offset, total);
  const v = new Float64Array(out.buffer, out.byteOffset + offset + total * 8, total);
  let k = 0;
  for (let i = 0; i < ts.length; i++) {
    // The dataset holds no stale markers, so plain arrays lose nothing here.
    t.set(ts[i], k);
    v.set(vs[i], k);
    k += ts[i].length;
  }
  return out;
}

async function bundlePage(minify: boolean): Promise<string> {
  const out = await build({
    configFile: false,
    root: repoRoot,
    logLevel: 'warn',
    build: { write: false, minify, lib: { entry: join(repoRoot, 'web/src/tsdb/bench-page.ts'), formats: ['iife'], name: 'storeBenchPage' } },
  });
  const first = (Array.isArray(out) ? out[0] : out) as Rolldown.RolldownOutput;
  return first.output[0].code;
}

function dirBytes(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    n += e.isDirectory() ? dirBytes(p) : statSync(p).size;
  }
  return n;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

interface Row {
  id: string;
  query: string;
  step: number | null;
  /** First run in a freshly opened store (database open, check, WAL read, query). */
  open_ms: number;
  /** On the open store with its memory caches dropped. */
  cold_ms: number;
  warm_ms: number;
  prometheus_cold_ms: number | null;
  prometheus_ms: number | null;
  cold_ratio: number | null;
  warm_ratio: number | null;
  chunks_decoded_cold: number;
}

/** What the page half (web/src/tsdb/bench-page.ts) returns; kept in step with it by hand (bench/ cannot import web/). */
interface IngestResult {
  samples: number;
  series: number;
  batches: number;
  ingestMs: number;
  flushes: number;
  flushMs: number;
  storedBytes: number;
  runningBytes: number;
  chunkRecords: number;
  chunkPayloadBytes: number;
  estimateBefore: { usage: number; quota: number } | null;
  estimateAfter: { usage: number; quota: number } | null;
  durableLagMedianMs: number;
  durableLagMaxMs: number;
}

interface QueryTiming {
  openMs: number;
  coldMs: number;
  warmMs: number;
  result: string;
  chunksDecodedCold: number;
}

type PageApi = {
  storeBench: {
    ingest(name: string, url: string, stepsPerBatch: number, maxBatches?: number): Promise<IngestResult>;
    timeQuery(name: string, expr: string, range: { start: number; end: number; step: number } | { time: number }, runs: number): Promise<QueryTiming>;
  };
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const machine = { cpus: cpus().length, loadavg_at_start: loadavg().map((x) => round(x)) };
  const work = mkdtempSync(join(tmpdir(), 'sightline-bench-store-'));
  let prom: RunningPrometheus | undefined;
  let context: BrowserContext | undefined;
  const cleanup = async () => {
    await prom?.stop();
    prom = undefined;
    await context?.close().catch(() => undefined);
    context = undefined;
    rmSync(work, { recursive: true, force: true });
  };
  const onSignal = () => void cleanup().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // 1. The reference dataset (no jitter: scrape-regular timestamps, as the README's Prometheus figure).
    const data = join(work, 'data.om');
    const manifestFile = join(work, 'manifest.json');
    const gen = ['--out', data, '--manifest', manifestFile];
    if (args.instances) gen.push('--instances', args.instances);
    if (args.hours) gen.push('--hours', args.hours);
    const g = spawnSync(process.execPath, [join(SHARED_BENCH, 'gen-dataset.mjs'), ...gen], { encoding: 'utf8' });
    if (g.status !== 0) throw new Error(`gen-dataset.mjs failed: ${g.stderr}`);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    console.log(`dataset: ${manifest.series} series, ${manifest.samples} samples`);
    const blob = await datasetBlob(data);

    // 2. Prometheus over the same data, when installed: block size, then HTTP query times.
    let promBytes: number | null = null;
    let promVersion: string | null = null;
    const promBin = args.prometheus ? which('prometheus') : null;
    const promtool = args.prometheus ? which('promtool') : null;
    if (promBin && promtool) {
      const tsdb = join(work, 'tsdb');
      mkdirSync(tsdb);
      const ms = backfill(promtool, data, tsdb);
      promBytes = dirBytes(tsdb);
      console.log(`promtool backfill: ${ms.toFixed(0)} ms, blocks ${(promBytes / 1e6).toFixed(2)} MB = ${(promBytes / manifest.samples).toFixed(3)} B/sample`);
      prom = await startPrometheus(promBin, tsdb, work);
      promVersion = prom.version;
    } else if (args.prometheus) console.log('prometheus/promtool not installed: Sightline figures only');
    rmSync(data, { force: true });

    // 3. The studio TSDB in Chromium.
    const code = await bundlePage(!args.profile);
    context = await chromium.launchPersistentContext(join(work, 'chromium'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.route(`${ORIGIN}/**`, (route) =>
      route.request().url().endsWith('/dataset.bin')
        ? route.fulfill({ contentType: 'application/octet-stream', body: blob })
        : route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>bench</title>' }),
    );
    await page.goto(`${ORIGIN}/bench.html`);
    await page.addScriptTag({ content: code });
    const cdp = args.profile ? await context.newCDPSession(page) : null;
    if (cdp) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    const ing: IngestResult = await page.evaluate(
      ([steps, maxBatches]) => (globalThis as unknown as PageApi).storeBench.ingest('bench', '/dataset.bin', steps, maxBatches ?? undefined),
      [args.batchSteps, args.maxBatches ?? null] as const,
    );
    const rate = ing.samples / (ing.ingestMs / 1000);
    console.log(
      `sightline ingest: ${ing.samples} samples in ${ing.ingestMs.toFixed(0)} ms = ${Math.round(rate)} samples/s ` +
        `(${ing.flushes} flushes, ${ing.flushMs.toFixed(0)} ms writing; durable after ${ing.durableLagMedianMs.toFixed(0)} ms median, ${ing.durableLagMaxMs.toFixed(0)} ms max); ` +
        `stored ${(ing.storedBytes / 1e6).toFixed(2)} MB = ${(ing.storedBytes / ing.samples).toFixed(3)} B/sample at rest ` +
        `(${(ing.runningBytes / ing.samples).toFixed(3)} B/sample while running, WAL deltas included) ` +
        `(chunk records ${ing.chunkRecords}, payload ${(ing.chunkPayloadBytes / ing.samples).toFixed(3)} B/sample)`,
    );

    const rows: Row[] = [];
    for (const q of readQueries()) {
      const step = q.kind === 'range' ? args.step : null;
      const range = step === null ? { time: manifest.endMs } : { start: manifest.startMs, end: manifest.endMs, step: step * 1000 };
      const ours: QueryTiming = await page.evaluate(
        ([expr, r, runs]) => (globalThis as unknown as PageApi).storeBench.timeQuery('bench', expr, r, runs),
        [q.expr, range, args.runs] as const,
      );
      let promCold: number | null = null;
      let promWarm: number | null = null;
      if (prom) {
        const params = new URLSearchParams({ query: q.expr });
        if (step === null) params.set('time', String(manifest.endMs / 1000));
        else {
          params.set('start', String(manifest.startMs / 1000));
          params.set('end', String(manifest.endMs / 1000));
          params.set('step', String(step));
        }
        const url = `${prom.baseUrl}/api/v1/${step === null ? 'query' : 'query_range'}?${params}`;
        const once = async () => {
          const t0 = performance.now();
          await (await fetch(url)).text();
          return performance.now() - t0;
        };
        promCold = await once();
        const times: number[] = [];
        for (let i = 0; i < args.runs; i++) times.push(await once());
        promWarm = median(times);
      }
      const row: Row = {
        id: q.id,
        query: q.expr,
        step,
        open_ms: round(ours.openMs),
        cold_ms: round(ours.coldMs),
        warm_ms: round(ours.warmMs),
        prometheus_cold_ms: promCold === null ? null : round(promCold),
        prometheus_ms: promWarm === null ? null : round(promWarm),
        cold_ratio: promWarm === null ? null : round(ours.coldMs / promWarm),
        warm_ratio: promWarm === null ? null : round(ours.warmMs / promWarm),
        chunks_decoded_cold: ours.chunksDecodedCold,
      };
      rows.push(row);
      console.log(
        `${q.id.padEnd(18)} ${(step === null ? 'instant' : step + 's').padEnd(8)} open ${row.open_ms.toFixed(1).padStart(8)} ms  cold ${row.cold_ms.toFixed(1).padStart(8)} ms  warm ${row.warm_ms.toFixed(1).padStart(8)} ms` +
          (promWarm === null ? '' : `  prometheus ${row.prometheus_ms!.toFixed(1).padStart(8)} ms (cold ${row.prometheus_cold_ms!.toFixed(1)})`),
      );
    }
    await prom?.stop();
    prom = undefined;
    if (cdp && args.profile) {
      const { profile } = await cdp.send('Profiler.stop');
      writeFileSync(args.profile, JSON.stringify(profile));
      console.log(`wrote ${args.profile}`);
    }

    const result = {
      dataset: {
        ...manifest,
        node: process.version,
        machine,
        runs_per_query: args.runs,
        range_step_s: args.step,
        batch_steps: args.batchSteps,
        flush_policy: args.maxBatches ? `flush every ${args.maxBatches} batches, waited for` : 'studio group commit (STUDIO_FLUSH_POLICY)',
      },
      prometheus_version: promVersion,
      sightline_bytes_per_sample: round(ing.storedBytes / ing.samples, 3),
      sightline_chunk_payload_bytes_per_sample: round(ing.chunkPayloadBytes / ing.samples, 3),
      sightline_stored_bytes: ing.storedBytes,
      sightline_running_bytes_per_sample: round(ing.runningBytes / ing.samples, 3),
      sightline_running_stored_bytes: ing.runningBytes,
      sightline_chunk_records: ing.chunkRecords,
      storage_estimate_before: ing.estimateBefore,
      storage_estimate_after: ing.estimateAfter,
      storage_estimate_bytes_per_sample:
        ing.estimateAfter && ing.estimateBefore ? round((ing.estimateAfter.usage - ing.estimateBefore.usage) / ing.samples, 3) : null,
      prometheus_bytes_per_sample: promBytes === null ? null : round(promBytes / manifest.samples, 3),
      prometheus_block_bytes: promBytes,
      ingest_samples_per_s: Math.round(rate),
      ingest_ms: round(ing.ingestMs),
      ingest_durable_lag_median_ms: round(ing.durableLagMedianMs),
      ingest_durable_lag_max_ms: round(ing.durableLagMaxMs),
      ingest_flushes: ing.flushes,
      ingest_flush_ms: round(ing.flushMs),
      ingest_batches: ing.batches,
      queries: rows,
    };
    printTable(result.sightline_bytes_per_sample, result.prometheus_bytes_per_sample, result.ingest_samples_per_s, rows);
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, JSON.stringify(result, null, 2) + '\n');
    console.log(`wrote ${RESULTS}`);
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function printTable(ours: number, theirs: number | null, rate: number, rows: Row[]): void {
  console.log(`\nbytes/sample: sightline ${ours}  prometheus ${theirs ?? '-'}${theirs ? `  ratio ${(ours / theirs).toFixed(2)}` : ''}`);
  console.log(`ingest: ${rate} samples/s`);
  const header = ['query', 'step', 'open ms', 'cold ms', 'warm ms', 'prometheus ms', 'cold/prom', 'warm/prom'];
  const body = rows.map((r) => [
    r.id,
    r.step === null ? 'instant' : `${r.step}s`,
    r.open_ms.toFixed(1),
    r.cold_ms.toFixed(1),
    r.warm_ms.toFixed(1),
    r.prometheus_ms === null ? '-' : r.prometheus_ms.toFixed(1),
    r.cold_ratio === null ? '-' : r.cold_ratio.toFixed(2),
    r.warm_ratio === null ? '-' : r.warm_ratio.toFixed(2),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log('\n' + line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
}

await main();
