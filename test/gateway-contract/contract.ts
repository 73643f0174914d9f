// The black-box gateway contract: the same HTTP checks against every runtime (Node, workerd) scraping a real node_exporter.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Labels } from '../../shared/model/labels.ts';
import { StreamSession, type DecodedBatch } from '../../shared/stream/session.ts';
import { freePort, Proc, StreamReader } from '../integration/processes.ts';
import { WebhookReceiver, type Received } from '../integration/rules/webhook.ts';
import { readUntil, sampleOf } from '../integration/stream-read.ts';

export { readUntil, sampleOf };

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

/** What the contract hands a runtime to start with. */
export interface ContractEnv {
  /** prometheus.yml text: job "node" scraping the exporter every second, rules evaluated every second. */
  configYaml: string;
  /** host:port of the node_exporter the contract started on 127.0.0.1. */
  exporterAddress: string;
  /** Rule files by path relative to prometheus.yml (its rule_files is `rules/*.yml`). */
  ruleFiles: Record<string, string>;
  /** The built-in notifier's config (Alertmanager format); its webhook URL is the `${CONTRACT_HOOK_URL}` secret. */
  alertmanagerYaml: string;
  /** Secrets the runtime provides its own way (environment on Node, Worker secrets on workerd). */
  secrets: Record<string, string>;
}

/** A running gateway; `token` is null when the runtime runs without one (then no request needs it). */
export interface GatewayUnderTest {
  baseUrl: string;
  token: string | null;
  stop(): Promise<void>;
}

/** The gateway the contract starts: it can also be restarted with its state (storage directory, Durable Object). */
export interface ContractGateway extends GatewayUnderTest {
  /** Stops the process or object and starts it again at the same address with the same stored state. */
  restart(): Promise<void>;
}

export interface GatewayContractOptions {
  /** Shown in the suite's name, e.g. "node" or "workerd". */
  name: string;
  /** Starts the gateway with the given config and persisted state, and resolves once it accepts requests. */
  start(env: ContractEnv): Promise<ContractGateway>;
}

/** Config for the contract: 1 s scrapes of one exporter, so every check completes in seconds. */
export function contractConfig(exporterAddress: string): string {
  return `global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - rules/*.yml
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['${exporterAddress}']
`;
}

/** The contract's rules: a recording rule and an alert that fires (no `for`) while the exporter is up. */
export const CONTRACT_RULES = `groups:
  - name: contract
    rules:
      - record: contract:up:sum
        expr: sum by (job) (up)
      - alert: ContractExporterUp
        expr: up{job="node"} == 1
        labels:
          severity: info
        annotations:
          summary: 'node_exporter {{ $labels.instance }} is up'
`;

/** The built-in notifier: one webhook, sent at once, repeated only after an hour (so a restart must not re-page). */
export const CONTRACT_ALERTMANAGER = `route:
  receiver: hook
  group_by: [alertname]
  group_wait: 0s
  group_interval: 5s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: \${CONTRACT_HOOK_URL}
        send_resolved: true
`;

