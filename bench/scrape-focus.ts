// `tsx bench/scrape-focus.ts`: Sightline's scrape of the generated big page alone (no Prometheus), with the GC time inside each scrape.
import { Session } from 'node:inspector/promises';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild } from './lib/children.ts';
import { Head } from '../gateway/head/head.ts';
import { nodeScrapeGet } from '../gateway/cli/node-scrape-get.ts';
import { systemClock, systemScheduler } from '../gateway/runtime/ports.ts';
import { ScrapeManager, type TargetSpec } from '../gateway/scrape/manager.ts';
import { parseScrapeBody } from '../gateway/scrape/parse.ts';
import { benchTarget, fixedPacer, median, scrapeStages, type Pacer, type Span } from './lib/scrape-sightline.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const USAGE = 'usage: scrape-focus.ts [--runs N] [--series N] [--pace MS] [--stages] [--heap-sample] [--cpu-profile FILE]';

interface GcEntry {
  atMs: number;
  ms: number;
  kind: string;
}

const KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
};

function gcInside(gcs: readonly GcEntry[], span: Span): { ms: number; byKind: Record<string, number> } {
  let ms = 0;
  const byKind: Record<string, number> = {};
  for (const g of gcs) {
    if (g.atMs < span.startMs - 1 || g.atMs > span.endMs + 1) continue;
    ms += g.ms;
    byKind[g.kind] = (byKind[g.kind] ?? 0) + g.ms;
  }
  return { ms, byKind };
}

interface ProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: ProfileNode[];
}

/** Sampled allocations during the steady scrapes, garbage included, summed by allocating function. */
let heapSampling: { start(): Promise<void>; stop(runs: number): Promise<void> } | null = null;

