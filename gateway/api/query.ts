// Prometheus's query API over the head: query, query_range, series, labels, label values, metadata, exemplars, format/parse_query.
import { Hono, type Context } from 'hono';
import { compareLabels, sortedNames, type Labels } from '../../shared/model/labels.ts';
import type { LabelMatcher } from '../../shared/promql/ast.ts';
import { matchLabelValue, walkExpr, type Expr } from '../../shared/promql/ast.ts';
import type { Engine } from '../../shared/promql/engine/index.ts';
import { formatLabelsJson, formatQueryResult, formatSampleValue, formatTimestamp, jsonString } from '../../shared/promql/format.ts';
import { ParseError } from '../../shared/promql/parse-error.ts';
import { parse } from '../../shared/promql/parser.ts';
import { prettify } from '../../shared/promql/printer.ts';
import type { Queryable } from '../../shared/promql/queryable.ts';
import { QueryError, type QueryResult } from '../../shared/promql/result.ts';
import { REPORT_SERIES } from '../../shared/scrape/report.ts';
import type { MetricMetadata } from '../../shared/stream/protocol.ts';
import type { Clock } from '../runtime/ports.ts';
import type { ErrorType } from './envelope.ts';
import { statusFor } from './envelope.ts';
import { astJSON, goJSON } from './parse-query.ts';
import {
  BadParam,
  durationParam,
  labelNameParam,
  limitParam,
  matchersParam,
  MAX_TIME_MS,
  MIN_TIME_MS,
  parseDuration,
  parseTime,
  readForm,
  timeParam,
  type Form,
} from './params.ts';

/** What the query API reads: the engine's Queryable plus series listing, metadata and exemplars (the Head has all). */
export interface ApiStore extends Queryable {
  matching(matchers: readonly LabelMatcher[], start: number, end: number): Iterable<{ readonly labels: Labels; readonly key: string }>;
  familyMetadata(): ReadonlyMap<string, MetricMetadata>;
  exemplars(start: number, end: number): Iterable<{ series: { readonly labels: Labels }; labels: Labels; value: number; t: number }>;
}

/** Engine limits: --query.max-samples, --query.timeout, --query.lookback-delta. */
export interface QueryLimits {
  maxSamples: number;
  timeoutMs: number;
  lookbackDeltaMs: number;
}

/** Prometheus's defaults for the flags above. */
export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxSamples: 50_000_000, timeoutMs: 120_000, lookbackDeltaMs: 300_000 };

export interface QueryApiDeps {
  store: ApiStore;
  engine: Engine;
  clock: Clock;
  limits: QueryLimits;
}

/** Prometheus refuses range queries with more points per series than this. */
const MAX_POINTS = 11_000;

const JSON_TYPE = 'application/json';

/** The query routes, to mount under /api/v1. GET and POST (form-encoded) alike, as Prometheus accepts both. */
export function queryApi(deps: QueryApiDeps): Hono {
  const api = new Hono();
  const both = (path: string, handler: (form: Form, c: Context) => Promise<Response> | Response): void => {
    const run = async (c: Context): Promise<Response> => {
      try {
        return await handler(await readForm(c.req.raw), c);
      } catch (e) {
        return errorFor(e);
      }
    };
    api.get(path, run);
    api.post(path, run);
  };

  both('/query', (form, c) => instantQuery(deps, form, c.req.raw.signal));
  both('/query_range', (form, c) => rangeQuery(deps, form, c.req.raw.signal));
  both('/series', (form) => series(deps, form));
  both('/labels', (form) => labels(deps, form));
  api.get('/label/:name/values', async (c) => {
    try {
      return await labelValues(deps, labelNameParam(c.req.param('name')), await readForm(c.req.raw));
    } catch (e) {
      return errorFor(e);
    }
  });
  both('/metadata', (form) => metadata(deps, form));
  both('/query_exemplars', (form) => exemplars(deps, form));
  both('/format_query', (form) => success(jsonString(prettify(parseQueryParam(form.get('query'))))));
  both('/parse_query', (form) => success(goJSON(astJSON(parseQueryParam(form.get('query'))))));
  return api;
}

async function instantQuery(deps: QueryApiDeps, form: Form, signal: AbortSignal): Promise<Response> {
  const limit = limitParam(form);
  const t = timeParam(form, 'time', deps.clock.now());
  const opts = queryOptions(deps, form, signal);
  const query = form.get('query');
  const expr = parseQueryParam(query);
  const result = await deps.engine.evaluate(deps.store, { expr, query, start: t, end: t, step: 0 }, opts);
  return new Response(formatQueryResult(limitResult(result, limit)), { headers: { 'Content-Type': JSON_TYPE } });
}

