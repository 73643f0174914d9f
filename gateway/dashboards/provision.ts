// Provisioned dashboards: JSON files (Sightline's or Grafana's format) from the --dashboards folder, read into dashboards by uid.
import { importDashboardText } from '../../shared/dashboards/import.ts';
import type { Dashboard } from '../../shared/dashboards/model.ts';

/** One file of the folder: its path relative to the folder (`/`-separated) and its text. */
export interface DashboardFile {
  path: string;
  text: string;
  /** Why the file could not be read (text is then empty). */
  error?: string;
}

/** A dashboard the gateway serves, with where it came from. */
export interface ProvisionedDashboard {
  /** Relative path of its file in the folder. */
  file: string;
  /** The file's format: Grafana files are converted by the importer. */
  format: 'sightline' | 'grafana';
  dashboard: Dashboard;
  /** The Grafana importer's mapping report (empty for Sightline files). */
  report: string[];
}

/** A file that gave no dashboard, and why. */
export interface ProvisionError {
  file: string;
  message: string;
}

export interface ProvisionedSet {
  dashboards: ProvisionedDashboard[];
  errors: ProvisionError[];
}

/** Reads every file; files are taken in path order, so of two with the same uid the first path wins and the other is an error. */
export function loadProvisioned(files: readonly DashboardFile[]): ProvisionedSet {
  const dashboards: ProvisionedDashboard[] = [];
  const errors: ProvisionError[] = [];
  const byUid = new Map<string, string>();
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    if (f.error !== undefined) {
      errors.push({ file: f.path, message: f.error });
      continue;
    }
    const r = importDashboardText(f.text);
    if (!r.ok) {
      errors.push({ file: f.path, message: r.error });
      continue;
    }
    const first = byUid.get(r.dashboard.uid);
    if (first !== undefined) {
      errors.push({ file: f.path, message: `uid ${JSON.stringify(r.dashboard.uid)} is already used by ${first}` });
      continue;
    }
    byUid.set(r.dashboard.uid, f.path);
    dashboards.push({ file: f.path, format: r.source, dashboard: r.dashboard, report: r.report });
  }
  return { dashboards, errors };
}
