// Fault: the webhook receiver is down while an alert fires (20 s here, 2 min with SIGHTLINE_FAULTS_FULL=1) — retried during, delivered once after.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExporter, type TestExporter } from '../fixtures/exporter/exporter.ts';
import { OutageReceiver, type Hook } from './lib/receiver.ts';
import { pollFor, sleep, waitUntil } from './lib/recorder.ts';
import { api, freePort, startGateway, tempDir, writeConfig, type Gateway } from './lib/setup.ts';

const OUTAGE_MS = process.env.SIGHTLINE_FAULTS_FULL === '1' ? 120_000 : 20_000;
const INTERVAL_MS = 1000;
const GROUP_INTERVAL_MS = 5000;
const SLACK_MS = 5000;

const RULES = `groups:
  - name: faults
    rules:
      - alert: FaultHigh
        expr: fault_value > 0
        labels:
          severity: page
        annotations:
          summary: 'fault_value is {{ $value }}'
`;

function alertmanagerYml(url: string): string {
  return `route:
  receiver: hook
  group_by: [alertname]
  group_wait: 0s
  group_interval: ${GROUP_INTERVAL_MS / 1000}s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: ${url}
        send_resolved: true
`;
}

interface Attempt {
  time: number;
  receiver: string;
  status: 'success' | 'failed' | 'retrying';
  attempt: number;
  error?: string;
}

function family(value: number) {
  return { name: 'fault_value', type: 'gauge' as const, help: 'What the alert watches.', samples: [{ name: 'fault_value', labels: {}, value }] };
}

describe(`webhook receiver down for ${OUTAGE_MS / 1000} s while an alert fires`, () => {
  let tmp: ReturnType<typeof tempDir>;
  let exporter: TestExporter;
  let receiver: OutageReceiver;
  let gateway: Gateway;
  let firstFailure: Attempt;
  let upAt: number;
  let firing: Hook;
  // The history lists newest first; reversed before the (stable) sort by time, records of the same millisecond stay
  // in the order they were written: a superseded retry's "gave up" and the next flush's attempt, which can start in
  // the same millisecond, must not swap.
  const attempts = async (): Promise<Attempt[]> =>
    (await api<{ notifications: Attempt[] }>(gateway.base, '/api/v1/notifications?receiver=hook&limit=1000')).notifications.reverse().sort((a, b) => a.time - b.time);

  beforeAll(async () => {
    tmp = tempDir('webhook');
    exporter = await startExporter({ families: [family(1)] });
    receiver = new OutageReceiver(await freePort());
    mkdirSync(join(tmp.dir, 'rules'));
    writeFileSync(join(tmp.dir, 'rules', 'faults.yml'), RULES);
    writeFileSync(join(tmp.dir, 'am.yml'), alertmanagerYml(receiver.url));
    const config = writeConfig(tmp.dir, 'faults', exporter.address, INTERVAL_MS, true);
    // The receiver is down from the start: the alert's first notification already fails.
    gateway = await startGateway(['--config', config, '--alertmanager-config', join(tmp.dir, 'am.yml')], await freePort());
    firstFailure = await pollFor(async () => (await attempts()).find((a) => a.status !== 'success'), 30_000, 'the first failed delivery');
    await sleep(Math.max(0, firstFailure.time + OUTAGE_MS - Date.now()));
    // Taken before listening: an attempt can connect the moment the port is bound, before up() returns.
    upAt = Date.now();
    await receiver.up();
    await waitUntil(() => receiver.received.some((h) => h.status === 'firing'), GROUP_INTERVAL_MS + SLACK_MS + 60_000, 'the firing notification after the outage');
    firing = receiver.received.find((h) => h.status === 'firing') as Hook;
    const failed = (await attempts()).filter((a) => a.time < upAt).length;
    process.stdout.write(`webhook outage ${OUTAGE_MS / 1000} s: ${failed} failed attempts, delivered ${firing.at - upAt} ms after the receiver came back\n`);
    // Long enough for any queued retry or later flush to show up as a duplicate.
    await sleep(2 * GROUP_INTERVAL_MS + 1000);
  }, 300_000);

  afterAll(async () => {
    await gateway?.stop();
    await receiver?.down();
    await exporter?.stop();
    tmp?.remove();
  });

  it('kept retrying while the receiver was down', async () => {
    // An attempt is recorded with the time it started: the one in flight when the receiver came up may succeed.
    const during = (await attempts()).filter((a) => a.time < upAt);
    const failed = during.filter((a) => a.status !== 'success');
    expect(failed.length).toBeGreaterThanOrEqual(3);
    expect(during.slice(0, -1).every((a) => a.status !== 'success'), `attempts before the receiver came up (${upAt}): ${JSON.stringify(during)}`).toBe(true);
    expect(failed.at(-1)?.time ?? 0).toBeGreaterThan(upAt - Math.max(GROUP_INTERVAL_MS, 60_000) - SLACK_MS);
  });

  it('delivered the firing alert soon after the receiver came back, with its original start time', () => {
    expect(firing.at).toBeGreaterThanOrEqual(upAt);
    expect(firing.at - upAt).toBeLessThanOrEqual(GROUP_INTERVAL_MS + SLACK_MS);
    expect(firing.alerts).toHaveLength(1);
    expect(firing.alerts[0].labels.alertname).toBe('FaultHigh');
    expect(Date.parse(firing.alerts[0].startsAt)).toBeLessThanOrEqual(firstFailure.time);
  });

  it('delivered it once: no burst of queued retries', () => {
    expect(receiver.received.filter((h) => h.status === 'firing')).toHaveLength(1);
  });

  it('recorded the success in the notification history', async () => {
    const all = await attempts();
    const lastFailure = all.filter((a) => a.status !== 'success' && a.time < upAt).at(-1);
    expect(all.some((a) => a.status === 'success' && a.time >= (lastFailure?.time ?? upAt))).toBe(true);
  });

  it('delivers the resolution normally afterwards', async () => {
    exporter.apply({ op: 'set', families: [family(0)] });
    await waitUntil(() => receiver.received.some((h) => h.status === 'resolved'), 3 * INTERVAL_MS + GROUP_INTERVAL_MS + SLACK_MS + 5000, 'the resolved notification');
    const resolved = receiver.received.filter((h) => h.status === 'resolved');
    expect(resolved).toHaveLength(1);
    expect(resolved[0].alerts[0].labels.alertname).toBe('FaultHigh');
  });
});
