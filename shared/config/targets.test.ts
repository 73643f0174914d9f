// Tests for target building: discovered labels, relabeling, instance default, URLs and dropped targets.
import { describe, expect, it } from 'vitest';
import { loadConfig } from './load.ts';
import { buildTargets, populateDiscoveredLabels, scrapeUrl } from './targets.ts';
import { formatIssue } from './issues.ts';
import type { ScrapeConfig, TargetGroup } from './types.ts';

function scrapeConfig(yaml: string): ScrapeConfig {
  const res = loadConfig(yaml, 'prometheus.yml');
  if (!res.config) throw new Error(res.errors.map(formatIssue).join('\n'));
  return res.config.scrapeConfigs[0];
}

describe('buildTargets', () => {
  it('builds the guide targets: job, instance, URL without adding a port', () => {
    const sc = scrapeConfig("scrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['localhost:9100', 'myhost']\n        labels: {env: prod}\n");
    const { active, dropped } = buildTargets(sc, sc.staticConfigs);
    expect(dropped).toEqual([]);
    expect(active.map((t) => [t.labels, t.url])).toEqual([
      [{ env: 'prod', instance: 'localhost:9100', job: 'node' }, 'http://localhost:9100/metrics'],
      [{ env: 'prod', instance: 'myhost', job: 'node' }, 'http://myhost/metrics'],
    ]);
    expect(active[0]).toMatchObject({ job: 'node', scheme: 'http', address: 'localhost:9100', metricsPath: '/metrics', intervalMs: 60_000, timeoutMs: 10_000, groupSource: '0' });
    expect(active[0].discoveredLabels).toEqual({
      __address__: 'localhost:9100',
      __metrics_path__: '/metrics',
      __scheme__: 'http',
      __scrape_interval__: '1m',
      __scrape_timeout__: '10s',
      env: 'prod',
      job: 'node',
    });
    expect(Object.keys(active[0].labels)).toEqual(['env', 'instance', 'job']);
  });

  it('lets target labels and special labels override the scrape config', () => {
    const sc = scrapeConfig('scrape_configs:\n  - job_name: j\n    scrape_interval: 30s\n');
    const groups: TargetGroup[] = [
      {
        source: 'g',
        labels: { __scheme__: 'https', __metrics_path__: '/custom', job: 'group-job', __scrape_interval__: '15s' },
        targets: [{ __address__: 'a:1', job: 'target-job' }, { __address__: 'b:2' }],
      },
    ];
    const { active } = buildTargets(sc, groups);
    expect(active.map((t) => [t.labels.job, t.url, t.intervalMs, t.timeoutMs])).toEqual([
      ['target-job', 'https://a:1/custom', 15_000, 10_000],
      ['group-job', 'https://b:2/custom', 15_000, 10_000],
    ]);
  });

  it('implements the blackbox-exporter pattern with params and __param_ labels', () => {
    const sc = scrapeConfig(`scrape_configs:
  - job_name: blackbox
    metrics_path: /probe
    params:
      module: [http_2xx]
    static_configs:
      - targets: ['https://prometheus.io', 'http://example.com/a b?x=1']
    relabel_configs:
      - source_labels: [__address__]
        target_label: __param_target
      - source_labels: [__param_target]
        target_label: instance
      - target_label: __address__
        replacement: 127.0.0.1:9115
`);
    const { active } = buildTargets(sc, sc.staticConfigs);
    expect(active.map((t) => [t.labels, t.url])).toEqual([
      [{ instance: 'https://prometheus.io', job: 'blackbox' }, 'http://127.0.0.1:9115/probe?module=http_2xx&target=https%3A%2F%2Fprometheus.io'],
      [{ instance: 'http://example.com/a b?x=1', job: 'blackbox' }, 'http://127.0.0.1:9115/probe?module=http_2xx&target=http%3A%2F%2Fexample.com%2Fa+b%3Fx%3D1'],
    ]);
    expect(active[0].params).toEqual({ module: ['http_2xx'], target: ['https://prometheus.io'] });
  });

  it('overrides the first value of a multi-valued param with __param_', () => {
    const sc = scrapeConfig('scrape_configs:\n  - job_name: j\n    params: {m: [a, b], z: [y]}\n');
    const { active } = buildTargets(sc, [{ source: 's', labels: { __param_m: 'X' }, targets: [{ __address__: 'h:1' }] }]);
    expect(active[0].url).toBe('http://h:1/metrics?m=X&m=b&z=y');
    expect(active[0].labels).toEqual({ instance: 'h:1', job: 'j' });
  });

  it('drops meta labels after relabeling, keeping what labelmap copied', () => {
    const sc = scrapeConfig('scrape_configs:\n  - job_name: f\n    relabel_configs:\n      - action: labelmap\n        regex: __meta_(filepath)\n');
    const { active } = buildTargets(sc, [{ source: 'f.json:0', labels: { __meta_filepath: 'f.json', team: 'x' }, targets: [{ __address__: 'h:1' }] }]);
    expect(active[0].labels).toEqual({ filepath: 'f.json', instance: 'h:1', job: 'f', team: 'x' });
    expect(active[0].discoveredLabels.__meta_filepath).toBe('f.json');
  });

  it('keeps an instance label set by relabeling', () => {
    const sc = scrapeConfig("scrape_configs:\n  - job_name: j\n    relabel_configs:\n      - source_labels: [__address__]\n        regex: '([^:]+):.*'\n        target_label: instance\n");
    expect(buildTargets(sc, [{ source: '0', labels: {}, targets: [{ __address__: 'web-1:8080' }] }]).active[0].labels.instance).toBe('web-1');
  });

  it('reports relabel-dropped targets, limited by keep_dropped_targets but counted in full', () => {
    const sc = scrapeConfig("scrape_configs:\n  - job_name: j\n    keep_dropped_targets: 1\n    relabel_configs:\n      - source_labels: [__address__]\n        regex: 'keep:.*'\n        action: keep\n");
    const res = buildTargets(sc, [{ source: '0', labels: {}, targets: [{ __address__: 'keep:1' }, { __address__: 'x:1' }, { __address__: 'y:1' }] }]);
    expect(res.active.map((t) => t.address)).toEqual(['keep:1']);
    expect(res.droppedByRelabeling).toBe(2);
    expect(res.dropped).toEqual([{ discoveredLabels: expect.objectContaining({ __address__: 'x:1' }) }]);
  });

  it.each([
    ['no address', { __address__: '' }, 'no address'],
    ['URL address', { __address__: 'http://h:1' }, '"http://h:1" is not a valid hostname'],
    ['bad interval', { __address__: 'h:1', __scrape_interval__: 'often' }, 'error parsing scrape interval: not a valid duration string: "often"'],
    ['zero timeout', { __address__: 'h:1', __scrape_timeout__: '0s' }, 'scrape timeout cannot be 0'],
    ['timeout above interval', { __address__: 'h:1', __scrape_timeout__: '2m' }, 'scrape timeout cannot be greater than scrape interval ("2m" > "1m")'],
  ])('reports an invalid target: %s', (_name, target, error) => {
    const sc = scrapeConfig('scrape_configs:\n  - job_name: j\n');
    const res = buildTargets(sc, [{ source: '0', labels: {}, targets: [target] }]);
    expect(res.active).toEqual([]);
    expect(res.dropped).toEqual([{ discoveredLabels: expect.any(Object), error }]);
  });

  it('keeps identical targets once', () => {
    const sc = scrapeConfig('scrape_configs:\n  - job_name: j\n');
    const group = { source: '0', labels: {}, targets: [{ __address__: 'h:1' }, { __address__: 'h:1' }] };
    expect(buildTargets(sc, [group, { ...group, source: '1' }]).active).toHaveLength(1);
  });

  it('shards targets with hashmod + keep', () => {
    const sc = scrapeConfig(`scrape_configs:
  - job_name: j
    relabel_configs:
      - source_labels: [__address__]
        modulus: 2
        target_label: __tmp_hash
        action: hashmod
      - source_labels: [__tmp_hash]
        regex: '0'
        action: keep
`);
    const targets = Array.from({ length: 20 }, (_, i) => ({ __address__: `host-${i}:9100` }));
    const res = buildTargets(sc, [{ source: '0', labels: {}, targets }]);
    expect(res.active.length + res.droppedByRelabeling).toBe(20);
    expect(res.active.length).toBeGreaterThan(0);
    expect(res.droppedByRelabeling).toBeGreaterThan(0);
    expect(res.active.every((t) => !('__tmp_hash' in t.labels))).toBe(true);
  });
});

