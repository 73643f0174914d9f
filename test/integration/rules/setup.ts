// Shared setup for the rules/alerting integration suites: a controllable exporter, config files, the gateway, polling helpers.
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort, Proc, repoRoot, startGateway } from '../processes.ts';

/** The test exporter (test/fixtures/exporter) as its own process, serving one gauge, `demo_value`, that the test sets. */
export interface DemoExporter {
  /** `127.0.0.1:PORT`, as a scrape target. */
  address: string;
  set(v: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the exporter and sets `demo_value`. */
export async function demoExporter(value: number): Promise<DemoExporter> {
  const proc = new Proc(resolve(repoRoot, 'node_modules/.bin/tsx'), ['test/fixtures/exporter/main.ts', '--port', '0']);
  await proc.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/, 60_000);
  const address = (/listening on http:\/\/(127\.0\.0\.1:\d+)/.exec(proc.stdout) as RegExpExecArray)[1];
  const set = async (v: number): Promise<void> => {
    const families = [{ name: 'demo_value', type: 'gauge', help: 'A value the test controls.', samples: [{ name: 'demo_value', labels: {}, value: v }] }];
    const res = await fetch(`http://${address}/-/control`, { method: 'POST', body: JSON.stringify({ op: 'set', families }) });
    if (!res.ok) throw new Error(`exporter control failed: ${res.status} ${await res.text()}`);
  };
  await set(value);
  return { address, set, stop: () => proc.stop() };
}

/** Writes prometheus.yml (1s scrape and evaluation) scraping `target`, with `extra` appended and `global` lines added; returns its path. */
export function writePrometheusYml(dir: string, target: string, extra = '', global = ''): string {
  const file = join(dir, 'prometheus.yml');
  writeFileSync(
    file,
    `global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
${global}rule_files:
  - rules/*.yml
scrape_configs:
  - job_name: demo
    static_configs:
      - targets: ['${target}']
${extra}`,
  );
  return file;
}

/** Starts the gateway on a free port and waits until it listens. */
export async function gatewayWith(args: string[]): Promise<{ proc: Proc; port: number; base: string }> {
  const port = await freePort();
  const proc = startGateway([...args, '--port', String(port)]);
  await proc.waitFor(/listening on/, 60_000);
  return { proc, port, base: `http://127.0.0.1:${port}` };
}

/** GETs a Prometheus-style API path and returns `data`. */
export async function api<T>(base: string, path: string): Promise<T> {
  const res = await fetch(base + path);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${path}: ${res.status} ${body.error ?? ''}`);
  return body.data;
}

/** Polls `probe` until it returns a value, failing after `ms`. */
export async function poll<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
