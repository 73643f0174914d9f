// End to end: the gateway evaluates rule files over a test exporter and its built-in notifier delivers webhooks (pending → firing → repeat → resolved), across restarts.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startGateway, type Proc } from './processes.ts';
import { api, demoExporter, type DemoExporter, gatewayWith, poll, writePrometheusYml } from './rules/setup.ts';
import { WebhookReceiver, type Received } from './rules/webhook.ts';

const RULES = `groups:
  - name: demo
    rules:
      - record: demo:value:x2
        expr: demo_value * 2
      - alert: DemoHigh
        expr: demo_value > 5
        for: 3s
        labels:
          severity: page
        annotations:
          summary: 'demo_value is {{ $value }}'
`;

function amConfig(hook: string, repeat: string): string {
  return `route:
  receiver: hook
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: ${repeat}
receivers:
  - name: hook
    webhook_configs:
      - url: ${hook}
        send_resolved: true
`;
}

interface APIAlert {
  labels: Record<string, string>;
  state: string;
  activeAt: string;
  value: string;
}

const firingOf = (r: Received): boolean => r.body.status === 'firing' && r.body.alerts[0]?.labels.alertname === 'DemoHigh';
const resolvedOf = (r: Received): boolean => r.body.status === 'resolved';

describe('rules and the built-in notifier', () => {
  let dir: string;
  let exporter: DemoExporter;
  let hook: WebhookReceiver;
  let gw: { proc: Proc; port: number; base: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sightline-rules-'));
    exporter = await demoExporter(0);
    hook = await WebhookReceiver.start();
    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'rules', 'demo.yml'), RULES);
    writeFileSync(join(dir, 'am.yml'), amConfig(hook.url(), '4s'));
    const prom = writePrometheusYml(dir, exporter.address);
    gw = await gatewayWith(['--config', prom, '--alertmanager-config', join(dir, 'am.yml'), '--storage.path', join(dir, 'data')]);
  });

  afterAll(async () => {
    await gw?.proc.stop();
    await exporter?.stop();
    await hook?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes recording-rule outputs to the head and lists the rules by type', async () => {
    await exporter.set(4);
    const v = await poll(async () => {
      const d = await api<{ result: { value: [number, string] }[] }>(gw.base, '/api/v1/query?query=demo:value:x2');
      return d.result[0]?.value[1] === '8' ? d.result[0] : undefined;
    }, 15_000, 'demo:value:x2 == 8');
    expect(v.value[1]).toBe('8');
    const rec = await api<{ groups: { name: string; file: string; interval: number; rules: { type: string; name: string; health: string }[] }[] }>(gw.base, '/api/v1/rules?type=record');
    expect(rec.groups.map((g) => [g.name, g.file.endsWith('rules/demo.yml'), g.interval, g.rules.map((r) => [r.type, r.name, r.health])])).toEqual([
      ['demo', true, 1, [['recording', 'demo:value:x2', 'ok']]],
    ]);
    const alerting = await api<{ groups: { rules: { type: string; name: string; query: string; duration: number }[] }[] }>(gw.base, '/api/v1/rules?type=alert');
    expect(alerting.groups[0].rules.map((r) => [r.type, r.name, r.query, r.duration])).toEqual([['alerting', 'DemoHigh', 'demo_value > 5', 3]]);
  });

  it('goes pending, fires after `for`, notifies at once, repeats after repeat_interval and resolves', async () => {
    await exporter.set(10);
    const setAt = Date.now();
    const pending = await poll(async () => {
      const d = await api<{ alerts: APIAlert[] }>(gw.base, '/api/v1/alerts');
      return d.alerts.find((a) => a.state === 'pending');
    }, 10_000, 'a pending alert');
    const activeAt = Date.parse(pending.activeAt);

    const first = await hook.waitFor(firingOf, 15_000);
    const target = exporter.address;
    const labels = { alertname: 'DemoHigh', instance: target, job: 'demo', severity: 'page' };
    expect(first.path).toBe('/hook');
    expect(first.body).toEqual({
      receiver: 'hook',
      status: 'firing',
      alerts: [
        {
          status: 'firing',
          labels,
          annotations: { summary: 'demo_value is 10' },
          startsAt: expect.any(String),
          endsAt: '0001-01-01T00:00:00Z',
          generatorURL: `${gw.base}/graph?g0.expr=demo_value+%3E+5&g0.tab=1`,
          fingerprint: expect.stringMatching(/^[0-9a-f]{16}$/),
        },
      ],
      groupLabels: { alertname: 'DemoHigh' },
      commonLabels: labels,
      commonAnnotations: { summary: 'demo_value is 10' },
      externalURL: gw.base,
      version: '4',
      groupKey: '{}:{alertname="DemoHigh"}',
      truncatedAlerts: 0,
    });
    const firedAt = Date.parse(first.body.alerts[0].startsAt);
    // Fired at the first evaluation at least `for` after it became active (1s evaluations; slack for a busy machine).
    expect(firedAt - activeAt).toBeGreaterThanOrEqual(3000);
    expect(firedAt - activeAt).toBeLessThan(5000);
    expect(first.at - setAt).toBeGreaterThanOrEqual(3000);
    // group_wait 0: delivered right after the evaluation that fired it.
    expect(first.at - firedAt).toBeLessThan(1500);

    // Unchanged group: the next notification waits for repeat_interval (4s), checked at each group_interval (1s).
    const i = hook.received.indexOf(first);
    const repeat = await hook.waitFor(firingOf, 12_000, i + 1);
    // Timers firing a few ms late may let the tick at +4s qualify, as in Alertmanager.
    expect(repeat.at - first.at).toBeGreaterThanOrEqual(3900);
    expect(repeat.at - first.at).toBeLessThan(7500);
    expect(repeat.body.alerts[0].startsAt).toBe(first.body.alerts[0].startsAt);

    const clearAt = Date.now();
    await exporter.set(1);
    const resolved = await hook.waitFor(resolvedOf, 10_000);
    expect(resolved.at - clearAt).toBeLessThan(5000);
    expect(resolved.body.alerts[0]).toMatchObject({ status: 'resolved', labels, startsAt: first.body.alerts[0].startsAt });
    const endsAt = Date.parse(resolved.body.alerts[0].endsAt);
    expect(endsAt).toBeGreaterThan(firedAt);
    expect(endsAt).toBeLessThanOrEqual(resolved.at);
    expect((await api<{ alerts: APIAlert[] }>(gw.base, '/api/v1/alerts')).alerts).toEqual([]);

    const history = await api<{ notifications: { receiver: string; status: string; httpStatus: number }[] }>(gw.base, '/api/v1/notifications');
    expect(history.notifications.length).toBeGreaterThanOrEqual(3);
    expect(history.notifications.every((n) => n.receiver === 'hook' && n.status === 'success' && n.httpStatus === 200)).toBe(true);
  });

  it('sends a test notification to a receiver and returns its answer', async () => {
    hook.answer = { status: 200, body: 'thanks' };
    const before = hook.received.length;
    const res = await fetch(`${gw.base}/api/v1/receivers/hook/test`, { method: 'POST' });
    const body = (await res.json()) as { status: string; data: { ok: boolean; results: { httpStatus: number; response: string; destination: string }[] } };
    expect(res.status).toBe(200);
    expect(body.data.ok).toBe(true);
    expect(body.data.results).toMatchObject([{ httpStatus: 200, response: 'thanks', destination: `http://127.0.0.1:${hook.port}/<redacted>` }]);
    const got = await hook.waitFor((r) => r.body.alerts[0]?.labels.alertname === 'SightlineTestNotification', 5000, before);
    expect(got.body.receiver).toBe('hook');
    expect((await fetch(`${gw.base}/api/v1/receivers/nobody/test`, { method: 'POST' })).status).toBe(404);
  });
});

