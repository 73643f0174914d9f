// The PromQL engine: parse, plan, fetch (async), evaluate (sync), then shape the result as the HTTP API returns it.
import type { Expr } from '../ast.ts';
import { documentedType, valueTypeOf } from '../ast.ts';
import { ParseError } from '../parse-error.ts';
import { parse } from '../parser.ts';
import type { Queryable } from '../queryable.ts';
import {
  QueryError,
  type MatrixSeries,
  type Point,
  type QueryEngine,
  type QueryOptions,
  type QueryResult,
  type VectorElement,
} from '../result.ts';
import { DurationError } from '../durations.ts';
import { Evaluator } from './evaluator.ts';
import { fetchAll } from './fetch.ts';
import { dropMetadata } from './labelutil.ts';
import { mergeSameLabels } from './labelfns.ts';
import { compilePlan, type Plan } from './plan.ts';
import { makeSteps, type Series, type Value } from './values.ts';

/** Engine-wide settings; per-query QueryOptions override the first two. */
export interface EngineOptions {
  /** Lookback delta in ms (default 5 m). */
  lookbackDelta?: number;
  /** Samples limit (default 50 million, as Prometheus's --query.max-samples). */
  maxSamples?: number;
  /** Step of subqueries written without one, e.g. `[1h:]` (Prometheus: the global evaluation interval, default 1 m). */
  subqueryStep?: number;
  /** Clock for deadlines (default Date.now). */
  now?: () => number;
}

/** Per-query options beyond the shared QueryOptions. */
export interface EvaluateOptions extends QueryOptions {
  /** Overrides the engine's default subquery step for this query. */
  subqueryStep?: number;
}

/** A query to evaluate: an already parsed expression, with its text when known (for annotation positions). */
export interface EvaluateRequest {
  expr: Expr;
  query?: string;
  start: number;
  end: number;
  /** 0 for an instant query. */
  step: number;
}

/** The engine with its lower-level entry point for already parsed queries. */
export interface Engine extends QueryEngine {
  instantQuery(store: Queryable, query: string | Expr, timeMs: number, opts?: EvaluateOptions): Promise<QueryResult>;
  rangeQuery(
    store: Queryable,
    query: string | Expr,
    startMs: number,
    endMs: number,
    stepMs: number,
    opts?: EvaluateOptions,
  ): Promise<QueryResult>;
  /** Evaluates a parsed expression over [start, end] (`step` 0 = instant). */
  evaluate(store: Queryable, req: EvaluateRequest, opts?: EvaluateOptions): Promise<QueryResult>;
}

const DEFAULT_LOOKBACK = 5 * 60_000;
const DEFAULT_MAX_SAMPLES = 50_000_000;
const DEFAULT_SUBQUERY_STEP = 60_000;

function parseQuery(query: string): Expr {
  try {
    return parse(query);
  } catch (e) {
    if (e instanceof ParseError) throw new QueryError('bad_data', e.toString(), e.positionRange);
    throw e;
  }
}

/** Creates a PromQL engine (Prometheus 3.x semantics, delayed `__name__` removal, experimental features on). */
export function createEngine(engineOpts: EngineOptions = {}): Engine {
  const now = engineOpts.now ?? (() => Date.now());

  async function evaluate(store: Queryable, req: EvaluateRequest, opts: EvaluateOptions = {}): Promise<QueryResult> {
    const { expr, start, end, step } = req;
    const lookback = opts.lookbackDelta && opts.lookbackDelta > 0 ? opts.lookbackDelta : (engineOpts.lookbackDelta ?? DEFAULT_LOOKBACK);
    const maxSamples = opts.maxSamples ?? engineOpts.maxSamples ?? DEFAULT_MAX_SAMPLES;
    const subqueryStep = opts.subqueryStep ?? engineOpts.subqueryStep ?? DEFAULT_SUBQUERY_STEP;
    const isRange = step > 0;
    if (isRange) {
      const t = valueTypeOf(expr);
      if (t !== 'vector' && t !== 'scalar') {
        throw new QueryError('bad_data', `invalid expression type "${documentedType(t)}" for range query, must be Scalar or instant Vector`);
      }
      if (end < start) throw new QueryError('bad_data', 'end timestamp must not be before start time');
      // Prometheus's API limit; it also keeps per-step columns to a sane size.
      if (Math.floor((end - start) / step) > 11_000) {
        throw new QueryError(
          'bad_data',
          'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
        );
      }
    }
    let plan: Plan;
    try {
      plan = compilePlan(expr, { start, end, step });
    } catch (e) {
      if (e instanceof DurationError) throw new QueryError('bad_data', e.message, { start: e.pos, end: e.pos });
      throw e;
    }
    if (opts.cancel?.aborted) throw new QueryError('canceled', 'query was canceled in query preparation');
    const infoData = await fetchAll(plan, start, end, store, { lookback, subqueryStep, step }, opts.cancel);
    const ev = new Evaluator(
      { lookback, maxSamples, deadline: opts.deadline, cancel: opts.cancel, subqueryStep, now },
      infoData,
      { start, end, step, range: isRange },
    );
    ev.checkNow();
    const st = makeSteps(start, end, isRange ? step : 1);
    const value = ev.eval(plan, st);
    ev.checkNow();
    const annotations = ev.annotations.render(req.query);
    return { ...shape(value, start, st.step, isRange), annotations } as QueryResult;
  }

  return {
    evaluate,
    instantQuery(store, query, timeMs, opts) {
      return run(store, query, timeMs, timeMs, 0, opts);
    },
    rangeQuery(store, query, startMs, endMs, stepMs, opts) {
      if (!(stepMs > 0)) {
        return Promise.reject(
          new QueryError('bad_data', 'zero or negative query resolution step widths are not accepted. Try a positive integer'),
        );
      }
      return run(store, query, startMs, endMs, stepMs, opts);
    },
  };

  async function run(
    store: Queryable,
    query: string | Expr,
    start: number,
    end: number,
    step: number,
    opts: EvaluateOptions | undefined,
  ): Promise<QueryResult> {
    const expr = typeof query === 'string' ? parseQuery(query) : query;
    return evaluate(store, { expr, query: typeof query === 'string' ? query : undefined, start, end, step }, opts);
  }
}

