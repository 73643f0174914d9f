// The dashboard variable resolver over the studio worker: label values, names, series and instant queries on the local store.
import type { Labels } from '../../../shared/model/labels.ts';
import type { LabelMatcher } from '../../../shared/promql/ast.ts';
import { parse } from '../../../shared/promql/parser.ts';
import type { QueryValue } from '../../../shared/promql/result.ts';
import type { VariableResolver } from '../../../shared/dashboards/variables.ts';
import type { WorkerClient } from '../worker/client.ts';
import type { InstantReply } from '../worker/protocol.ts';

/** The matchers of a plain series selector (`up{job="x"}`); a user error otherwise. */
export function selectorMatchers(selector: string): LabelMatcher[] {
  const expr = parse(selector);
  if (expr.type !== 'VectorSelector') throw new Error(`not a series selector: ${selector}`);
  return expr.matchers;
}

/** An instant reply in the engine's QueryValue shape, as variable queries (query_result) expect it. */
export function toQueryValue(r: InstantReply, timeMs: number): QueryValue {
  if (r.resultType === 'string') return { resultType: 'string', result: { t: timeMs, v: r.text ?? '' } };
  if (r.resultType === 'scalar') return { resultType: 'scalar', result: { t: timeMs, v: r.series[0]?.v[0] ?? NaN } };
  if (r.resultType === 'matrix') return { resultType: 'matrix', result: r.series.map((s) => ({ labels: s.labels, points: Array.from(s.t, (t, i) => ({ t, v: s.v[i] })) })) };
  return { resultType: 'vector', result: r.series.map((s) => ({ labels: s.labels, t: s.t[0] ?? timeMs, v: s.v[0] ?? NaN })) };
}

/** Resolves query variables against the worker's store (the time window is not used: the store keeps what it has). */
export function workerResolver(client: WorkerClient): VariableResolver {
  return {
    labelValues: (metric, label) => client.request('labelValues', { name: label, matchers: metric ? selectorMatchers(metric) : [] }),
    labelNames: (match) => client.request('labelNames', { matchers: match ? selectorMatchers(match) : [] }),
    seriesMatch: (selector): Promise<Labels[]> => client.request('series', { matchers: selectorMatchers(selector) }),
    instantQuery: async (expr, timeMs) => toQueryValue(await client.request('instant', { expr, time: timeMs }), timeMs),
  };
}