/** Prometheus 3's `limit` on queries: at most that many series of a vector or matrix, with a warning when cut. */
function limitResult(result: QueryResult, limit: number): QueryResult {
  if (limit <= 0 || (result.resultType !== 'vector' && result.resultType !== 'matrix') || result.result.length <= limit) return result;
  const annotations = { ...result.annotations, warnings: [...result.annotations.warnings, 'results truncated due to limit'] };
  return result.resultType === 'vector'
    ? { ...result, result: result.result.slice(0, limit), annotations }
    : { ...result, result: result.result.slice(0, limit), annotations };
}

async function rangeQuery(deps: QueryApiDeps, form: Form, signal: AbortSignal): Promise<Response> {
  const limit = limitParam(form);
  const start = rangeTime(form, 'start');
  const end = rangeTime(form, 'end');
  if (end < start) throw new BadParam('invalid parameter "end": end timestamp must not be before start time');
  let step: number;
  try {
    step = parseDuration(form.get('step'));
  } catch (e) {
    throw new BadParam(`invalid parameter "step": ${(e as Error).message}`);
  }
  step = Math.floor(step);
  if (step <= 0) throw new BadParam('invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer');
  if (Math.floor((end - start) / step) > MAX_POINTS) {
    throw new BadParam('exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)');
  }
  const opts = queryOptions(deps, form, signal);
  const query = form.get('query');
  const expr = parseQueryParam(query);
  const result = await deps.engine.evaluate(deps.store, { expr, query, start, end, step }, opts);
  return new Response(formatQueryResult(limitResult(result, limit)), { headers: { 'Content-Type': JSON_TYPE } });
}

/** query_range's start and end: required, and without the "Invalid time value" wording of the other endpoints. */
function rangeTime(form: Form, name: string): number {
  try {
    return parseTime(form.get(name));
  } catch (e) {
    throw new BadParam(`invalid parameter "${name}": ${(e as Error).message}`);
  }
}

function queryOptions(deps: QueryApiDeps, form: Form, signal: AbortSignal) {
  const timeout = durationParam(form, 'timeout');
  const lookback = durationParam(form, 'lookback_delta');
  // The request's timeout can only shorten the configured one (Prometheus applies both).
  const timeoutMs = timeout === null ? deps.limits.timeoutMs : Math.min(timeout, deps.limits.timeoutMs);
  return {
    deadline: deps.clock.now() + timeoutMs,
    maxSamples: deps.limits.maxSamples,
    lookbackDelta: lookback !== null && lookback > 0 ? lookback : deps.limits.lookbackDeltaMs,
    cancel: signal,
  };
}

function parseQueryParam(query: string): Expr {
  try {
    return parse(query);
  } catch (e) {
    if (e instanceof ParseError) throw new BadParam(`invalid parameter "query": ${e.toString()}`);
    throw e;
  }
}

async function series(deps: QueryApiDeps, form: Form): Promise<Response> {
  const selectors = form.getAll('match[]');
  const limit = limitParam(form);
  if (selectors.length === 0) throw new BadParam('no match[] parameter provided');
  const start = timeParam(form, 'start', MIN_TIME_MS);
  const end = timeParam(form, 'end', MAX_TIME_MS);
  const found = new Map<string, Labels>();
  for (const matchers of matchersParam(selectors)) {
    for (const s of deps.store.matching(matchers, start, end)) found.set(s.key, s.labels);
  }
  const sorted = sortLabelSets([...found.values()]);
  const { items, warnings } = truncate(sorted, limit);
  return success('[' + items.map(formatLabelsJson).join(',') + ']', warnings);
}

async function labels(deps: QueryApiDeps, form: Form): Promise<Response> {
  const limit = limitParam(form);
  const start = timeParam(form, 'start', MIN_TIME_MS);
  const end = timeParam(form, 'end', MAX_TIME_MS);
  const names = new Set<string>();
  for (const matchers of selectorsOrAll(form)) {
    for (const s of deps.store.matching(matchers, start, end)) for (const name in s.labels) names.add(name);
  }
  return stringList([...names], limit);
}

async function labelValues(deps: QueryApiDeps, name: string, form: Form): Promise<Response> {
  const limit = limitParam(form);
  const start = timeParam(form, 'start', MIN_TIME_MS);
  const end = timeParam(form, 'end', MAX_TIME_MS);
  const values = new Set<string>();
  for (const matchers of selectorsOrAll(form)) {
    for (const s of deps.store.matching(matchers, start, end)) {
      const v = s.labels[name];
      if (v !== undefined && v !== '') values.add(v);
    }
  }
  return stringList([...values], limit);
}

function selectorsOrAll(form: Form): LabelMatcher[][] {
  const selectors = form.getAll('match[]');
  return selectors.length === 0 ? [[]] : matchersParam(selectors);
}

function stringList(list: string[], limit: number): Response {
  list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const { items, warnings } = truncate(list, limit);
  return success('[' + items.map(jsonString).join(',') + ']', warnings);
}

