// Shared setup for the fault tests: temp dirs, prometheus.yml, the gateway as a real process on loopback, API reads.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGatewayProcess, type Spawned } from '../../../bench/lib/soak-process.ts';
import { freePort } from '../../integration/processes.ts';

export { freePort };
export type Gateway = Spawned & { base: string };

/** A temp directory removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `sightline-faults-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Writes prometheus.yml scraping `target` as job `job` every `intervalMs` (with rule files from `rules/*.yml` when asked); returns its path. */
export function writeConfig(dir: string, job: string, target: string, intervalMs: number, withRules = false): string {
  const file = join(dir, 'prometheus.yml');
  writeFileSync(
    file,
    `global:
  scrape_interval: ${intervalMs}ms
  scrape_timeout: ${Math.floor(intervalMs * 0.8)}ms
  evaluation_interval: ${intervalMs}ms
${withRules ? 'rule_files:\n  - rules/*.yml\n' : ''}scrape_configs:
  - job_name: ${job}
    static_configs:
      - targets: ['${target}']
`,
  );
  return file;
}

/** Starts the gateway (`node --import tsx gateway/node.ts`) on `port`, so the pid is the gateway itself. */
export function startGateway(args: readonly string[], port: number): Promise<Gateway> {
  return startGatewayProcess(args, port);
}

/** GET an API path; returns `data` of a success envelope, throws otherwise. */
export async function api<T>(base: string, path: string): Promise<T> {
  const res = await fetch(base + path);
  const body = (await res.json()) as { status: string; data: T; error?: string };
  if (body.status !== 'success') throw new Error(`${path}: HTTP ${res.status} ${body.error ?? ''}`);
  return body.data;
}

/** Timestamps (ms) of `selector`'s samples in the gateway's head over the last `range`, per series (by its labels as JSON). */
export async function headTimestamps(base: string, selector: string, range: string): Promise<Map<string, number[]>> {
  const data = await api<{ result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> }>(
    base,
    `/api/v1/query?query=${encodeURIComponent(`${selector}[${range}]`)}`,
  );
  return new Map(data.result.map((r) => [JSON.stringify(r.metric), r.values.map(([t]) => Math.round(t * 1000))]));
}
