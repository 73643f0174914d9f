// Syntax check of every dashboard query: interpolate sample variable values, then parse with the PromQL parser.
import { ParseError } from '../promql/parse-error.ts';
import { parse, PROMETHEUS_DEFAULT_FEATURES, type ParseOptions } from '../promql/parser.ts';
import { interpolate, type Scope, type ScopeValue } from './interpolate.ts';
import { ALL_VALUE, allPanels, type Dashboard, type Variable } from './model.ts';
import { DEFAULT_SCRAPE_INTERVAL, queryTiming } from './step.ts';
import { resolveTimeRange } from './time.ts';
import { builtinScope, customOptions, parseVariableQuery, variableQueryBuiltins, variableQueryPromQL, type TimeWindow } from './variables.ts';

/** A query that does not parse once variables have sample values. */
export interface QueryIssue {
  /** `parse`: the parser rejects the query; `undefinedVariable`: it parses, but references variables nobody defines. */
  kind: 'parse' | 'undefinedVariable';
  where: 'panel' | 'variable';
  /** Panel title, or the variable's name for variable queries. */
  title: string;
  panelId?: number;
  refId?: string;
  expr: string;
  /** The query after interpolation, as parsed. */
  interpolated: string;
  /** Prometheus's rendering: `1:12: parse error: ...`. */
  error: string;
  /** 0-based character range in `interpolated`. */
  position?: { start: number; end: number };
  /** Variables the query references that the dashboard does not define. */
  unknownVariables: string[];
}

export interface QueryCheckOptions {
  parseOptions?: ParseOptions;
  /** Time at which relative ranges are resolved (default: a fixed instant, so results are reproducible). */
  now?: number;
  widthPx?: number;
  scrapeInterval?: string;
}

/** Placeholder for a variable whose value is unknown until data arrives: valid as a label value, name or regex. */
export const SAMPLE_VALUE = 'sample';
/** Placeholder for All without a custom all value. */
export const SAMPLE_ALL = '.*';
/** Placeholder for an interval variable set to auto. */
export const SAMPLE_INTERVAL = '1m';

/**
 * Sample values for checking queries: each variable's saved selection, else its first static option, else a
 * placeholder (`.*` for All, `1m` for auto intervals, `sample` otherwise).
 */
export function sampleScope(variables: readonly Variable[]): Record<string, ScopeValue> {
  const scope: Record<string, ScopeValue> = {};
  for (const v of variables) {
    const regex = 'multi' in v ? v.multi || v.includeAll : false;
    const current = 'current' in v ? v.current : undefined;
    const cur = current?.value;
    const isAll = Array.isArray(cur) ? cur.includes(ALL_VALUE) : cur === ALL_VALUE;
    if (v.type === 'constant') scope[v.name] = { value: v.query, text: v.query, regex: false };
    else if (v.type === 'textbox') {
      const t = typeof cur === 'string' ? cur : v.query;
      scope[v.name] = { value: t, text: t, regex: false };
    } else if (v.type === 'interval') {
      const t = typeof cur === 'string' && cur !== '' && !cur.startsWith('$__auto_interval') ? cur : SAMPLE_INTERVAL;
      scope[v.name] = { value: t, text: t, regex: false };
    } else if (isAll) {
      const allValue = v.allValue !== undefined && v.allValue !== '' ? v.allValue : SAMPLE_ALL;
      scope[v.name] = { value: allValue, text: 'All', regex, raw: true };
    } else if (cur !== undefined && cur !== '' && !(Array.isArray(cur) && cur.length === 0)) {
      scope[v.name] = { value: cur, text: current!.text, regex };
    } else {
      const first = v.type === 'custom' ? customOptions(v.query)[0]?.value : undefined;
      const t = first ?? SAMPLE_VALUE;
      scope[v.name] = { value: t, text: t, regex };
    }
  }
  return scope;
}

/** Parses every panel query and every variable query of a dashboard with sample variable values; returns the failures. */
export function checkDashboardQueries(d: Dashboard, opts: QueryCheckOptions = {}): { checked: number; issues: QueryIssue[] } {
  const now = opts.now ?? Date.UTC(2024, 0, 15, 12);
  const resolved = resolveTimeRange(d.time, now, 'utc');
  const range: TimeWindow = 'error' in resolved ? { from: now - 6 * 3_600_000, to: now } : resolved;
  const vars = sampleScope(d.variables);
  const parseOptions = opts.parseOptions ?? PROMETHEUS_DEFAULT_FEATURES;
  const issues: QueryIssue[] = [];
  let checked = 0;

  const check = (issue: Omit<QueryIssue, 'kind' | 'interpolated' | 'error' | 'unknownVariables'>, scope: Scope): void => {
    checked++;
    const { text, unknown } = interpolate(issue.expr, scope);
    try {
      parse(text, parseOptions);
      if (unknown.length > 0) issues.push({ kind: 'undefinedVariable', ...issue, interpolated: text, error: `undefined variable${unknown.length > 1 ? 's' : ''} ${unknown.map((u) => '$' + u).join(', ')}`, unknownVariables: unknown });
    } catch (e) {
      if (!(e instanceof ParseError)) throw e;
      issues.push({ kind: 'parse', ...issue, interpolated: text, error: e.toString(), position: { start: e.positionRange.start, end: e.positionRange.end }, unknownVariables: unknown });
    }
  };

  for (const p of allPanels(d)) {
    for (const t of p.targets) {
      if (t.expr.trim() === '') continue;
      const minInterval = p.minInterval !== undefined ? interpolate(p.minInterval, vars, 'text').text : undefined;
      const minStep = t.minStep !== undefined ? interpolate(t.minStep, vars, 'text').text : undefined;
      const timing = queryTiming({
        range,
        widthPx: opts.widthPx ?? 1000,
        scrapeInterval: opts.scrapeInterval ?? DEFAULT_SCRAPE_INTERVAL,
        ...(minInterval !== undefined ? { minInterval } : {}),
        ...(p.maxDataPoints !== undefined ? { maxDataPoints: p.maxDataPoints } : {}),
        ...(minStep !== undefined ? { minStep } : {}),
      });
      check({ where: 'panel', title: p.title, panelId: p.id, refId: t.refId, expr: t.expr }, { ...vars, ...builtinScope(timing.builtins) });
    }
  }
  const varBuiltins = variableQueryBuiltins({ range, scrapeInterval: opts.scrapeInterval ?? DEFAULT_SCRAPE_INTERVAL });
  for (const v of d.variables) {
    if (v.type !== 'query') continue;
    const scope = { ...vars, ...varBuiltins };
    const q = parseVariableQuery(interpolate(v.query, scope).text);
    const promql = variableQueryPromQL(q);
    if (promql === undefined) continue;
    // Check the embedded PromQL as written, so positions and unknown variables refer to the user's text.
    const raw = variableQueryPromQL(parseVariableQuery(v.query)) ?? promql;
    check({ where: 'variable', title: v.name, expr: raw }, scope);
  }
  return { checked, issues };
}
