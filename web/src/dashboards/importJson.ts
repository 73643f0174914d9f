// Import of pasted or uploaded dashboard JSON: Sightline's own format, else Grafana's converted with its mapping report.
import { importGrafanaDashboard } from '../../../shared/dashboards/grafana.ts';
import { formatImportReport } from '../../../shared/dashboards/grafana-report.ts';
import type { Dashboard } from '../../../shared/dashboards/model.ts';
import { validateDashboard } from '../../../shared/dashboards/validate.ts';

export type ImportResult = { ok: true; dashboard: Dashboard; source: 'sightline' | 'grafana'; report: string[] } | { ok: false; error: string };

/** Reads JSON text as a dashboard: a `schemaVersion: 1` document with `variables` is Sightline's, anything else goes through the Grafana importer. */
export function importDashboardJson(text: string): ImportResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `not JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
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

/** The JSON a dashboard is exported as (Sightline format, two-space indent). */
export function exportDashboardJson(d: Dashboard): string {
  return JSON.stringify(d, null, 2) + '\n';
}
