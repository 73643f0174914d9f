// The dashboards that ship with the studio, as Sightline dashboard JSON validated against the model.
import { validateDashboard } from '../../../shared/dashboards/validate.ts';
import type { Dashboard } from '../../../shared/dashboards/model.ts';
import gatewaySelf from './gateway-self.json';
import nodeExporter from './node-exporter.json';

/** The raw JSON of each built-in dashboard, in menu order. */
export const BUILTIN_DASHBOARD_JSON: readonly unknown[] = [nodeExporter, gatewaySelf];

/** The built-in dashboards with defaults filled in. They are validated by tests; an invalid one is a bug and throws. */
export function builtinDashboards(): Dashboard[] {
  return BUILTIN_DASHBOARD_JSON.map((json) => {
    const r = validateDashboard(json);
    if (!r.dashboard) throw new Error(`invalid built-in dashboard: ${r.errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    return r.dashboard;
  });
}
