// Tests for the Worker's rule files and built-in notifier config: sources, precedence, placement, secrets from Worker secrets.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRules } from '../rules/load.ts';
import type { KvLike, WorkerEnv } from './env.ts';
import { ALERTMANAGER_KV_KEY, collectRuleFiles, loadWorkerNotifierConfig, readAlertmanagerSource, workerRuleSource, workerSecretFile } from './rules-config.ts';

const env = (extra: Record<string, unknown> = {}): WorkerEnv => ({ GATEWAY: { idFromName: () => 0, get: () => ({ fetch: async () => new Response() }) }, ...extra });

/** A KV namespace over a map, listing two keys per page so paging is exercised. */
function kv(data: Record<string, string>): KvLike {
  return {
    get: async (key) => data[key] ?? null,
    list: async ({ prefix = '', cursor }) => {
      const names = Object.keys(data).filter((k) => k.startsWith(prefix)).sort();
      const start = cursor === undefined ? 0 : Number(cursor);
      const keys = names.slice(start, start + 2).map((name) => ({ name }));
      const end = start + keys.length;
      return end < names.length ? { keys, list_complete: false, cursor: String(end) } : { keys, list_complete: true };
    },
  };
}

const GROUP = (name: string): string => `groups:\n  - name: ${name}\n    rules:\n      - record: r_${name}\n        expr: vector(1)\n`;

describe('collectRuleFiles', () => {
  it('merges the bundle, KV keys under rules/ and the SIGHTLINE_RULE_FILES var, later sources winning by name', async () => {
    const got = await collectRuleFiles(
      env({
        SIGHTLINE_CONFIG_KV: kv({ 'prometheus.yml': 'x', 'rules/a.yml': 'kv a', 'rules/b.yml': 'kv b', 'rules/c.yml': 'kv c' }),
        SIGHTLINE_RULE_FILES: JSON.stringify({ 'rules/c.yml': 'var c', 'rules/d.yml': 'var d' }),
      }),
      { ruleFiles: { 'rules/a.yml': 'bundled a', 'rules/z.yml': 'bundled z' } },
    );
    expect(got).toEqual({ errors: [], files: { 'rules/a.yml': 'kv a', 'rules/b.yml': 'kv b', 'rules/c.yml': 'var c', 'rules/d.yml': 'var d', 'rules/z.yml': 'bundled z' } });
  });

  it('reports a SIGHTLINE_RULE_FILES that is not a JSON object of texts', async () => {
    expect((await collectRuleFiles(env({ SIGHTLINE_RULE_FILES: '{nope' }), { ruleFiles: {} })).errors[0]).toMatch(/^SIGHTLINE_RULE_FILES: not JSON/);
    expect((await collectRuleFiles(env({ SIGHTLINE_RULE_FILES: '{"a.yml": 1}' }), { ruleFiles: {} })).errors).toEqual([
      'SIGHTLINE_RULE_FILES: must be a JSON object mapping rule file paths (relative to prometheus.yml) to their YAML text',
    ]);
  });
});

describe('workerRuleSource', () => {
  it("places the files in prometheus.yml's directory, where rule_files patterns resolve", async () => {
    const files = { 'rules/a.yml': GROUP('a'), 'rules/b.yml': GROUP('b'), 'other/c.yml': GROUP('c') };
    const bundledLoad = await loadRules(['gateway/worker/config/rules/*.yml'], workerRuleSource(files, 'gateway/worker/config/prometheus.yml'));
    expect(bundledLoad.files).toEqual(['gateway/worker/config/rules/a.yml', 'gateway/worker/config/rules/b.yml']);
    expect(bundledLoad.groups.map((g) => g.name)).toEqual(['a', 'b']);
    const varLoad = await loadRules(['other/c.yml'], workerRuleSource(files, 'SIGHTLINE_CONFIG'));
    expect(varLoad.groups.map((g) => g.name)).toEqual(['c']);
  });
});

const HOOK = `route:
  receiver: ops
receivers:
  - name: ops
    webhook_configs:
      - url_file: OPS_HOOK
      - url: 'https://hooks.example.com/\${HOOK_PATH}'
`;

describe('the built-in notifier config', () => {
  it('prefers the SIGHTLINE_ALERTMANAGER_YML var, then the KV copy, then the bundle', async () => {
    const bundled = { ruleFiles: {}, alertmanager: { file: 'am.yml', text: 'bundled' } };
    const store = kv({ [ALERTMANAGER_KV_KEY]: 'from kv' });
    expect(await readAlertmanagerSource(env({ SIGHTLINE_ALERTMANAGER_YML: 'from var', SIGHTLINE_CONFIG_KV: store }), bundled)).toEqual({ file: 'SIGHTLINE_ALERTMANAGER_YML', text: 'from var' });
    expect(await readAlertmanagerSource(env({ SIGHTLINE_CONFIG_KV: store }), bundled)).toEqual({ file: 'SIGHTLINE_CONFIG_KV/alertmanager.yml', text: 'from kv' });
    expect(await readAlertmanagerSource(env({ SIGHTLINE_CONFIG_KV: kv({}) }), bundled)).toBe(bundled.alertmanager);
  });

  it('reads url_file and ${NAME} secrets from Worker secrets', () => {
    const got = loadWorkerNotifierConfig({ file: 'am.yml', text: HOOK }, env({ OPS_HOOK: ' https://hooks.example.com/ops\n', HOOK_PATH: 'p' }));
    expect(got.errors).toEqual([]);
    const urls = got.config?.receivers[0].integrations.map((i) => (i.kind === 'webhook' ? i.url : ''));
    expect(urls).toEqual(['https://hooks.example.com/ops', 'https://hooks.example.com/p']);
  });

  it('names the missing Worker secret and the command that sets it', () => {
    const got = loadWorkerNotifierConfig({ file: 'am.yml', text: HOOK }, env({ HOOK_PATH: 'p' }));
    expect(got.config).toBeUndefined();
    expect(got.errors).toEqual(['am.yml:6:19: url_file: no Worker secret OPS_HOOK; set it with `wrangler secret put OPS_HOOK` (local development: add OPS_HOOK=… to .dev.vars)']);
  });

  it('means no built-in notifier for the bundled file of comments', () => {
    const text = readFileSync(resolve(import.meta.dirname, 'config/alertmanager.yml'), 'utf8');
    expect(loadWorkerNotifierConfig({ file: 'gateway/worker/config/alertmanager.yml', text }, env())).toEqual({ errors: [], warnings: [] });
  });
});

describe('workerSecretFile', () => {
  it('reads the Worker secret a *_file path names, and says how to set a missing one', () => {
    const read = workerSecretFile(env({ AM_PASSWORD: 's3cret' }));
    expect(read('AM_PASSWORD')).toBe('s3cret');
    expect(read('/run/secrets/AM_PASSWORD')).toBe('s3cret');
    expect(() => read('AM_TOKEN')).toThrow('no Worker secret AM_TOKEN; set it with `wrangler secret put AM_TOKEN`');
    expect(() => read('secrets/am-token.txt')).toThrow('names a Worker secret');
  });
});
