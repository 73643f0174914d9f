import { describe, expect, it } from 'vitest';
import { isStaleMarker } from '../../shared/model/stale.ts';
import { TextLoader } from '../../shared/promql/loader.ts';
import { MemoryStore } from '../../shared/promql/memstore.ts';
import { demoOpenMetrics, generateDemoSeries, splitSeries, type DemoSeries } from './demo-data.ts';

const series = generateDemoSeries({ hours: 1 });
const named = (name: string) => series.filter((s) => s.labels.__name__ === name);

describe('demo data', () => {
  it('is deterministic', () => {
    const again = generateDemoSeries({ hours: 1 });
    expect(again.map((s) => s.labels)).toEqual(series.map((s) => s.labels));
    expect(again.every((s, i) => s.v.every((v, j) => Object.is(v, series[i].v[j]) || isStaleMarker(v)))).toBe(true);
  });

  it('has the series the queries use for three instances', () => {
    expect(named('demo_memory_usage_bytes')).toHaveLength(12);
    expect(named('demo_num_cpus').map((s) => s.labels.instance)).toEqual([
      'demo.promlabs.com:10000',
      'demo.promlabs.com:10001',
      'demo.promlabs.com:10002',
    ]);
    expect(new Set(named('demo_api_request_duration_seconds_bucket').map((s) => s.labels.le)).has('+Inf')).toBe(true);
  });

  it('scrapes every 5 s off whole seconds', () => {
    for (const s of series) {
      for (let i = 0; i < s.t.length; i++) expect(s.t[i] % 1000).not.toBe(0);
      // Every 5 s (± jitter) apart; demo_intermittent_metric skips whole scrapes.
      for (let i = 1; i < s.t.length; i++) expect(Math.abs(((s.t[i] - s.t[i - 1] + 2500) % 5000) - 2500)).toBeLessThan(20);
    }
  });

  it('counters only go down at a restart, and histogram buckets are cumulative', () => {
    const drops = (s: DemoSeries) => [...s.v.keys()].filter((i) => i > 0 && s.v[i] < s.v[i - 1]).join();
    const counters = series.filter((s) => /_total$|_count$/.test(s.labels.__name__));
    for (const instance of new Set(counters.map((s) => s.labels.instance))) {
      const restarts = new Set(counters.filter((s) => s.labels.instance === instance).map(drops));
      // Every counter of a target drops at the same scrapes (its restarts), at least once an hour.
      expect(restarts.size).toBe(1);
      expect([...restarts][0]).not.toBe('');
    }
    const buckets = named('demo_api_request_duration_seconds_bucket').filter((s) => s.labels.path === '/api/foo' && s.labels.method === 'GET');
    const perInstance = buckets.filter((s) => s.labels.instance === 'demo.promlabs.com:10000');
    const last = perInstance.map((s) => s.v[s.v.length - 1]);
    const inf = last[perInstance.findIndex((s) => s.labels.le === '+Inf')];
    expect(Math.max(...last)).toBe(inf);
  });

  it('demo_intermittent_metric goes away with a stale marker for longer than the lookback', () => {
    for (const s of named('demo_intermittent_metric')) {
      const stale = [...s.v.keys()].filter((i) => isStaleMarker(s.v[i]));
      expect(stale.length).toBeGreaterThan(0);
      for (const i of stale) if (i + 1 < s.t.length) expect(s.t[i + 1] - s.t[i]).toBeGreaterThan(5 * 60_000);
    }
  });

  it('as OpenMetrics text, loads back to the same samples (stale markers left out)', () => {
    const store = new MemoryStore();
    const loader = new TextLoader(store);
    for (const chunk of demoOpenMetrics(series)) loader.push(chunk);
    const stats = loader.end();
    const stale = series.reduce((n, s) => n + s.v.filter((v) => isStaleMarker(v)).length, 0);
    const total = series.reduce((n, s) => n + s.t.length, 0);
    expect(stats.series).toBe(series.length);
    expect(stats.samples).toBe(total - stale);
  });

  it('splits each series at a time', () => {
    const cut = series[0].t[10];
    const { before, after } = splitSeries(series, cut);
    expect(before[0].t.length).toBe(10);
    expect(after[0].t[0]).toBe(cut);
    expect(before[0].t.length + after[0].t.length).toBe(series[0].t.length);
  });
});
