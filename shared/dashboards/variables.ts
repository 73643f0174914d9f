// Dashboard variables: option lists from an injected resolver, chaining in dependency order, selection, interpolation scope.
import { formatSampleValue } from '../promql/format.ts';
import type { QueryValue } from '../promql/result.ts';
import { METRIC_NAME, sortedNames, type Labels } from '../model/labels.ts';
import { formatIntervalHms, formatPromSeconds, parseInterval, roundInterval } from './interval.ts';
import { interpolate, referencedVariables, type Scope, type ScopeValue } from './interpolate.ts';
import { ALL_VALUE, type IntervalVariable, type Variable, type VariableOption, type VariableSort, type VariableType, type VariableValue } from './model.ts';

/** A time window in Unix ms. */
export interface TimeWindow {
  from: number;
  to: number;
}

/**
 * Where query variables get their data: the studio implements it over its local store, tests over fixtures.
 * Each call may reject; the variable then shows the error and keeps its last options.
 */
export interface VariableResolver {
  /** Values of `label` on series matching the selector `metric` (every series when undefined). */
  labelValues(metric: string | undefined, label: string, range: TimeWindow): Promise<string[]>;
  /** Label names on series matching `match` (every series when undefined). */
  labelNames(match: string | undefined, range: TimeWindow): Promise<string[]>;
  /** Label sets (metric name as `__name__`) of series matching a selector. */
  seriesMatch(selector: string, range: TimeWindow): Promise<Labels[]>;
  /** Evaluates a PromQL expression at one instant (ms). */
  instantQuery(expr: string, timeMs: number): Promise<QueryValue>;
}

/** A query variable's query, recognised the way Grafana's Prometheus data source does. */
export type VariableQuery =
  | { kind: 'empty' }
  | { kind: 'labelNames'; match?: string }
  | { kind: 'labelValues'; metric?: string; label: string }
  | { kind: 'metrics'; regex: string }
  | { kind: 'queryResult'; expr: string }
  | { kind: 'series'; selector: string };

/** Classifies a (usually already interpolated) query variable query; anything unrecognised is a series selector. */
export function parseVariableQuery(query: string): VariableQuery {
  const q = query.trim();
  if (q === '') return { kind: 'empty' };
  if (/^label_names\(\s*\)$/.test(q)) return { kind: 'labelNames' };
  let m = /^label_names\(([\s\S]+)\)$/.exec(q);
  if (m) return { kind: 'labelNames', match: m[1].trim() };
  m = /^label_values\((?:([\s\S]+),\s*)?([a-zA-Z_][a-zA-Z0-9_]*)\s*\)$/.exec(q);
  if (m) return m[1] !== undefined ? { kind: 'labelValues', metric: m[1].trim(), label: m[2] } : { kind: 'labelValues', label: m[2] };
  m = /^metrics\(([\s\S]+)\)$/.exec(q);
  if (m) return { kind: 'metrics', regex: m[1].trim() };
  m = /^query_result\(([\s\S]+)\)$/.exec(q);
  if (m) return { kind: 'queryResult', expr: m[1].trim() };
  return { kind: 'series', selector: q };
}

/** The PromQL a variable query evaluates (a selector or expression), for syntax checks; undefined when none. */
export function variableQueryPromQL(q: VariableQuery): string | undefined {
  switch (q.kind) {
    case 'labelNames':
      return q.match;
    case 'labelValues':
      return q.metric;
    case 'queryResult':
      return q.expr;
    case 'series':
      return q.selector;
    default:
      return undefined;
  }
}

/** Variables this one reads (through its query or regex), in order of appearance. */
export function variableDependencies(v: Variable): string[] {
  if (v.type !== 'query') return [];
  return [...new Set([...referencedVariables(v.query), ...referencedVariables(v.regex ?? '')])];
}

/**
 * Orders variables so each comes after the variables it depends on (declaration order otherwise), and lists
 * every dependency cycle as the names along it (`[a, b, a]`). References to undefined names are ignored.
 */
export function dependencyOrder(variables: readonly Variable[]): { order: string[]; cycles: string[][] } {
  const byName = new Map(variables.map((v) => [v.name, v]));
  const state = new Map<string, 'visiting' | 'done'>();
  const order: string[] = [];
  const cycles: string[][] = [];
  const stack: string[] = [];
  const visit = (name: string): void => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') {
      cycles.push([...stack.slice(stack.indexOf(name)), name]);
      return;
    }
    state.set(name, 'visiting');
    stack.push(name);
    for (const dep of variableDependencies(byName.get(name)!)) if (byName.has(dep)) visit(dep);
    stack.pop();
    state.set(name, 'done');
    order.push(name);
  };
  for (const v of variables) visit(v.name);
  return { order, cycles };
}

