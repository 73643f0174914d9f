// User dashboards in IndexedDB: a database of the dashboards section's own, apart from the TSDB's schema.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Dashboard } from '../../../shared/dashboards/model.ts';

const DB_NAME = 'sightline-dashboards';

interface DashboardsDB extends DBSchema {
  dashboards: { key: string; value: { uid: string; savedAt: number; dashboard: Dashboard } };
}

let db: Promise<IDBPDatabase<DashboardsDB>> | null = null;

function open(): Promise<IDBPDatabase<DashboardsDB>> {
  db ??= openDB<DashboardsDB>(DB_NAME, 1, {
    upgrade(d) {
      d.createObjectStore('dashboards', { keyPath: 'uid' });
    },
  });
  return db;
}

/** Every saved dashboard, by title. */
export async function listSaved(): Promise<Dashboard[]> {
  const all = await (await open()).getAll('dashboards');
  return all.map((r) => r.dashboard).sort((a, b) => a.title.localeCompare(b.title));
}

/** Saves (or replaces) a dashboard under its uid. */
export async function saveDashboard(d: Dashboard): Promise<void> {
  await (await open()).put('dashboards', { uid: d.uid, savedAt: Date.now(), dashboard: d });
}

/** Removes a saved dashboard. */
export async function deleteDashboard(uid: string): Promise<void> {
  await (await open()).delete('dashboards', uid);
}
