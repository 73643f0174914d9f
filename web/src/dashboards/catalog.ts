// Where dashboards come from: built-in JSON, this browser's saved ones, and the gateway's provisioned ones (when it serves them).
import type { Dashboard } from '../../../shared/dashboards/model.ts';
import { validateDashboard } from '../../../shared/dashboards/validate.ts';
import { builtinDashboards } from '../dashboards-builtin/index.ts';
import type { GatewayApi } from '../state/gateway.svelte.ts';
import { listSaved } from './storage.ts';

export type DashboardSource = 'builtin' | 'saved' | 'provisioned';

export interface CatalogEntry {
  dashboard: Dashboard;
  source: DashboardSource;
}

/** Dashboards the gateway provisions; a 404 or an unreachable gateway means none. Invalid entries are skipped with a note. */
export async function provisioned(gateway: GatewayApi): Promise<{ dashboards: Dashboard[]; notes: string[] }> {
  const r = await gateway.get<unknown>('/api/v1/dashboards');
  if (r.kind !== 'ok') return { dashboards: [], notes: r.kind === 'missing' ? [] : [`provisioned dashboards: ${r.message}`] };
  const data = r.data as { dashboards?: unknown } | unknown[];
  const list = Array.isArray(data) ? data : Array.isArray(data?.dashboards) ? data.dashboards : [];
  const dashboards: Dashboard[] = [];
  const notes: string[] = [];
  for (const item of list) {
    const v = validateDashboard(item);
    if (v.dashboard) dashboards.push(v.dashboard);
    else notes.push(`provisioned dashboard skipped: ${v.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
  return { dashboards, notes };
}

/** Every dashboard, built-ins first; a saved or provisioned dashboard with a built-in's uid replaces it. */
export async function loadCatalog(gateway: GatewayApi): Promise<{ entries: CatalogEntry[]; notes: string[] }> {
  const notes: string[] = [];
  let saved: Dashboard[] = [];
  try {
    saved = await listSaved();
  } catch (e) {
    notes.push(`saved dashboards unavailable: ${e instanceof Error ? e.message : String(e)}`);
  }
  const prov = await provisioned(gateway);
  const byUid = new Map<string, CatalogEntry>();
  for (const d of builtinDashboards()) byUid.set(d.uid, { dashboard: d, source: 'builtin' });
  for (const d of prov.dashboards) byUid.set(d.uid, { dashboard: d, source: 'provisioned' });
  for (const d of saved) byUid.set(d.uid, { dashboard: d, source: 'saved' });
  return { entries: [...byUid.values()], notes: [...notes, ...prov.notes] };
}