/** Names of variables that depend on `name`, directly or through others, in dependency order. */
export function dependents(variables: readonly Variable[], names: readonly string[]): string[] {
  const affected = new Set(names);
  const out: string[] = [];
  for (const n of dependencyOrder(variables).order) {
    const v = variables.find((x) => x.name === n)!;
    if (!affected.has(n) && variableDependencies(v).some((d) => affected.has(d))) {
      affected.add(n);
      out.push(n);
    }
  }
  return out;
}

/** A variable's live state: its options (All first when included) and its selection. */
export interface VariableState {
  name: string;
  type: VariableType;
  options: VariableOption[];
  current: VariableValue;
  multi: boolean;
  includeAll: boolean;
  allValue?: string;
  /** Interval variables with `auto`: the interval the auto option currently stands for. */
  autoInterval?: string;
  /** Why the options could not be loaded (bad query, resolver failure, dependency cycle). */
  error?: string;
}

export type VariableStates = Readonly<Record<string, VariableState>>;

export interface VariableContext {
  /** Required when the dashboard has query variables. */
  resolver?: VariableResolver;
  range: TimeWindow;
  /** The data's scrape interval; `$__interval` in variable queries (default 15s). */
  scrapeInterval?: string;
}

/** What made variables refresh: first load, a new time range, or the user changing one variable. */
export type RefreshTrigger = { kind: 'load' } | { kind: 'timeRange' } | { kind: 'changed'; name: string };

const ALL_OPTION: VariableOption = { text: 'All', value: ALL_VALUE };

/**
 * Computes variable states in dependency order. On `load` every variable is resolved; on `timeRange` only query
 * variables refreshed on time-range change, auto intervals, and their dependents; on `changed` only the dependents
 * of that variable (whose new selection must already be in `previous`, see selectValue). Selections in `previous`
 * (else the dashboard's saved `current`) are kept when still offered.
 */
export async function resolveVariables(
  variables: readonly Variable[],
  ctx: VariableContext,
  previous: VariableStates = {},
  trigger: RefreshTrigger = { kind: 'load' },
): Promise<Record<string, VariableState>> {
  const { order, cycles } = dependencyOrder(variables);
  const inCycle = new Map<string, string[]>();
  for (const c of cycles) for (const n of c) inCycle.set(n, c);
  let todo: Set<string>;
  if (trigger.kind === 'load') todo = new Set(order);
  else {
    const roots =
      trigger.kind === 'changed'
        ? [trigger.name]
        : variables.filter((v) => (v.type === 'query' && v.refresh === 'timeRange') || (v.type === 'interval' && v.auto)).map((v) => v.name);
    todo = new Set([...(trigger.kind === 'timeRange' ? roots : []), ...dependents(variables, roots)]);
  }
  const states: Record<string, VariableState> = { ...previous };
  for (const name of order) {
    if (!todo.has(name) && states[name]) continue;
    const v = variables.find((x) => x.name === name)!;
    const cycle = inCycle.get(name);
    if (cycle) {
      states[name] = { ...baseState(v, previous[name]), error: `variable $${name} depends on itself: ${cycle.map((n) => '$' + n).join(' → ')}` };
      continue;
    }
    states[name] = await resolveOne(v, ctx, states, previous[name]);
  }
  return states;
}

function baseState(v: Variable, prev: VariableState | undefined): VariableState {
  const multi = 'multi' in v ? v.multi : false;
  const includeAll = 'includeAll' in v ? v.includeAll : false;
  return {
    name: v.name,
    type: v.type,
    options: prev?.options ?? [],
    current: prev?.current ?? ('current' in v && v.current ? v.current : { text: '', value: '' }),
    multi,
    includeAll,
    ...('allValue' in v && v.allValue !== undefined ? { allValue: v.allValue } : {}),
  };
}

