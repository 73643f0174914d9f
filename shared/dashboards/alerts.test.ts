// Panel ↔ alerting rule matching: metric selectors of both queries, names equal and exact label values not contradicted.
import { describe, expect, it } from 'vitest';
import { metricSelectors, panelAlerts, selectorsOverlap, type AlertRuleInfo } from './alerts.ts';

const rule = (name: string, query: string, state = 'inactive'): AlertRuleInfo => ({ name, query, state, alerts: [] });

describe('metricSelectors', () => {
  it('finds named selectors everywhere in an expression', () => {
    const s = metricSelectors('sum by (job) (rate(http_requests_total{code=~"5.."}[5m])) / on (job) group_left max_over_time(up{job="api"}[10m:1m]) > 0.1');
    expect(s.map((x) => x.name)).toEqual(['http_requests_total', 'up']);
    expect(s[1].matchers).toEqual([{ type: '=', name: 'job', value: 'api' }]);
    expect(metricSelectors('{__name__="up", job="x"}')).toEqual([{ name: 'up', matchers: [{ type: '=', name: 'job', value: 'x' }] }]);
  });

  it('skips selectors without an exact name, and unparsable text', () => {
    expect(metricSelectors('{__name__=~"node_.*"}')).toEqual([]);
    expect(metricSelectors('rate(x[')).toEqual([]);
    expect(metricSelectors('1 + 2')).toEqual([]);
  });
});

describe('selectorsOverlap', () => {
  const sel = (e: string) => metricSelectors(e)[0];
  it('needs the same name', () => {
    expect(selectorsOverlap(sel('a'), sel('b'))).toBe(false);
    expect(selectorsOverlap(sel('a{x="1"}'), sel('a'))).toBe(true);
  });
  it('rejects exact values the other side excludes', () => {
    expect(selectorsOverlap(sel('a{host="h1"}'), sel('a{host="h2"}'))).toBe(false);
    expect(selectorsOverlap(sel('a{host="h1"}'), sel('a{host=~"h[0-4]"}'))).toBe(true);
    expect(selectorsOverlap(sel('a{host="h7"}'), sel('a{host=~"h[0-4]"}'))).toBe(false);
    expect(selectorsOverlap(sel('a{host!="h1"}'), sel('a{host="h1"}'))).toBe(false);
    expect(selectorsOverlap(sel('a{host=~"x.*"}'), sel('a{host=~"y.*"}'))).toBe(true);
    expect(selectorsOverlap(sel('a{host="h1", core="c1"}'), sel('a{core="c1"}'))).toBe(true);
  });
});

describe('panelAlerts', () => {
  const rules = [
    rule('LoadHigh', 'avg(demo_load) > 80', 'firing'),
    rule('LoadH2', 'demo_load{host="h2"} > 95', 'pending'),
    rule('Down', 'up == 0'),
  ];
  it('takes the worst state of the matching rules and lists them worst first', () => {
    const r = panelAlerts(['max by (core) (demo_load{host="h2"})'], rules);
    expect(r?.state).toBe('firing');
    expect(r?.rules.map((x) => x.name)).toEqual(['LoadHigh', 'LoadH2']);
    expect(panelAlerts(['demo_load{host="h1"}'], rules)?.rules.map((x) => x.name)).toEqual(['LoadHigh']);
  });
  it('is ok when matching rules are inactive, null when nothing matches', () => {
    expect(panelAlerts(['sum(up)'], rules)).toEqual({ state: 'ok', rules: [rules[2]] });
    expect(panelAlerts(['node_load1'], rules)).toBeNull();
    expect(panelAlerts([], rules)).toBeNull();
  });
});
