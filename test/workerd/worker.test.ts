// The gateway on the real Workers runtime (wrangler dev / workerd): the shared contract, restarts, token, studio assets.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { HelloMessage } from '../../shared/stream/protocol.ts';
import { StreamSession } from '../../shared/stream/session.ts';
import { CONTRACT_RULES, contractConfig, openStream, readUntil, runGatewayContract, sampleOf, startNodeExporter, type GatewayUnderTest } from '../gateway-contract/contract.ts';
import type { Proc } from '../integration/processes.ts';
import { startAlertmanager, type RunningAlertmanager } from '../integration/rules/alertmanager.ts';
import { startWranglerDev, type WranglerDev, type WranglerOptions } from './wrangler-dev.ts';

const TOKEN = 'workerd-test-token';
const scratch = mkdtempSync(join(tmpdir(), 'sightline-workerd-'));
const assets = join(scratch, 'assets');
mkdirSync(assets);
writeFileSync(join(assets, 'index.html'), '<!doctype html><title>Sightline studio (test build)</title>\n');

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

runGatewayContract({
  name: 'workerd',
  async start(env) {
    // Rule files and alertmanager.yml as vars (a deployment bundles them or puts them in KV); the webhook URL as a Worker secret.
    const options: WranglerOptions = {
      dir: scratch,
      persistTo: join(scratch, 'contract-state'),
      assets,
      token: TOKEN,
      configYaml: env.configYaml,
      vars: { SIGHTLINE_RULE_FILES: JSON.stringify(env.ruleFiles), SIGHTLINE_ALERTMANAGER_YML: env.alertmanagerYaml },
      secrets: env.secrets,
    };
    let dev = await startWranglerDev(options);
    return {
      baseUrl: dev.baseUrl,
      token: TOKEN,
      // Same --persist-to directory and port: the Durable Object starts again from its SQLite storage.
      async restart() {
        await dev.stop();
        dev = await startWranglerDev({ ...options, port: dev.port });
      },
      stop: () => dev.stop(),
    };
  },
});

describe('workerd: the Durable Object keeps epoch, sequence and series ids across a restart', () => {
  let exporter: { proc: Proc; address: string };
  let dev: WranglerDev | undefined;
  const persistTo = join(scratch, 'restart-state');
  const gw = (d: WranglerDev): GatewayUnderTest => ({ baseUrl: d.baseUrl, token: TOKEN, stop: () => d.stop() });
  const vars = { SIGHTLINE_RULE_FILES: JSON.stringify({ 'rules/contract.yml': CONTRACT_RULES }) };

  beforeAll(async () => {
    exporter = await startNodeExporter();
  });

  afterAll(async () => {
    await Promise.all([dev?.stop(), exporter?.proc.stop()]);
  });

  it('resumes a client from before the restart without a gap, with the same series ids, and keeps scraping', async () => {
    const configYaml = contractConfig(exporter.address);
    dev = await startWranglerDev({ dir: scratch, persistTo, assets, token: TOKEN, configYaml, vars });
    const before = new StreamSession();
    const reader = await openStream(gw(dev));
    const upBefore = await readUntil(reader, before, (b) => {
      const i = b.labels.findIndex((l) => l.__name__ === 'up' && l.job === 'node');
      return i >= 0 && b.vals[i] === 1 ? { id: b.ids[i], seq: b.seq } : undefined;
    });
    await reader.cancel();
    // Let a few more batches land that this client has not seen: they must be replayed from storage.
    await new Promise((r) => setTimeout(r, 2500));
    const { port } = dev;
    await dev.stop();
    dev = await startWranglerDev({ dir: scratch, persistTo, assets, token: TOKEN, configYaml, port, vars });

    const resumed = await openStream(gw(dev), before.resumeQuery());
    const hello = (await resumed.next()) as HelloMessage;
    expect(hello).toMatchObject({ type: 'hello', epoch: before.epoch, oldestSeq: 1 });
    expect(hello).not.toHaveProperty('gap');
    expect(hello.nextSeq).toBeGreaterThan(upBefore.seq + 2);
    before.apply(hello);
    const firstReplayed = await readUntil(resumed, before, (b) => b);
    expect(firstReplayed.seq).toBe(upBefore.seq + 1);
    // A batch scraped by the restarted object: newer than anything stored, up = 1, same id for the same series.
    const live = await readUntil(resumed, before, (b) => (b.seq >= hello.nextSeq && sampleOf(b, { __name__: 'up', job: 'node' }) ? b : undefined));
    const i = live.labels.findIndex((l) => l.__name__ === 'up' && l.job === 'node');
    expect(live.vals[i]).toBe(1);
    expect(live.ids[i]).toBe(upBefore.id);
    expect(resumed.errors).toEqual([]);
    await resumed.cancel();
  });

  it('scrapes and evaluates rules on its own after the restart, before any client connects (the stored alarm wakes the object)', async () => {
    const { port } = dev as WranglerDev;
    await (dev as WranglerDev).stop();
    const stoppedAt = Date.now();
    dev = await startWranglerDev({ dir: scratch, persistTo, assets, token: TOKEN, configYaml: contractConfig(exporter.address), port, vars });
    await new Promise((r) => setTimeout(r, 3000));
    const session = new StreamSession();
    const reader = await openStream(gw(dev));
    const hello = (await reader.next()) as HelloMessage;
    session.apply(hello);
    // Batches appended between the restart and this first request: only the alarm can have produced them.
    const requestedAt = Date.now() - 200;
    const early = await readUntil(reader, session, (b) => {
      const up = sampleOf(b, { __name__: 'up', job: 'node' });
      return up !== undefined && up.t > stoppedAt && up.t < requestedAt ? up : undefined;
    });
    expect(early.v).toBe(1);
    // Rule groups are timers in the same queue: the alarm evaluated them too, before any request.
    const evaluated = await readUntil(reader, session, (b) => {
      const sum = sampleOf(b, { __name__: 'contract:up:sum', job: 'node' });
      return sum !== undefined && sum.t > stoppedAt && sum.t < requestedAt ? sum : undefined;
    });
    expect(evaluated.v).toBe(1);
    await reader.cancel();
  });
});

