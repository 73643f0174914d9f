// End to end: the real gateway scrapes a real node_exporter, streams and serves its series (query API); reload, file_sd, auth, persistence.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Labels } from '../../shared/model/labels.ts';
import { isStaleMarker } from '../../shared/model/stale.ts';
import { StreamSession, type DecodedBatch } from '../../shared/stream/session.ts';
import { freePort, Proc, startGateway, StreamReader } from './processes.ts';
import { readUntil, sampleOf } from './stream-read.ts';

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

async function openStream(port: number, query = ''): Promise<StreamReader> {
  const res = await fetch(`http://127.0.0.1:${port}/api/v1/stream${query ? '?' + query : ''}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  return new StreamReader(res.body as ReadableStream<Uint8Array>);
}

describe('gateway scraping node_exporter', () => {
  let dir: string;
  let exporter: Proc;
  let gateway: Proc;
  let exporterPort: number;
  let gatewayPort: number;
  const session = new StreamSession();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sightline-it-'));
    exporterPort = await freePort();
    gatewayPort = await freePort();
    exporter = new Proc(NODE_EXPORTER, [
      `--web.listen-address=127.0.0.1:${exporterPort}`,
      '--collector.disable-defaults',
      '--collector.cpu',
      '--collector.loadavg',
      '--collector.meminfo',
    ]);
    const config = join(dir, 'prometheus.yml');
    writeFileSync(
      config,
      `global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:${exporterPort}']
  - job_name: sightline
    static_configs:
      - targets: ['127.0.0.1:${gatewayPort}']
`,
    );
    gateway = startGateway(['--config', config, '--port', String(gatewayPort)]);
    await gateway.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/);
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), exporter?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("streams node_exporter's series with job and instance labels, their metadata, and up = 1", async () => {
    const reader = await openStream(gatewayPort);
    const hello = await reader.next();
    expect(hello).toMatchObject({ type: 'hello', oldestSeq: 1 });
    if (hello?.type === 'hello') session.apply(hello);
    const instance = `127.0.0.1:${exporterPort}`;
    const cpu = await readUntil(reader, session, (b) => sampleOf(b, { __name__: 'node_cpu_seconds_total', job: 'node', instance, mode: 'idle' }) && b);
    const idle = sampleOf(cpu, { __name__: 'node_cpu_seconds_total', mode: 'idle' });
    expect(Object.keys(idle?.labels ?? {}).sort()).toEqual(['__name__', 'cpu', 'instance', 'job', 'mode']);
    expect(idle?.v).toBeGreaterThan(0);
    expect(cpu.meta).toContainEqual(['node_cpu_seconds_total', { type: 'counter', help: 'Seconds the CPUs spent in each mode.', unit: '' }]);
    const up = sampleOf(cpu, { __name__: 'up', job: 'node' });
    expect(up?.labels).toEqual({ __name__: 'up', instance, job: 'node' });
    expect(up?.v).toBe(1);
    expect(sampleOf(cpu, { __name__: 'scrape_samples_scraped', job: 'node' })?.v).toBeGreaterThan(10);
    // The gateway scrapes itself too.
    await readUntil(reader, session, (b) => (sampleOf(b, { __name__: 'up', job: 'sightline' })?.v === 1 ? true : undefined));
    expect(reader.errors).toEqual([]);
    await reader.cancel();
  });

  it('resumes after a reconnect exactly where the client left off', async () => {
    const after = session.lastSeq as number;
    const reader = await openStream(gatewayPort, session.resumeQuery());
    const hello = await reader.next();
    expect(hello).toMatchObject({ type: 'hello', epoch: session.epoch });
    expect(hello).not.toHaveProperty('gap');
    const next = await reader.next();
    expect(next).toMatchObject({ type: 'batch', seq: after + 1 });
    await reader.cancel();
  });

  it('reports a gap to a client from another epoch', async () => {
    const reader = await openStream(gatewayPort, 'epoch=not-this-one&after=5');
    expect(await reader.next()).toMatchObject({ type: 'hello', gap: { epoch: 'not-this-one', afterSeq: 5, resumedAtSeq: 1 } });
    await reader.cancel();
  });

  it('answers the Prometheus query API from the head: query, query_range, series, labels, values, metadata', async () => {
    const api = async <T>(path: string, init?: RequestInit): Promise<T> => {
      const res = await fetch(`http://127.0.0.1:${gatewayPort}${path}`, init);
      expect([path, res.status]).toEqual([path, 200]);
      expect(res.headers.get('content-type')).toBe('application/json');
      const body = (await res.json()) as { status: string; data: T };
      expect(body.status).toBe('success');
      return body.data;
    };
    const instance = `127.0.0.1:${exporterPort}`;
    type Vector = { resultType: 'vector'; result: Array<{ metric: Labels; value: [number, string] }> };
    const cpu = await api<Vector>('/api/v1/query?query=' + encodeURIComponent(`node_cpu_seconds_total{mode="idle",job="node"}`));
    expect(cpu.resultType).toBe('vector');
    expect(cpu.result.length).toBeGreaterThan(0);
    for (const r of cpu.result) {
      expect(Object.keys(r.metric).sort()).toEqual(['__name__', 'cpu', 'instance', 'job', 'mode']);
      expect(r.metric.instance).toBe(instance);
      expect(Number(r.value[1])).toBeGreaterThan(0);
      expect(Math.abs(r.value[0] - Date.now() / 1000)).toBeLessThan(30);
    }
    // The same query as a POST form, as Grafana sends it.
    const posted = await api<Vector>('/api/v1/query', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'query=' + encodeURIComponent('sum by (mode) (rate(node_cpu_seconds_total{job="node"}[5s]))'),
    });
    expect(posted.result.map((r) => r.metric.mode)).toContain('idle');
    type Matrix = { resultType: string; result: Array<{ metric: Labels; values: Array<[number, string]> }> };
    // Once the exporter has been scraped a few times (1 s interval), a 1 s step sees a point per scrape.
    const range = await poll('three scrapes in a range query', async () => {
      const end = Math.floor(Date.now() / 1000);
      const r = await api<Matrix>(`/api/v1/query_range?query=${encodeURIComponent('up{job="node"}')}&start=${end - 10}&end=${end}&step=1`);
      return (r.result[0]?.values.length ?? 0) >= 3 ? r : undefined;
    });
    expect(range.resultType).toBe('matrix');
    expect(range.result).toHaveLength(1);
    expect(range.result[0].values.every(([, v]) => v === '1')).toBe(true);
    const series = await api<Labels[]>(`/api/v1/series?match[]=${encodeURIComponent('node_load1')}`);
    expect(series).toEqual([{ __name__: 'node_load1', instance, job: 'node' }]);
    expect(await api<string[]>(`/api/v1/labels?match[]=node_cpu_seconds_total`)).toEqual(['__name__', 'cpu', 'instance', 'job', 'mode']);
    expect(await api<string[]>('/api/v1/label/mode/values')).toEqual(expect.arrayContaining(['idle', 'system', 'user']));
    expect(await api<string[]>('/api/v1/label/job/values')).toEqual(['node', 'sightline']);
    expect(await api<Record<string, unknown>>('/api/v1/metadata?metric=node_cpu_seconds_total')).toEqual({
      node_cpu_seconds_total: [{ type: 'counter', help: 'Seconds the CPUs spent in each mode.', unit: '' }],
    });
    const bad = await fetch(`http://127.0.0.1:${gatewayPort}/api/v1/query?query=rate(node_load1)`);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ status: 'error', errorType: 'bad_data' });
    const last = await api<{ body: string; truncated: boolean }>(`/api/v1/targets/last_scrape?scrapePool=node&instance=${instance}`);
    expect(last.body).toContain('# TYPE node_cpu_seconds_total counter');
    expect(last.truncated).toBe(false);
  });

  it('turns a dead exporter into up 0 with stale markers and the error on the targets list', async () => {
    const reader = await openStream(gatewayPort, session.resumeQuery());
    const hello = await reader.next();
    if (hello?.type === 'hello') session.apply(hello);
    await exporter.stop();
    const instance = `127.0.0.1:${exporterPort}`;
    const down = await readUntil(reader, session, (b) => (sampleOf(b, { __name__: 'up', job: 'node' })?.v === 0 ? b : undefined));
    const stale = sampleOf(down, { __name__: 'node_cpu_seconds_total', job: 'node', instance, mode: 'idle' });
    expect(stale && isStaleMarker(stale.v)).toBe(true);
    expect(stale?.t).toBe(sampleOf(down, { __name__: 'up', job: 'node' })?.t);
    await reader.cancel();
    const targets = (await (await fetch(`http://127.0.0.1:${gatewayPort}/api/v1/targets`)).json()) as {
      data: { activeTargets: Array<{ scrapePool: string; health: string; lastError: string }> };
    };
    const node = targets.data.activeTargets.find((t) => t.scrapePool === 'node');
    expect(node?.health).toBe('down');
    expect(node?.lastError).toMatch(/ECONNREFUSED|connection refused/);
    expect(gateway.running).toBe(true);
  });

  it('shuts down cleanly on SIGTERM', async () => {
    await gateway.stop();
    expect(await gateway.exited).toBe(0);
  });
});

