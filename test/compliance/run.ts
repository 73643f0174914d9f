// Runs the compliance tester's queries against a real Prometheus and the Sightline engine over the same demo data, and compares.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compareApiBodies } from '../../bench/lib/agree.ts';
import { backfill, startPrometheus, which, type RunningPrometheus } from '../../bench/lib/prometheus.ts';
import { createEngine } from '../../shared/promql/engine/index.ts';
import { formatQueryError, formatQueryResult } from '../../shared/promql/format.ts';
import { TextLoader } from '../../shared/promql/loader.ts';
import { MemoryStore } from '../../shared/promql/memstore.ts';
import { QueryError, type QueryResult } from '../../shared/promql/result.ts';
import { isStaleMarker } from '../../shared/model/stale.ts';
import { DEFAULT_START_MS, demoOpenMetrics, generateDemoSeries, splitSeries } from './demo-data.ts';
import { remoteWrite } from './remote-write.ts';
import { expectedDifference } from './expected-differences.ts';
import { readComplianceCases, type ComplianceCase } from './queries.ts';

const here = dirname(fileURLToPath(import.meta.url));
export const QUERY_FILE = resolve(here, '../../../shared/conformance/compliance-queries.yml');
export const THRESHOLD_FILE = join(here, 'threshold.json');

/** Relative value tolerance: the compliance tester's default (cmpopts.EquateApprox fraction 0.00001). */
export const VALUE_TOLERANCE = 1e-5;
/** Minutes at the end of the data written to Prometheus's head by remote write (the rest is backfilled blocks). */
const HEAD_MINUTES = 45;

export interface ComplianceOptions {
  /** Length of the generated data (default 2 h). */
  hours?: number;
  /** Range query span (default 30 m), ending 2 minutes before the data ends, like the tester's "now - 2m". */
  rangeMinutes?: number;
  /** Range query step (default 20 s). */
  stepSeconds?: number;
  /** Also run every query as an instant query at the range's end (default true). */
  instant?: boolean;
  /** Whole-second scrape times (default false; see DemoOptions.aligned). */
  aligned?: boolean;
  /** Seed of the generated data (default 1). */
  seed?: number;
  /** Only queries matching this. */
  filter?: RegExp;
  /** The query list (default the shared compliance-queries.yml). */
  queryFile?: string;
  /** Progress lines. */
  log?: (line: string) => void;
}

export interface CaseOutcome {
  query: string;
  kind: 'range' | 'instant';
  status: 'pass' | 'fail' | 'expected';
  /** Why it failed, or how it differs when the difference is expected. */
  detail?: string;
  /** The documented reason for an expected difference. */
  reason?: string;
  /** Points (samples over all series, or 1 for a scalar) in Prometheus's answer: 0 means the query compared nothing. */
  points: number;
}

export interface ComplianceReport {
  prometheusVersion: string;
  outcomes: CaseOutcome[];
  passed: number;
  failed: number;
  expected: number;
}

export interface Threshold {
  /** The run fails when more queries than this fail (default settings). */
  maxFailed: number;
  /** The integration test requires at least this many passes (default settings). */
  minPassed: number;
}

export function readThreshold(): Threshold {
  const raw = JSON.parse(readFileSync(THRESHOLD_FILE, 'utf8')) as Partial<Threshold>;
  return { maxFailed: raw.maxFailed ?? 0, minPassed: raw.minPassed ?? 0 };
}

/** Number of points in a successful API response body. */
export function pointsIn(body: string): number {
  const b = JSON.parse(body) as { status: string; data?: { resultType: string; result: unknown } };
  if (b.status !== 'success' || !b.data) return 0;
  if (b.data.resultType === 'scalar' || b.data.resultType === 'string') return 1;
  let n = 0;
  for (const s of b.data.result as Array<{ value?: unknown; values?: unknown[] }>) n += s.values ? s.values.length : s.value ? 1 : 0;
  return n;
}

function errorText(body: string): string {
  const b = JSON.parse(body) as { status: string; error?: string };
  return b.status === 'error' ? (b.error ?? 'error') : '';
}

/** The difference between two response bodies for one case (null when they agree), honouring should_fail. */
export function differenceOf(c: ComplianceCase, ours: string, theirs: string, rel = VALUE_TOLERANCE): string | null {
  const ourErr = errorText(ours);
  const theirErr = errorText(theirs);
  if (c.shouldFail) {
    if (ourErr && theirErr) return null;
    return `should fail: Sightline ${ourErr ? 'failed' : 'succeeded'}, Prometheus ${theirErr ? 'failed' : 'succeeded'}`;
  }
  if (theirErr && !ourErr) return `Prometheus failed (${theirErr}), Sightline succeeded`;
  if (ourErr && !theirErr) return `Sightline failed: ${ourErr}`;
  if (ourErr || c.skipComparison) return null;
  return compareApiBodies(ours, theirs, { rel }).difference;
}

/**
 * Judges one case. A difference is expected only when a documented 2.x-vs-3.x difference matches the query and,
 * if that entry has a 2.x rewrite, Sightline's answer to the rewrite (from `rerun`) agrees with Prometheus.
 */
