// The dashboard validator: defaults for omitted fields, and each kind of mistake reported at its JSON path.
import { describe, expect, it } from 'vitest';
import { defaultOptions } from './model.ts';
import { parseDashboard, validateDashboard, type ValidationError } from './validate.ts';

type JsonObject = Record<string, unknown>;

function base(extra: JsonObject = {}): JsonObject {
  return {
    schemaVersion: 1,
    uid: 'demo',
    title: 'Demo',
    panels: [{ id: 1, type: 'timeseries', title: 'CPU', gridPos: { x: 0, y: 0, w: 12, h: 8 }, targets: [{ refId: 'A', expr: 'up' }] }],
    ...extra,
  };
}

function errorsOf(json: unknown): ValidationError[] {
  const r = validateDashboard(json);
  expect(r.dashboard).toBeUndefined();
  return r.errors;
}

const panel = (extra: JsonObject): JsonObject => ({ id: 1, type: 'stat', title: 'P', gridPos: { x: 0, y: 0, w: 6, h: 4 }, ...extra });

describe('validateDashboard', () => {
  it('fills defaults for a minimal dashboard', () => {
    const r = validateDashboard(base());
    expect(r.errors).toEqual([]);
    const d = r.dashboard!;
    expect(d).toMatchObject({ tags: [], time: { from: 'now-6h', to: 'now' }, refresh: '', timezone: 'browser', graphTooltip: 'default', variables: [], rows: [] });
    expect(d.panels[0]).toEqual({
      id: 1,
      type: 'timeseries',
      title: 'CPU',
      gridPos: { x: 0, y: 0, w: 12, h: 8 },
      targets: [{ refId: 'A', expr: 'up', instant: false, hide: false }],
      options: defaultOptions('timeseries'),
    });
  });

  it('merges partial options with defaults and keeps every field it knows', () => {
    const json = base({
      tags: ['linux'],
      time: { from: 'now-24h', to: 'now' },
      refresh: '30s',
      timezone: 'Europe/Paris',
      variables: [{ name: 'job', type: 'query', query: 'label_values(job)', multi: true, includeAll: true, allValue: '.*', current: { text: 'All', value: '$__all' } }],
      rows: [
        {
          title: 'Disk',
          collapsed: true,
          repeat: 'job',
          panels: [
            panel({
              id: 2,
              unit: 'percent',
              decimals: 1,
              min: 0,
              max: 100,
              thresholds: { mode: 'absolute', steps: [{ value: null, color: 'green' }, { value: 80, color: 'red' }] },
              color: { mode: 'thresholds' },
              minInterval: '1m',
              maxDataPoints: 500,
              repeat: { variable: 'job', direction: 'v' },
              options: { reduce: 'mean', sparkline: false },
              targets: [{ refId: 'A', expr: 'x', legendFormat: '{{instance}}', instant: true, minStep: '30s', format: 'table' }],
            }),
          ],
        },
      ],
    });
    const r = validateDashboard(json);
    expect(r.errors).toEqual([]);
    const p = r.dashboard!.rows[0].panels[0];
    expect(p).toMatchObject({ unit: 'percent', decimals: 1, repeat: { variable: 'job', direction: 'v' }, options: { ...defaultOptions('stat'), reduce: 'mean', sparkline: false } });
    expect(r.dashboard!.variables[0]).toMatchObject({ sort: 'none', refresh: 'load', hide: 'none', allValue: '.*' });
    // Validated output is itself valid: the model round-trips.
    expect(validateDashboard(JSON.parse(JSON.stringify(r.dashboard))).dashboard).toEqual(r.dashboard);
  });

  it('reports the schema version first', () => {
    expect(errorsOf({ title: 'x' })).toEqual([{ path: 'schemaVersion', message: expect.stringMatching(/is required.*grafana-import/) }]);
    expect(errorsOf({ ...base(), schemaVersion: 2 })).toEqual([{ path: 'schemaVersion', message: expect.stringMatching(/unsupported schema version 2/) }]);
    expect(errorsOf([1, 2])).toEqual([{ path: '', message: 'must be an object' }]);
  });

  it('locates structural mistakes by path', () => {
    const errs = errorsOf(
      base({
        uid: 'has space',
        title: '',
        refresh: 'often',
        timezone: 'Mars/Olympus',
        time: { from: 'yesterday', to: 'now' },
        extra: true,
        panels: [
          panel({ id: 1, gridPos: { x: 20, y: 0, w: 6, h: 4 }, legend: {} }),
          panel({ id: 1, type: 'sparkle', gridPos: { x: 0, y: 10, w: 6, h: 4 } }),
          panel({ id: 3, gridPos: { x: 0, y: 20, w: 6, h: 4 }, decimals: 1.5, min: 5, max: 1, options: { reduce: 'median' } }),
          panel({ id: 4, gridPos: { x: 0, y: 30, w: 6, h: 4 }, thresholds: { steps: [{ value: 10, color: 'green' }, { value: 90, color: 'red' }, { value: 50, color: '' }] } }),
          panel({ id: 5, type: 'text', gridPos: { x: 0, y: 40, w: 6, h: 4 }, targets: [{ refId: 'A', expr: 'up' }] }),
          panel({ id: 6, gridPos: { x: 0, y: 50, w: 6, h: 4 }, targets: [{ refId: 'A', expr: 'up' }, { refId: 'A', expr: 'up', minStep: 'soon' }], repeat: { variable: 'nope' } }),
        ],
      }),
    );
    const at = (path: string): string[] => errs.filter((e) => e.path === path).map((e) => e.message);
    expect(at('uid')).toEqual([expect.stringMatching(/1–40 characters/)]);
    expect(at('title')).toEqual(['must not be empty']);
    expect(at('refresh')).toEqual([expect.stringMatching(/invalid interval "often"/)]);
    expect(at('timezone')).toEqual([expect.stringMatching(/unknown time zone "Mars\/Olympus"/)]);
    expect(at('time.from')).toEqual([expect.stringMatching(/invalid time "yesterday"/)]);
    expect(at('extra')).toEqual(['unknown property']);
    expect(at('panels[0].gridPos.w')).toEqual(['x + w must be at most 24 (is 26)']);
    expect(at('panels[0].legend')).toEqual(['unknown property']);
    expect(at('panels[1].type')).toEqual([expect.stringMatching(/must be one of "timeseries"/)]);
    expect(at('panels[2].decimals')).toEqual(['must be a whole number']);
    expect(at('panels[2].max')).toEqual(['must not be below min (5)']);
    expect(at('panels[2].options.reduce')).toEqual([expect.stringMatching(/must be one of "lastNotNull"/)]);
    expect(at('panels[3].thresholds.steps[0].value')).toEqual(['the first (base) step must have value null']);
    expect(at('panels[3].thresholds.steps[2].value')).toEqual(['steps must be in ascending order (previous step is 90)']);
    expect(at('panels[3].thresholds.steps[2].color')).toEqual(['must not be empty']);
    expect(at('panels[4].targets')).toEqual(['text panels have no queries']);
    expect(at('panels[5].targets[1].refId')).toEqual(['duplicate refId "A" (also targets[0])']);
    expect(at('panels[5].targets[1].minStep')).toEqual([expect.stringMatching(/invalid interval "soon"/)]);
    expect(at('panels[5].repeat.variable')).toEqual(['unknown variable "nope"']);
  });

  it('finds duplicate ids across rows and overlapping panels within a section', () => {
    const errs = errorsOf(
      base({
        panels: [panel({ id: 1 }), panel({ id: 2, gridPos: { x: 3, y: 2, w: 6, h: 4 } })],
        rows: [{ title: 'R', panels: [panel({ id: 1 })] }],
      }),
    );
    expect(errs).toEqual([
      { path: 'panels[1].gridPos', message: 'overlaps panels[0] ("P")' },
      { path: 'rows[0].panels[0].id', message: 'duplicate panel id 1 (also panels[0])' },
    ]);
  });

  it('checks variables: names, duplicates, cycles, regexes, intervals, current values', () => {
    const errs = errorsOf(
      base({
        variables: [
          { name: '__interval', type: 'constant', query: 'x' },
          { name: 'a', type: 'query', query: 'label_values(x{b="$b"}, a)', regex: '/(/' },
          { name: 'b', type: 'query', query: 'label_values(x{a="$a"}, b)', current: { text: 1, value: 'x' } },
          { name: 'd', type: 'custom', query: 'x,y' },
          { name: 'd', type: 'custom', query: 'x,y' },
          { name: 'iv', type: 'interval', query: '1m, fast', autoMin: '0x' },
          { name: 'w', type: 'weird' },
        ],
      }),
    );
    const at = (path: string): string[] => errs.filter((e) => e.path === path).map((e) => e.message);
    expect(at('variables[0].name')).toEqual([expect.stringMatching(/reserved/)]);
    expect(at('variables[1].regex')).toEqual([expect.stringMatching(/invalid regex/)]);
    expect(at('variables[2].current.text')).toEqual(['must be a string or an array of strings']);
    expect(at('variables[4].name')).toEqual(['duplicate variable name "d" (also variables[3])']);
    expect(at('variables[5].query')).toEqual([expect.stringMatching(/invalid interval "fast"/)]);
    expect(at('variables[5].autoMin')).toEqual([expect.stringMatching(/invalid interval "0x"/)]);
    expect(at('variables[6].type')).toEqual([expect.stringMatching(/must be one of "query"/)]);
    expect(at('variables[1].query')).toEqual(['dependency cycle: $a → $b → $a']);
  });

  it('parseDashboard reports JSON syntax errors', () => {
    const r = parseDashboard('{"schemaVersion": 1,');
    expect(r.dashboard).toBeUndefined();
    expect(r.errors).toEqual([{ path: '', message: expect.stringMatching(/^invalid JSON: /) }]);
    expect(parseDashboard(JSON.stringify(base())).dashboard?.title).toBe('Demo');
  });
});
