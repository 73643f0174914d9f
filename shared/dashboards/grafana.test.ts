// Grafana import: a Node-Exporter-Full-like fixture panel by panel, the legacy rows schema, and odd inputs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importGrafanaDashboard, type GrafanaImportResult } from './grafana.ts';
import { formatImportReport } from './grafana-report.ts';
import { allPanels, type Dashboard, type Panel } from './model.ts';
import { validateDashboard } from './validate.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = JSON.parse(readFileSync(path.join(here, 'testdata/node-exporter-like.grafana.json'), 'utf8')) as Record<string, unknown>;

function ok(r: GrafanaImportResult): Extract<GrafanaImportResult, { ok: true }> {
  if (!r.ok) throw new Error(r.error);
  return r;
}

function byId(d: Dashboard, id: number): Panel {
  const p = allPanels(d).find((x) => x.id === id);
  if (!p) throw new Error(`no panel ${id}`);
  return p;
}

describe('Node-Exporter-Full-like fixture', () => {
  const { dashboard: d, report } = ok(importGrafanaDashboard(fixture));

  it('produces a valid dashboard with the dashboard settings', () => {
    expect(validateDashboard(JSON.parse(JSON.stringify(d)))).toEqual({ dashboard: d, errors: [] });
    expect(d).toMatchObject({
      uid: 'sl-node-full',
      title: 'Node Exporter Full (Sightline fixture)',
      tags: ['linux', 'node'],
      time: { from: 'now-24h', to: 'now' },
      refresh: '1m',
      timezone: 'browser',
      graphTooltip: 'sharedCrosshair',
    });
    expect(d.panels).toEqual([]);
    expect(d.rows.map((r) => [r.title, r.collapsed, r.panels.map((p) => p.id)])).toEqual([
      ['Quick CPU / Mem / Disk', false, [20, 155, 16, 15, 14, 21, 154, 23]],
      ['Basic CPU / Mem / Net / Disk', false, [77, 78, 74, 152]],
      ['CPU / Memory / Net / Disk', true, [3, 301, 303, 304, 305]],
      ['Misc', false, [400, 403, 404, 406, 408]],
    ]);
  });

  it('summarises what was kept', () => {
    expect(report.summary).toEqual({ panelsMapped: 22, panelsPartial: 9, panelsNotMapped: 5, variablesMapped: 6, variablesDropped: 2, queries: 32, queryErrors: 2 });
    expect(report.source).toEqual({ schemaVersion: 39, layout: 'panels' });
    expect(report.notes).toEqual(['1 annotation query not mapped', '1 dashboard link not mapped']);
    expect(report.panelTypes).toEqual([
      { sourceType: 'timeseries', mapped: 8, notMapped: 1 },
      { sourceType: 'gauge', mapped: 3, notMapped: 0 },
      { sourceType: 'stat', mapped: 3, notMapped: 0 },
      { sourceType: 'graph', mapped: 1, notMapped: 1 },
      { sourceType: 'heatmap', mapped: 1, notMapped: 1 },
      { sourceType: 'singlestat', mapped: 2, notMapped: 0 },
      { sourceType: 'bargauge', mapped: 1, notMapped: 0 },
      { sourceType: 'piechart', mapped: 0, notMapped: 1 },
      { sourceType: 'table', mapped: 1, notMapped: 0 },
      { sourceType: 'table-old', mapped: 1, notMapped: 0 },
      { sourceType: 'text', mapped: 1, notMapped: 0 },
      { sourceType: 'unknown', mapped: 0, notMapped: 1 },
    ]);
  });

  it('lists unmapped panels with reasons', () => {
    const notMapped = report.panels.filter((p) => !p.mapped).map((p) => [p.title, p.sourceType, p.reason]);
    expect(notMapped).toEqual([
      ['Context switches (legacy heatmap)', 'heatmap', expect.stringMatching(/calculated from raw series/)],
      ['Filesystem share', 'piechart', 'panel type "piechart" is not supported'],
      ['Syslog rate', 'timeseries', 'uses data source "loki", which is not Prometheus'],
      ['Inodes by mount (series mode)', 'graph', expect.stringMatching(/x-axis mode "series"/)],
      ['Shared uptime', 'unknown', expect.stringMatching(/library panels/)],
    ]);
  });

  it('lists unmapped features by panel title', () => {
    const features = Object.fromEntries(report.unmappedFeatures.map((f) => [f.feature, f.panels]));
    expect(features).toEqual({
      'value mappings': ['Uptime'],
      intervalFactor: ['SWAP Used'],
      overrides: ['CPU Basic', 'Network Traffic Basic', 'Filesystems'],
      seriesOverrides: ['Memory Basic'],
      aliasColors: ['Memory Basic'],
      links: ['Network Traffic Basic'],
      transformations: ['CPU', 'Filesystems'],
      'legend calculation stdDev': ['CPU'],
      'table styles': ['Failed systemd units'],
      'table transform': ['Failed systemd units'],
      'timeFrom (relative time override)': ['Cluster load'],
    });
  });

  it('maps variables, chaining and selections included; drops datasource and ad hoc ones', () => {
    expect(report.variables.map((v) => [v.name, v.sourceType, v.mapped])).toEqual([
      ['ds_prometheus', 'datasource', false],
      ['job', 'query', true],
      ['nodename', 'query', true],
      ['node', 'query', true],
      ['mountpoint', 'query', true],
      ['diskdevices', 'custom', true],
      ['agg', 'interval', true],
      ['Filters', 'adhoc', false],
    ]);
    const v = Object.fromEntries(d.variables.map((x) => [x.name, x]));
    expect(v.job).toMatchObject({ type: 'query', query: 'label_values(node_uname_info, job)', sort: 'alphaAsc', refresh: 'load', current: { value: 'node' } });
    expect(v.node).toMatchObject({ query: 'label_values(node_uname_info{job="$job", nodename="$nodename"}, instance)', refresh: 'timeRange', label: 'Instance' });
    expect(v.mountpoint).toMatchObject({ multi: true, includeAll: true, allValue: '.*', regex: '/.*mountpoint="([^"]+)".*/', sort: 'alphaCiAsc', current: { value: ['$__all'] } });
    expect(v.diskdevices).toMatchObject({ type: 'custom', hide: 'variable', query: '[a-z]+|nvme[0-9]+n[0-9]+|mmcblk[0-9]+' });
    expect(v.agg).toMatchObject({ type: 'interval', auto: true, autoCount: 30, autoMin: '10s', query: '1m,10m,30m,1h,6h,12h,1d' });
    expect(v.nodename).not.toHaveProperty('current');
  });

  it('gauge, bargauge and stat panels keep unit, range, thresholds and reducer', () => {
    expect(byId(d, 20)).toMatchObject({
      type: 'gauge',
      unit: 'percent',
      decimals: 1,
      min: 0,
      max: 100,
      thresholds: { mode: 'absolute', steps: [{ value: null, color: 'rgba(50, 172, 45, 0.97)' }, { value: 85 }, { value: 95 }] },
      color: { mode: 'thresholds' },
      options: { reduce: 'lastNotNull', showThresholdMarkers: true, showThresholdLabels: false },
    });
    expect(byId(d, 20).targets.map((t) => [t.refId, t.instant])).toEqual([['A', true]]);
    expect(report.panels.find((p) => p.id === 20)?.notes).toEqual(['1 empty query dropped']);
    expect(byId(d, 16)).toMatchObject({ type: 'bargauge', options: { reduce: 'mean', displayMode: 'lcd', orientation: 'vertical', showUnfilled: true } });
    expect(byId(d, 15)).toMatchObject({ type: 'stat', unit: 's', options: { sparkline: false, colorMode: 'none', textMode: 'auto', orientation: 'horizontal' } });
    expect(byId(d, 408)).toMatchObject({ type: 'stat', decimals: 0, options: { reduce: 'max', sparkline: true, colorMode: 'background', textMode: 'valueAndName' } });
  });

  it('legacy singlestat becomes stat (or gauge when its gauge was shown)', () => {
    expect(byId(d, 23)).toMatchObject({
      type: 'stat',
      unit: 'bytes',
      decimals: 0,
      thresholds: { mode: 'absolute', steps: [{ value: null, color: 'rgba(50, 172, 45, 0.97)' }, { value: 70, color: 'rgba(237, 129, 40, 0.89)' }, { value: 90, color: 'rgba(245, 54, 54, 0.9)' }] },
      options: { reduce: 'lastNotNull', sparkline: true, colorMode: 'value', textMode: 'value' },
    });
    expect(byId(d, 23).targets[0]).toEqual({ refId: 'A', expr: 'node_filesystem_size_bytes{instance="$node",job="$job",mountpoint="/",fstype!="rootfs"}', instant: false, hide: false, minStep: '900s', format: 'time_series' });
    expect(byId(d, 21)).toMatchObject({ type: 'gauge', unit: 'percent', min: 0, max: 100, options: { reduce: 'mean', showThresholdMarkers: true }, thresholds: { steps: [{ value: null, color: 'green' }, { value: 10, color: 'orange' }, { value: 25, color: 'red' }] } });
  });

  it('timeseries keeps draw style, stacking, legend and every query', () => {
    const p = byId(d, 77);
    expect(p).toMatchObject({
      type: 'timeseries',
      unit: 'percentunit',
      min: 0,
      color: { mode: 'palette' },
      options: { drawStyle: 'lines', lineInterpolation: 'smooth', fillOpacity: 40, showPoints: 'never', stacking: 'percent', legend: { show: true, displayMode: 'table', placement: 'bottom', calcs: ['mean', 'max', 'lastNotNull'] } },
    });
    expect(p.targets.map((t) => [t.refId, t.legendFormat, t.hide])).toEqual([
      ['A', 'Busy System', false],
      ['B', 'Busy User', false],
      ['C', 'Busy Iowait', false],
      ['D', 'Idle', true],
    ]);
    expect(byId(d, 3)).toMatchObject({ options: { stacking: 'normal', lineWidth: 2, fillOpacity: 70, legend: { placement: 'right', calcs: ['mean', 'lastNotNull', 'max', 'min'] } } });
    expect(byId(d, 3).targets[0].minStep).toBe('$agg');
  });

  it('legacy graph becomes timeseries with its y axis, stack, fill, legend values and thresholds', () => {
    expect(byId(d, 78)).toMatchObject({
      type: 'timeseries',
      unit: 'bytes',
      decimals: 2,
      min: 0,
      thresholds: { mode: 'absolute', steps: [{ value: null, color: 'transparent' }, { value: 32_000_000_000, color: 'red' }] },
      options: { drawStyle: 'lines', fillOpacity: 40, lineWidth: 1, stacking: 'normal', showPoints: 'never', legend: { show: true, placement: 'right', displayMode: 'list', calcs: ['lastNotNull', 'max'] } },
    });
    expect(byId(d, 78).targets.map((t) => [t.legendFormat, t.minStep])).toEqual([
      ['RAM Total', '240s'],
      ['RAM Used', '240s'],
    ]);
  });

  it('heatmap, tables, repeat, text and mixed data sources', () => {
    expect(byId(d, 301)).toMatchObject({ type: 'heatmap', unit: 's', decimals: 2, options: { bucketLabel: 'le', colorScheme: 'Spectral', hideZeroBuckets: true } });
    expect(byId(d, 301).targets[0].format).toBe('heatmap');
    expect(byId(d, 303)).toMatchObject({ type: 'table', unit: 'bytes', options: { showHeader: true, sortBy: { column: 'Size', desc: true } } });
    expect(byId(d, 303).targets.map((t) => [t.instant, t.format])).toEqual([
      [true, 'table'],
      [true, 'table'],
    ]);
    expect(byId(d, 304)).toMatchObject({ type: 'table', options: { sortBy: { column: '2', desc: true } } });
    expect(byId(d, 305)).toMatchObject({ title: 'Load $node', repeat: { variable: 'node', direction: 'h', maxPerRow: 4 } });
    expect(byId(d, 400)).toMatchObject({ type: 'text', targets: [], options: { mode: 'markdown', content: expect.stringContaining('**Node Exporter Full**') } });
    expect(byId(d, 406).targets.map((t) => t.refId)).toEqual(['A']);
    expect(report.panels.find((p) => p.id === 406)?.notes).toEqual(['1 query on non-Prometheus data sources dropped']);
  });

  it('re-packs grid positions per section, relative to the row', () => {
    expect(byId(d, 20).gridPos).toEqual({ x: 0, y: 0, w: 3, h: 4 });
    expect(byId(d, 23).gridPos).toEqual({ x: 9, y: 2, w: 4, h: 2 });
    expect(byId(d, 74).gridPos).toEqual({ x: 0, y: 7, w: 12, h: 7 });
    // The unmapped legacy heatmap left a hole; the table beside it moves up.
    expect(byId(d, 303).gridPos).toEqual({ x: 12, y: 12, w: 12, h: 8 });
    expect(byId(d, 304).gridPos).toEqual({ x: 0, y: 12, w: 12, h: 8 });
  });

  it('reports, by panel title, queries that fail to parse after sample interpolation', () => {
    expect(report.queryIssues).toEqual([
      {
        kind: 'parse',
        where: 'panel',
        title: 'Context Switches',
        panelId: 403,
        refId: 'A',
        expr: 'rate(node_context_switches_total{instance="$node",job="$job"}[$__rate_interval]',
        interpolated: 'rate(node_context_switches_total{instance="web-1:9100",job="node"}[75s]',
        error: '1:72: parse error: unclosed left parenthesis',
        position: { start: 71, end: 71 },
        unknownVariables: [],
      },
      {
        kind: 'undefinedVariable',
        where: 'panel',
        title: 'Cluster load',
        panelId: 404,
        refId: 'A',
        expr: 'sum(node_load1{cluster="$cluster"})',
        interpolated: 'sum(node_load1{cluster="$cluster"})',
        error: 'undefined variable $cluster',
        unknownVariables: ['cluster'],
      },
    ]);
  });

  it('formats a human-readable report', () => {
    const text = formatImportReport(report).join('\n');
    expect(text).toMatch(/^"Node Exporter Full \(Sightline fixture\)" \(uid sl-node-full\): 22 panels mapped \(9 partially\), 5 not mapped; 6 variables mapped, 2 dropped; 32 queries checked, 2 with problems/);
    expect(text).toContain('  Panel types: timeseries 9 (1 not mapped), gauge 3, stat 3, graph 2 (1 not mapped), heatmap 2 (1 not mapped), singlestat 2,');
    expect(text).toContain('    - "Filesystem share" (piechart): panel type "piechart" is not supported');
    expect(text).toContain('    - overrides: "CPU Basic", "Network Traffic Basic", "Filesystems"');
    expect(text).toContain('    - $Filters (adhoc): ad hoc filters are not supported');
    expect(text).toContain('    - "Context Switches" A: 1:72: parse error: unclosed left parenthesis');
  });
});