/** GETs an API path with the gateway's token and returns `data` (failing on an error envelope). */
export async function apiData<T>(gw: GatewayUnderTest, path: string): Promise<T> {
  const res = await fetch(`${gw.baseUrl}${path}`, { headers: authHeaders(gw) });
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${path}: ${res.status} ${body.error ?? ''}`);
  return body.data;
}

/** Polls `probe` until it returns a value, failing after `ms` with the last value seen. */
export async function poll<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

interface ContractAlert {
  labels: Labels;
  annotations: Record<string, string>;
  state: string;
  activeAt: string;
  value: string;
}

interface ContractRuleGroups {
  groups: { name: string; rules: { name: string; type: string; health: string; lastEvaluation: string; state?: string }[] }[];
}

const firingHook = (r: Received): boolean => r.body.status === 'firing' && r.body.alerts[0]?.labels.alertname === 'ContractExporterUp';

/** Starts node_exporter on a free loopback port with a few cheap collectors. */
export async function startNodeExporter(): Promise<{ proc: Proc; address: string }> {
  const port = await freePort();
  const address = `127.0.0.1:${port}`;
  const proc = new Proc(NODE_EXPORTER, [`--web.listen-address=${address}`, '--collector.disable-defaults', '--collector.cpu', '--collector.loadavg', '--collector.meminfo']);
  const deadline = Date.now() + 15_000;
  for (;;) {
    try {
      if ((await fetch(`http://${address}/metrics`)).ok) break;
    } catch {
      // Not listening yet.
    }
    if (!proc.running || Date.now() > deadline) throw new Error(`node_exporter did not start on ${address}:\n${proc.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, address };
}

/** Headers carrying the gateway's token, when it has one. */
export function authHeaders(gw: GatewayUnderTest): Record<string, string> {
  return gw.token === null ? {} : { Authorization: `Bearer ${gw.token}` };
}

/** Opens /api/v1/stream (with an optional resume query) and checks it is an event stream. */
export async function openStream(gw: GatewayUnderTest, query = ''): Promise<StreamReader> {
  const res = await fetch(`${gw.baseUrl}/api/v1/stream${query ? '?' + query : ''}`, { headers: authHeaders(gw) });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  return new StreamReader(res.body as ReadableStream<Uint8Array>);
}

interface TargetsBody {
  status: string;
  data: { activeTargets: Array<{ scrapePool: string; scrapeUrl: string; labels: Labels; health: string; lastError: string }> };
}

/** Registers the shared checks as one describe block; the runtime is started once for all of them. */
export function runGatewayContract(options: GatewayContractOptions): void {
  describe(`gateway contract (${options.name})`, () => {
    let exporter: { proc: Proc; address: string };
    let hook: WebhookReceiver;
    let gw: ContractGateway;
    const session = new StreamSession();

    beforeAll(async () => {
      exporter = await startNodeExporter();
      hook = await WebhookReceiver.start();
      // The first delivery attempt is refused: the notifier must retry it.
      hook.refuseNext = 1;
      try {
        gw = await options.start({
          configYaml: contractConfig(exporter.address),
          exporterAddress: exporter.address,
          ruleFiles: { 'rules/contract.yml': CONTRACT_RULES },
          alertmanagerYaml: CONTRACT_ALERTMANAGER,
          secrets: { CONTRACT_HOOK_URL: hook.url('/contract') },
        });
      } catch (e) {
        // vitest may skip afterAll when beforeAll fails: leave no exporter behind.
        await Promise.all([exporter.proc.stop(), hook.stop()]);
        throw e;
      }
    });

    afterAll(async () => {
      await Promise.all([gw?.stop(), exporter?.proc.stop(), hook?.stop()]);
    });

    it('answers /-/healthy and /-/ready without a token', async () => {
      const res = await fetch(`${gw.baseUrl}/-/healthy`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe('Sightline is Healthy.\n');
      const ready = await fetch(`${gw.baseUrl}/-/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.text()).toBe('Sightline is Ready.\n');
    });

    it('enforces its token on the API (or, running without one, needs none)', async () => {
      const bare = await fetch(`${gw.baseUrl}/api/v1/targets`);
      if (gw.token === null) {
        expect(bare.status).toBe(200);
        return;
      }
      expect(bare.status).toBe(401);
      expect(await bare.json()).toMatchObject({ status: 'error', errorType: 'unauthorized' });
      const wrong = await fetch(`${gw.baseUrl}/api/v1/stream`, { headers: { Authorization: `Bearer ${gw.token}x` } });
      expect(wrong.status).toBe(401);
      await wrong.body?.cancel();
      expect((await fetch(`${gw.baseUrl}/metrics`)).status).toBe(401);
      const ok = await fetch(`${gw.baseUrl}/api/v1/status/buildinfo`, { headers: authHeaders(gw) });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ status: 'success' });
    });

    it('shows the exporter in /api/v1/targets with health up', async () => {
      const deadline = Date.now() + 20_000;
      let node: TargetsBody['data']['activeTargets'][number] | undefined;
      while (Date.now() < deadline) {
        const body = (await (await fetch(`${gw.baseUrl}/api/v1/targets`, { headers: authHeaders(gw) })).json()) as TargetsBody;
        expect(body.status).toBe('success');
        node = body.data.activeTargets.find((t) => t.scrapePool === 'node');
        if (node?.health === 'up') break;
        await new Promise((r) => setTimeout(r, 250));
      }
      expect(node).toMatchObject({
        scrapeUrl: `http://${exporter.address}/metrics`,
        labels: { instance: exporter.address, job: 'node' },
        health: 'up',
        lastError: '',
      });
    });

    it("streams the exporter's series with their labels, metadata and up = 1", async () => {
      const reader = await openStream(gw);
      const hello = await reader.next();
      expect(hello).toMatchObject({ type: 'hello' });
      expect(hello).not.toHaveProperty('gap');
      if (hello !== null) session.apply(hello);
      const instance = exporter.address;
      const batch = await readUntil(reader, session, (b) => (sampleOf(b, { __name__: 'node_cpu_seconds_total', job: 'node', instance, mode: 'idle' }) ? b : undefined));
      const idle = sampleOf(batch, { __name__: 'node_cpu_seconds_total', mode: 'idle' });
      expect(Object.keys(idle?.labels ?? {}).sort()).toEqual(['__name__', 'cpu', 'instance', 'job', 'mode']);
      expect(idle?.v).toBeGreaterThan(0);
      expect(sampleOf(batch, { __name__: 'up', job: 'node' })).toMatchObject({ labels: { __name__: 'up', instance, job: 'node' }, v: 1 });
      // Metadata goes out once per connection, with the batch that first carries the family.
      await reader.cancel();
      const fresh = new StreamSession();
      const replay = await openStream(gw);
      const replayHello = await replay.next();
      if (replayHello !== null) fresh.apply(replayHello);
      const meta = await readUntil(replay, fresh, (b) => b.meta.find(([family]) => family === 'node_cpu_seconds_total'));
      expect(meta).toEqual(['node_cpu_seconds_total', { type: 'counter', help: 'Seconds the CPUs spent in each mode.', unit: '' }]);
      expect(replay.errors).toEqual([]);
      await replay.cancel();
    });

    it('resumes after a reconnect (epoch and after) exactly where the client left off', async () => {
      const after = session.lastSeq as number;
      expect(after).toBeGreaterThan(0);
      const reader = await openStream(gw, session.resumeQuery());
      const hello = await reader.next();
      expect(hello).toMatchObject({ type: 'hello', epoch: session.epoch });
      expect(hello).not.toHaveProperty('gap');
      expect(await reader.next()).toMatchObject({ type: 'batch', seq: after + 1 });
      await reader.cancel();
    });

    it('tells a client from another epoch about the gap and replays what it retained', async () => {
      const reader = await openStream(gw, 'epoch=not-this-one&after=5');
      const hello = await reader.next();
      expect(hello).toMatchObject({ type: 'hello', gap: { epoch: 'not-this-one', afterSeq: 5 } });
      if (hello?.type === 'hello') expect(hello.gap?.resumedAtSeq).toBe(hello.oldestSeq);
      await reader.cancel();
    });

    it('rejects a malformed resume position and unknown API paths with the Prometheus error envelope', async () => {
      const bad = await fetch(`${gw.baseUrl}/api/v1/stream?after=soon`, { headers: authHeaders(gw) });
      expect(bad.status).toBe(400);
      expect(await bad.json()).toMatchObject({ status: 'error', errorType: 'bad_data' });
      const missing = await fetch(`${gw.baseUrl}/api/v1/nope`, { headers: authHeaders(gw) });
      expect(missing.status).toBe(404);
      expect(await missing.json()).toMatchObject({ status: 'error', errorType: 'not_found' });
    });

    it('evaluates a recording rule and an alerting rule over the scraped data (outputs queryable, ALERTS series)', async () => {
      const recorded = await poll(async () => {
        const d = await apiData<{ result: { metric: Labels; value: [number, string] }[] }>(gw, '/api/v1/query?query=contract:up:sum');
        return d.result.find((r) => r.metric.job === 'node' && r.value[1] === '1');
      }, 30_000, 'contract:up:sum{job="node"} == 1');
      expect(recorded.metric).toEqual({ __name__: 'contract:up:sum', job: 'node' });
      const alert = await poll(async () => {
        const d = await apiData<{ alerts: ContractAlert[] }>(gw, '/api/v1/alerts');
        return d.alerts.find((a) => a.labels.alertname === 'ContractExporterUp' && a.state === 'firing');
      }, 30_000, 'ContractExporterUp firing');
      expect(alert.labels).toEqual({ alertname: 'ContractExporterUp', instance: exporter.address, job: 'node', severity: 'info' });
      expect(alert.annotations).toEqual({ summary: `node_exporter ${exporter.address} is up` });
      const series = await poll(async () => {
        const d = await apiData<{ result: { metric: Labels; value: [number, string] }[] }>(gw, '/api/v1/query?query=ALERTS{alertname="ContractExporterUp"}');
        return d.result[0];
      }, 15_000, 'ALERTS series');
      expect(series.metric).toMatchObject({ __name__: 'ALERTS', alertstate: 'firing', instance: exporter.address });
      expect(series.value[1]).toBe('1');
      const rules = await apiData<ContractRuleGroups>(gw, '/api/v1/rules');
      expect(rules.groups.map((g) => [g.name, g.rules.map((r) => [r.name, r.type, r.health])])).toEqual([
        ['contract', [['contract:up:sum', 'recording', 'ok'], ['ContractExporterUp', 'alerting', 'ok']]],
      ]);
    });

    it('delivers the firing alert to a webhook with the built-in notifier, retrying a refused attempt', async () => {
      const delivered = await poll(async () => {
        const d = await apiData<{ notifications: { status: string; attempt: number; httpStatus?: number; receiver: string }[] }>(gw, '/api/v1/notifications');
        return d.notifications.find((n) => n.status === 'success') ? d.notifications : undefined;
      }, 30_000, 'a successful delivery in /api/v1/notifications');
      // Newest first: the refused attempt, then its retry.
      expect(delivered.map((n) => [n.receiver, n.status, n.attempt, n.httpStatus])).toEqual([
        ['hook', 'success', 2, 200],
        ['hook', 'retrying', 1, 503],
      ]);
      const firing = hook.received.filter(firingHook);
      expect(firing).toHaveLength(2);
      const msg = firing[1].body;
      expect(firing[1].path).toBe('/contract');
      expect(msg).toMatchObject({ version: '4', status: 'firing', receiver: 'hook', groupLabels: { alertname: 'ContractExporterUp' } });
      expect(msg.alerts.map((a) => [a.status, a.labels.instance, a.annotations.summary])).toEqual([['firing', exporter.address, `node_exporter ${exporter.address} is up`]]);
    });

    it('keeps alert state, the delivery log, silences and history across a restart: same activeAt, no second notification', async () => {
      const before = (await apiData<{ alerts: ContractAlert[] }>(gw, '/api/v1/alerts')).alerts.find((a) => a.labels.alertname === 'ContractExporterUp');
      expect(before?.state).toBe('firing');
      const sentBefore = hook.received.length;
      // A silence (for an alert that never fires, so notifications are unaffected) must survive the restart too.
      const silenceRes = await fetch(`${gw.baseUrl}/api/v1/silences`, {
        method: 'POST',
        headers: { ...authHeaders(gw), 'Content-Type': 'application/json' },
        body: JSON.stringify({
          matchers: [{ name: 'alertname', value: 'ContractNeverFires', isRegex: false, isEqual: true }],
          endsAt: new Date(Date.now() + 3600_000).toISOString(),
          createdBy: 'contract',
          comment: 'kept across restarts',
        }),
      });
      const silence = (await silenceRes.json()) as { status: string; data: { silenceID: string } };
      expect(silence.status).toBe('success');
      await gw.restart();
      const restartedAt = Date.now();
      // Evaluations after the restart: the alert is restored (not re-activated) and handed to the notifier again.
      const after = await poll(async () => {
        const rules = await apiData<ContractRuleGroups>(gw, '/api/v1/rules');
        const rule = rules.groups[0]?.rules.find((r) => r.name === 'ContractExporterUp');
        if (rule === undefined || rule.health !== 'ok' || Date.parse(rule.lastEvaluation) < restartedAt + 3000) return undefined;
        return (await apiData<{ alerts: ContractAlert[] }>(gw, '/api/v1/alerts')).alerts.find((a) => a.labels.alertname === 'ContractExporterUp');
      }, 45_000, 'three seconds of evaluations after the restart');
      expect(after).toMatchObject({ state: 'firing', activeAt: before?.activeAt });
      // group_wait is 0 s: a notification the restarted notifier did not know it had sent would have gone out by now.
      await new Promise((r) => setTimeout(r, 2000));
      expect(hook.received.slice(sentBefore).map((r) => `${r.body.status} ${r.body.alerts.map((a) => a.labels.alertname).join(',')}`)).toEqual([]);
      // The silence and the notification history came back from storage.
      const kept = await apiData<{ id: string; status: { state: string }; createdBy: string; comment: string; matchers: { name: string; value: string }[] }>(gw, `/api/v1/silences/${silence.data.silenceID}`);
      expect(kept).toMatchObject({ id: silence.data.silenceID, status: { state: 'active' }, createdBy: 'contract', comment: 'kept across restarts', matchers: [{ name: 'alertname', value: 'ContractNeverFires' }] });
      const history = await apiData<{ notifications: { status: string; attempt: number }[] }>(gw, '/api/v1/notifications');
      expect(history.notifications.map((n) => [n.status, n.attempt])).toEqual([['success', 2], ['retrying', 1]]);
      // And the gateway is still scraping: the restarted runtime serves fresh data.
      const up = await apiData<{ result: { value: [number, string] }[] }>(gw, '/api/v1/query?query=up{job="node"}');
      expect(up.result[0]?.value[1]).toBe('1');
    });
  });
}
