// Variables: query recognition, option extraction and sorting, chained resolution through a fake resolver, selection and scope.
import { describe, expect, it } from 'vitest';
import type { Labels } from '../model/labels.ts';
import type { QueryValue } from '../promql/result.ts';
import { interpolate } from './interpolate.ts';
import { ALL_VALUE, type Variable } from './model.ts';
import {
  customOptions,
  dependencyOrder,
  dependents,
  extractOptions,
  grafanaRegex,
  parseVariableQuery,
  queryResultTexts,
  resolveVariables,
  selectValue,
  selectedOptions,
  sortOptions,
  variableScope,
  type TimeWindow,
  type VariableResolver,
} from './variables.ts';

const RANGE: TimeWindow = { from: 1_700_000_000_000, to: 1_700_000_000_000 + 86_400_000 };

/** Series the fake store holds; selectors are matched on label equality / regex like a tiny store would. */
const SERIES: Labels[] = [
  { __name__: 'node_uname_info', job: 'node', instance: 'web-1:9100', nodename: 'web-1' },
  { __name__: 'node_uname_info', job: 'node', instance: 'web-2:9100', nodename: 'web-2' },
  { __name__: 'node_uname_info', job: 'edge', instance: 'edge-1:9100', nodename: 'edge-1' },
  { __name__: 'up', job: 'node', instance: 'web-1:9100' },
];

function selectorMatches(selector: string, l: Labels): boolean {
  const m = /^(\w+)?(?:\{(.*)\})?$/.exec(selector.trim());
  if (!m) throw new Error(`fake store cannot read ${selector}`);
  if (m[1] && l.__name__ !== m[1]) return false;
  for (const part of (m[2] ?? '').split(',').filter((s) => s.trim() !== '')) {
    const mm = /^\s*(\w+)\s*(=~|=)\s*"(.*)"\s*$/.exec(part)!;
    const v = l[mm[1]] ?? '';
    if (mm[2] === '=' ? v !== mm[3] : !new RegExp(`^(?:${mm[3].replace(/\\\\/g, '\\')})$`).test(v)) return false;
  }
  return true;
}

function fakeResolver(log: string[] = []): VariableResolver {
  return {
    async labelValues(metric, label) {
      log.push(`labelValues ${metric ?? '*'} ${label}`);
      const vals = SERIES.filter((s) => metric === undefined || selectorMatches(metric, s)).map((s) => s[label]).filter((v): v is string => v !== undefined);
      return [...new Set(vals)];
    },
    async labelNames(match) {
      log.push(`labelNames ${match ?? '*'}`);
      return [...new Set(SERIES.filter((s) => match === undefined || selectorMatches(match, s)).flatMap(Object.keys))].sort();
    },
    async seriesMatch(selector) {
      log.push(`series ${selector}`);
      return SERIES.filter((s) => selectorMatches(selector, s));
    },
    async instantQuery(expr, t): Promise<QueryValue> {
      log.push(`query ${expr} @${t}`);
      return { resultType: 'vector', result: SERIES.filter((s) => selectorMatches(expr, s)).map((labels) => ({ labels, t, v: 1 })) };
    },
  };
}

const q = (name: string, query: string, extra: Partial<Extract<Variable, { type: 'query' }>> = {}): Variable => ({
  name,
  type: 'query',
  hide: 'none',
  query,
  sort: 'none',
  refresh: 'load',
  multi: false,
  includeAll: false,
  ...extra,
});

describe('query recognition', () => {
  it('classifies Grafana Prometheus variable queries', () => {
    expect(parseVariableQuery('label_values(job)')).toEqual({ kind: 'labelValues', label: 'job' });
    expect(parseVariableQuery('label_values(node_uname_info{job="a,b"}, instance)')).toEqual({ kind: 'labelValues', metric: 'node_uname_info{job="a,b"}', label: 'instance' });
    expect(parseVariableQuery('label_names()')).toEqual({ kind: 'labelNames' });
    expect(parseVariableQuery('label_names(up)')).toEqual({ kind: 'labelNames', match: 'up' });
    expect(parseVariableQuery('metrics(node_.*)')).toEqual({ kind: 'metrics', regex: 'node_.*' });
    expect(parseVariableQuery(' query_result(topk(3, up)) ')).toEqual({ kind: 'queryResult', expr: 'topk(3, up)' });
    expect(parseVariableQuery('up{job="node"}')).toEqual({ kind: 'series', selector: 'up{job="node"}' });
    expect(parseVariableQuery('  ')).toEqual({ kind: 'empty' });
  });
});

