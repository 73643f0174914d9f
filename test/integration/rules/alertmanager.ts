// Runs the real Alertmanager (Debian's prometheus-alertmanager 0.25) on loopback with clustering off and a temporary storage path.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, Proc } from '../processes.ts';

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';

export interface RunningAlertmanager {
  base: string;
  port: number;
  proc: Proc;
  stop(): Promise<void>;
}

/** Starts Alertmanager with `configYaml`; resolves once /-/ready answers. */
export async function startAlertmanager(configYaml: string): Promise<RunningAlertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-am-'));
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(config, configYaml);
  const port = await freePort();
  const proc = new Proc(ALERTMANAGER_BIN, [
    `--config.file=${config}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    `--storage.path=${join(dir, 'data')}`,
  ]);
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const ok = await fetch(`${base}/-/ready`).then((r) => r.ok, () => false);
    if (ok) break;
    if (!proc.running || Date.now() > deadline) {
      await proc.stop();
      throw new Error(`alertmanager did not start:\n${proc.stdout}\n${proc.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    port,
    proc,
    async stop() {
      await proc.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