describe('populateDiscoveredLabels', () => {
  it('adds __param_ labels for the first value of each param', () => {
    const sc = scrapeConfig('scrape_configs:\n  - job_name: j\n    params: {a: [x, y], b: []}\n');
    expect(populateDiscoveredLabels(sc, { __address__: 'h' }, {})).toMatchObject({ __param_a: 'x' });
    expect(populateDiscoveredLabels(sc, { __address__: 'h' }, {}).__param_b).toBeUndefined();
  });
});

describe('scrapeUrl (Go url.URL formatting)', () => {
  it.each([
    ['http', 'h:1', '/metrics', {}, 'http://h:1/metrics'],
    ['http', 'h:1', 'metrics', {}, 'http://h:1/metrics'],
    ['http', 'h:1', '', {}, 'http://h:1'],
    ['https', '[::1]:9100', '/a b/c%d', {}, 'https://[::1]:9100/a%20b/c%25d'],
    ['http', 'h', '/p', { b: ['2'], a: ['1', 'x y'] }, 'http://h/p?a=1&a=x+y&b=2'],
    ['http', 'h', '/p:x@y', { 'k&': ["v'*"] }, "http://h/p:x@y?k%26=v%27%2A"],
  ])('%s %s %s', (scheme, address, path, params, want) => {
    expect(scrapeUrl(scheme, address, path, params)).toBe(want);
  });
});