async function resolveOne(v: Variable, ctx: VariableContext, states: VariableStates, prev: VariableState | undefined): Promise<VariableState> {
  const base = baseState(v, prev);
  const saved = prev?.current ?? ('current' in v ? v.current : undefined);
  switch (v.type) {
    case 'constant': {
      const opt = { text: v.query, value: v.query };
      return { ...base, options: [opt], current: { ...opt } };
    }
    case 'textbox': {
      const value = saved && typeof saved.value === 'string' ? saved.value : v.query;
      return { ...base, options: [{ text: value, value }], current: { text: value, value } };
    }
    case 'custom':
      return withSelection(base, customOptions(v.query), saved);
    case 'interval': {
      const auto = v.auto ? autoIntervalFor(v, ctx.range) : undefined;
      const options = intervalOptions(v);
      const st = withSelection(base, options, saved);
      return auto === undefined ? st : { ...st, autoInterval: auto };
    }
    case 'query': {
      try {
        const values = await queryOptions(v.query, v.regex, ctx, states);
        return withSelection(base, sortOptions(values, v.sort), saved);
      } catch (e) {
        return { ...base, error: e instanceof Error ? e.message : String(e) };
      }
    }
  }
}

/** Builds the state's option list (All first when included) and keeps the saved selection where it is still offered. */
function withSelection(base: VariableState, values: VariableOption[], saved: VariableValue | undefined): VariableState {
  const options = base.includeAll ? [ALL_OPTION, ...values] : values;
  return { ...base, options, current: pickCurrent(base, options, saved) };
}

function pickCurrent(st: Pick<VariableState, 'multi' | 'includeAll'>, options: VariableOption[], saved: VariableValue | undefined): VariableValue {
  const wanted = saved === undefined ? [] : Array.isArray(saved.value) ? saved.value : [saved.value];
  if (wanted.includes(ALL_VALUE) && st.includeAll) return st.multi ? { text: ['All'], value: [ALL_VALUE] } : { text: 'All', value: ALL_VALUE };
  const kept = options.filter((o) => o.value !== ALL_VALUE && wanted.includes(o.value));
  if (kept.length > 0) {
    const chosen = st.multi ? kept : kept.slice(0, 1);
    return st.multi ? { text: chosen.map((o) => o.text), value: chosen.map((o) => o.value) } : { text: chosen[0].text, value: chosen[0].value };
  }
  const first = options[0];
  if (!first) return st.multi ? { text: ['None'], value: [] } : { text: 'None', value: '' };
  return st.multi ? { text: [first.text], value: [first.value] } : { text: first.text, value: first.value };
}

/** A new state with the user's selection; `$__all` anywhere selects All alone. Unknown values are kept for textboxes only. */
export function selectValue(st: VariableState, value: string | string[]): VariableState {
  if (st.type === 'textbox') {
    const v = Array.isArray(value) ? (value[0] ?? '') : value;
    return { ...st, options: [{ text: v, value: v }], current: { text: v, value: v } };
  }
  return { ...st, current: pickCurrent(st, st.options, { text: '', value }) };
}

/** Parses a custom variable's list: `a, b, c`, `text : value` pairs, `\,` for a literal comma. */
export function customOptions(query: string): VariableOption[] {
  const parts = query.match(/(?:\\,|[^,])+/g) ?? [];
  const out: VariableOption[] = [];
  for (const raw of parts) {
    const text = raw.replace(/\\,/g, ',');
    const kv = /^\s*(.+)\s:\s(.+)$/.exec(text);
    const opt = kv ? { text: kv[1].trim(), value: kv[2].trim() } : { text: text.trim(), value: text.trim() };
    if (opt.value !== '' && !out.some((o) => o.value === opt.value)) out.push(opt);
  }
  return out;
}

/** The value of an interval variable's auto option, e.g. `$__auto_interval_interval`. */
export function autoIntervalValue(name: string): string {
  return `$__auto_interval_${name}`;
}

function intervalOptions(v: IntervalVariable): VariableOption[] {
  const list = v.query
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => ({ text: s, value: s }));
  return v.auto ? [{ text: 'auto', value: autoIntervalValue(v.name) }, ...list] : list;
}

/** The interval an auto option stands for: the range split into autoCount steps, rounded nicely, at least autoMin. */
export function autoIntervalFor(v: Pick<IntervalVariable, 'autoCount' | 'autoMin'>, range: TimeWindow): string {
  const min = parseInterval(v.autoMin) ?? 1;
  const ms = Math.max(roundInterval((range.to - range.from) / Math.max(1, v.autoCount)), min);
  return formatIntervalHms(ms);
}

