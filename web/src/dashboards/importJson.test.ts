// Pins JSON import: Sightline documents validated as they are, Grafana documents converted with a report, errors as data.
import { describe, expect, it } from 'vitest';
import { exportDashboardJson, importDashboardJson } from './importJson.ts';
import { BUILTIN_DASHBOARD_JSON } from '../dashboards-builtin/index.ts';
import grafanaText from '../../../shared/dashboards/testdata/node-exporter-like.grafana.json?raw';

describe('dashboard JSON import', () => {
  it('round-trips a Sightline dashboard through export and import', () => {
    const first = importDashboardJson(JSON.stringify(BUILTIN_DASHBOARD_JSON[1]));
    if (!first.ok) throw new Error(first.error);
    expect(first.source).toBe('sightline');
    const again = importDashboardJson(exportDashboardJson(first.dashboard));
    expect(again.ok && again.dashboard).toEqual(first.dashboard);
  });

  it('converts Grafana JSON and reports the mapping', () => {
    const r = importDashboardJson(grafanaText);
    if (!r.ok) throw new Error(r.error);
    expect(r.source).toBe('grafana');
    expect(r.report[0]).toMatch(/panels mapped/);
    expect(r.dashboard.panels.length + r.dashboard.rows.length).toBeGreaterThan(0);
  });

  it('reports bad input as an error', () => {
    expect(importDashboardJson('{').ok).toBe(false);
    expect(importDashboardJson('{"title":"x"}')).toMatchObject({ ok: false, error: expect.stringMatching(/neither "panels" nor "rows"/) });
  });
});
