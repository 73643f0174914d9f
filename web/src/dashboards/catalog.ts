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
  /** For provisioned dashboards: the file in the gateway's --dashboards folder. */
  file?: string;
}

interface ProvisionedItem {
  dashboard: Dashboard;
  file: string;
}

/** Dashboards the gateway provisions; a 404 or an unreachable gateway means none. Invalid entries and files the gateway could not read are notes. */
export async function provisioned(gateway: GatewayApi): Promise<{ dashboards: ProvisionedItem[]; notes: string[] }> {
  const r = await gateway.get<unknown>('/api/v1/dashboards');
  if (r.kind !== 'ok') return { dashboards: [], notes: r.kind === 'missing' ? [] : [`provisioned dashboards: ${r.message}`] };
  const data = r.data as { dashboards?: unknown; errors?: unknown } | unknown[];
  const list = Array.isArray(data) ? data : Array.isArray(data?.dashboards) ? data.dashboards : [];
  const dashboards: ProvisionedItem[] = [];
  const notes: string[] = [];
  for (const item of list) {
    // The gateway adds where the dashboard came from beside the model's own fields.
    const { provisioned: meta, ...doc } = (item !== null && typeof item === 'object' ? item : {}) as { provisioned?: { file?: unknown } } & Record<string, unknown>;
    const file = typeof meta?.file === 'string' ? meta.file : '';
    const v = validateDashboard(doc);
    if (v.dashboard) dashboards.push({ dashboard: v.dashboard, file });
    else notes.push(`provisioned dashboard ${file} skipped: ${v.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
  }
  const errors = !Array.isArray(data) && Array.isArray(data?.errors) ? (data.errors as { file?: unknown; message?: unknown }[]) : [];
  for (const e of errors) notes.push(`provisioned dashboard file ${String(e.file)} not loaded: ${String(e.message)}`);
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
  for (const p of prov.dashboards) byUid.set(p.dashboard.uid, { dashboard: p.dashboard, source: 'provisioned', file: p.file });
  for (const d of saved) byUid.set(d.uid, { dashboard: d, source: 'saved' });
  return { entries: [...byUid.values()], notes: [...notes, ...prov.notes] };
}

/** A copy to save in this browser: a uid not yet in the catalog and "(copy)" in the title. */
export function copyOf(d: Dashboard, taken: ReadonlySet<string>): Dashboard {
  const base = `${d.uid.slice(0, 32)}-copy`;
  let uid = base;
  for (let i = 2; taken.has(uid); i++) uid = `${base}${i}`;
  return { ...structuredClone(d), uid, title: `${d.title} (copy)` };
}
