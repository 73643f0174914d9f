// A real Prometheus (Debian's 2.42) on loopback for the parity suite, and typed reads of its HTTP API.
import { spawnSync } from 'node:child_process';
import type { Labels } from '../../../shared/model/labels.ts';
import { freePort, Proc } from '../processes.ts';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';

export interface PrometheusServer {
  baseUrl: string;
  /** First line of `prometheus --version`. */
  version: string;
  proc: Proc;
  stop(): Promise<void>;
}

/** Starts Prometheus with `configFile` and a fresh TSDB in `dataDir`; resolves once /-/ready answers 200. */
export async function startPrometheus(configFile: string, dataDir: string, ms = 30_000): Promise<PrometheusServer> {
  const port = await freePort();
  const version = spawnSync(PROMETHEUS_BIN, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '';
  const proc = new Proc(PROMETHEUS_BIN, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--log.level=warn',
  ]);
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + ms;
  for (;;) {
    if (!proc.running) throw new Error(`prometheus exited early:\n${proc.stderr}`);
    const ok = await fetch(`${baseUrl}/-/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await proc.stop();
      throw new Error(`prometheus not ready after ${ms} ms:\n${proc.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { baseUrl, version, proc, stop: () => proc.stop() };
}

interface ApiEnvelope<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
}

/** GET on Prometheus's API; throws with the API error unless the status is success. */
export async function promGet<T>(baseUrl: string, path: string, params: Record<string, string> = {}): Promise<T> {
  const url = `${baseUrl}${path}?${new URLSearchParams(params)}`;
  const body = (await (await fetch(url)).json()) as ApiEnvelope<T>;
  if (body.status !== 'success') throw new Error(`${url}: ${body.error ?? body.status}`);
  return body.data;
}

/** `/api/v1/series` for one matcher over the last `lookbackS` seconds. */
export function promSeries(baseUrl: string, match: string, lookbackS = 600): Promise<Labels[]> {
  const now = Date.now() / 1000;
  return promGet<Labels[]>(baseUrl, '/api/v1/series', { 'match[]': match, start: String(now - lookbackS), end: String(now + 1) });
}

export interface InstantSample {
  metric: Labels;
  value: [number, string];
}

/** An instant query at now (or at `timeS`). */
export function promQuery(baseUrl: string, query: string, timeS?: number): Promise<InstantSample[]> {
  const params: Record<string, string> = { query };
  if (timeS !== undefined) params.time = String(timeS);
  return promGet<{ resultType: string; result: InstantSample[] }>(baseUrl, '/api/v1/query', params).then((d) => d.result);
}