describe('options', () => {
  it('custom lists: trimming, text : value pairs, escaped commas, no duplicates', () => {
    expect(customOptions('a, b ,c,a')).toEqual([
      { text: 'a', value: 'a' },
      { text: 'b', value: 'b' },
      { text: 'c', value: 'c' },
    ]);
    expect(customOptions('Production : prod-1, Staging : stg-1')).toEqual([
      { text: 'Production', value: 'prod-1' },
      { text: 'Staging', value: 'stg-1' },
    ]);
    expect(customOptions(String.raw`a\,b, c`).map((o) => o.value)).toEqual(['a,b', 'c']);
  });

  it('regex extraction: first group, named groups, global matches, anchored bare patterns', () => {
    const texts = ['up{instance="web-1:9100",job="node"} 1 1700', 'up{instance="web-2:9100",job="node"} 1 1700', 'other 1'];
    expect(extractOptions(texts, grafanaRegex('/instance="([^"]+)"/')).map((o) => o.value)).toEqual(['web-1:9100', 'web-2:9100']);
    expect(extractOptions(texts, grafanaRegex('/instance="(?<text>[^:]+):(?<value>\\d+)"/'))).toEqual([{ text: 'web-1', value: '9100' }]);
    expect(extractOptions(['a=1 b=2', 'c=3'], grafanaRegex('/=(\\d)/g')).map((o) => o.value)).toEqual(['1', '2', '3']);
    expect(extractOptions(['web-1', 'web-12', 'db-1'], grafanaRegex('web-\\d')).map((o) => o.value)).toEqual(['web-1']);
    expect(extractOptions(['abc'], grafanaRegex('/b/')).map((o) => o.value)).toEqual(['abc']);
    expect(() => grafanaRegex('/(/')).toThrow(/invalid regex/);
  });

  it('query_result texts look like Grafana\'s', () => {
    expect(queryResultTexts({ resultType: 'vector', result: [{ labels: { __name__: 'up', job: 'n', instance: 'a' }, t: 1000, v: 0.5 }] })).toEqual(['up{instance="a",job="n"} 0.5 1000']);
    expect(queryResultTexts({ resultType: 'scalar', result: { t: 2000, v: 3 } })).toEqual(['3 2000']);
  });

  it('sorts like Grafana: alphabetical, numerical by first number, case-insensitive, natural, descending', () => {
    const opts = ['node10', 'node2', 'Node1', 'node1'].map((s) => ({ text: s, value: s }));
    const texts = (s: Parameters<typeof sortOptions>[1]): string[] => sortOptions([...opts], s).map((o) => o.text);
    expect(texts('none')).toEqual(['node10', 'node2', 'Node1', 'node1']);
    expect(texts('alphaAsc')).toEqual(['Node1', 'node1', 'node10', 'node2']);
    expect(texts('alphaDesc')).toEqual(['node2', 'node10', 'node1', 'Node1']);
    expect(texts('numAsc')).toEqual(['Node1', 'node1', 'node2', 'node10']);
    expect(texts('numDesc')).toEqual(['node10', 'node2', 'node1', 'Node1']);
    expect(texts('alphaCiAsc')).toEqual(['Node1', 'node1', 'node10', 'node2']);
    expect(texts('naturalAsc').map((t) => t.toLowerCase())).toEqual(['node1', 'node1', 'node2', 'node10']);
  });
});

describe('dependencies', () => {
  it('orders chained variables after what they read, and finds cycles', () => {
    const vars = [q('node', 'label_values(up{job="$job", nodename="$nodename"}, instance)'), q('nodename', 'label_values(node_uname_info{job="$job"}, nodename)'), q('job', 'label_values(job)')];
    expect(dependencyOrder(vars)).toEqual({ order: ['job', 'nodename', 'node'], cycles: [] });
    expect(dependents(vars, ['job'])).toEqual(['nodename', 'node']);
    expect(dependents(vars, ['nodename'])).toEqual(['node']);
    const cyclic = [q('a', 'label_values(x{b="$b"}, a)'), q('b', 'label_values(x{a="$a"}, b)', { regex: '/$c/' }), q('c', 'label_values(c)')];
    expect(dependencyOrder(cyclic).cycles).toEqual([['a', 'b', 'a']]);
  });
});

