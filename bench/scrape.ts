// `npm run bench:scrape`: per-scrape time of the gateway's scrape path vs a real Prometheus on the same endpoints; writes bench/results/scrape.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild, waitForHttp, type Child } from './lib/children.ts';
import { recordedScrapes, startScrapingPrometheus, type RecordedScrape } from './lib/live-prometheus.ts';
import { freePort, which } from './lib/prometheus.ts';
import { benchTarget, fixedPacer, headMemory, median, scrapeEndToEnd, scrapeStages, type Pacer, type Span } from './lib/scrape-sightline.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const RESULTS = join(here, 'results', 'scrape.json');
const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

const USAGE = `Usage: bench:scrape [--runs N] [--series N] [--interval S] [--no-prometheus]
  --runs N          steady-state scrapes per case by Sightline, median reported (default 9; the first scrape is reported apart)
  --series N        series on the generated page (default 100000, ~10 MB)
  --interval S      Prometheus's scrape_interval in seconds (default 3); Sightline scrapes once per interval too,
                    in the gap between Prometheus's scrapes
  --no-prometheus   Sightline figures only, even if prometheus is installed`;

interface Args {
  runs: number;
  series: number;
  intervalS: number;
  prometheus: boolean;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { runs: 9, series: 100_000, intervalS: 3, prometheus: true };
  const num = (i: number, name: string): number => {
    const v = Number(argv[i]);
    if (!Number.isFinite(v) || v <= 0) throw new Error(`${name} needs a positive number\n${USAGE}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') out.runs = Math.round(num(++i, a));
    else if (a === '--series') out.series = Math.round(num(++i, a));
    else if (a === '--interval') out.intervalS = num(++i, a);
    else if (a === '--no-prometheus') out.prometheus = false;
    else throw new Error(`unknown argument ${a}\n${USAGE}`);
  }
  return out;
}

interface Case {
  name: string;
  job: string;
  address: string;
  path: string;
}

interface CaseResult {
  name: string;
  samples: number;
  bytes: number;
  sightline_ms: number;
  prometheus_ms: number | null;
  ratio: number | null;
  sightline_first_ms: number;
  prometheus_first_ms: number | null;
  prometheus_samples: number | null;
  /** The gateway's own scrape_duration_seconds for the same scrapes (it times the HTTP exchange only). */
  sightline_reported_ms: number;
  sightline_fetch_ms: number;
  sightline_parse_ms: number;
  sightline_ingest_ms: number;
  /** Steady-state scrapes behind each median: those that overlapped no scrape of the other side. */
  sightline_runs: number;
  prometheus_runs: number | null;
}

/** Does [a.startMs, a.endMs] overlap any of `spans`? */
function overlaps(a: Span, spans: readonly Span[]): boolean {
  return spans.some((b) => a.startMs < b.endMs && b.startMs < a.endMs);
}

/** Prometheus's recorded scrapes as wall-clock spans. */
function promSpans(list: readonly RecordedScrape[]): Span[] {
  return list.map((s) => ({ startMs: s.t * 1000, endMs: (s.t + s.durationS) * 1000 }));
}

/**
 * Slots once per interval in the widest gap between Prometheus's scrapes of every job (each job scrapes at a fixed
 * phase; `busyMs` is how long a scrape of it may take), so Sightline and Prometheus do not compete for the CPU.
 */
function gapPacer(jobs: ReadonlyArray<{ phaseMs: number; busyMs: number }>, intervalMs: number): Pacer {
  const windows = jobs.map((j) => ({ from: ((j.phaseMs % intervalMs) + intervalMs) % intervalMs, len: Math.min(j.busyMs, intervalMs) }));
  const inside = (at: number, except: object): boolean => windows.some((w) => w !== except && (at - w.from + intervalMs) % intervalMs < w.len);
  // A third into the longest quiet time between two of Prometheus's scrapes: clear of the work a scrape leaves
  // behind (Go's garbage collection runs after it), with most of the gap left for Sightline's own scrape.
  let best = 0;
  let bestRoom = -1;
  for (const w of windows) {
    const end = (w.from + w.len) % intervalMs;
    if (inside(end, w)) continue;
    const room = Math.min(...windows.map((x) => (x.from - end + intervalMs) % intervalMs || intervalMs));
    if (room > bestRoom) {
      bestRoom = room;
      best = (end + room / 3) % intervalMs;
    }
  }
  console.log(
    `Sightline scrapes at ${Math.round(best)} ms into each ${intervalMs} ms cycle; Prometheus's: ` +
      windows.map((w) => `${Math.round(w.from)}+${Math.round(w.len)} ms`).join(', '),
  );
  return async () => {
    const now = Date.now();
    let next = now - (((now - best) % intervalMs) + intervalMs) % intervalMs;
    while (next < now + 20) next += intervalMs;
    await new Promise((r) => setTimeout(r, next - now));
  };
}

/** Waits until Prometheus has `want` successful scrapes of every job, then returns them (first scrape first). */
async function prometheusScrapes(baseUrl: string, cases: Case[], want: number, timeoutMs: number): Promise<Map<string, RecordedScrape[]>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const all = new Map<string, RecordedScrape[]>();
    for (const c of cases) all.set(c.job, await recordedScrapes(baseUrl, c.job));
    const ok = [...all.values()].every((list) => list.filter((s) => s.up === 1).length >= want);
    if (ok) return all;
    if (Date.now() > deadline) {
      const counts = [...all].map(([job, l]) => `${job}: ${l.filter((s) => s.up === 1).length}/${l.length} ok`).join(', ');
      throw new Error(`Prometheus did not complete ${want} scrapes of every job in time (${counts})`);
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function round(x: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function printTable(rows: CaseResult[]): void {
  const header = ['case', 'samples', 'bytes', 'sightline ms', 'prometheus ms', 'ratio', 'runs (S / P)', 'fetch/parse/ingest ms', 'first scrape ms (S / P)', 'S self-reported ms'];
  const body = rows.map((r) => [
    r.name,
    String(r.samples),
    r.bytes > 1e6 ? `${(r.bytes / 1e6).toFixed(1)} MB` : `${(r.bytes / 1e3).toFixed(0)} kB`,
    r.sightline_ms.toFixed(1),
    r.prometheus_ms === null ? '-' : r.prometheus_ms.toFixed(1),
    r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`,
    `${r.sightline_runs} / ${r.prometheus_runs ?? '-'}`,
    `${r.sightline_fetch_ms.toFixed(1)} / ${r.sightline_parse_ms.toFixed(1)} / ${r.sightline_ingest_ms.toFixed(1)}`,
    `${r.sightline_first_ms.toFixed(0)} / ${r.prometheus_first_ms === null ? '-' : r.prometheus_first_ms.toFixed(0)}`,
    r.sightline_reported_ms.toFixed(1),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log('\n' + line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) {
    // Memory figures need forced collections: run again with --expose-gc.
    const r = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit',
      cwd: repoRoot,
    });
    process.exit(r.status ?? 1);
  }
  const prometheusBin = args.prometheus ? which('prometheus') : null;
  const work = mkdtempSync(join(tmpdir(), 'sightline-bench-scrape-'));
  const children: Child[] = [];
  let prom: Awaited<ReturnType<typeof startScrapingPrometheus>> | null = null;
  try {
    const nodePort = await freePort();
    children.push(await startChild(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${nodePort}`], /Listening on/, 30_000));
    await waitForHttp(`http://127.0.0.1:${nodePort}/metrics`);
    const tsx = resolve(repoRoot, 'node_modules/.bin/tsx');
    const exporter = await startChild(
      tsx,
      [resolve(repoRoot, 'test/fixtures/exporter/main.ts'), '--port', '0', '--big-series', String(args.series)],
      /listening on http:\/\/(127\.0\.0\.1:\d+)/,
      120_000,
    );
    children.push(exporter);
    const cases: Case[] = [
      { name: 'node_exporter', job: 'node', address: `127.0.0.1:${nodePort}`, path: '/metrics' },
      { name: `generated ${Math.round(args.series / 1000)}k series`, job: 'big', address: exporter.match[1], path: '/big' },
    ];

    // Prometheus scrapes all along, and Sightline scrapes once per interval in the gap between its scrapes: both are
    // measured over the same minutes (so under the same load from whatever else runs on the machine) without
    // competing with each other. A scrape of either side that still overlapped one of the other is left out.
    let version: string | null = null;
    let pace: Pacer = fixedPacer(args.intervalS * 1000);
    const intervalMs = args.intervalS * 1000;
    if (prometheusBin !== null) {
      const config = [
        'global:',
        `  scrape_interval: ${args.intervalS}s`,
        `  scrape_timeout: ${args.intervalS}s`,
        'scrape_configs:',
        ...cases.flatMap((c) => [`  - job_name: ${c.job}`, `    metrics_path: ${c.path}`, '    static_configs:', `      - targets: ['${c.address}']`]),
        '',
      ].join('\n');
      prom = await startScrapingPrometheus(prometheusBin, config, work);
      version = prom.version;
      console.log(`prometheus: ${prom.version}; scraping every ${args.intervalS}s; waiting for its third scrape of each case`);
      const early = await prometheusScrapes(prom.baseUrl, cases, 3, 10 * intervalMs + 120_000);
      const jobs = cases.map((c) => {
        const list = early.get(c.job) ?? [];
        const last = list[list.length - 1];
        return { phaseMs: last.t * 1000, busyMs: Math.max(100, 1.5 * last.durationS * 1000) };
      });
      pace = gapPacer(jobs, intervalMs);
    } else if (args.prometheus) console.log('prometheus not installed: Sightline figures only');

    const measured: Array<{ c: Case; e2e: Awaited<ReturnType<typeof scrapeEndToEnd>>; stages: Awaited<ReturnType<typeof scrapeStages>> }> = [];
    for (const c of cases) {
      const spec = benchTarget(c.address, c.path);
      const e2e = await scrapeEndToEnd(spec, args.runs, pace);
      const stages = await scrapeStages(spec, args.runs, pace);
      measured.push({ c, e2e, stages });
      console.log(`${c.name}: done`);
    }
    const ourSpans = measured.flatMap((m) => [m.e2e.firstSpan, ...m.e2e.spans, ...m.stages.spans]);
    let theirs: Map<string, RecordedScrape[]> | null = null;
    if (prom !== null) {
      await new Promise((r) => setTimeout(r, intervalMs));
      theirs = new Map();
      for (const c of cases) theirs.set(c.job, await recordedScrapes(prom.baseUrl, c.job));
      await prom.stop();
    }
    const theirSpans = theirs === null ? [] : promSpans([...theirs.values()].flat());
    const windowStart = Math.min(...ourSpans.map((x) => x.startMs));
    const windowEnd = Math.max(...ourSpans.map((x) => x.endMs));

    const rows: CaseResult[] = [];
    for (const { c, e2e, stages } of measured) {
      const all = theirs?.get(c.job) ?? null;
      const firstT = all === null || all.length === 0 ? null : all[0].t;
      const ok = all?.filter((x) => x.up === 1) ?? null;
      const kept =
        ok === null
          ? null
          : ok.filter((x) => x.t !== firstT && x.t * 1000 >= windowStart && x.t * 1000 <= windowEnd && !overlaps(promSpans([x])[0], ourSpans));
      const prometheusMs = kept === null || kept.length === 0 ? null : median(kept.map((x) => x.durationS * 1000));
      let ours = e2e.scrapesMs.filter((_, i) => !overlaps(e2e.spans[i], theirSpans));
      let oursReported = e2e.reportedMs.filter((_, i) => !overlaps(e2e.spans[i], theirSpans));
      if (ours.length === 0) {
        // Prometheus's scrapes filled the whole interval: report every scrape, and say so (sightline_runs 0).
        console.log(`${c.name}: every Sightline scrape overlapped one of Prometheus's (a longer --interval avoids that); all are reported`);
        ours = e2e.scrapesMs;
        oursReported = e2e.reportedMs;
      }
      const sightlineMs = median(ours);
      rows.push({
        name: c.name,
        samples: e2e.samples,
        bytes: stages.bytes,
        sightline_ms: round(sightlineMs),
        prometheus_ms: prometheusMs === null ? null : round(prometheusMs),
        ratio: prometheusMs === null ? null : round(sightlineMs / prometheusMs, 3),
        sightline_first_ms: round(e2e.firstMs),
        prometheus_first_ms: firstT === null || all === null ? null : round(all[0].durationS * 1000),
        prometheus_samples: ok === null || ok.length === 0 ? null : median(ok.map((x) => x.samples)),
        sightline_reported_ms: round(median(oursReported)),
        sightline_fetch_ms: round(median(stages.fetchMs)),
        sightline_parse_ms: round(median(stages.parseMs)),
        sightline_ingest_ms: round(median(stages.ingestMs)),
        sightline_runs: ours === e2e.scrapesMs ? 0 : ours.length,
        prometheus_runs: kept === null ? null : kept.length,
      });
    }

    const big = cases[1];
    const mem = await headMemory(benchTarget(big.address, big.path), 60, gc);
    printTable(rows);
    console.log(
      `\nhead memory (${mem.series} series, ${mem.samplesPerSeries} samples each): ` +
        `${mem.bytesPerSeries.toFixed(0)} B per series, ${mem.bytesPerSample.toFixed(1)} B per sample`,
    );
    const result = {
      node: process.version,
      prometheus_version: version,
      runs: args.runs,
      prometheus_scrape_interval_s: args.intervalS,
      note:
        'medians of steady-state scrapes, one per interval on both sides (the first, which creates every series, is reported apart). ' +
        'Prometheus scrapes throughout while Sightline scrapes in the gaps between its scrapes, so both are measured over the same minutes; ' +
        'scrapes of either side that overlapped one of the other are left out (*_runs count the rest). sightline_ms is the wall time of ' +
        'ScrapeManager.scrapeAllNow() (fetch + parse + relabel + head append); prometheus_ms is the scrape_duration_seconds ' +
        'Prometheus recorded, which also spans fetch, parse and append.',
      cases: rows,
      head_bytes_per_sample: round(mem.bytesPerSample, 1),
      head_bytes_per_series: Math.round(mem.bytesPerSeries),
      head_memory_samples_per_series: mem.samplesPerSeries,
    };
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, JSON.stringify(result, null, 2) + '\n');
    console.log(`wrote ${RESULTS}`);
  } finally {
    await prom?.stop();
    for (const child of children.reverse()) await child.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
