// Hash routes: `#/graph?expr=up&range=1h` ⇄ { page, params }, so every view is a shareable link on any static server.

export const PAGES = ['graph', 'alerts', 'rules', 'targets', 'notifications', 'status', 'storage', 'config', 'settings'] as const;
export type Page = (typeof PAGES)[number];

export interface Route {
  page: Page;
  params: Record<string, string>;
}

export const DEFAULT_ROUTE: Route = { page: 'graph', params: {} };

/** Parses a location hash; unknown or empty paths go to the default page. */
export function parseHash(hash: string): Route {
  const body = hash.replace(/^#\/?/, '');
  const q = body.indexOf('?');
  const path = (q < 0 ? body : body.slice(0, q)).replace(/\/+$/, '');
  const params: Record<string, string> = {};
  if (q >= 0) new URLSearchParams(body.slice(q + 1)).forEach((v, k) => (params[k] = v));
  // `explore` is what Grafana users type; it is the Graph page grown into Explore.
  const named = path === 'explore' ? 'graph' : path;
  const page = (PAGES as readonly string[]).includes(named) ? (named as Page) : DEFAULT_ROUTE.page;
  return { page, params };
}

/** The hash for a route (params sorted so equal routes give equal links). */
export function formatHash(route: Route): string {
  const qs = new URLSearchParams(Object.entries(route.params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))).toString();
  return `#/${route.page}${qs ? '?' + qs : ''}`;
}