/** Drops the metric name (and type/unit) where delayed removal asked for it; same-labelled series must not overlap. */
function finalSeries(series: readonly Series[]): Series[] {
  return mergeSameLabels(series.map((s) => ({ labels: s.dropName ? dropMetadata(s.labels) : s.labels, v: s.v, p: s.p, dropName: false })));
}

const COLUMNS = '__columns';

/** The sample times and values of a matrix series from this engine, without building Point objects. */
export function pointColumns(s: MatrixSeries): { t: Float64Array; v: Float64Array } | undefined {
  return (s as unknown as Record<string, { t: Float64Array; v: Float64Array } | undefined>)[COLUMNS];
}

/**
 * A matrix series stored as two columns. `points` is an own, enumerable property (so JSON and structured clone
 * see it) that builds its Point objects on first read: a large range query's result is mostly points, and
 * serializers that use pointColumns() never need them.
 */
function columnarSeries(labels: MatrixSeries['labels'], t: Float64Array, v: Float64Array): MatrixSeries {
  let cache: Point[] | null = null;
  const s = { labels } as MatrixSeries;
  Object.defineProperty(s, 'points', {
    enumerable: true,
    configurable: true,
    get(): Point[] {
      if (cache === null) {
        cache = new Array<Point>(t.length);
        for (let i = 0; i < t.length; i++) cache[i] = { t: t[i], v: v[i] };
      }
      return cache;
    },
    set(points: Point[]) {
      cache = points;
      // The columns no longer describe the series.
      (s as unknown as Record<string, unknown>)[COLUMNS] = undefined;
    },
  });
  Object.defineProperty(s, COLUMNS, { value: { t, v }, enumerable: false, writable: true });
  return s;
}

/** Orders series like Prometheus's labels.Compare, comparing one precomputed key per series. */
function sortByLabels(result: MatrixSeries[]): MatrixSeries[] {
  // NUL-separated `name value` pairs in name order compare exactly as labels.Compare does.
  const keyed = result.map((s) => {
    let key = '';
    for (const n of Object.keys(s.labels).sort()) key += n + '\x00' + s.labels[n] + '\x00';
    return { key, s };
  });
  keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.s);
}

/** Converts the evaluator's value to the API result shape. */
function shape(value: Value, start: number, step: number, isRange: boolean): Omit<QueryResult, 'annotations'> {
  switch (value.type) {
    case 'string':
      return { resultType: 'string', result: { t: start, v: value.s } };
    case 'scalar':
      if (!isRange) return { resultType: 'scalar', result: { t: start, v: value.v[0] } };
      return {
        resultType: 'matrix',
        result: [{ labels: {}, points: Array.from(value.v, (v, i): Point => ({ t: start + i * step, v })) }],
      };
    case 'matrix':
      return {
        resultType: 'matrix',
        result: value.series.map((s) => columnarSeries(s.labels, Float64Array.from(s.t), Float64Array.from(s.v))),
      };
    case 'vector': {
      const series = finalSeries(value.series);
      if (!isRange) {
        const result: VectorElement[] = [];
        for (const s of series) if (s.p[0]) result.push({ labels: s.labels, t: start, v: s.v[0] });
        return { resultType: 'vector', result };
      }
      // One buffer for all columns: thousands of small ArrayBuffers cost more than the copying.
      const counts = series.map((s) => {
        let c = 0;
        for (let i = 0; i < s.p.length; i++) c += s.p[i];
        return c;
      });
      const total = counts.reduce((a, b) => a + b, 0);
      const tAll = new Float64Array(total);
      const vAll = new Float64Array(total);
      const result: MatrixSeries[] = [];
      let off = 0;
      series.forEach((s, k) => {
        const count = counts[k];
        if (count === 0) return;
        const t = tAll.subarray(off, off + count);
        const v = vAll.subarray(off, off + count);
        off += count;
        let j = 0;
        for (let i = 0; i < s.p.length; i++) {
          if (!s.p[i]) continue;
          t[j] = start + i * step;
          v[j] = s.v[i];
          j++;
        }
        result.push(columnarSeries(s.labels, t, v));
      });
      return { resultType: 'matrix', result: sortByLabels(result) };
    }
  }
}