describe('restarts and bad rule files', () => {
  let dir: string;
  let exporter: DemoExporter;
  let hook: WebhookReceiver;
  let gw: { proc: Proc; port: number; base: string } | undefined;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sightline-rules-restart-'));
    exporter = await demoExporter(10);
    hook = await WebhookReceiver.start();
    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'rules', 'demo.yml'), RULES);
    writeFileSync(join(dir, 'am.yml'), amConfig(hook.url(), '1h'));
  });

  afterAll(async () => {
    await gw?.proc.stop();
    await exporter?.stop();
    await hook?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps a firing alert firing across a restart without paging again, and still sends its resolution', async () => {
    const prom = writePrometheusYml(dir, exporter.address);
    const args = ['--config', prom, '--alertmanager-config', join(dir, 'am.yml'), '--storage.path', join(dir, 'data')];
    gw = await gatewayWith(args);
    const first = await hook.waitFor(firingOf, 15_000);
    const before = (await api<{ alerts: APIAlert[] }>(gw.base, '/api/v1/alerts')).alerts;
    expect(before.map((a) => a.state)).toEqual(['firing']);
    await gw.proc.stop();

    gw = await gatewayWith(args);
    // Several evaluations and group flushes later, nothing was sent again.
    await new Promise((r) => setTimeout(r, 4000));
    const after = (await api<{ alerts: APIAlert[] }>(gw.base, '/api/v1/alerts')).alerts;
    expect(after.map((a) => [a.state, a.activeAt])).toEqual([['firing', before[0].activeAt]]);
    expect(hook.received.filter(firingOf)).toEqual([first]);

    await exporter.set(0);
    const resolved = await hook.waitFor(resolvedOf, 10_000);
    expect(resolved.body.alerts[0].startsAt).toBe(first.body.alerts[0].startsAt);
  });

  it('refuses to start on a broken rule file, naming FILE:LINE:COL', async () => {
    mkdirSync(join(dir, 'bad', 'rules'), { recursive: true });
    writeFileSync(join(dir, 'bad', 'rules', 'broken.yml'), 'groups:\n  - name: g\n    rules:\n      - alert: X\n        expr: sum(up\n');
    const prom = writePrometheusYml(join(dir, 'bad'), exporter.address);
    const proc = startGateway(['--config', prom, '--port', String(await freePort())]);
    const code = await Promise.race([proc.exited, new Promise<'running'>((r) => setTimeout(() => r('running'), 30_000))]);
    await proc.stop();
    expect(code).toBe(1);
    const file = join(dir, 'bad', 'rules', 'broken.yml');
    expect(proc.stderr.split('\n').filter((l) => l.includes(file))).toEqual([
      `${file}:5:21: group "g", rule 1, "X": could not parse expression: 1:7: parse error: unclosed left parenthesis`,
    ]);
  });
});
