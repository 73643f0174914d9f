// Answers the Graph page's queries: PromQL range queries through the shared engine, or raw samples of a selector.
import type { Engine } from '../../../shared/promql/engine/index.ts';
import { PROMETHEUS_DEFAULT_FEATURES, parse } from '../../../shared/promql/parser.ts';
import { ParseError } from '../../../shared/promql/parse-error.ts';
import type { Cancellation, Queryable } from '../../../shared/promql/queryable.ts';
import { QueryError, type QueryResult } from '../../../shared/promql/result.ts';
import type { QueryReply, QueryRequest, SeriesColumns } from './protocol.ts';

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

/** Copies values into a fresh Float64Array without passing through a plain array (which would drop NaN payloads). */
function copyValues(v: ArrayLike<number>): Float64Array {
  if (v instanceof Float64Array) return v.slice();
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i];
  return out;
}
