// The composed rule system with fake time: load from config, routes mounted, reload of rules and Alertmanagers, a broken reload.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/index.ts';
import { Head } from '../head/head.ts';
import { FakeTime } from '../runtime/fake-time.ts';
import { memoryRuleSource } from './load.ts';
import { createRuleSystem } from './system.ts';

function config(text: string) {
  const r = loadConfig(text, 'prometheus.yml');
  if (!r.config) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

describe('createRuleSystem', () => {
  it('loads the configured rule files, serves the routes and follows reloads', async () => {
    const time = new FakeTime();
    const head = new Head({ epoch: 'e' });
    const files: Record<string, string> = { 'a.yml': 'groups:\n- name: a\n  rules:\n  - record: r\n    expr: vector(1)\n' };
    const requests: string[] = [];
    const sys = createRuleSystem(
      { config: config("global: { evaluation_interval: 1s, scrape_interval: 1s }\nrule_files: ['*.yml']\n"), source: memoryRuleSource(files), externalURL: 'http://gw' },
      {
        queryable: head,
        append: (s, now) => head.append(s, now),
        clock: time,
        scheduler: time,
        fetchFn: async (url) => {
          requests.push(url);
          return new Response('');
        },
        userAgent: 'Sightline/test',
      },
    );
    expect(await sys.load()).toEqual({ ok: true, errors: [] });
    sys.start();
    await time.advance(2000);
    const rules = (await (await sys.routes.request('/api/v1/rules')).json()) as { data: { groups: { name: string; rules: { health: string }[] }[] } };
    expect(rules.data.groups.map((g) => [g.name, g.rules[0].health])).toEqual([['a', 'ok']]);

    files['b.yml'] = 'groups:\n- name: b\n  rules:\n  - record: r\n    expr: vector(\n';
    const bad = await sys.applyConfig(config("global: { evaluation_interval: 1s }\nrule_files: ['*.yml']\n"));
    expect(bad.ok).toBe(false);
    expect(bad.errors).toEqual(['b.yml:5:18: group "b", rule 1, "r": could not parse expression: 1:8: parse error: unclosed left parenthesis']);
    expect(sys.manager.groups().map((g) => g.name)).toEqual(['a']);

    files['b.yml'] = 'groups:\n- name: b\n  rules:\n  - alert: Always\n    expr: vector(1)\n';
    const good = await sys.applyConfig(
      config("global: { evaluation_interval: 1s }\nrule_files: ['*.yml']\nalerting:\n  alertmanagers:\n    - static_configs: [{ targets: ['127.0.0.1:9093'] }]\n"),
    );
    expect(good).toEqual({ ok: true, errors: [] });
    expect(sys.manager.groups().map((g) => g.name)).toEqual(['a', 'b']);
    const ams = (await (await sys.routes.request('/api/v1/alertmanagers')).json()) as { data: { activeAlertmanagers: { url: string }[] } };
    expect(ams.data.activeAlertmanagers).toEqual([{ url: 'http://127.0.0.1:9093/api/v2/alerts' }]);
    await time.advance(1000);
    await sys.stop();
    expect(requests).toEqual(['http://127.0.0.1:9093/api/v2/alerts']);
  });
});