function truncate<T>(list: T[], limit: number): { items: T[]; warnings: string[] } {
  if (limit > 0 && list.length > limit) return { items: list.slice(0, limit), warnings: ['results truncated due to limit'] };
  return { items: list, warnings: [] };
}

/** The report series are the scraper's own, not a target's: Prometheus has no metadata for them. */
const NO_METADATA = new Set<string>(REPORT_SERIES);

async function metadata(deps: QueryApiDeps, form: Form): Promise<Response> {
  const limit = intOr(form, 'limit', -1, 'limit must be a number');
  // One entry per family here (the head keeps the newest), so limit_per_metric only matters at 0.
  const perMetric = intOr(form, 'limit_per_metric', -1, 'limit_per_metric must be a number');
  const metric = form.get('metric');
  const names = [...deps.store.familyMetadata().keys()].filter((n) => !NO_METADATA.has(n) && (metric === '' || n === metric)).sort();
  const parts: string[] = [];
  for (const name of names) {
    if (limit >= 0 && parts.length >= limit) break;
    const m = deps.store.familyMetadata().get(name) as MetricMetadata;
    const entries = perMetric === 0 ? '' : '{"type":' + jsonString(m.type) + ',"help":' + jsonString(m.help) + ',"unit":' + jsonString(m.unit) + '}';
    parts.push(jsonString(name) + ':[' + entries + ']');
  }
  return success('{' + parts.join(',') + '}');
}

function intOr(form: Form, name: string, def: number, error: string): number {
  const text = form.get(name);
  if (text === '') return def;
  if (!/^[+-]?\d+$/.test(text)) throw new BadParam(error);
  return Number(text);
}

async function exemplars(deps: QueryApiDeps, form: Form): Promise<Response> {
  const start = timeParam(form, 'start', MIN_TIME_MS);
  const end = timeParam(form, 'end', MAX_TIME_MS);
  let expr: Expr;
  try {
    expr = parse(form.get('query'));
  } catch (e) {
    // Prometheus reports the exemplar query's parse error without naming the parameter.
    if (e instanceof ParseError) throw new BadParam(e.toString());
    throw e;
  }
  const selectors: LabelMatcher[][] = [];
  walkExpr(expr, (node) => {
    if (node.type === 'VectorSelector') selectors.push(node.matchers);
  });
  const bySeries = new Map<{ readonly labels: Labels }, string[]>();
  for (const e of deps.store.exemplars(start, end)) {
    if (!selectors.some((ms) => ms.every((m) => matchLabelValue(m, e.series.labels[m.name] ?? '')))) continue;
    let list = bySeries.get(e.series);
    if (list === undefined) bySeries.set(e.series, (list = []));
    list.push('{"labels":' + formatLabelsJson(e.labels) + ',"value":"' + formatSampleValue(e.value) + '","timestamp":' + formatTimestamp(e.t) + '}');
  }
  const groups = [...bySeries.entries()].sort((a, b) => compareLabels(a[0].labels, b[0].labels));
  return success('[' + groups.map(([s, list]) => '{"seriesLabels":' + formatLabelsJson(s.labels) + ',"exemplars":[' + list.join(',') + ']}').join(',') + ']');
}

/** Label sets in Prometheus's order (labels.Compare), each set's names sorted once rather than per comparison. */
function sortLabelSets(list: Labels[]): Labels[] {
  const decorated = list.map((labels) => ({ labels, names: sortedNames(labels) }));
  decorated.sort((a, b) => {
    const n = Math.min(a.names.length, b.names.length);
    for (let i = 0; i < n; i++) {
      const an = a.names[i];
      const bn = b.names[i];
      if (an !== bn) return an < bn ? -1 : 1;
      const av = a.labels[an];
      const bv = b.labels[bn];
      if (av !== bv) return av < bv ? -1 : 1;
    }
    return a.names.length - b.names.length;
  });
  return decorated.map((d) => d.labels);
}

/** `{"status":"success","data":…}` with Prometheus's optional warnings, from already encoded data. */
function success(data: string, warnings: readonly string[] = []): Response {
  const w = warnings.length > 0 ? ',"warnings":[' + warnings.map(jsonString).join(',') + ']' : '';
  return new Response('{"status":"success","data":' + data + w + '}', { headers: { 'Content-Type': JSON_TYPE } });
}

/** An error envelope and Prometheus's status code for it. */
export function apiError(errorType: ErrorType, message: string): Response {
  return new Response('{"status":"error","errorType":"' + errorType + '","error":' + jsonString(message) + '}', {
    status: statusFor(errorType),
    headers: { 'Content-Type': JSON_TYPE },
  });
}

function errorFor(e: unknown): Response {
  if (e instanceof BadParam) return apiError('bad_data', e.message);
  if (e instanceof QueryError) return apiError(e.errorType, e.message);
  return apiError('internal', e instanceof Error ? e.message : String(e));
}
