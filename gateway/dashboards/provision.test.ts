// The provisioned-dashboards loader: Sightline and Grafana files, broken files and duplicate uids reported per file.
import { describe, expect, it } from 'vitest';
import { loadProvisioned } from './provision.ts';

const SIGHTLINE_DASH = {
  schemaVersion: 1,
  uid: 'prov-one',
  title: 'Provisioned one',
  variables: [],
  panels: [{ id: 1, type: 'timeseries', title: 'Up', gridPos: { x: 0, y: 0, w: 12, h: 6 }, targets: [{ refId: 'A', expr: 'up' }] }],
};

const GRAFANA_DASH = {
  title: 'From Grafana',
  uid: 'graf-one',
  schemaVersion: 39,
  panels: [{ id: 3, type: 'stat', title: 'Targets', gridPos: { x: 0, y: 0, w: 6, h: 4 }, targets: [{ refId: 'A', expr: 'count(up)' }] }],
};

describe('loadProvisioned', () => {
  it('reads Sightline files as they are and converts Grafana files', () => {
    const set = loadProvisioned([
      { path: 'b/grafana.json', text: JSON.stringify(GRAFANA_DASH) },
      { path: 'a.json', text: JSON.stringify(SIGHTLINE_DASH) },
    ]);
    expect(set.errors).toEqual([]);
    expect(set.dashboards.map((d) => [d.file, d.format, d.dashboard.uid, d.dashboard.title])).toEqual([
      ['a.json', 'sightline', 'prov-one', 'Provisioned one'],
      ['b/grafana.json', 'grafana', 'graf-one', 'From Grafana'],
    ]);
    expect(set.dashboards[0].report).toEqual([]);
    expect(set.dashboards[1].report[0]).toMatch(/panels mapped/);
    expect(set.dashboards[1].dashboard.panels[0]).toMatchObject({ type: 'stat', title: 'Targets' });
  });

  it('reports broken files, read errors and a second file with a uid already taken', () => {
    const set = loadProvisioned([
      { path: 'z-copy.json', text: JSON.stringify({ ...SIGHTLINE_DASH, title: 'Copy' }) },
      { path: 'one.json', text: JSON.stringify(SIGHTLINE_DASH) },
      { path: 'broken.json', text: '{"schemaVersion": 1,' },
      { path: 'invalid.json', text: JSON.stringify({ ...SIGHTLINE_DASH, uid: 'bad uid!' }) },
      { path: 'big.json', text: '', error: 'file too large' },
    ]);
    expect(set.dashboards.map((d) => d.file)).toEqual(['one.json']);
    expect(set.errors.map((e) => e.file)).toEqual(['big.json', 'broken.json', 'invalid.json', 'z-copy.json']);
    expect(set.errors[0].message).toBe('file too large');
    expect(set.errors[1].message).toMatch(/^not JSON/);
    expect(set.errors[2].message).toMatch(/^uid:/);
    expect(set.errors[3].message).toBe('uid "prov-one" is already used by one.json');
  });
});