function heapSampler(): NonNullable<typeof heapSampling> {
  const session = new Session();
  session.connect();
  return {
    async start() {
      await session.post('HeapProfiler.startSampling', {
        samplingInterval: 32 * 1024,
        includeObjectsCollectedByMajorGC: true,
        includeObjectsCollectedByMinorGC: true,
      } as never);
    },
    async stop(runs) {
      const { profile } = (await session.post('HeapProfiler.stopSampling')) as unknown as { profile: { head: ProfileNode } };
      const bySite = new Map<string, number>();
      const walk = (n: ProfileNode, path: string): void => {
        const f = n.callFrame;
        const here = `${f.functionName || '(anon)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
        const key = `${here}  <  ${path}`;
        if (n.selfSize > 0) bySite.set(key, (bySite.get(key) ?? 0) + n.selfSize);
        for (const c of n.children) walk(c, here);
      };
      walk(profile.head, '');
      const total = [...bySite.values()].reduce((a, b) => a + b, 0);
      console.log(`sampled heap allocations per scrape: ${(total / runs / 1e6).toFixed(1)} MB`);
      for (const [k, v] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`${(v / runs / 1e6).toFixed(2).padStart(7)} MB  ${k}`);
      session.disconnect();
    },
  };
}

/** Heads kept until the memory figures are taken. */
const keep: unknown[] = [];

/** A CPU profile of the steady scrapes only (the first, which creates the series, left out), written to a file. */
let cpuProfile: { start(): Promise<void>; stop(): Promise<void> } | null = null;

function cpuProfiler(file: string): NonNullable<typeof cpuProfile> {
  const session = new Session();
  session.connect();
  return {
    async start() {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    },
    async stop() {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(file, JSON.stringify(profile));
      console.log(`wrote ${file}`);
      session.disconnect();
    },
  };
}

interface Scrape {
  ms: number;
  /** Process CPU (all threads, user + system) during the scrape, ms. */
  cpuMs: number;
  span: Span;
}

/** As scrapeEndToEnd in lib/scrape-sightline.ts, with the process's CPU time per scrape; the first scrape is dropped. */
async function scrapes(spec: TargetSpec, runs: number, pace: Pacer): Promise<{ first: number; steady: Scrape[]; cpuTotalMs: number }> {
  const head = new Head({ epoch: 'focus' });
  keep.push(head);
  let error: string | null = null;
  const manager = new ScrapeManager({
    head,
    fetchFn: (input, init) => fetch(input, init),
    scrapeGet: nodeScrapeGet(),
    clock: systemClock,
    scheduler: systemScheduler,
    parse: parseScrapeBody,
    userAgent: 'Sightline/bench',
    onScrape: (_spec, output) => {
      error = output.error;
      if (process.env.SCRAPE_FOCUS_MARK) console.log('--- scrape done');
    },
  });
  manager.stop();
  manager.apply([spec]);
  const out: Scrape[] = [];
  let first = 0;
  let cpuStart = process.cpuUsage();
  for (let i = 0; i <= runs; i++) {
    await pace();
    if (i === 1) {
      cpuStart = process.cpuUsage();
      if (heapSampling !== null) await heapSampling.start();
      if (cpuProfile !== null) await cpuProfile.start();
    }
    const startMs = Date.now();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await manager.scrapeAllNow();
    const ms = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (error !== null) throw new Error(`scrape of ${spec.url} failed: ${error}`);
    if (i === 0) first = ms;
    else out.push({ ms, cpuMs: (c.user + c.system) / 1000, span: { startMs, endMs: Date.now() } });
  }
  await pace();
  const c = process.cpuUsage(cpuStart);
  if (heapSampling !== null) await heapSampling.stop(runs);
  if (cpuProfile !== null) await cpuProfile.stop();
  return { first, steady: out, cpuTotalMs: (c.user + c.system) / 1000 };
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let runs = 15;
  let series = 100_000;
  let paceMs = 2000;
  let stages = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') runs = Number(argv[++i]);
    else if (a === '--series') series = Number(argv[++i]);
    else if (a === '--pace') paceMs = Number(argv[++i]);
    else if (a === '--stages') stages = true;
    else if (a === '--heap-sample') heapSampling = heapSampler();
    else if (a === '--cpu-profile') cpuProfile = cpuProfiler(argv[++i]);
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  const gcs: GcEntry[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? -1;
      gcs.push({ atMs: performance.timeOrigin + e.startTime, ms: e.duration, kind: KINDS[kind] ?? String(kind) });
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const exporter = await startChild(
    resolve(repoRoot, 'node_modules/.bin/tsx'),
    [resolve(repoRoot, 'test/fixtures/exporter/main.ts'), '--port', '0', '--big-series', String(series)],
    /listening on http:\/\/(127\.0\.0\.1:\d+)/,
    120_000,
  );
  try {
    const spec = benchTarget(exporter.match[1], '/big');
    const e2e = await scrapes(spec, runs, fixedPacer(paceMs));
    // Observer entries arrive asynchronously: let them land.
    await new Promise((r) => setTimeout(r, 100));
    const rows = e2e.steady.map((s) => ({ ...s, gc: gcInside(gcs, s.span) }));
    for (const r of rows) {
      const kinds = Object.entries(r.gc.byKind)
        .map(([k, v]) => `${k} ${v.toFixed(0)}`)
        .join(', ');
      console.log(`scrape ${r.ms.toFixed(1)} ms, cpu ${r.cpuMs.toFixed(0)} ms, gc pauses ${r.gc.ms.toFixed(1)} ms (${kinds})`);
    }
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc !== undefined) {
      gc();
      gc();
    }
    const mem = process.memoryUsage();
    console.log(
      `e2e: first ${e2e.first.toFixed(0)} ms; median ${median(rows.map((r) => r.ms)).toFixed(1)} ms over ${rows.length}; ` +
        `median cpu ${median(rows.map((r) => r.cpuMs)).toFixed(1)} ms; cpu per scrape incl. between scrapes ${(e2e.cpuTotalMs / rows.length).toFixed(1)} ms; ` +
        `median gc pauses inside ${median(rows.map((r) => r.gc.ms)).toFixed(1)} ms; ` +
        `heapUsed ${(mem.heapUsed / 1e6).toFixed(0)} MB, external ${(mem.external / 1e6).toFixed(0)} MB, arrayBuffers ${(mem.arrayBuffers / 1e6).toFixed(0)} MB, rss ${(mem.rss / 1e6).toFixed(0)} MB`,
    );
    if (stages) {
      const st = await scrapeStages(spec, runs, fixedPacer(paceMs));
      console.log(
        `stages: fetch ${median(st.fetchMs).toFixed(1)} / parse ${median(st.parseMs).toFixed(1)} / ingest ${median(st.ingestMs).toFixed(1)} ms`,
      );
    }
  } finally {
    obs.disconnect();
    await exporter.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.stack : e);
  process.exit(1);
});
