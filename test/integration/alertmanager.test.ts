// End to end with a real Alertmanager 0.25: the gateway's alerts (external labels, relabeling) reach it and its webhooks; silences are forwarded.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Proc } from './processes.ts';
import { startAlertmanager, type RunningAlertmanager } from './rules/alertmanager.ts';
import { api, demoExporter, type DemoExporter, gatewayWith, poll, writePrometheusYml } from './rules/setup.ts';
import { WebhookReceiver } from './rules/webhook.ts';

const RULES = `groups:
  - name: demo
    rules:
      - alert: DemoHigh
        expr: demo_value > 5
        for: 1s
        labels:
          severity: page
        annotations:
          summary: 'demo_value is {{ $value }}'
`;

interface AMAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  generatorURL: string;
  startsAt: string;
  status: { state: string };
}

interface AMSilence {
  id: string;
  status: { state: string };
  matchers: { name: string; value: string; isRegex: boolean; isEqual: boolean }[];
  createdBy: string;
  comment: string;
}

describe('the gateway with a real Alertmanager', () => {
  let dir: string;
  let exporter: DemoExporter;
  let hook: WebhookReceiver;
  let am: RunningAlertmanager;
  let gw: { proc: Proc; port: number; base: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sightline-am-it-'));
    exporter = await demoExporter(0);
    hook = await WebhookReceiver.start();
    am = await startAlertmanager(`route:
  receiver: hook
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: ${hook.url('/am')}
        send_resolved: true
`);
    mkdirSync(join(dir, 'rules'));
    writeFileSync(join(dir, 'rules', 'demo.yml'), RULES);
    const prom = writePrometheusYml(
      dir,
      exporter.address,
      `alerting:
  alert_relabel_configs:
    - target_label: via
      replacement: sightline
  alertmanagers:
    - static_configs:
        - targets: ['127.0.0.1:${am.port}']
`,
      '  external_labels:\n    cluster: it\n',
    );
    gw = await gatewayWith(['--config', prom, '--storage.path', join(dir, 'data')]);
  });

  afterAll(async () => {
    await gw?.proc.stop();
    await am?.stop();
    await exporter?.stop();
    await hook?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the Alertmanager it sends to', async () => {
    const d = await api<{ activeAlertmanagers: { url: string }[] }>(gw.base, '/api/v1/alertmanagers');
    expect(d.activeAlertmanagers).toEqual([{ url: `http://127.0.0.1:${am.port}/api/v2/alerts` }]);
  });

  it('delivers firing and resolved alerts through Alertmanager with external labels and alert relabeling applied', async () => {
    await exporter.set(10);
    const firing = await hook.waitFor((r) => r.body.status === 'firing', 20_000);
    const labels = { alertname: 'DemoHigh', cluster: 'it', instance: exporter.address, job: 'demo', severity: 'page', via: 'sightline' };
    expect(firing.path).toBe('/am');
    expect(firing.body).toMatchObject({ version: '4', receiver: 'hook', status: 'firing', groupLabels: { alertname: 'DemoHigh' }, commonLabels: labels, truncatedAlerts: 0 });
    expect(firing.body.alerts).toHaveLength(1);
    expect(firing.body.alerts[0]).toMatchObject({
      status: 'firing',
      labels,
      annotations: { summary: 'demo_value is 10' },
      generatorURL: `${gw.base}/graph?g0.expr=demo_value+%3E+5&g0.tab=1`,
    });
    // Alertmanager holds it as Prometheus would have sent it.
    const held = (await (await fetch(`${am.base}/api/v2/alerts`)).json()) as AMAlert[];
    expect(held.map((a) => [a.labels, a.status.state, Date.parse(a.startsAt) === Date.parse(firing.body.alerts[0].startsAt)])).toEqual([[labels, 'active', true]]);

    await exporter.set(0);
    const resolved = await hook.waitFor((r) => r.body.status === 'resolved', 20_000);
    expect(resolved.body.alerts[0]).toMatchObject({ status: 'resolved', labels, startsAt: firing.body.alerts[0].startsAt });
    expect(Date.parse(resolved.body.alerts[0].endsAt)).toBeGreaterThan(Date.parse(firing.body.alerts[0].startsAt));
  });

  it('forwards silences to Alertmanager and expires them there', async () => {
    const endsAt = new Date(Date.now() + 3600_000).toISOString();
    const res = await fetch(`${gw.base}/api/v1/silences`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ matchers: [{ name: 'alertname', value: 'Demo.*', isRegex: true }], startsAt: '', endsAt, createdBy: 'it', comment: 'integration test' }),
    });
    const body = (await res.json()) as { data: { silenceID: string; forwarded: { alertmanager: string; id?: string; error?: string }[] } };
    expect(res.status).toBe(200);
    expect(body.data.forwarded).toHaveLength(1);
    expect(body.data.forwarded[0].error).toBeUndefined();
    const remoteId = body.data.forwarded[0].id as string;
    const remote = async () => ((await (await fetch(`${am.base}/api/v2/silences`)).json()) as AMSilence[]).find((s) => s.id === remoteId);
    expect(await remote()).toMatchObject({
      status: { state: 'active' },
      matchers: [{ name: 'alertname', value: 'Demo.*', isRegex: true, isEqual: true }],
      createdBy: 'it',
      comment: 'integration test',
    });
    const listed = await api<{ silences: { id: string; status: { state: string } }[] }>(gw.base, '/api/v1/silences');
    expect(listed.silences.map((s) => [s.id, s.status.state])).toEqual([[body.data.silenceID, 'active']]);

    expect((await fetch(`${gw.base}/api/v1/silences/${body.data.silenceID}`, { method: 'DELETE' })).status).toBe(200);
    const expired = await poll(async () => ((await remote())?.status.state === 'expired' ? true : undefined), 5000, 'the silence to expire on Alertmanager');
    expect(expired).toBe(true);
  });
});
