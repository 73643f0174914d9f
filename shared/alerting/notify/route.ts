// The routing tree: option inheritance from parent routes, depth-first matching with `continue`, and route keys.
import type { RouteConfig } from './config.ts';
import { compareMatchers, matchersString, matchesAll, type Matcher } from './matchers.ts';

/** A route with every option resolved (inherited or defaulted). */
export interface Route {
  parent?: Route;
  /** Index among the parent's children (for ids). */
  index: number;
  receiver: string;
  groupBy: ReadonlySet<string>;
  groupByAll: boolean;
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
  /** Sorted as Alertmanager sorts them. */
  matchers: Matcher[];
  continue: boolean;
  routes: Route[];
}

export const DEFAULT_GROUP_WAIT_MS = 30_000;
export const DEFAULT_GROUP_INTERVAL_MS = 5 * 60_000;
export const DEFAULT_REPEAT_INTERVAL_MS = 4 * 3600_000;

/** Builds the resolved tree from the config's root route. */
export function buildRouteTree(cfg: RouteConfig, parent?: Route, index = 0): Route {
  const r: Route = {
    parent,
    index,
    receiver: cfg.receiver || parent?.receiver || '',
    groupBy: cfg.groupBy !== undefined ? new Set(cfg.groupBy) : (parent?.groupBy ?? new Set()),
    groupByAll: cfg.groupBy !== undefined ? cfg.groupByAll : cfg.groupByAll || (parent?.groupByAll ?? false),
    groupWaitMs: cfg.groupWaitMs ?? parent?.groupWaitMs ?? DEFAULT_GROUP_WAIT_MS,
    groupIntervalMs: cfg.groupIntervalMs ?? parent?.groupIntervalMs ?? DEFAULT_GROUP_INTERVAL_MS,
    repeatIntervalMs: cfg.repeatIntervalMs ?? parent?.repeatIntervalMs ?? DEFAULT_REPEAT_INTERVAL_MS,
    matchers: [...cfg.matchers].sort(compareMatchers),
    continue: cfg.continue,
    routes: [],
  };
  r.routes = cfg.routes.map((c, i) => buildRouteTree(c, r, i));
  return r;
}

/** Depth-first, left-to-right: the deepest matching routes; siblings after a match only with `continue`. */
export function matchRoutes(r: Route, labels: Readonly<Record<string, string>>): Route[] {
  if (!matchesAll(r.matchers, labels)) return [];
  const all: Route[] = [];
  for (const child of r.routes) {
    const m = matchRoutes(child, labels);
    all.push(...m);
    if (m.length > 0 && !child.continue) break;
  }
  return all.length > 0 ? all : [r];
}

/** Route.Key(): parent keys and this route's matchers joined by "/", e.g. `{}/{team="db"}`. */
export function routeKey(r: Route): string {
  return (r.parent ? routeKey(r.parent) + '/' : '') + matchersString(r.matchers);
}

/** Route.ID(): like the key, plus the child index, unique within the tree. */
export function routeID(r: Route): string {
  return (r.parent ? routeID(r.parent) + '/' : '') + matchersString(r.matchers) + (r.parent ? '/' + r.index : '');
}

/** The labels an alert is grouped by on this route. */
export function groupLabels(r: Route, labels: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) if (r.groupByAll || r.groupBy.has(k)) out[k] = v;
  return out;
}
