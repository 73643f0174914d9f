// Processes for the alert-latency benchmark: the test exporter, a webhook receiver, Alertmanager and the gateway, all on loopback.
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startChild, waitForHttp, type Child } from './children.ts';
import { freePort } from './prometheus.ts';

const repoRoot = resolve(import.meta.dirname, '../..');
const tsx = resolve(repoRoot, 'node_modules/.bin/tsx');

/** The test exporter serving `demo_value`, which set() changes. */
export async function startDemoExporter(): Promise<{ address: string; set(v: number): Promise<void>; stop(): Promise<void> }> {
  const child = await startChild(tsx, [resolve(repoRoot, 'test/fixtures/exporter/main.ts'), '--port', '0'], /listening on http:\/\/(127\.0\.0\.1:\d+)/);
  const address = child.match[1];
  const set = async (v: number): Promise<void> => {
    const families = [{ name: 'demo_value', type: 'gauge', help: 'benchmark condition', samples: [{ name: 'demo_value', labels: {}, value: v }] }];
    const res = await fetch(`http://${address}/-/control`, { method: 'POST', body: JSON.stringify({ op: 'set', families }) });
    if (!res.ok) throw new Error(`exporter control: ${res.status}`);
  };
  await set(0);
  return { address, set, stop: () => child.stop() };
}

/** A received webhook: arrival time, status and the alert's evaluation time (startsAt when firing, endsAt when resolved). */
export interface Hook {
  at: number;
  status: string;
  evaluatedAt: number;
}

/** A webhook receiver recording arrival times. */
export async function startReceiver(): Promise<{ url: (path: string) => string; received: Hook[]; waitFor(status: string, from: number, ms: number): Promise<Hook>; stop(): Promise<void> }> {
  const received: Hook[] = [];
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const at = Date.now();
      try {
        const body = JSON.parse(text) as { status: string; alerts: { startsAt: string; endsAt: string }[] };
        const a = body.alerts[0];
        received.push({ at, status: body.status, evaluatedAt: Date.parse(body.status === 'firing' ? a.startsAt : a.endsAt) });
      } catch {
        // ignore non-JSON
      }
      res.end('ok');
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received,
    async waitFor(status, from, ms) {
      const deadline = Date.now() + ms;
      for (;;) {
        const hit = received.slice(from).find((h) => h.status === status);
        if (hit) return hit;
        if (Date.now() > deadline) throw new Error(`no ${status} webhook within ${ms} ms`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    stop: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}

/** Alertmanager with clustering off and temporary storage. */
export async function startAlertmanager(binary: string, configYaml: string): Promise<{ port: number; stop(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-am-'));
  writeFileSync(join(dir, 'am.yml'), configYaml);
  const port = await freePort();
  const child = await startChild(
    binary,
    [`--config.file=${join(dir, 'am.yml')}`, `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', `--storage.path=${join(dir, 'data')}`],
    /Listening on|listening on/i,
  );
  await waitForHttp(`http://127.0.0.1:${port}/-/ready`);
  return {
    port,
    async stop() {
      await child.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The gateway (as `npm run dev` starts it) on a free port. */
export async function startGateway(args: readonly string[]): Promise<Child> {
  const port = await freePort();
  const child = await startChild(tsx, [resolve(repoRoot, 'gateway/node.ts'), ...args, '--port', String(port)], /listening on/);
  return child;
}
