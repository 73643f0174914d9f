// `npm run bench:promql`: the reference query set over the reference dataset, Sightline vs a local Prometheus; writes bench/results/promql.json.
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../shared/promql/engine/index.ts';
import { formatQueryError, formatQueryResult } from '../shared/promql/format.ts';
import { TextLoader, type SampleSink } from '../shared/promql/loader.ts';
import { parseDuration } from '../shared/promql/durations.ts';
import { MemoryStore } from '../shared/promql/memstore.ts';
import { QueryError, type QueryResult } from '../shared/promql/result.ts';
import { compareApiBodies } from './lib/agree.ts';
import { backfill, startPrometheus, which, type RunningPrometheus } from './lib/prometheus.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '..');
const SHARED_BENCH = resolve(repoRoot, '../shared/bench');
const RESULTS = join(here, 'results', 'promql.json');
const RANGE_STEPS_S = [15, 60];

const USAGE = `Usage: bench:promql [--instances N] [--hours H] [--runs N] [--no-prometheus]
  --instances N     dataset instances (200 series each; default 10 = the reference dataset)
  --hours H         dataset length (default 6)
  --runs N          timed runs per query, median reported (default 5, at least 5 for published figures)
  --no-prometheus   skip the side-by-side run even if prometheus and promtool are installed`;

interface BenchArgs {
  instances?: string;
  hours?: string;
  runs: number;
  prometheus: boolean;
}

function parseArgs(argv: string[]): BenchArgs {
  const out: BenchArgs = { runs: 5, prometheus: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--instances') out.instances = argv[++i];
    else if (a === '--hours') out.hours = argv[++i];
    else if (a === '--runs') out.runs = Math.max(1, Number(argv[++i]));
    else if (a === '--no-prometheus') out.prometheus = false;
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
  bytes: number;
  [k: string]: unknown;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Runs `f` once to warm up, then `runs` times; returns the median time and the last value. */
async function timeIt<T>(runs: number, f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  let value = await f();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = await f();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), value };
}

interface Row {
  id: string;
  query: string;
  step: number | null;
  sightline_ms: number;
  prometheus_ms: number | null;
  ratio: number | null;
  agree: boolean | null;
  /** Points not compared because a sample sits exactly on their window's left edge (2.x vs 3.x semantics). */
  window_edge_points_skipped?: number;
  /** First difference when the results disagree. */
  difference?: string;
}

