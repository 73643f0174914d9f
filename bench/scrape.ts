// `npm run bench:scrape`: per-scrape time of the gateway's scrape path vs a real Prometheus on the same endpoints; writes bench/results/scrape.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startChild, waitForHttp, type Child } from './lib/children.ts';
import { recordedScrapes, startScrapingPrometheus, type RecordedScrape } from './lib/live-prometheus.ts';
import { freePort, which } from './lib/prometheus.ts';
import { benchTarget, headMemory, median, scrapeEndToEnd, scrapeStages } from './lib/scrape-sightline.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const RESULTS = join(here, 'results', 'scrape.json');
const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

const USAGE = `Usage: bench:scrape [--runs N] [--series N] [--interval S] [--no-prometheus]
  --runs N          steady-state scrapes per case and side, median reported (default 7; the first scrape is reported apart)
                    Sightline's scrapes are paced at --interval too
  --series N        series on the generated page (default 100000, ~10 MB)
  --interval S      Prometheus's scrape_interval in seconds (default 2)
  --no-prometheus   Sightline figures only, even if prometheus is installed`;

interface Args {
  runs: number;
  series: number;
  intervalS: number;
  prometheus: boolean;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { runs: 7, series: 100_000, intervalS: 2, prometheus: true };
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
  const header = ['case', 'samples', 'bytes', 'sightline ms', 'prometheus ms', 'ratio', 'fetch/parse/ingest ms', 'first scrape ms (S / P)', 'S self-reported ms'];
  const body = rows.map((r) => [
    r.name,
    String(r.samples),
    r.bytes > 1e6 ? `${(r.bytes / 1e6).toFixed(1)} MB` : `${(r.bytes / 1e3).toFixed(0)} kB`,
    r.sightline_ms.toFixed(1),
    r.prometheus_ms === null ? '-' : r.prometheus_ms.toFixed(1),
    r.ratio === null ? '-' : `${r.ratio.toFixed(2)}x`,
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

    // Prometheus first and alone, so the two never compete for the CPU.
    let theirs: Map<string, RecordedScrape[]> | null = null;
    let version: string | null = null;
    if (prometheusBin !== null) {
      const config = [
        'global:',
        `  scrape_interval: ${args.intervalS}s`,
        `  scrape_timeout: ${args.intervalS}s`,
        'scrape_configs:',
        ...cases.flatMap((c) => [`  - job_name: ${c.job}`, `    metrics_path: ${c.path}`, '    static_configs:', `      - targets: ['${c.address}']`]),
        '',
      ].join('\n');
      const prom = await startScrapingPrometheus(prometheusBin, config, work);
      version = prom.version;
      console.log(`prometheus: ${prom.version}; waiting for ${args.runs + 1} scrapes of each case every ${args.intervalS}s`);
      try {
        theirs = await prometheusScrapes(prom.baseUrl, cases, args.runs + 1, (args.runs + 10) * args.intervalS * 1000 + 60_000);
      } finally {
        await prom.stop();
      }
    } else if (args.prometheus) console.log('prometheus not installed: Sightline figures only');

    const rows: CaseResult[] = [];
    for (const c of cases) {
      const spec = benchTarget(c.address, c.path);
      // Paced like Prometheus's scrapes (one per interval), not back to back.
      const e2e = await scrapeEndToEnd(spec, args.runs, args.intervalS * 1000);
      const stages = await scrapeStages(spec, args.runs, args.intervalS * 1000);
      const ok = theirs?.get(c.job)?.filter((s) => s.up === 1) ?? null;
      const prometheusMs = ok === null ? null : median(ok.slice(1).map((s) => s.durationS * 1000));
      const sightlineMs = median(e2e.scrapesMs);
      rows.push({
        name: c.name,
        samples: e2e.samples,
        bytes: stages.bytes,
        sightline_ms: round(sightlineMs),
        prometheus_ms: prometheusMs === null ? null : round(prometheusMs),
        ratio: prometheusMs === null ? null : round(sightlineMs / prometheusMs, 3),
        sightline_first_ms: round(e2e.firstMs),
        prometheus_first_ms: ok === null || ok.length === 0 ? null : round(ok[0].durationS * 1000),
        prometheus_samples: ok === null ? null : median(ok.map((s) => s.samples)),
        sightline_reported_ms: round(median(e2e.reportedMs)),
        sightline_fetch_ms: round(median(stages.fetchMs)),
        sightline_parse_ms: round(median(stages.parseMs)),
        sightline_ingest_ms: round(median(stages.ingestMs)),
      });
      console.log(`${c.name}: done`);
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
        'medians of steady-state scrapes, one per interval on both sides (the first, which creates every series, is reported apart). sightline_ms is the wall time of ' +
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
    for (const child of children.reverse()) await child.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
