// /api/v1/rules and /api/v1/alerts over a real RuleManager: Prometheus's envelope, type and name filters, error for a bad type.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../shared/promql/engine/index.ts';
import { Head } from '../head/head.ts';
import { FakeTime } from '../runtime/fake-time.ts';
import { memoryRuleSource } from './load.ts';
import { RuleManager } from './manager.ts';
import { rulesRoutes } from './routes.ts';

const RULES = `groups:
- name: rec
  rules:
  - record: job:x:sum
    expr: sum by (job) (x)
- name: alerts
  interval: 2s
  rules:
  - alert: XHigh
    expr: x > 1
    labels: { severity: page }
  - alert: XLow
    expr: x < 0
`;

async function app() {
  const time = new FakeTime();
  const head = new Head({ epoch: 'e' });
  const manager = new RuleManager({
    engine: createEngine({ now: () => time.now() }),
    queryable: head,
    append: (s, now) => head.append(s, now),
    clock: time,
    scheduler: time,
    source: memoryRuleSource({ 'r.yml': RULES }),
  });
  await manager.load({ ruleFiles: ['r.yml'], globalIntervalMs: 1000, globalQueryOffsetMs: 0, externalLabels: {} });
  head.append([{ labels: { __name__: 'x', job: 'j' }, t: time.now(), v: 5 }], time.now());
  manager.start();
  await time.advance(2000);
  const routes = rulesRoutes({ rules: manager });
  return async (path: string) => {
    const res = await routes.request(path);
    return { status: res.status, body: (await res.json()) as { status: string; data?: { groups?: { name: string; rules: { name: string; type: string; alerts?: unknown[] }[] }[]; alerts?: { labels: Record<string, string>; state: string }[] }; errorType?: string; error?: string } };
  };
}

describe('rules routes', () => {
  it('lists groups with their rules, filtered by type, name and group', async () => {
    const get = await app();
    const all = await get('/api/v1/rules');
    expect(all.status).toBe(200);
    expect(all.body.data?.groups?.map((g) => [g.name, g.rules.map((r) => `${r.type}:${r.name}`)])).toEqual([
      ['rec', ['recording:job:x:sum']],
      ['alerts', ['alerting:XHigh', 'alerting:XLow']],
    ]);
    expect((await get('/api/v1/rules?type=alert')).body.data?.groups?.map((g) => g.name)).toEqual(['alerts']);
    expect((await get('/api/v1/rules?type=record')).body.data?.groups?.map((g) => g.name)).toEqual(['rec']);
    expect((await get('/api/v1/rules?rule_name[]=XLow')).body.data?.groups?.map((g) => [g.name, g.rules.map((r) => r.name)])).toEqual([['alerts', ['XLow']]]);
    expect((await get('/api/v1/rules?rule_group[]=rec')).body.data?.groups?.map((g) => g.name)).toEqual(['rec']);
    const noAlerts = await get('/api/v1/rules?type=alert&exclude_alerts=true');
    expect(noAlerts.body.data?.groups?.[0].rules.map((r) => r.alerts)).toEqual([[], []]);
  });

  it('rejects an unknown type with bad_data', async () => {
    const get = await app();
    expect(await get('/api/v1/rules?type=nope')).toEqual({ status: 400, body: { status: 'error', errorType: 'bad_data', error: 'invalid parameter "type": not supported value "nope"' } });
  });

  it('lists active alerts', async () => {
    const get = await app();
    const r = await get('/api/v1/alerts');
    expect(r.body.data?.alerts?.map((a) => [a.labels, a.state])).toEqual([[{ alertname: 'XHigh', job: 'j', severity: 'page' }, 'firing']]);
  });
});