/** Window lengths (ms) a query looks back over: its range selectors and subqueries, and the 5 m lookback. */
function windowsOf(expr: string): number[] {
  const out = [5 * 60_000];
  for (const m of expr.matchAll(/\[(\d+(?:ms|[smhdwy]))(?::[^\]]*)?\]/g)) out.push(parseDuration(m[1]));
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // Recorded with the results: on a shared machine the figures mean little without it.
  const machine = { cpus: cpus().length, loadavg_at_start: loadavg().map((x) => round(x)) };
  const work = mkdtempSync(join(tmpdir(), 'sightline-bench-promql-'));
  let prom: RunningPrometheus | undefined;
  const cleanup = async () => {
    await prom?.stop();
    prom = undefined;
    rmSync(work, { recursive: true, force: true });
  };
  const onSignal = () => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // 1. The reference dataset (jittered so Prometheus 2.x's left-closed windows and 3.x's open ones agree).
    const data = join(work, 'data.om');
    const manifestFile = join(work, 'manifest.json');
    const gen = ['--jitter-ms', '400', '--out', data, '--manifest', manifestFile];
    if (args.instances) gen.push('--instances', args.instances);
    if (args.hours) gen.push('--hours', args.hours);
    const g = spawnSync(process.execPath, [join(SHARED_BENCH, 'gen-dataset.mjs'), ...gen], { encoding: 'utf8' });
    if (g.status !== 0) throw new Error(`gen-dataset.mjs failed: ${g.stderr}`);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as Manifest;
    console.log(`dataset: ${manifest.series} series, ${manifest.samples} samples, ${(manifest.bytes / 1e6).toFixed(0)} MB`);

    // 2. Load it, timed apart from the queries.
    const store = new MemoryStore();
    // Whole-second sample times: where a sample sits exactly on a window's left edge, Prometheus 2.x (closed
    // window) and 3.x semantics (open) legitimately differ, so those points are left out of the comparison.
    const wholeSeconds = new Set<number>();
    const sink: SampleSink = {
      seriesRef: (labels) => store.seriesRef(labels),
      appendRef: (ref, t, v) => {
        if (t % 1000 === 0) wholeSeconds.add(t);
        store.appendRef(ref, t, v);
      },
    };
    const t0 = performance.now();
    const loader = new TextLoader(sink);
    for await (const chunk of createReadStream(data, { encoding: 'utf8', highWaterMark: 1 << 20 })) loader.push(chunk as string);
    const stats = loader.end();
    const loadMs = performance.now() - t0;
    console.log(`sightline load: ${loadMs.toFixed(0)} ms (${stats.samples} samples, ${stats.series} series)`);

    // 3. The side-by-side Prometheus, when installed.
    let promtoolMs: number | null = null;
    let promVersion: string | null = null;
    const promBin = args.prometheus ? which('prometheus') : null;
    const promtool = args.prometheus ? which('promtool') : null;
    if (promBin && promtool) {
      const tsdb = join(work, 'tsdb');
      mkdirSync(tsdb);
      promtoolMs = backfill(promtool, data, tsdb);
      console.log(`promtool backfill: ${promtoolMs.toFixed(0)} ms`);
      prom = await startPrometheus(promBin, tsdb, work);
      promVersion = prom.version;
      console.log(`prometheus: ${prom.version} at ${prom.baseUrl}`);
    } else if (args.prometheus) console.log('prometheus/promtool not installed: Sightline figures only');
    rmSync(data, { force: true });

    const engine = createEngine();
    const rows: Row[] = [];
    for (const q of readQueries()) {
      for (const stepS of q.kind === 'range' ? RANGE_STEPS_S : [null]) {
        const run = async (): Promise<string> => {
          let res: QueryResult;
          try {
            res =
              stepS === null
                ? await engine.instantQuery(store, q.expr, manifest.endMs)
                : await engine.rangeQuery(store, q.expr, manifest.startMs, manifest.endMs, stepS * 1000);
          } catch (e) {
            if (e instanceof QueryError) return formatQueryError(e.errorType, e.message);
            throw e;
          }
          return formatQueryResult(res);
        };
        const ours = await timeIt(args.runs, run);
        const row: Row = {
          id: q.id,
          query: q.expr,
          step: stepS,
          sightline_ms: round(ours.ms),
          prometheus_ms: null,
          ratio: null,
          agree: null,
        };
        if (prom) {
          const params = new URLSearchParams({ query: q.expr });
          if (stepS === null) params.set('time', String(manifest.endMs / 1000));
          else {
            params.set('start', String(manifest.startMs / 1000));
            params.set('end', String(manifest.endMs / 1000));
            params.set('step', String(stepS));
          }
          const url = `${prom.baseUrl}/api/v1/${stepS === null ? 'query' : 'query_range'}?${params}`;
          const theirs = await timeIt(args.runs, async () => (await fetch(url)).text());
          const ranges = windowsOf(q.expr);
          const edge = (tSeconds: number) => ranges.some((r) => wholeSeconds.has(Math.round(tSeconds * 1000) - r));
          const agreement = compareApiBodies(ours.value, theirs.value, { rel: 1e-9, skip: edge });
          row.prometheus_ms = round(theirs.ms);
          row.ratio = round(ours.ms / theirs.ms);
          row.agree = agreement.difference === null;
          if (agreement.skipped > 0) row.window_edge_points_skipped = agreement.skipped;
          if (agreement.difference !== null) row.difference = agreement.difference;
        }
        rows.push(row);
        console.log(
          `${q.id.padEnd(18)} ${(stepS === null ? 'instant' : stepS + 's').padEnd(8)} ${row.sightline_ms.toFixed(1).padStart(9)} ms` +
            (row.prometheus_ms === null
              ? ''
              : `  prometheus ${row.prometheus_ms.toFixed(1).padStart(8)} ms  ratio ${row.ratio!.toFixed(2).padStart(6)}  ${row.agree ? 'agree' : 'DIFFER: ' + row.difference}`),
        );
      }
    }
    await prom?.stop();
    prom = undefined;

    printTable(rows);
    const result = {
      dataset: {
        ...manifest,
        sightline_load_ms: round(loadMs),
        promtool_backfill_ms: promtoolMs === null ? null : round(promtoolMs),
        prometheus_version: promVersion,
        runs_per_query: args.runs,
        node: process.version,
        machine,
      },
      queries: rows,
    };
    mkdirSync(dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, JSON.stringify(result, null, 2) + '\n');
    console.log(`wrote ${RESULTS}`);
  } finally {
    await cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

function printTable(rows: Row[]): void {
  const header = ['query', 'step', 'sightline ms', 'prometheus ms', 'ratio', 'agree', 'edge pts skipped'];
  const body = rows.map((r) => [
    r.id,
    r.step === null ? 'instant' : `${r.step}s`,
    r.sightline_ms.toFixed(1),
    r.prometheus_ms === null ? '-' : r.prometheus_ms.toFixed(1),
    r.ratio === null ? '-' : r.ratio.toFixed(2),
    r.agree === null ? '-' : r.agree ? 'yes' : 'NO',
    String(r.window_edge_points_skipped ?? 0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log('\n' + line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
}

await main();