describe('resolveVariables', () => {
  const chain = (): Variable[] => [
    q('job', 'label_values(node_uname_info, job)', { sort: 'alphaAsc' }),
    q('node', 'label_values(node_uname_info{job="$job"}, instance)', { includeAll: true, multi: true }),
    { name: 'env', type: 'custom', hide: 'none', query: 'Prod : prod, Dev : dev', multi: false, includeAll: false },
    { name: 'c', type: 'constant', hide: 'variable', query: 'fixed' },
    { name: 'q', type: 'textbox', hide: 'none', query: 'default text' },
  ];

  it('resolves in dependency order with interpolated selectors; defaults to first option or All', async () => {
    const log: string[] = [];
    const st = await resolveVariables(chain(), { resolver: fakeResolver(log), range: RANGE });
    expect(log).toEqual(['labelValues node_uname_info job', 'labelValues node_uname_info{job="edge"} instance']);
    expect(st.job.options.map((o) => o.value)).toEqual(['edge', 'node']);
    expect(st.job.current).toEqual({ text: 'edge', value: 'edge' });
    expect(st.node.options.map((o) => o.value)).toEqual([ALL_VALUE, 'edge-1:9100']);
    expect(st.node.current).toEqual({ text: ['All'], value: [ALL_VALUE] });
    expect(st.env.current).toEqual({ text: 'Prod', value: 'prod' });
    expect(st.c.current).toEqual({ text: 'fixed', value: 'fixed' });
    expect(st.q.current).toEqual({ text: 'default text', value: 'default text' });
  });

  it('keeps saved selections still offered and drops the others', async () => {
    const vars = chain();
    (vars[0] as Extract<Variable, { type: 'query' }>).current = { text: 'node', value: 'node' };
    (vars[1] as Extract<Variable, { type: 'query' }>).current = { text: ['web-2:9100', 'gone'], value: ['web-2:9100', 'gone'] };
    const st = await resolveVariables(vars, { resolver: fakeResolver(), range: RANGE });
    expect(st.job.current.value).toBe('node');
    expect(st.node.current).toEqual({ text: ['web-2:9100'], value: ['web-2:9100'] });
    const scope = variableScope(st);
    expect(interpolate('up{job="$job",instance=~"$node"}', scope).text).toBe('up{job="node",instance=~"web-2:9100"}');
  });

  it('on a change, re-queries only the dependents; on a time-range change only timeRange variables', async () => {
    const log: string[] = [];
    const vars = chain();
    const r = fakeResolver(log);
    const first = await resolveVariables(vars, { resolver: r, range: RANGE });
    log.length = 0;
    const changed = { ...first, job: selectValue(first.job, 'node') };
    const next = await resolveVariables(vars, { resolver: r, range: RANGE }, changed, { kind: 'changed', name: 'job' });
    expect(log).toEqual(['labelValues node_uname_info{job="node"} instance']);
    expect(next.node.options.map((o) => o.value)).toEqual([ALL_VALUE, 'web-1:9100', 'web-2:9100']);
    expect(next.node.current.value).toEqual([ALL_VALUE]);
    expect(interpolate('$node', variableScope(next)).text).toBe(String.raw`(web-1:9100|web-2:9100)`);

    log.length = 0;
    await resolveVariables(vars, { resolver: r, range: RANGE }, next, { kind: 'timeRange' });
    expect(log).toEqual([]);
    (vars[0] as Extract<Variable, { type: 'query' }>).refresh = 'timeRange';
    await resolveVariables(vars, { resolver: r, range: RANGE }, next, { kind: 'timeRange' });
    expect(log).toEqual(['labelValues node_uname_info job', 'labelValues node_uname_info{job="node"} instance']);
  });

  it('query_result with a regex, metrics(), label_names() and series selectors', async () => {
    const log: string[] = [];
    const vars: Variable[] = [
      q('inst', 'query_result(up{job="node"})', { regex: '/instance="([^"]+)"/' }),
      q('metric', 'metrics(^node_)'),
      q('labels', 'label_names()'),
      q('series', 'node_uname_info{job="edge"}'),
    ];
    const st = await resolveVariables(vars, { resolver: fakeResolver(log), range: RANGE });
    expect(st.inst.options.map((o) => o.value)).toEqual(['web-1:9100']);
    expect(log[0]).toBe(`query up{job="node"} @${RANGE.to}`);
    expect(st.metric.options.map((o) => o.value)).toEqual(['node_uname_info']);
    expect(st.labels.options.map((o) => o.value)).toEqual(['__name__', 'instance', 'job', 'nodename']);
    expect(st.series.options.map((o) => o.value)).toEqual(['node_uname_info{instance="edge-1:9100",job="edge",nodename="edge-1"}']);
  });

  it('built-ins are available to variable queries', async () => {
    const log: string[] = [];
    await resolveVariables([q('x', 'query_result(max_over_time(up[$__range]))')], { resolver: { ...fakeResolver(log), instantQuery: async (e) => (log.push(e), { resultType: 'vector', result: [] }) }, range: RANGE });
    expect(log).toEqual(['max_over_time(up[86400s])']);
  });

  it('reports resolver failures, missing resolvers and cycles as errors on the variable', async () => {
    const failing: VariableResolver = { ...fakeResolver(), labelValues: async () => Promise.reject(new Error('store closed')) };
    const st = await resolveVariables([q('job', 'label_values(job)'), q('a', 'label_values(x{b="$b"}, a)'), q('b', 'label_values(x{a="$a"}, b)')], { resolver: failing, range: RANGE });
    expect(st.job.error).toBe('store closed');
    expect(st.a.error).toMatch(/depends on itself: \$a → \$b → \$a/);
    const none = await resolveVariables([q('job', 'label_values(job)')], { range: RANGE });
    expect(none.job.error).toMatch(/no data/);
  });

  it('no options: current is None and interpolates to nothing', async () => {
    const st = await resolveVariables([q('x', 'label_values(nothing_here, job)')], { resolver: fakeResolver(), range: RANGE });
    expect(st.x.options).toEqual([]);
    expect(st.x.current).toEqual({ text: 'None', value: '' });
  });

  it('interval variables with auto: the auto option stands for the computed interval', async () => {
    const v: Variable = { name: 'iv', type: 'interval', hide: 'none', query: '1m,10m,1h', auto: true, autoCount: 30, autoMin: '10s' };
    const st = await resolveVariables([v], { range: RANGE });
    expect(st.iv.options.map((o) => o.text)).toEqual(['auto', '1m', '10m', '1h']);
    expect(st.iv.autoInterval).toBe('1h');
    expect(interpolate('rate(x[$iv])', variableScope(st)).text).toBe('rate(x[1h])');
    const picked = { iv: selectValue(st.iv, '10m') };
    expect(interpolate('rate(x[$iv])', variableScope(picked)).text).toBe('rate(x[10m])');
  });

  it('custom all value replaces the list of options', async () => {
    const v: Variable = { name: 'env', type: 'custom', hide: 'none', query: 'a,b', multi: true, includeAll: true, allValue: '.+' };
    const st = await resolveVariables([v], { range: RANGE });
    expect(interpolate('x{env=~"$env"}', variableScope(st)).text).toBe('x{env=~".+"}');
    expect(selectedOptions(st.env).map((o) => o.value)).toEqual(['a', 'b']);
  });
});

describe('selectValue', () => {
  it('All wins over other values; single variables keep one; textboxes take any text', async () => {
    const st = await resolveVariables(
      [
        { name: 'm', type: 'custom', hide: 'none', query: 'a,b,c', multi: true, includeAll: true },
        { name: 's', type: 'custom', hide: 'none', query: 'a,b,c', multi: false, includeAll: false },
        { name: 't', type: 'textbox', hide: 'none', query: '' },
      ],
      { range: RANGE },
    );
    expect(selectValue(st.m, ['b', ALL_VALUE]).current).toEqual({ text: ['All'], value: [ALL_VALUE] });
    expect(selectValue(st.m, ['c', 'a']).current).toEqual({ text: ['a', 'c'], value: ['a', 'c'] });
    expect(selectValue(st.s, ['c', 'a']).current).toEqual({ text: 'a', value: 'a' });
    expect(selectValue(st.s, 'zzz').current).toEqual({ text: 'a', value: 'a' });
    expect(selectValue(st.t, 'free text').current).toEqual({ text: 'free text', value: 'free text' });
  });
});
