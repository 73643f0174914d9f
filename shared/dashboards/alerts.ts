// Which alerting rules a dashboard panel shows: rules whose expression selects the same metric as one of the panel's queries.
import type { APIAlert } from '../alerting/api.ts';
import { matchLabelValue, walkExpr, type LabelMatcher } from '../promql/ast.ts';
import { parse } from '../promql/parser.ts';

/** A metric a query selects: its name and the other matchers written beside it. */
export interface MetricSelector {
  name: string;
  matchers: LabelMatcher[];
}

/** What the studio knows of an alerting rule (from /api/v1/rules). */
export interface AlertRuleInfo {
  name: string;
  query: string;
  /** Prometheus's rule state: `firing`, `pending` or `inactive`. */
  state: string;
  alerts: APIAlert[];
}

export type PanelAlertState = 'firing' | 'pending' | 'ok';

export interface PanelAlerts {
  /** The worst state among the matched rules. */
  state: PanelAlertState;
  /** Matched rules, firing first, then pending, then the rest, each by name. */
  rules: AlertRuleInfo[];
}

/**
 * The named metric selectors of a PromQL expression (vector selectors, also inside range selectors and subqueries).
 * Selectors without an exact metric name (`{__name__=~"a.*"}`) are left out; an expression that does not parse gives none.
 */
export function metricSelectors(expr: string): MetricSelector[] {
  const hit = cache.get(expr);
  if (hit) return hit;
  const out = parseSelectors(expr);
  if (cache.size >= 2000) cache.clear();
  cache.set(expr, out);
  return out;
}

// Rule and panel expressions repeat on every refresh: parse each once.
const cache = new Map<string, MetricSelector[]>();

function parseSelectors(expr: string): MetricSelector[] {
  let ast;
  try {
    ast = parse(expr);
  } catch {
    return [];
  }
  const out: MetricSelector[] = [];
  walkExpr(ast, (node) => {
    if (node.type !== 'VectorSelector') return;
    const nameMatcher = node.matchers.find((m) => m.name === '__name__' && m.type === '=');
    const name = node.name ?? nameMatcher?.value;
    if (name === undefined) return;
    out.push({ name, matchers: node.matchers.filter((m) => m.name !== '__name__') });
  });
  return out;
}

/**
 * True when two selectors can select a common series: the same metric name, and no label whose exact value in one
 * (`l="v"`) fails a matcher on `l` in the other. Two regular expressions on one label are taken to overlap.
 */
export function selectorsOverlap(a: MetricSelector, b: MetricSelector): boolean {
  if (a.name !== b.name) return false;
  const fits = (x: MetricSelector, y: MetricSelector): boolean =>
    x.matchers.every((m) => m.type !== '=' || y.matchers.every((n) => n.name !== m.name || matchLabelValue(n, m.value)));
  return fits(a, b) && fits(b, a);
}

const RANK: Record<string, number> = { firing: 2, pending: 1 };

/**
 * The alerting rules that match a panel: a rule matches when one of its metric selectors overlaps one of the
 * panel's (see selectorsOverlap). Null when none does. `panelExprs` are the panel's queries after interpolation.
 */
export function panelAlerts(panelExprs: readonly string[], rules: readonly AlertRuleInfo[]): PanelAlerts | null {
  const mine = panelExprs.flatMap(metricSelectors);
  if (mine.length === 0) return null;
  const matched = rules.filter((r) => metricSelectors(r.query).some((s) => mine.some((m) => selectorsOverlap(m, s))));
  if (matched.length === 0) return null;
  matched.sort((a, b) => (RANK[b.state] ?? 0) - (RANK[a.state] ?? 0) || a.name.localeCompare(b.name));
  const top = RANK[matched[0].state] ?? 0;
  return { state: top === 2 ? 'firing' : top === 1 ? 'pending' : 'ok', rules: matched };
}
