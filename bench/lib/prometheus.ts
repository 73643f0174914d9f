// Runs a real Prometheus on loopback over backfilled blocks for side-by-side benchmarks; always stopped by its owner.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** Absolute path of an executable on PATH, or null. */
export function which(name: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const path = r.stdout.trim();
  return r.status === 0 && path ? path : null;
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolvePort(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** `promtool tsdb create-blocks-from openmetrics IN OUT`; returns its wall time in ms. */
export function backfill(promtool: string, input: string, outDir: string): number {
  const t0 = performance.now();
  const r = spawnSync(promtool, ['tsdb', 'create-blocks-from', 'openmetrics', '--quiet', input, outDir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`promtool failed (${r.status}): ${r.stderr || r.stdout}`);
  return performance.now() - t0;
}

export interface RunningPrometheus {
  baseUrl: string;
  version: string;
  stop(): Promise<void>;
}

/** Starts Prometheus on 127.0.0.1 over `tsdbDir` (retention long enough to keep old blocks), plus `extraArgs`; resolves when ready. */
export async function startPrometheus(binary: string, tsdbDir: string, workDir: string, extraArgs: readonly string[] = []): Promise<RunningPrometheus> {
  const port = await freePort();
  const config = join(workDir, 'prometheus.yml');
  writeFileSync(config, 'global:\n  scrape_interval: 15s\n');
  const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0] ?? '';
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${tsdbDir}`,
      '--storage.tsdb.retention.time=100y',
      `--web.listen-address=127.0.0.1:${port}`,
      ...extraArgs,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
  });
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const baseUrl = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited early: ${log}`);
    try {
      const r = await fetch(`${baseUrl}/-/ready`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`prometheus not ready after 120 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return { baseUrl, version, stop };
}