describe('legacy rows schema', () => {
  const legacy = (showTitle: boolean) => ({
    title: 'Old Node',
    uid: 'old node!',
    schemaVersion: 14,
    refresh: false,
    time: { from: 'now-1h', to: 'now' },
    templating: { list: [{ name: 'host', type: 'query', query: 'label_values(node_boot_time, instance)', datasource: 'Prometheus', refresh: 1, current: { text: 'a', value: 'a' } }] },
    rows: [
      {
        title: 'Overview',
        showTitle,
        collapse: false,
        height: '250px',
        panels: [
          { id: 1, span: 6, type: 'graph', title: 'Load', datasource: 'Prometheus', targets: [{ expr: 'node_load1{instance="$host"}', refId: 'A' }], yaxes: [{ format: 'short' }, {}] },
          { id: 2, span: 6, type: 'singlestat', title: 'Up', targets: [{ expr: 'up{instance="$host"}', refId: 'A' }], valueName: 'current' },
          { id: 3, span: 12, height: 100, type: 'text', title: 'Help', mode: 'html', content: '<b>hi</b>' },
        ],
      },
      { title: 'Second', showTitle, collapse: showTitle, height: 300, panels: [{ id: 1, span: 4, type: 'graph', title: 'Dup id', targets: [{ expr: 'up', refId: 'A' }] }] },
    ],
  });

  it('turns rows into sections with span-based widths and px heights', () => {
    const { dashboard: d, report } = ok(importGrafanaDashboard(legacy(true)));
    expect(report.source).toEqual({ schemaVersion: 14, layout: 'rows' });
    expect(d.uid).toBe('old-node');
    expect(d.refresh).toBe('');
    expect(d.rows.map((r) => [r.title, r.collapsed, r.panels.map((p) => [p.id, p.type, p.gridPos])])).toEqual([
      [
        'Overview',
        false,
        [
          [1, 'timeseries', { x: 0, y: 0, w: 12, h: 7 }],
          [2, 'stat', { x: 12, y: 0, w: 12, h: 7 }],
          [3, 'text', { x: 0, y: 7, w: 24, h: 3 }],
        ],
      ],
      ['Second', true, [[4, 'timeseries', { x: 0, y: 0, w: 8, h: 8 }]]],
    ]);
    expect(report.panels.find((p) => p.title === 'Help')?.notes).toEqual(['HTML text shown as markdown source']);
    expect(report.queryIssues).toEqual([]);
  });

  it('without visible rows, stacks every panel at the top level', () => {
    const { dashboard: d } = ok(importGrafanaDashboard(legacy(false)));
    expect(d.rows).toEqual([]);
    expect(d.panels.map((p) => [p.title, p.gridPos])).toEqual([
      ['Load', { x: 0, y: 0, w: 12, h: 7 }],
      ['Up', { x: 12, y: 0, w: 12, h: 7 }],
      ['Help', { x: 0, y: 7, w: 24, h: 3 }],
      ['Dup id', { x: 0, y: 10, w: 8, h: 8 }],
    ]);
  });
});

