// Reads dashboard JSON of either format: Sightline's own (schemaVersion 1 with variables) as is, anything else through the Grafana importer.
import { importGrafanaDashboard } from './grafana.ts';
import { formatImportReport } from './grafana-report.ts';
import type { Dashboard } from './model.ts';
import { validateDashboard } from './validate.ts';

export type DashboardImport =
  | { ok: true; dashboard: Dashboard; source: 'sightline' | 'grafana'; report: string[] }
  | { ok: false; error: string };

/** Imports a parsed JSON document: Sightline's format is validated, Grafana's converted with its mapping report. */
export function importDashboard(json: unknown): DashboardImport {
  const o = json !== null && typeof json === 'object' ? (json as Record<string, unknown>) : undefined;
  if (o && o.schemaVersion === 1 && Array.isArray(o.variables)) {
    const r = validateDashboard(json);
    if (!r.dashboard) return { ok: false, error: r.errors.map((e) => `${e.path}: ${e.message}`).join('\n') };
    return { ok: true, dashboard: r.dashboard, source: 'sightline', report: [] };
  }
  const g = importGrafanaDashboard(json);
  if (!g.ok) return { ok: false, error: g.error };
  return { ok: true, dashboard: g.dashboard, source: 'grafana', report: formatImportReport(g.report) };
}

/** Imports JSON text (see importDashboard); text that is not JSON is an error. */
export function importDashboardText(text: string): DashboardImport {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  return importDashboard(json);
}
