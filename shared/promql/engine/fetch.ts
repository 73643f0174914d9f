// Phase one of evaluation: work out the time range every selector will read, then fetch each from the store once.
import type { LabelMatcher } from '../ast.ts';
import type { Cancellation, Queryable, SelectHints, SeriesSamples } from '../queryable.ts';
import { QueryError } from '../result.ts';
import type { Plan, Selector } from './plan.ts';
import { infoNameMatchers } from './info.ts';
import { subqueryWindow } from './subquery.ts';

/** Options the time-range computation depends on. */
export interface FetchOptions {
  lookback: number;
  /** Default subquery step (ms) when a subquery gives none. */
  subqueryStep: number;
  /** The query's step (ms; 0 for instant queries) for the store's hints. */
  step: number;
}

interface Request {
  sels: Selector[];
  matchers: readonly LabelMatcher[];
  start: number;
  end: number;
  func: string;
}

/** An info() call needs its data-label selectors fetched too; the evaluator filters them by identifying labels. */
interface InfoFetch {
  matchers: LabelMatcher[];
  start: number;
  end: number;
}

/**
 * Selects every selector's series from `store` into `sel.data`; returns the info-series selections of info() calls
 * keyed by their call node.
 */
export async function fetchAll(
  plan: Plan,
  start: number,
  end: number,
  store: Queryable,
  opts: FetchOptions,
  cancel: Cancellation | undefined,
): Promise<Map<Plan, SeriesSamples[]>> {
  const infoFetches = new Map<Plan, InfoFetch>();
  const requests = new Map<string, Request>();
  const add = (sel: Selector, s: number, e: number, func: string) => {
    const key = JSON.stringify(sel.matchers.map((m) => [m.name, m.type, m.value]).sort());
    const r = requests.get(key);
    if (r) {
      r.sels.push(sel);
      r.start = Math.min(r.start, s);
      r.end = Math.max(r.end, e);
    } else requests.set(key, { sels: [sel], matchers: sel.matchers, start: s, end: e, func });
  };
  collect(plan, start, end, opts, add, '', infoFetches);

  const infoData = new Map<Plan, SeriesSamples[]>();
  const jobs: Promise<void>[] = [];
  for (const r of requests.values()) {
    const hints: SelectHints = { start: r.start, end: r.end, step: opts.step, func: r.func || undefined };
    jobs.push(
      store.select(r.matchers, hints, cancel).then((data) => {
        for (const sel of r.sels) sel.data = data;
      }),
    );
  }
  for (const [node, f] of infoFetches) {
    jobs.push(
      store.select(f.matchers, { start: f.start, end: f.end, step: opts.step, func: 'info' }, cancel).then((data) => {
        infoData.set(node, data);
      }),
    );
  }
  try {
    await Promise.all(jobs);
  } catch (e) {
    if (e instanceof QueryError) throw e;
    throw new QueryError('execution', 'expanding series: ' + (e instanceof Error ? e.message : String(e)));
  }
  if (cancel?.aborted) throw new QueryError('canceled', 'query was canceled in query preparation');
  return infoData;
}

type AddFn = (sel: Selector, start: number, end: number, func: string) => void;

/** Walks the plan with the evaluation window [start, end] each node is evaluated over. */
function collect(
  p: Plan,
  start: number,
  end: number,
  o: FetchOptions,
  add: AddFn,
  func: string,
  infoFetches: Map<Plan, InfoFetch>,
): void {
  switch (p.kind) {
    case 'number':
    case 'string':
      return;
    case 'vector': {
      const s = p.sel;
      const refStart = (s.at ?? start) - s.offset;
      const refEnd = (s.at ?? end) - s.offset;
      add(s, refStart - o.lookback + 1, s.smoothed ? refEnd + o.lookback : refEnd, func);
      return;
    }
    case 'matrix': {
      const s = p.sel;
      const refStart = (s.at ?? start) - s.offset;
      const refEnd = (s.at ?? end) - s.offset;
      const extra = s.anchored || s.smoothed ? o.lookback : 0;
      add(s, refStart - p.range - extra + 1, s.smoothed ? refEnd + o.lookback : refEnd, func);
      return;
    }
    case 'subquery': {
      const w = subqueryWindow(p, start, end, o.subqueryStep);
      collect(p.expr, w.start, w.end, o, add, func, infoFetches);
      return;
    }
    case 'invariant':
      collect(p.expr, start, start, o, add, func, infoFetches);
      return;
    case 'neg':
      collect(p.expr, start, end, o, add, func, infoFetches);
      return;
    case 'binary':
      collect(p.lhs, start, end, o, add, '', infoFetches);
      collect(p.rhs, start, end, o, add, '', infoFetches);
      return;
    case 'agg':
      if (p.param) collect(p.param, start, end, o, add, '', infoFetches);
      collect(p.expr, start, end, o, add, p.op, infoFetches);
      return;
    case 'call':
      if (p.name === 'info') {
        collect(p.args[0], start, end, o, add, 'info', infoFetches);
        infoFetches.set(p, infoRequest(p, start, end, o.lookback));
        return;
      }
      for (const a of p.args) collect(a, start, end, o, add, p.name, infoFetches);
      return;
  }
}

/** The info-series selection of Prometheus's info(): the data-label selector (or target_info), over the base's times. */
function infoRequest(p: Extract<Plan, { kind: 'call' }>, start: number, end: number, lookback: number): InfoFetch {
  let at: number | null = null;
  let offset = 0;
  const first = firstSelector(p.args[0]);
  if (first) {
    at = first.at;
    offset = first.offset;
  }
  const s = (at ?? start) - lookback + 1 - offset;
  const e = (at ?? end) - offset;
  const sel = p.args[1];
  const selector = sel && sel.kind === 'vector' ? sel.sel.matchers : null;
  const matchers = [...infoNameMatchers(selector), ...(selector ?? []).filter((m) => m.name !== '__name__')];
  return { matchers, start: s, end: e };
}

function firstSelector(p: Plan): Selector | null {
  switch (p.kind) {
    case 'vector':
    case 'matrix':
      return p.sel;
    case 'subquery':
    case 'neg':
    case 'invariant':
      return firstSelector(p.expr);
    case 'binary':
      return firstSelector(p.lhs) ?? firstSelector(p.rhs);
    case 'agg':
      return (p.param && firstSelector(p.param)) ?? firstSelector(p.expr);
    case 'call':
      for (const a of p.args) {
        const s = firstSelector(a);
        if (s) return s;
      }
      return null;
    default:
      return null;
  }
}