describe('gateway start-up', () => {
  const started: Proc[] = [];
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'sightline-it-'));
  });

  afterAll(async () => {
    await Promise.all(started.map((p) => p.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 1 with FILE:LINE:COL errors for an invalid config', async () => {
    const file = join(dir, 'bad.yml');
    writeFileSync(file, 'global:\n  scrape_interval: 10x\nscrape_configs:\n  - job_name: a\n    static_configs:\n      - targets: [a:1]\n');
    const gw = startGateway(['--config', file, '--port', String(await freePort())]);
    started.push(gw);
    expect(await gw.exited).toBe(1);
    const lines = gw.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) expect(line.startsWith(`${file}:`)).toBe(true);
    expect(lines[0]).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2:\\d+: .*10x`));
  });

  it('moves to --port and the built-in self-scrape follows it', async () => {
    const port = await freePort();
    const gw = startGateway(['--port', String(port)]);
    started.push(gw);
    await gw.waitFor(new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`));
    const deadline = Date.now() + 20_000;
    let target: { scrapeUrl: string; labels: Labels; health: string } | undefined;
    while (Date.now() < deadline) {
      const body = (await (await fetch(`http://127.0.0.1:${port}/api/v1/targets`)).json()) as {
        data: { activeTargets: Array<{ scrapeUrl: string; labels: Labels; health: string }> };
      };
      target = body.data.activeTargets[0];
      if (target?.health !== 'unknown') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(target).toMatchObject({ scrapeUrl: `http://localhost:${port}/metrics`, labels: { instance: `localhost:${port}`, job: 'sightline' }, health: 'up' });
    await gw.stop();
  });

  it('takes the port from PORT', async () => {
    const port = await freePort();
    const gw = startGateway([], { PORT: String(port) });
    started.push(gw);
    await gw.waitFor(new RegExp(`listening on http://127\\.0\\.0\\.1:${port}`));
    expect(await (await fetch(`http://127.0.0.1:${port}/-/healthy`)).text()).toBe('Sightline is Healthy.\n');
    await gw.stop();
  });
});