async function queryOptions(query: string, regex: string | undefined, ctx: VariableContext, states: VariableStates): Promise<VariableOption[]> {
  const scope = { ...variableScope(states), ...variableQueryBuiltins(ctx) };
  const q = parseVariableQuery(interpolate(query, scope).text);
  if (q.kind === 'empty') return [];
  const r = ctx.resolver;
  if (!r) throw new Error('no data available for query variables');
  let texts: string[];
  switch (q.kind) {
    case 'labelNames':
      texts = await r.labelNames(q.match, ctx.range);
      break;
    case 'labelValues':
      texts = await r.labelValues(q.metric, q.label, ctx.range);
      break;
    case 'metrics': {
      const re = compile(q.regex, 'metrics() pattern');
      texts = (await r.labelValues(undefined, METRIC_NAME, ctx.range)).filter((n) => re.test(n));
      break;
    }
    case 'queryResult':
      texts = queryResultTexts(await r.instantQuery(q.expr, ctx.range.to));
      break;
    case 'series':
      texts = (await r.seriesMatch(q.selector, ctx.range)).map(seriesText);
      break;
  }
  const re = regex ? grafanaRegex(interpolate(regex, scope).text) : undefined;
  return extractOptions(texts, re);
}

function compile(source: string, what: string, flags = ''): RegExp {
  try {
    return new RegExp(source, flags);
  } catch (e) {
    throw new Error(`invalid ${what} ${JSON.stringify(source)}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Grafana's variable regex: `/pattern/flags`, or a bare pattern that must match the whole text. */
export function grafanaRegex(text: string): RegExp {
  if (!text.startsWith('/')) return compile(`^${text}$`, 'regex');
  const m = /^\/([\s\S]*)\/([gimsuy]*)$/.exec(text);
  if (!m) throw new Error(`invalid regex ${JSON.stringify(text)}: write it as /pattern/flags`);
  return compile(m[1], 'regex', m[2]);
}

/**
 * Applies a variable regex to query results as Grafana does: named groups `value`/`text` win; with the `g` flag
 * every match's first group becomes an option; otherwise the first group (or the whole text when none).
 * Results without a match are dropped; duplicates (by value) are removed.
 */
export function extractOptions(texts: readonly string[], re: RegExp | undefined): VariableOption[] {
  const out: VariableOption[] = [];
  const add = (text: string, value: string): void => {
    if (!out.some((o) => o.value === value)) out.push({ text, value });
  };
  for (const t of texts) {
    if (!re) {
      add(t, t);
      continue;
    }
    const matches = allMatches(t, re);
    if (matches.length === 0) continue;
    const valueGroup = matches.find((m) => m.groups?.value !== undefined);
    const textGroup = matches.find((m) => m.groups?.text !== undefined);
    const firstWithGroup = matches.find((m) => m.length > 1);
    if (valueGroup || textGroup) {
      const value = valueGroup?.groups?.value ?? textGroup?.groups?.text ?? t;
      add(textGroup?.groups?.text ?? value, value);
    } else if (matches.length > 1 && firstWithGroup) {
      for (const m of matches) if (m[1] !== undefined) add(m[1], m[1]);
    } else if (firstWithGroup) {
      const g = firstWithGroup[1] ?? '';
      add(g, g);
    } else add(t, t);
  }
  return out;
}

function allMatches(s: string, re: RegExp): RegExpExecArray[] {
  re.lastIndex = 0;
  if (!re.global) {
    const m = re.exec(s);
    return m ? [m] : [];
  }
  const out: RegExpExecArray[] = [];
  for (let m = re.exec(s); m; m = re.exec(s)) {
    out.push(m);
    if (m[0] === '') re.lastIndex++;
  }
  return out;
}

/** Renders instant query results as Grafana's query_result does: `name{a="b",c="d"} value timestamp_ms`. */
export function queryResultTexts(v: QueryValue): string[] {
  switch (v.resultType) {
    case 'vector':
      return v.result.map((e) => `${seriesText(e.labels)} ${formatSampleValue(e.v)} ${e.t}`);
    case 'matrix':
      return v.result.map((s) => {
        const last = s.points[s.points.length - 1];
        return last ? `${seriesText(s.labels)} ${formatSampleValue(last.v)} ${last.t}` : seriesText(s.labels);
      });
    case 'scalar':
      return [`${formatSampleValue(v.result.v)} ${v.result.t}`];
    case 'string':
      return [v.result.v];
  }
}

/** A series as Grafana names it in variable queries: `name{a="b",c="d"}`. */
export function seriesText(labels: Labels): string {
  const parts = sortedNames(labels)
    .filter((n) => n !== METRIC_NAME)
    .map((n) => `${n}="${labels[n]}"`);
  return `${labels[METRIC_NAME] ?? ''}{${parts.join(',')}}`;
}

/** Orders options as Grafana's variable sort does (stable; descending variants reverse the ascending order). */
export function sortOptions(options: VariableOption[], sort: VariableSort): VariableOption[] {
  if (sort === 'none') return options;
  const keyed = options.map((o, i) => ({ o, i }));
  let cmp: (a: VariableOption, b: VariableOption) => number;
  if (sort === 'alphaAsc' || sort === 'alphaDesc') cmp = (a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0);
  else if (sort === 'alphaCiAsc' || sort === 'alphaCiDesc') {
    cmp = (a, b) => {
      const x = a.text.toLowerCase();
      const y = b.text.toLowerCase();
      return x < y ? -1 : x > y ? 1 : 0;
    };
  } else if (sort === 'numAsc' || sort === 'numDesc') {
    const num = (o: VariableOption): number => {
      const m = /.*?(\d+).*/.exec(o.text);
      return m ? parseInt(m[1], 10) : -1;
    };
    cmp = (a, b) => num(a) - num(b);
  } else {
    const collator = new Intl.Collator(undefined, { sensitivity: 'accent', numeric: true });
    cmp = (a, b) => collator.compare(a.text, b.text);
  }
  keyed.sort((a, b) => cmp(a.o, b.o) || a.i - b.i);
  const sorted = keyed.map((k) => k.o);
  return sort.endsWith('Desc') ? sorted.reverse() : sorted;
}

/** Whether the selection is All. */
export function isAllSelected(current: VariableValue): boolean {
  return Array.isArray(current.value) ? current.value.includes(ALL_VALUE) : current.value === ALL_VALUE;
}

/** The concrete values a selection stands for (every option for All), e.g. to repeat panels. */
export function selectedOptions(st: VariableState): VariableOption[] {
  const real = st.options.filter((o) => o.value !== ALL_VALUE);
  if (isAllSelected(st.current)) return real;
  const values = Array.isArray(st.current.value) ? st.current.value : [st.current.value];
  const texts = Array.isArray(st.current.text) ? st.current.text : [st.current.text];
  return values.map((value, i) => real.find((o) => o.value === value) ?? { text: texts[i] ?? value, value });
}

/** The interpolation scope of a set of variable states (All expanded or replaced by the custom all value). */
export function variableScope(states: VariableStates): Record<string, ScopeValue> {
  const scope: Record<string, ScopeValue> = {};
  for (const st of Object.values(states)) {
    const regex = st.multi || st.includeAll;
    if (st.includeAll && isAllSelected(st.current)) {
      scope[st.name] =
        st.allValue !== undefined && st.allValue !== ''
          ? { value: st.allValue, text: 'All', regex, raw: true }
          : { value: selectedOptions(st).map((o) => o.value), text: 'All', regex };
    } else if (st.autoInterval !== undefined && st.current.value === autoIntervalValue(st.name)) {
      scope[st.name] = { value: st.autoInterval, text: 'auto', regex: false };
    } else {
      scope[st.name] = { value: st.current.value, text: st.current.text, regex };
    }
  }
  return scope;
}

/** Plain built-in values (`__interval: '30s'`) as scope entries. */
export function builtinScope(values: Readonly<Record<string, string>>): Record<string, ScopeValue> {
  const scope: Record<string, ScopeValue> = {};
  for (const [k, v] of Object.entries(values)) scope[k] = { value: v, text: v, regex: false };
  return scope;
}

/** Built-ins available to variable queries: `$__interval` is the scrape interval; range variables from the time range. */
export function variableQueryBuiltins(ctx: Pick<VariableContext, 'range' | 'scrapeInterval'>): Scope {
  const scrapeMs = parseInterval(ctx.scrapeInterval ?? '15s') || 15_000;
  return builtinScope({
    __interval: ctx.scrapeInterval ?? '15s',
    __interval_ms: String(scrapeMs),
    __rate_interval: formatPromSeconds(4 * scrapeMs),
    ...rangeBuiltins(ctx.range),
  });
}

/** `$__range`, `$__range_s`, `$__range_ms` of a time window (seconds rounded like Grafana). */
export function rangeBuiltins(range: TimeWindow): Record<string, string> {
  const ms = range.to - range.from;
  const s = Math.round(ms / 1000);
  return { __range: `${s}s`, __range_s: String(s), __range_ms: String(ms) };
}
