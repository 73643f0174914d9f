// Answers the Graph page's queries: PromQL range queries through the shared engine, or raw samples of a selector.
import type { Engine } from '../../../shared/promql/engine/index.ts';
import { PROMETHEUS_DEFAULT_FEATURES, parse } from '../../../shared/promql/parser.ts';
import { ParseError } from '../../../shared/promql/parse-error.ts';
import type { Cancellation, Queryable } from '../../../shared/promql/queryable.ts';
import { QueryError, type QueryResult } from '../../../shared/promql/result.ts';
import type { LabelMatcher } from '../../../shared/promql/ast.ts';
import type { Labels } from '../../../shared/model/labels.ts';
import type { MetricMetadata } from '../../../shared/stream/protocol.ts';
import { familyMetadata } from '../lib/metadata.ts';
import type { ExplainCount, InstantReply, InstantRequest, MetricSummary, QueryReply, QueryRequest, SeriesColumns, StorageReport } from './protocol.ts';

/** A query the user must fix; `position` is the offending character range in the expression when known. */
export class QueryProblem extends Error {
  constructor(
    message: string,
    readonly position?: { start: number; end: number },
  ) {
    super(message);
    this.name = 'QueryProblem';
  }
}

/** Raised when the engine reports the query was canceled. */
export class QueryCanceled extends Error {}

/**
 * Runs a Graph query over a store. By default the expression is evaluated as a PromQL range query at `step`
 * (as Prometheus's graph does); with `raw` a plain series selector returns its stored samples in [start, end].
 */
export async function runQuery(store: Queryable, engine: Engine, req: QueryRequest, cancel?: Cancellation): Promise<QueryReply> {
  let expr;
  try {
    expr = parse(req.expr, PROMETHEUS_DEFAULT_FEATURES);
  } catch (e) {
    if (e instanceof ParseError) throw new QueryProblem(e.toString(), e.positionRange);
    throw e;
  }
  if (req.raw) {
    if (expr.type !== 'VectorSelector' || expr.offset !== 0 || expr.offsetExpr || expr.at !== null || expr.atStart) {
      throw new QueryProblem('raw samples can only be shown for a plain series selector such as up{job="gateway"}', expr.pos);
    }
    const series = await store.select(expr.matchers, { start: req.start, end: req.end }, cancel);
    return { mode: 'raw', step: 0, series: series.map((s) => ({ labels: s.labels, t: Float64Array.from(s.t), v: copyValues(s.v) })), warnings: [] };
  }
  let result: QueryResult;
  try {
    result = await engine.evaluate(store, { expr, query: req.expr, start: req.start, end: req.end, step: req.step }, { cancel });
  } catch (e) {
    if (e instanceof QueryError) {
      if (e.errorType === 'canceled') throw new QueryCanceled(e.message);
      if (e.errorType === 'bad_data' || e.errorType === 'execution' || e.errorType === 'timeout') throw new QueryProblem(e.message, e.position);
    }
    throw e;
  }
  return { mode: 'promql', step: req.step, series: toColumns(result), warnings: [...result.annotations.warnings, ...result.annotations.infos] };
}

/** Any query result as columnar series (a scalar becomes one series without labels). */
export function toColumns(result: QueryResult): SeriesColumns[] {
  switch (result.resultType) {
    case 'matrix':
      return result.result.map((s) => {
        const t = new Float64Array(s.points.length);
        const v = new Float64Array(s.points.length);
        s.points.forEach((p, i) => {
          t[i] = p.t;
          v[i] = p.v;
        });
        return { labels: s.labels, t, v };
      });
    case 'vector':
      return result.result.map((e) => ({ labels: e.labels, t: Float64Array.of(e.t), v: Float64Array.of(e.v) }));
    case 'scalar':
      return [{ labels: {}, t: Float64Array.of(result.result.t), v: Float64Array.of(result.result.v) }];
    case 'string':
      return [];
  }
}

/** Parses an expression, turning a syntax error into the user's problem with its position. */
function parseExpr(text: string) {
  try {
    return parse(text, PROMETHEUS_DEFAULT_FEATURES);
  } catch (e) {
    if (e instanceof ParseError) throw new QueryProblem(e.toString(), e.positionRange);
    throw e;
  }
}

/** Runs the engine, mapping its errors onto the worker's kinds (user problem, canceled, bug). */
async function evaluateAt(store: Queryable, engine: Engine, text: string, time: number, cancel?: Cancellation): Promise<QueryResult> {
  const expr = parseExpr(text);
  try {
    return await engine.evaluate(store, { expr, query: text, start: time, end: time, step: 0 }, { cancel });
  } catch (e) {
    if (e instanceof QueryError) {
      if (e.errorType === 'canceled') throw new QueryCanceled(e.message);
      if (e.errorType === 'bad_data' || e.errorType === 'execution' || e.errorType === 'timeout') throw new QueryProblem(e.message, e.position);
    }
    throw e;
  }
}

