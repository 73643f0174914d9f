// Tests for the Worker's config: where it comes from, secrets from Worker secrets, what Workers cannot do.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_KV_KEY, DEFAULT_WORKER_RETENTION_MS, loadWorkerConfig, readConfigSource, unreachableFromWorkers, type ConfigSource } from './config.ts';
import type { WorkerEnv } from './env.ts';

const bundled: ConfigSource = { file: 'gateway/worker/config/prometheus.yml', text: 'scrape_configs: []\n' };
const env = (extra: Record<string, unknown> = {}): WorkerEnv => ({ GATEWAY: { idFromName: () => 0, get: () => ({ fetch: async () => new Response() }) }, ...extra });

const NODE_JOB = `scrape_configs:
  - job_name: node
    scheme: https
    basic_auth:
      username: prometheus
      password_file: NODE_PASSWORD
    static_configs:
      - targets: ['node.example.com']
  - job_name: api
    authorization:
      credentials_file: /run/secrets/API_TOKEN
    http_headers:
      X-Tenant:
        files: [TENANT]
    static_configs:
      - targets: ['api.example.com:9100']
`;

describe('readConfigSource', () => {
  it('prefers the SIGHTLINE_CONFIG var, then the KV copy, then the bundle', async () => {
    const kv = { get: async (key: string) => (key === CONFIG_KV_KEY ? 'from: kv\n' : null) };
    expect(await readConfigSource(env({ SIGHTLINE_CONFIG: 'from: var\n', SIGHTLINE_CONFIG_KV: kv }), bundled)).toEqual({ file: 'SIGHTLINE_CONFIG', text: 'from: var\n' });
    expect(await readConfigSource(env({ SIGHTLINE_CONFIG_KV: kv }), bundled)).toEqual({ file: 'SIGHTLINE_CONFIG_KV/prometheus.yml', text: 'from: kv\n' });
    expect(await readConfigSource(env({ SIGHTLINE_CONFIG_KV: { get: async () => null } }), bundled)).toBe(bundled);
    expect(await readConfigSource(env({ SIGHTLINE_CONFIG: '  ' }), bundled)).toBe(bundled);
  });
});

describe('loadWorkerConfig', () => {
  it('fills *_file settings from the Worker secrets they name, trimmed like files', () => {
    const res = loadWorkerConfig({ file: 'prometheus.yml', text: NODE_JOB }, env({ NODE_PASSWORD: 'pw\n', API_TOKEN: ' tok ', TENANT: 'acme' }));
    if (!res.ok) throw new Error(res.errors.join('\n'));
    expect(res.retentionMs).toBe(DEFAULT_WORKER_RETENTION_MS);
    const [api, node] = [...res.targets.active].sort((a, b) => a.pool.localeCompare(b.pool));
    expect(node.url).toBe('https://node.example.com/metrics');
    expect(node.headers?.Authorization).toBe(`Basic ${btoa('prometheus:pw')}`);
    expect(api.headers).toEqual({ Authorization: 'Bearer tok', 'X-Tenant': 'acme' });
    expect(res.warnings).toEqual([]);
  });

  it('names the job, its position and the missing secret, and how to set it', () => {
    const res = loadWorkerConfig({ file: 'prometheus.yml', text: NODE_JOB }, env({ API_TOKEN: 't', TENANT: 'x' }));
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.errors).toEqual([
      'prometheus.yml:2:5: job "node": password_file "NODE_PASSWORD": no Worker secret NODE_PASSWORD; set it with `wrangler secret put NODE_PASSWORD` (local development: add NODE_PASSWORD=… to .dev.vars)',
    ]);
  });

  it('reports YAML and Prometheus validation errors with file:line:col', () => {
    const res = loadWorkerConfig({ file: 'SIGHTLINE_CONFIG', text: 'global:\n  scrape_interval: 10x\n' }, env());
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.errors[0]).toMatch(/^SIGHTLINE_CONFIG:2:\d+: .*10x/);
  });

  it('rejects TLS files, warns about file discovery, and reads SIGHTLINE_RETENTION', () => {
    const tls = loadWorkerConfig(
      { file: 'p.yml', text: "scrape_configs:\n  - job_name: a\n    tls_config:\n      ca_file: ca.pem\n    static_configs:\n      - targets: ['a.example.com']\n" },
      env(),
    );
    expect(tls.ok).toBe(false);
    if (!tls.ok) expect(tls.errors).toEqual(['p.yml:2:5: job "a": tls_config ca_file: Workers cannot read files or present client certificates; remove it']);
    const sd = loadWorkerConfig(
      { file: 'p.yml', text: "rule_files: [rules.yml]\nscrape_configs:\n  - job_name: a\n    file_sd_configs:\n      - files: [t.json]\n" },
      env({ SIGHTLINE_RETENTION: '5m' }),
    );
    expect(sd.ok).toBe(true);
    if (sd.ok) {
      expect(sd.retentionMs).toBe(300_000);
      expect(sd.warnings).toEqual([
        'p.yml:3:5: job "a": file_sd_configs are not available on Workers (no file system); only static_configs are scraped',
      ]);
      expect(sd.config.ruleFiles).toEqual(['rules.yml']);
      expect(sd.config.scrapeConfigs[0].fileSDConfigs).toEqual([]);
    }
    const bad = loadWorkerConfig(bundled, env({ SIGHTLINE_RETENTION: 'forever' }));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.errors).toEqual(['SIGHTLINE_RETENTION: "forever" is not a positive duration such as "15m"']);
  });
});

describe('the bundled prometheus.yml', () => {
  it('loads cleanly (a fresh deployment starts with no targets rather than an error)', () => {
    const text = readFileSync(resolve(import.meta.dirname, 'config/prometheus.yml'), 'utf8');
    const res = loadWorkerConfig({ file: 'gateway/worker/config/prometheus.yml', text }, env());
    expect(res).toMatchObject({ ok: true, warnings: [] });
    if (res.ok) expect(res.targets.active).toEqual([]);
  });
});

describe('targets a deployed Worker cannot reach', () => {
  it('warns once per host about IP addresses and localhost, and not about DNS names', () => {
    const text = "scrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: ['127.0.0.1:9100', '127.0.0.1:9101', 'node.example.com:9100', 'localhost:9090', '[::1]:9100']\n";
    const res = loadWorkerConfig({ file: 'p.yml', text }, env());
    expect(res.ok).toBe(true);
    expect(res.warnings.map((w) => /target (\S+):/.exec(w)?.[1])).toEqual(['http://127.0.0.1:9100/metrics', 'http://localhost:9090/metrics', 'http://[::1]:9100/metrics']);
    expect(res.warnings[0]).toContain('Cloudflare Tunnel');
  });

  it('tells IP literals and localhost from host names', () => {
    expect(['10.0.0.1', '[fe80::1]', 'LOCALHOST', 'a.localhost'].map(unreachableFromWorkers)).toEqual([true, true, true, true]);
    expect(['node.example.com', '10.example.com', 'localhost.example.com'].map(unreachableFromWorkers)).toEqual([false, false, false]);
  });
});