describe('workerd: token required, studio assets public', () => {
  let dev: WranglerDev;

  beforeAll(async () => {
    dev = await startWranglerDev({ dir: scratch, persistTo: join(scratch, 'notoken-state'), assets, token: null });
  });

  afterAll(async () => {
    await dev?.stop();
  });

  it('refuses every API request with a clear message when SIGHTLINE_TOKEN is not set, but stays healthy', async () => {
    for (const path of ['/api/v1/targets', '/api/v1/stream', '/metrics', '/-/ready']) {
      const res = await fetch(`${dev.baseUrl}${path}`, { headers: { Authorization: 'Bearer guess' } });
      expect(res.status, path).toBe(503);
      const body = (await res.json()) as { status: string; error: string };
      expect(body.status).toBe('error');
      expect(body.error).toContain('wrangler secret put SIGHTLINE_TOKEN');
    }
    expect((await fetch(`${dev.baseUrl}/-/healthy`)).status).toBe(200);
    // A browser navigating to an API path must reach the Worker, not get the studio's index.html.
    const navigated = await fetch(`${dev.baseUrl}/api/v1/targets`, { headers: { Accept: 'text/html', 'Sec-Fetch-Mode': 'navigate' } });
    expect(navigated.status).toBe(503);
    expect(navigated.headers.get('content-type')).toContain('application/json');
  });

  it('serves the studio from Workers assets, with index.html for client-side routes', async () => {
    const root = await fetch(`${dev.baseUrl}/`);
    expect(root.status).toBe(200);
    expect(await root.text()).toContain('Sightline studio (test build)');
    const route = await fetch(`${dev.baseUrl}/explore/some-query`, { headers: { Accept: 'text/html', 'Sec-Fetch-Mode': 'navigate' } });
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('Sightline studio (test build)');
  });
});

describe('workerd: a broken rule file stops the gateway with FILE:LINE:COL on every request', () => {
  let dev: WranglerDev;

  beforeAll(async () => {
    const broken = "groups:\n  - name: broken\n    rules:\n      - record: broken:sum\n        expr: sum(up\n";
    dev = await startWranglerDev({
      dir: scratch,
      persistTo: join(scratch, 'broken-rules-state'),
      assets,
      token: TOKEN,
      configYaml: contractConfig('127.0.0.1:9'),
      vars: { SIGHTLINE_RULE_FILES: JSON.stringify({ 'rules/broken.yml': broken }) },
    });
  });

  afterAll(async () => {
    await dev?.stop();
  });

  it('answers 500 with the rule file problem instead of running without the rules', async () => {
    const res = await fetch(`${dev.baseUrl}/api/v1/rules`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(res.status).toBe(500);
    const body = (await res.json()) as { status: string; error: string };
    expect(body.status).toBe('error');
    expect(body.error).toMatch(/^Sightline cannot start: the configuration is invalid:\nrules\/broken\.yml:5:\d+: group "broken", rule 1, "broken:sum": could not parse expression: .*parse error/);
  });
});

describe('workerd: alerts go to a real Alertmanager (alerting.alertmanagers)', () => {
  let exporter: { proc: Proc; address: string };
  let am: RunningAlertmanager;
  let dev: WranglerDev | undefined;

  beforeAll(async () => {
    exporter = await startNodeExporter();
    am = await startAlertmanager('route:\n  receiver: none\nreceivers:\n  - name: none\n');
    const configYaml = `${contractConfig(exporter.address)}alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:${am.port}']\n`;
    dev = await startWranglerDev({
      dir: scratch,
      persistTo: join(scratch, 'alertmanager-state'),
      assets,
      token: TOKEN,
      configYaml,
      vars: { SIGHTLINE_RULE_FILES: JSON.stringify({ 'rules/contract.yml': CONTRACT_RULES }) },
    });
    // A fresh deployment's object starts on its first request (after that its alarm keeps it going).
    expect((await fetch(`${dev.baseUrl}/-/ready`, { headers: { Authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });

  afterAll(async () => {
    await Promise.all([dev?.stop(), exporter?.proc.stop(), am?.stop()]);
  });

  it('posts the firing alert from the Durable Object to Alertmanager, which lists it as active', async () => {
    onTestFailed(() => console.error(`wrangler dev output:\n${(dev as WranglerDev).output()}`));
    const deadline = Date.now() + 30_000;
    let found: { labels: Record<string, string>; status: { state: string } } | undefined;
    while (found === undefined && Date.now() < deadline) {
      const alerts = (await (await fetch(`${am.base}/api/v2/alerts`)).json()) as { labels: Record<string, string>; status: { state: string } }[];
      found = alerts.find((a) => a.labels.alertname === 'ContractExporterUp');
      if (found === undefined) await new Promise((r) => setTimeout(r, 250));
    }
    expect(found).toMatchObject({ labels: { alertname: 'ContractExporterUp', instance: exporter.address, job: 'node', severity: 'info' }, status: { state: 'active' } });
    const res = await fetch(`${(dev as WranglerDev).baseUrl}/api/v1/alertmanagers`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    const body = (await res.json()) as { data: { activeAlertmanagers: { url: string }[] } };
    expect(body.data.activeAlertmanagers).toEqual([{ url: `http://127.0.0.1:${am.port}/api/v2/alerts` }]);
  });
});

