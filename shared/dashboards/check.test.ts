// Query checks: the sample values each kind of variable gets, and problems in panel and variable queries.
import { describe, expect, it } from 'vitest';
import { checkDashboardQueries, sampleScope } from './check.ts';
import { interpolate } from './interpolate.ts';
import { validateDashboard } from './validate.ts';
import type { Dashboard } from './model.ts';

const dashboard = (variables: unknown[], exprs: string[]): Dashboard => {
  const r = validateDashboard({
    schemaVersion: 1,
    uid: 'c',
    title: 'C',
    variables,
    panels: [{ id: 1, type: 'timeseries', title: 'P', gridPos: { x: 0, y: 0, w: 24, h: 8 }, targets: exprs.map((expr, i) => ({ refId: String.fromCharCode(65 + i), expr })) }],
  });
  if (!r.dashboard) throw new Error(JSON.stringify(r.errors));
  return r.dashboard;
};

const vars = [
  { name: 'job', type: 'query', query: 'label_values(job)', current: { text: 'node', value: 'node' } },
  { name: 'host', type: 'query', query: 'label_values(up{job="$job"}, instance)' },
  { name: 'mount', type: 'query', query: 'label_values(mountpoint)', multi: true, includeAll: true, allValue: '/.*', current: { text: ['All'], value: ['$__all'] } },
  { name: 'dev', type: 'query', query: 'label_values(device)', includeAll: true, current: { text: 'All', value: '$__all' } },
  { name: 'env', type: 'custom', query: 'Prod : prod, Dev : dev' },
  { name: 'iv', type: 'interval', query: '1m,5m', auto: true, current: { text: 'auto', value: '$__auto_interval_iv' } },
  { name: 'k', type: 'constant', query: 'kv' },
];

describe('sampleScope', () => {
  it('uses saved selections, first static options, and placeholders', () => {
    const d = dashboard(vars, ['up']);
    const s = sampleScope(d.variables);
    const i = (t: string): string => interpolate(t, s).text;
    expect(i('$job $host $env $iv $k')).toBe('node sample prod 1m kv');
    expect(i('{m=~"$mount", d=~"$dev"}')).toBe('{m=~"/.*", d=~".*"}');
  });
});

describe('checkDashboardQueries', () => {
  it('parses each query after interpolation and reports failures with positions', () => {
    const d = dashboard(vars, ['rate(up{job="$job"}[$__rate_interval])', 'sum(up{env="$env"}) by ($host)', 'up{instance=~"$host"', 'up[$iv] + $nope']);
    const r = checkDashboardQueries(d);
    // Four panel queries, and one variable query with PromQL in it (label_values(label) has none).
    expect(r.checked).toBe(5);
    expect(r.issues.map((x) => [x.kind, x.refId, x.error, x.position])).toEqual([
      // The error sits at the end of the interpolated text `up{instance=~"sample"` (21 characters).
      ['parse', 'C', '1:22: parse error: unexpected end of input inside braces', { start: 21, end: 21 }],
      ['parse', 'D', expect.stringMatching(/^1:\d+: parse error: /), expect.anything()],
    ]);
    expect(r.issues[1].unknownVariables).toEqual(['nope']);
  });

  it('checks the PromQL inside variable queries', () => {
    const d = dashboard([{ name: 'x', type: 'query', query: 'label_values(up{job=}, instance)' }, { name: 'y', type: 'query', query: 'query_result(topk(3, rate(up[$__range])))' }], []);
    const r = checkDashboardQueries(d);
    expect(r.checked).toBe(2);
    expect(r.issues.map((x) => [x.where, x.title, x.expr])).toEqual([['variable', 'x', 'up{job=}']]);
  });
});
