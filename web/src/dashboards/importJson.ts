// Import of pasted or uploaded dashboard JSON: Sightline's own format, else Grafana's converted with its mapping report.
import { importDashboardText, type DashboardImport } from '../../../shared/dashboards/import.ts';
import type { Dashboard } from '../../../shared/dashboards/model.ts';

export type ImportResult = DashboardImport;

/** Reads JSON text as a dashboard: a `schemaVersion: 1` document with `variables` is Sightline's, anything else goes through the Grafana importer. */
export function importDashboardJson(text: string): ImportResult {
  return importDashboardText(text);
}

/** The JSON a dashboard is exported as (Sightline format, two-space indent). */
export function exportDashboardJson(d: Dashboard): string {
  return JSON.stringify(d, null, 2) + '\n';
}
