// End to end: the real gateway scrapes a real node_exporter and streams its series; failures, config errors, --port.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Labels } from '../../shared/model/labels.ts';
import { isStaleMarker } from '../../shared/model/stale.ts';
import { StreamSession, type DecodedBatch } from '../../shared/stream/session.ts';
import { freePort, Proc, startGateway, StreamReader } from './processes.ts';

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';

/** Reads batches until `found` returns a value, or fails after `ms`. */
async function until<T>(reader: StreamReader, session: StreamSession, found: (b: DecodedBatch) => T | undefined, ms = 20_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`condition not met within ${ms} ms`)), ms);
  });
  const search = (async () => {
    for (;;) {
      const m = await reader.next();
      if (m === null) throw new Error('stream ended');
      const ev = session.apply(m);
      if (ev.type === 'error') throw new Error(ev.error);
      if (ev.type !== 'batch') continue;
      const hit = found(ev.batch);
      if (hit !== undefined) return hit;
    }
  })();
  try {
    return await Promise.race([search, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The first sample in a batch whose labels match all of `want`. */
function sampleOf(b: DecodedBatch, want: Labels): { labels: Labels; v: number; t: number } | undefined {
  for (let i = 0; i < b.labels.length; i++) {
    const l = b.labels[i];
    if (Object.entries(want).every(([k, v]) => l[k] === v)) return { labels: l, v: b.vals[i], t: b.ts[i] };
  }
  return undefined;
}

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
    const cpu = await until(reader, session, (b) => sampleOf(b, { __name__: 'node_cpu_seconds_total', job: 'node', instance, mode: 'idle' }) && b);
    const idle = sampleOf(cpu, { __name__: 'node_cpu_seconds_total', mode: 'idle' });
    expect(Object.keys(idle?.labels ?? {}).sort()).toEqual(['__name__', 'cpu', 'instance', 'job', 'mode']);
    expect(idle?.v).toBeGreaterThan(0);
    expect(cpu.meta).toContainEqual(['node_cpu_seconds_total', { type: 'counter', help: 'Seconds the CPUs spent in each mode.', unit: '' }]);
    const up = sampleOf(cpu, { __name__: 'up', job: 'node' });
    expect(up?.labels).toEqual({ __name__: 'up', instance, job: 'node' });
    expect(up?.v).toBe(1);
    expect(sampleOf(cpu, { __name__: 'scrape_samples_scraped', job: 'node' })?.v).toBeGreaterThan(10);
    // The gateway scrapes itself too.
    await until(reader, session, (b) => (sampleOf(b, { __name__: 'up', job: 'sightline' })?.v === 1 ? true : undefined));
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

  it('turns a dead exporter into up 0 with stale markers and the error on the targets list', async () => {
    const reader = await openStream(gatewayPort, session.resumeQuery());
    const hello = await reader.next();
    if (hello?.type === 'hello') session.apply(hello);
    await exporter.stop();
    const instance = `127.0.0.1:${exporterPort}`;
    const down = await until(reader, session, (b) => (sampleOf(b, { __name__: 'up', job: 'node' })?.v === 0 ? b : undefined));
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