/** Evaluates an expression at one instant, as Prometheus's /api/v1/query does (Explore's table). */
export async function runInstant(store: Queryable, engine: Engine, req: InstantRequest, cancel?: Cancellation): Promise<InstantReply> {
  const result = await evaluateAt(store, engine, req.expr, req.time, cancel);
  const warnings = [...result.annotations.warnings, ...result.annotations.infos];
  if (result.resultType === 'string') return { resultType: 'string', series: [], text: result.result.v, warnings };
  return { resultType: result.resultType, series: toColumns(result), warnings };
}

/** How many label names an Explain node lists. */
const EXPLAIN_LABELS = 12;

/** Evaluates each expression at `time` and counts series, samples and label values (Explore's Explain tree). */
export async function explainCounts(store: Queryable, engine: Engine, exprs: readonly string[], time: number, cancel?: Cancellation): Promise<ExplainCount[]> {
  const out: ExplainCount[] = [];
  for (const text of exprs) {
    if (cancel?.aborted) throw new QueryCanceled('canceled');
    const started = performance.now();
    try {
      const r = await evaluateAt(store, engine, text, time, cancel);
      const series = r.resultType === 'vector' || r.resultType === 'matrix' ? r.result.map((x) => x.labels) : [];
      const samples = r.resultType === 'matrix' ? r.result.reduce((n, s) => n + s.points.length, 0) : r.resultType === 'vector' ? r.result.length : 1;
      out.push({
        resultType: r.resultType,
        series: r.resultType === 'vector' || r.resultType === 'matrix' ? r.result.length : 1,
        samples,
        labels: labelCardinalities(series).slice(0, EXPLAIN_LABELS),
        ms: performance.now() - started,
      });
    } catch (e) {
      if (e instanceof QueryCanceled) throw e;
      out.push({ resultType: null, series: 0, samples: 0, labels: [], ms: performance.now() - started, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}

/** Label names over a set of series with their numbers of distinct values, most varied first, then by name. */
export function labelCardinalities(series: readonly Labels[]): Array<[string, number]> {
  const values = new Map<string, Set<string>>();
  for (const l of series) {
    for (const [k, v] of Object.entries(l)) {
      let set = values.get(k);
      if (!set) values.set(k, (set = new Set()));
      set.add(v);
    }
  }
  return [...values].map(([k, set]): [string, number] => [k, set.size]).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/** What the studio reads from a store beyond the SampleStore port, when the store has it (the TSDB does). */
export interface StoreExtras {
  labelNames?(matchers: readonly LabelMatcher[], start: number, end: number): Promise<string[]>;
  labelValues?(name: string, matchers: readonly LabelMatcher[], start: number, end: number): Promise<string[]>;
  metadata?(): Promise<Record<string, MetricMetadata[]>>;
  status?(): { state: string; message: string | null; storedBytes: number; persisted: boolean | null };
  readonly retention?: { timeMs: number; maxBytes: number };
  setRetention?(policy: { timeMs: number; maxBytes: number }): void | Promise<void>;
}

/** The part of SampleStore these helpers use. */
export interface ListingStore extends StoreExtras {
  seriesList(matchers: readonly LabelMatcher[]): Promise<Labels[]>;
}

/** Label names of the matching series: the store's own index when it has one, else gathered from the series list. */
export async function labelNamesOf(store: ListingStore, matchers: readonly LabelMatcher[]): Promise<string[]> {
  if (store.labelNames) return store.labelNames(matchers, -Infinity, Infinity);
  const names = new Set<string>();
  for (const l of await store.seriesList(matchers)) for (const k of Object.keys(l)) names.add(k);
  return [...names].sort();
}

/** Every metric name with its series count and, when the store keeps it, its family's HELP/TYPE/UNIT. */
export async function metricSummaries(store: ListingStore): Promise<MetricSummary[]> {
  const counts = new Map<string, number>();
  for (const l of await store.seriesList([])) {
    const name = l.__name__;
    if (name !== undefined) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const meta = store.metadata ? await store.metadata() : {};
  return [...counts]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, series]) => {
      const m = familyMetadata(name, meta);
      return m ? { name, series, type: m.type, help: m.help, unit: m.unit } : { name, series };
    });
}

/** The store's storage figures, null where it exposes none. */
export function storageReport(store: StoreExtras): StorageReport {
  const st = store.status?.();
  return {
    storedBytes: st?.storedBytes ?? null,
    retention: store.retention ? { timeMs: store.retention.timeMs, maxBytes: store.retention.maxBytes } : null,
    state: st?.state ?? null,
    message: st?.message ?? null,
    persisted: st?.persisted ?? null,
    hasMetadata: typeof store.metadata === 'function',
  };
}

/** Copies values into a fresh Float64Array without passing through a plain array (which would drop NaN payloads). */
function copyValues(v: ArrayLike<number>): Float64Array {
  if (v instanceof Float64Array) return v.slice();
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i];
  return out;
}
