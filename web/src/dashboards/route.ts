// Dashboard hash routes: `#/dashboards` (the list) and `#/dashboards/<uid>?from=…&to=…&var-x=…` (one dashboard).

/** Where the dashboards section is; null when the hash belongs to another page. */
export interface DashboardsRoute {
  /** The open dashboard, undefined on the list. */
  uid?: string;
  params: Record<string, string>;
}

/** Parses a location hash into a dashboards route, or null when it is not one. */
export function parseDashboardsHash(hash: string): DashboardsRoute | null {
  const body = hash.replace(/^#\/?/, '');
  const q = body.indexOf('?');
  const path = (q < 0 ? body : body.slice(0, q)).replace(/\/+$/, '');
  const parts = path.split('/');
  if (parts[0] !== 'dashboards' || parts.length > 2) return null;
  const params: Record<string, string> = {};
  if (q >= 0) new URLSearchParams(body.slice(q + 1)).forEach((v, k) => (params[k] = v));
  const uid = parts[1] ? decodeURIComponent(parts[1]) : undefined;
  return uid !== undefined ? { uid, params } : { params };
}

/** The hash of a dashboards route; `var-*` parameters may repeat (multi-value), so values may be arrays. */
export function formatDashboardsHash(uid: string | undefined, params: Record<string, string | string[]> = {}): string {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) for (const one of Array.isArray(v) ? v : [v]) sp.append(k, one);
  const qs = sp.toString();
  return `#/dashboards${uid !== undefined ? '/' + encodeURIComponent(uid) : ''}${qs ? '?' + qs : ''}`;
}

/** All values of a repeated parameter (`var-x=a&var-x=b`), which parseDashboardsHash's flat record would lose. */
export function hashParamValues(hash: string, name: string): string[] {
  const q = hash.indexOf('?');
  return q < 0 ? [] : new URLSearchParams(hash.slice(q + 1)).getAll(name);
}
