// Tests for turning a loaded prometheus.yml into scrape targets, starting with the guide's file unchanged.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig, loadConfig } from '../../shared/config/index.ts';
import { SCRAPE_ACCEPT_HEADER } from '../../shared/exposition/index.ts';
import { resolveTargets } from './from-config.ts';

/** The prometheus.yml block of the user guide our users follow (read from the shared seed, never copied). */
function guideConfig(): string {
  const repoRoot = resolve(__dirname, '../..');
  const readme = readFileSync(resolve(repoRoot, '../shared/seed/README.md'), 'utf8');
  const m = /## `prometheus\.yml` from the guide[^\n]*\n```yaml\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('guide config not found in shared/seed/README.md');
  return m[1];
}

function load(yaml: string) {
  const r = loadConfig(yaml, 'prometheus.yml');
  if (!r.config) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.config;
}

describe('resolveTargets', () => {
  it("resolves the guide's prometheus.yml unchanged", () => {
    const { active, dropped, errors } = resolveTargets(load(guideConfig()));
    expect(errors).toEqual([]);
    expect(dropped).toEqual([]);
    expect(active.map((t) => [t.pool, t.url, t.settings.targetLabels, t.intervalMs, t.timeoutMs])).toEqual([
      ['prometheus', 'http://localhost:9090/metrics', { instance: 'localhost:9090', job: 'prometheus' }, 10_000, 10_000],
      ['node_exporter', 'http://localhost:9100/metrics', { instance: 'localhost:9100', job: 'node_exporter' }, 10_000, 10_000],
    ]);
  });

  it('sends the default Accept header Prometheus 3 sends, and has no content-type fallback by default', () => {
    const [t] = resolveTargets(load(guideConfig())).active;
    expect(t.accept).toBe(SCRAPE_ACCEPT_HEADER);
    expect(t.fallbackFormat).toBeNull();
    expect(t.compression).toBe(true);
  });

  it('follows the port in the embedded default', () => {
    const [t] = resolveTargets(defaultConfig(9191)).active;
    expect(t.url).toBe('http://localhost:9191/metrics');
    expect(t.intervalMs).toBe(5000);
  });

  it('applies relabelling: dropped targets are listed, metric relabelling becomes a function', () => {
    const config = load(`scrape_configs:
  - job_name: j
    scheme: https
    metrics_path: /probe
    params: { module: [http_2xx] }
    fallback_scrape_protocol: PrometheusText0.0.4
    honor_labels: true
    sample_limit: 100
    static_configs:
      - targets: ['a:1', 'b:2']
    relabel_configs:
      - { source_labels: [__address__], regex: 'b:.*', action: drop }
    metric_relabel_configs:
      - { source_labels: [__name__], regex: 'go_.*', action: drop }
`);
    const { active, dropped } = resolveTargets(config);
    expect(active.map((t) => t.url)).toEqual(['https://a:1/probe?module=http_2xx']);
    expect(dropped.map((d) => [d.pool, d.discoveredLabels.__address__])).toEqual([['j', 'b:2']]);
    const s = active[0].settings;
    expect([s.honorLabels, s.sampleLimit, active[0].fallbackFormat]).toEqual([true, 100, 'prometheus']);
    expect(s.metricRelabel?.({ __name__: 'go_goroutines' })).toBeNull();
    expect(s.metricRelabel?.({ __name__: 'up' })).toEqual({ __name__: 'up' });
  });

  it('turns http_config credentials into request headers', () => {
    const config = load(`scrape_configs:
  - job_name: j
    basic_auth: { username: u, password: 'pä' }
    static_configs: [{ targets: ['a:1'] }]
`);
    expect(resolveTargets(config).active[0].headers).toEqual({ Authorization: `Basic ${Buffer.from('u:pä').toString('base64')}` });
  });
});
