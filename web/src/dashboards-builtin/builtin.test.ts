// Built-in dashboards: valid against the model, every query parses, metric names exist where they come from.
import { describe, expect, it } from 'vitest';
import { walkExpr } from '../../../shared/promql/ast.ts';
import { parse, PROMETHEUS_DEFAULT_FEATURES } from '../../../shared/promql/parser.ts';
import { checkDashboardQueries } from '../../../shared/dashboards/check.ts';
import { interpolate } from '../../../shared/dashboards/interpolate.ts';
import { allPanels, type Dashboard } from '../../../shared/dashboards/model.ts';
import { queryTiming } from '../../../shared/dashboards/step.ts';
import { validateDashboard } from '../../../shared/dashboards/validate.ts';
import { builtinScope, resolveVariables, variableScope, type VariableResolver } from '../../../shared/dashboards/variables.ts';
import { EXTRA_REPORT_SERIES, REPORT_SERIES } from '../../../shared/scrape/report.ts';
import selfMetricsSource from '../../../gateway/metrics/self-metrics.ts?raw';
import { BUILTIN_DASHBOARD_JSON, builtinDashboards } from './index.ts';

function metricNames(d: Dashboard): Set<string> {
  const names = new Set<string>();
  const scope = builtinScope({ __rate_interval: '1m', __interval: '15s', __range: '3600s' });
  for (const p of allPanels(d)) {
    for (const t of p.targets) {
      const expr = parse(interpolate(t.expr, { ...scope, job: { value: 'j', text: 'j', regex: false }, instance: { value: 'i', text: 'i', regex: false } }).text, PROMETHEUS_DEFAULT_FEATURES);
      walkExpr(expr, (n) => {
        if (n.type === 'VectorSelector' && n.name) names.add(n.name);
      });
    }
  }
  return names;
}

const byUid = (uid: string): Dashboard => builtinDashboards().find((d) => d.uid === uid)!;

describe('built-in dashboards', () => {
  it('are valid, with unique uids and unique panel ids', () => {
    for (const json of BUILTIN_DASHBOARD_JSON) expect(validateDashboard(json).errors).toEqual([]);
    const ds = builtinDashboards();
    expect(ds.map((d) => d.title)).toEqual(['Node exporter', 'Gateway self-monitoring']);
    expect(new Set(ds.map((d) => d.uid)).size).toBe(ds.length);
  });

  it('every panel and variable query parses with sample variable values', () => {
    for (const d of builtinDashboards()) {
      const targets = allPanels(d).reduce((n, p) => n + p.targets.length, 0);
      const r = checkDashboardQueries(d);
      expect(r.issues, d.title).toEqual([]);
      expect(r.checked).toBe(targets + d.variables.filter((v) => v.type === 'query').length);
      expect(targets).toBeGreaterThan(15);
    }
  });

  it('node exporter: only node_exporter metrics, chained $job/$instance resolve against a store', async () => {
    const d = byUid('sightline-node-exporter');
    for (const name of metricNames(d)) expect(name).toMatch(/^node_/);
    const titles = allPanels(d).map((p) => p.title.toLowerCase()).join(' | ');
    for (const topic of ['cpu busy', 'load', 'memory', 'disk', 'filesystem', 'network']) expect(titles).toContain(topic);

    const seen: string[] = [];
    const resolver: VariableResolver = {
      labelValues: async (metric, label) => {
        seen.push(`${metric} ${label}`);
        return label === 'job' ? ['node'] : ['web-2:9100', 'web-10:9100'];
      },
      labelNames: async () => [],
      seriesMatch: async () => [],
      instantQuery: async () => ({ resultType: 'vector', result: [] }),
    };
    const now = Date.UTC(2024, 0, 15);
    const states = await resolveVariables(d.variables, { resolver, range: { from: now - 3_600_000, to: now } });
    expect(seen).toEqual(['node_uname_info job', 'node_uname_info{job="node"} instance']);
    expect(states.instance.current.value).toBe('web-2:9100');
    const timing = queryTiming({ range: { from: now - 3_600_000, to: now }, widthPx: 800 });
    const scope = { ...variableScope(states), ...builtinScope(timing.builtins) };
    for (const p of allPanels(d)) {
      for (const t of p.targets) {
        const q = interpolate(t.expr, scope);
        expect(q.unknown, t.expr).toEqual([]);
        expect(() => parse(q.text, PROMETHEUS_DEFAULT_FEATURES)).not.toThrow();
        expect(q.text).toContain('instance="web-2:9100",job="node"');
      }
    }
  });

  it('gateway self-monitoring: every metric is one the gateway exposes or records for its targets', () => {
    const exposed = new Set([...selfMetricsSource.matchAll(/'((?:sightline|process)_[a-z_]+)'/g)].map((m) => m[1]));
    const recorded = new Set<string>([...REPORT_SERIES, ...EXTRA_REPORT_SERIES]);
    const used = metricNames(byUid('sightline-gateway'));
    for (const name of used) expect(exposed.has(name) || recorded.has(name), name).toBe(true);
    for (const required of ['up', 'scrape_duration_seconds', 'sightline_scrapes_total', 'sightline_scrape_failures_total', 'sightline_stream_clients', 'sightline_head_series', 'sightline_http_requests_total', 'process_resident_memory_bytes']) {
      expect(used.has(required), required).toBe(true);
    }
  });
});