/** The gateway as one Node process (no tsx wrapper, which relays only SIGINT and SIGTERM), so SIGHUP reaches it. */
function startGatewayProcess(args: readonly string[], env: Record<string, string> = {}): Proc {
  return new Proc(process.execPath, ['--import', 'tsx', 'gateway/node.ts', ...args], env);
}

interface TargetJSON {
  scrapePool: string;
  scrapeUrl: string;
  labels: Labels;
  health: string;
  lastError: string;
}

/** Polls until `probe` returns a value, failing after `ms`. */
async function poll<T>(what: string, probe: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('reload, file_sd and auth with tokens', () => {
  const TOKEN = 'read-token-0123456789';
  const ADMIN = 'admin-token-9876543210';
  let dir: string;
  let exporter: Proc;
  let gateway: Proc;
  let exporterPort: number;
  let gatewayPort: number;
  let configFile: string;
  let sdFile: string;
  const base = () => `http://127.0.0.1:${gatewayPort}`;
  const get = (path: string, token: string | null = TOKEN, init: RequestInit = {}) =>
    fetch(base() + path, { ...init, headers: token === null ? {} : { Authorization: `Bearer ${token}` } });
  const targets = async (): Promise<TargetJSON[]> => ((await (await get('/api/v1/targets')).json()) as { data: { activeTargets: TargetJSON[] } }).data.activeTargets;
  const config = (withSelf: boolean) => `global:
  scrape_interval: 1s
  scrape_timeout: 1s
scrape_configs:
  - job_name: node
    file_sd_configs:
      - files: ['sd/*.json']
        refresh_interval: 1m
${
  withSelf
    ? `  - job_name: self
    authorization:
      credentials_file: token.txt
    static_configs:
      - targets: ['127.0.0.1:${gatewayPort}']
`
    : ''
}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sightline-it-'));
    exporterPort = await freePort();
    gatewayPort = await freePort();
    exporter = new Proc(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${exporterPort}`, '--collector.disable-defaults', '--collector.loadavg']);
    configFile = join(dir, 'prometheus.yml');
    sdFile = join(dir, 'sd', 'node.json');
    rmSync(join(dir, 'sd'), { recursive: true, force: true });
    mkdirSync(join(dir, 'sd'));
    writeFileSync(join(dir, 'token.txt'), `${TOKEN}\n`);
    writeFileSync(sdFile, JSON.stringify([{ targets: [`127.0.0.1:${exporterPort}`], labels: { team: 'infra' } }]));
    writeFileSync(configFile, config(false));
    gateway = startGatewayProcess(['--config', configFile, '--port', String(gatewayPort)], { SIGHTLINE_TOKEN: TOKEN, SIGHTLINE_ADMIN_TOKEN: ADMIN });
    await gateway.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+ \(bearer token required/);
  });

  afterAll(async () => {
    await Promise.all([gateway?.stop(), exporter?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('requires the token on the API and stream, leaves health checks open, and never prints the tokens', async () => {
    expect((await get('/api/v1/query?query=up', null)).status).toBe(401);
    expect((await get('/api/v1/stream', null)).status).toBe(401);
    expect((await get('/metrics', null)).status).toBe(401);
    expect((await get('/api/v1/query?query=up', 'nope')).status).toBe(401);
    expect((await get('/api/v1/query?query=up')).status).toBe(200);
    expect((await get('/-/healthy', null)).status).toBe(200);
    expect((await get('/-/ready', null)).status).toBe(200);
    const flags = await (await get('/api/v1/status/flags')).text();
    expect(flags).not.toContain(TOKEN);
    expect(flags).not.toContain(ADMIN);
    expect(gateway.stdout + gateway.stderr).not.toContain(TOKEN);
    expect(gateway.stdout + gateway.stderr).not.toContain(ADMIN);
  });

  it('scrapes the targets of a file_sd file, with __meta_filepath, and picks up a change to it', async () => {
    const first = await poll('file_sd target up', async () => {
      const t = (await targets()).find((x) => x.scrapePool === 'node');
      return t?.health === 'up' ? t : undefined;
    });
    expect(first.labels).toEqual({ instance: `127.0.0.1:${exporterPort}`, job: 'node', team: 'infra' });
    const body = (await (await get('/api/v1/targets')).json()) as { data: { activeTargets: Array<{ discoveredLabels: Labels }> } };
    expect(body.data.activeTargets[0].discoveredLabels.__meta_filepath).toBe(sdFile);
    writeFileSync(sdFile, JSON.stringify([{ targets: [`127.0.0.1:${exporterPort}`], labels: { team: 'platform' } }]));
    await poll('file_sd change applied', async () => {
      const t = (await targets()).find((x) => x.scrapePool === 'node');
      return t?.labels.team === 'platform' ? t : undefined;
    });
  });

  it('reloads on POST /-/reload with the admin token only, starting a new job that reads its credentials_file', async () => {
    writeFileSync(configFile, config(true));
    const refused = await get('/-/reload', TOKEN, { method: 'POST' });
    expect(refused.status).toBe(403);
    expect((await get('/-/reload', ADMIN, { method: 'GET' })).status).toBe(405);
    expect((await targets()).map((t) => t.scrapePool)).toEqual(['node']);
    const res = await get('/-/reload', ADMIN, { method: 'POST' });
    expect(res.status).toBe(200);
    const self = await poll('self job scraped with the token from its credentials_file', async () => {
      const t = (await targets()).find((x) => x.scrapePool === 'self');
      return t?.health === 'up' ? t : undefined;
    });
    expect(self.lastError).toBe('');
  });

  it('reloads on SIGHUP: a removed job goes stale, a bad config is refused and the old one kept', async () => {
    writeFileSync(configFile, config(false));
    gateway.signal('SIGHUP');
    await poll('self job removed', async () => ((await targets()).some((t) => t.scrapePool === 'self') ? undefined : true));
    // Its series ended with stale markers: an instant query no longer finds them.
    await poll('self series stale', async () => {
      const r = (await (await get(`/api/v1/query?query=${encodeURIComponent('up{job="self"}')}`)).json()) as { data: { result: unknown[] } };
      return r.data.result.length === 0 ? true : undefined;
    });
    writeFileSync(configFile, 'global:\n  scrape_interval: 1x\n');
    gateway.signal('SIGHUP');
    await poll('reload failure reported', async () => (gateway.stderr.includes('reload failed, keeping the previous configuration') ? true : undefined));
    expect(gateway.stderr).toContain(`${configFile}:2:`);
    expect((await targets()).map((t) => t.scrapePool)).toEqual(['node']);
    expect(gateway.running).toBe(true);
    const metrics = await (await get('/metrics')).text();
    expect(metrics).toContain('sightline_config_last_reload_successful 0');
  });
});

describe('head persistence with --storage.path', () => {
  it('keeps the epoch and continues sequence numbers across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-it-'));
    const port = await freePort();
    const config = join(dir, 'prometheus.yml');
    writeFileSync(config, `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: self\n    static_configs: [{ targets: ['127.0.0.1:${port}'] }]\n`);
    const args = ['--config', config, '--port', String(port), '--storage.path', join(dir, 'head')];
    const hello = async (): Promise<{ epoch: string; nextSeq: number; oldestSeq: number }> => {
      const reader = await openStream(port);
      const m = await reader.next();
      await reader.cancel();
      if (m?.type !== 'hello') throw new Error('expected hello');
      return m;
    };
    const procs: Proc[] = [];
    try {
      const first = startGateway(args);
      procs.push(first);
      await first.waitFor(/listening on/);
      const before = await poll('two batches', async () => {
        const h = await hello();
        return h.nextSeq >= 3 ? h : undefined;
      });
      await first.stop();
      expect(await first.exited).toBe(0);
      const second = startGateway(args);
      procs.push(second);
      await second.waitFor(/listening on/);
      expect(second.stdout).toContain(`resumed epoch ${before.epoch}`);
      const after = await hello();
      expect(after.epoch).toBe(before.epoch);
      expect(after.oldestSeq).toBe(1);
      expect(after.nextSeq).toBeGreaterThanOrEqual(before.nextSeq);
    } finally {
      await Promise.all(procs.map((p) => p.stop()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('listen address policy', () => {
  it('refuses a non-loopback address without a token', async () => {
    const gw = startGateway(['--listen-address', '0.0.0.0', '--port', String(await freePort())]);
    expect(await gw.exited).toBe(2);
    expect(gw.stderr).toMatch(/refusing to listen on 0\.0\.0\.0 without an auth token: .*SIGHTLINE_TOKEN/);
  });
});