describe('odd inputs', () => {
  const minimal = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    title: 'T',
    panels: [{ id: 1, type: 'timeseries', title: 'A', gridPos: { x: 0, y: 0, w: 12, h: 8 }, targets: [{ expr: 'up', refId: 'A' }] }],
    ...extra,
  });

  it('rejects what is not a dashboard', () => {
    expect(importGrafanaDashboard([])).toEqual({ ok: false, error: 'not a Grafana dashboard: expected a JSON object' });
    expect(importGrafanaDashboard({ title: 'x' })).toEqual({ ok: false, error: 'not a Grafana dashboard: it has neither "panels" nor "rows"' });
  });

  it('unwraps the HTTP API shape and honours an explicit uid', () => {
    const { dashboard } = ok(importGrafanaDashboard({ dashboard: minimal({ uid: 'abc' }), meta: { slug: 't' } }, { uid: 'mine' }));
    expect(dashboard.uid).toBe('mine');
    expect(ok(importGrafanaDashboard({ dashboard: minimal({ uid: 'abc' }) })).dashboard.uid).toBe('abc');
  });

  it('fixes grid positions, ids, refIds and times the validator would reject', () => {
    const { dashboard: d, report } = ok(
      importGrafanaDashboard(
        minimal({
          time: { from: 'last week', to: 'now' },
          timezone: 'Mars/Base',
          panels: [
            { id: 7, type: 'stat', title: 'Wide', gridPos: { x: 20, y: 0, w: 10, h: 2.4 }, interval: 'often', targets: [{ expr: 'up' }, { expr: 'up', refId: 'A', interval: 'x' }] },
            { id: 7, type: 'stat', title: 'Same id', gridPos: { x: 0, y: 0, w: 6, h: 2 }, repeat: 'gone', targets: [{ expr: 'up', refId: 'A' }] },
          ],
        }),
      ),
    );
    expect(allPanels(d).map((p) => [p.title, p.id, p.gridPos])).toEqual([
      ['Same id', 7, { x: 0, y: 0, w: 6, h: 2 }],
      ['Wide', 8, { x: 20, y: 0, w: 4, h: 2 }],
    ]);
    const wide = byId(d, 8);
    expect(wide.targets.map((t) => [t.refId, t.minStep])).toEqual([
      ['A', undefined],
      ['B', undefined],
    ]);
    expect(wide.minInterval).toBeUndefined();
    expect(report.panels.find((p) => p.title === 'Wide')?.notes).toEqual([
      'grid position adjusted to fit the 24-column grid',
      'min interval "often" is not an interval and was dropped',
      'query B: min step "x" is not an interval and was dropped',
    ]);
    expect(report.panels.find((p) => p.title === 'Same id')?.unmapped).toEqual(['repeat by undefined variable $gone']);
    expect(d.time).toEqual({ from: 'now-6h', to: 'now' });
    expect(d.timezone).toBe('browser');
    expect(report.notes).toEqual([expect.stringMatching(/time range .* not understood/), 'time zone "Mars/Base" unknown; using the browser\'s']);
  });

  it('resolves data sources through __inputs and datasource variables', () => {
    const r = ok(
      importGrafanaDashboard(
        minimal({
          __inputs: [{ name: 'DS_LOGS', type: 'datasource', pluginId: 'loki' }],
          templating: { list: [{ name: 'ds', type: 'datasource', query: 'prometheus' }] },
          panels: [
            { id: 1, type: 'timeseries', title: 'Logs', datasource: '${DS_LOGS}', gridPos: { x: 0, y: 0, w: 12, h: 8 }, targets: [{ expr: 'x', refId: 'A' }] },
            { id: 2, type: 'timeseries', title: 'Prom', datasource: '$ds', gridPos: { x: 12, y: 0, w: 12, h: 8 }, targets: [{ expr: 'up', refId: 'A' }] },
          ],
        }),
      ),
    );
    expect(r.report.panels.map((p) => [p.title, p.mapped])).toEqual([
      ['Logs', false],
      ['Prom', true],
    ]);
  });

  it('variables: string queries, definition fallback, editor fields, bad regexes and intervals, cycles', () => {
    const { dashboard: d, report } = ok(
      importGrafanaDashboard(
        minimal({
          templating: {
            list: [
              { name: 'a', type: 'query', query: '', definition: 'label_values(up, job)', regex: '/(?P<x>.*)/' },
              { name: 'b', type: 'query', query: { qryType: 1, label: 'instance', metric: 'up', refId: 'x' } },
              { name: 'c', type: 'query', query: { qryType: 3, varQuery: 'topk(1, up)' } },
              { name: 'iv', type: 'interval', query: '1m,soon,5m' },
              { name: 'x', type: 'query', query: 'label_values(up{y="$y"}, x)' },
              { name: 'y', type: 'query', query: 'label_values(up{x="$x"}, y)' },
              { name: 't', type: 'textbox', query: 'def', current: { value: 'typed', text: 'typed' } },
              { name: 'k', type: 'constant', query: 'v' },
              { name: 'o', type: 'custom', options: [{ text: 'a', value: 'a' }, { text: 'b,c', value: 'b,c' }] },
            ],
          },
        }),
      ),
    );
    const v = Object.fromEntries(d.variables.map((x) => [x.name, x]));
    expect(v.a).toMatchObject({ query: 'label_values(up, job)' });
    expect(v.a).not.toHaveProperty('regex');
    expect(v.b).toMatchObject({ query: 'label_values(up, instance)' });
    expect(v.c).toMatchObject({ query: 'query_result(topk(1, up))' });
    expect(v.iv).toMatchObject({ query: '1m,5m' });
    expect(v.t).toMatchObject({ query: 'def', current: { value: 'typed' } });
    expect(v.o).toMatchObject({ query: String.raw`a,b\,c` });
    expect(Object.keys(v)).toEqual(['a', 'b', 'c', 'iv', 't', 'k', 'o']);
    const notes = Object.fromEntries(report.variables.map((x) => [x.name, [x.mapped, x.note]]));
    expect(notes.a).toEqual([true, expect.stringMatching(/^regex dropped: invalid regex/)]);
    expect(notes.iv).toEqual([true, 'invalid intervals dropped: soon']);
    expect(notes.x).toEqual([false, 'part of a dependency cycle between variables']);
  });
});