export async function judge(
  c: ComplianceCase,
  kind: 'range' | 'instant',
  ours: string,
  theirs: string,
  rerun: (query: string) => Promise<string>,
  aligned = false,
): Promise<CaseOutcome> {
  const base = { query: c.query, kind, points: pointsIn(theirs) };
  const detail = differenceOf(c, ours, theirs);
  if (detail === null) return { ...base, status: 'pass' };
  const expected = expectedDifference(c.query, aligned);
  if (!expected) return { ...base, status: 'fail', detail };
  if (expected.as2x) {
    const rewritten = expected.as2x(c.query);
    const still = differenceOf(c, await rerun(rewritten), theirs, expected.as2xTolerance);
    if (still !== null) return { ...base, status: 'fail', detail: `${detail}; still differs under 2.x semantics (${rewritten}): ${still}` };
  }
  return { ...base, status: 'expected', detail, reason: expected.reason };
}

/** Generates the data, starts Prometheus over it, runs every case both ways and returns the outcomes. */
export async function runCompliance(opts: ComplianceOptions = {}): Promise<ComplianceReport> {
  const log = opts.log ?? (() => {});
  const hours = opts.hours ?? 2;
  const stepMs = (opts.stepSeconds ?? 20) * 1000;
  const promBin = which('prometheus');
  const promtool = which('promtool');
  if (!promBin || !promtool) throw new Error('prometheus and promtool must be on PATH');

  let cases = readComplianceCases(readFileSync(opts.queryFile ?? QUERY_FILE, 'utf8'));
  if (opts.filter) cases = cases.filter((c) => opts.filter!.test(c.query));

  const work = mkdtempSync(join(tmpdir(), 'sightline-compliance-'));
  let prom: RunningPrometheus | undefined;
  try {
    // The older part goes in as blocks (promtool); the last 45 minutes (the query range and its lookback) through
    // remote write into the head, because only that path carries the stale markers of demo_intermittent_metric.
    const series = generateDemoSeries({ hours, seed: opts.seed, aligned: opts.aligned });
    const dataEndMs = DEFAULT_START_MS + hours * 3600_000;
    const { before, after } = splitSeries(series, dataEndMs - HEAD_MINUTES * 60_000);
    const dataFile = join(work, 'demo.om');
    const store = new MemoryStore();
    const loader = new TextLoader(store);
    const chunks: string[] = [];
    for (const chunk of demoOpenMetrics(before)) {
      loader.push(chunk);
      chunks.push(chunk);
    }
    const stats = loader.end();
    writeFileSync(dataFile, chunks.join(''));
    let headSamples = 0;
    let staleMarkers = 0;
    for (const s of after) {
      const ref = store.seriesRef(s.labels);
      for (let i = 0; i < s.t.length; i++) {
        store.appendRef(ref, s.t[i], s.v[i]);
        headSamples++;
        if (isStaleMarker(s.v[i])) staleMarkers++;
      }
    }
    log(`demo data: ${store.seriesCount} series, ${stats.samples} samples as blocks, ${headSamples} (${staleMarkers} stale markers) by remote write`);

    const tsdb = join(work, 'tsdb');
    mkdirSync(tsdb);
    const backfillMs = backfill(promtool, dataFile, tsdb);
    rmSync(dataFile);
    prom = await startPrometheus(promBin, tsdb, work, ['--web.enable-remote-write-receiver']);
    await remoteWrite(prom.baseUrl, after);
    log(`${prom.version} at ${prom.baseUrl} (backfill ${(backfillMs / 1000).toFixed(1)} s)`);

    // Whole-second times, like the tester's; the end sits 2 minutes before the data ends.
    const endMs = Math.floor((dataEndMs - 120_000) / 1000) * 1000;
    const startMs = endMs - (opts.rangeMinutes ?? 30) * 60_000;
    const engine = createEngine();
    const ours = async (query: string, kind: 'range' | 'instant'): Promise<string> => {
      let res: QueryResult;
      try {
        res = kind === 'range' ? await engine.rangeQuery(store, query, startMs, endMs, stepMs) : await engine.instantQuery(store, query, endMs);
      } catch (e) {
        if (e instanceof QueryError) return formatQueryError(e.errorType, e.message);
        throw e;
      }
      return formatQueryResult(res);
    };
    const running = prom;
    const theirs = async (query: string, kind: 'range' | 'instant'): Promise<string> => {
      const params = new URLSearchParams({ query });
      if (kind === 'range') {
        params.set('start', String(startMs / 1000));
        params.set('end', String(endMs / 1000));
        params.set('step', String(stepMs / 1000));
      } else params.set('time', String(endMs / 1000));
      const r = await fetch(`${running.baseUrl}/api/v1/${kind === 'range' ? 'query_range' : 'query'}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: params.toString(),
      });
      return r.text();
    };

    const outcomes: CaseOutcome[] = [];
    const kinds: Array<'range' | 'instant'> = opts.instant === false ? ['range'] : ['range', 'instant'];
    for (const c of cases) {
      for (const kind of kinds) {
        const [a, b] = await Promise.all([ours(c.query, kind), theirs(c.query, kind)]);
        outcomes.push(await judge(c, kind, a, b, (q) => ours(q, kind), opts.aligned === true));
      }
    }
    const count = (s: CaseOutcome['status']) => outcomes.filter((o) => o.status === s).length;
    return { prometheusVersion: prom.version, outcomes, passed: count('pass'), failed: count('fail'), expected: count('expected') };
  } finally {
    await prom?.stop();
    rmSync(work, { recursive: true, force: true });
  }
}
