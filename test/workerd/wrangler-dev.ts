// Runs the Worker under `wrangler dev` (real workerd) on 127.0.0.1 for the black-box suite, and always stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../integration/processes.ts';

export const repoRoot = resolve(import.meta.dirname, '../..');
const wranglerBin = resolve(repoRoot, 'node_modules/wrangler/bin/wrangler.js');

export interface WranglerOptions {
  /** Scratch directory for the env file. */
  dir: string;
  /** Durable Object storage directory; reuse it to restart with the same state. */
  persistTo: string;
  /** Static assets directory (overrides wrangler.toml's, so the suite needs no studio build). */
  assets: string;
  /** SIGHTLINE_TOKEN; null starts the Worker without one. */
  token: string | null;
  /** prometheus.yml text passed as the SIGHTLINE_CONFIG var. */
  configYaml?: string;
  /** More vars (`--var NAME:value`), e.g. SIGHTLINE_RULE_FILES. */
  vars?: Record<string, string>;
  /** More Worker secrets (single-line values), written to the env file beside SIGHTLINE_TOKEN. */
  secrets?: Record<string, string>;
  /** Reuse a port (a restart keeps the address the clients know). */
  port?: number;
}

/** A running `wrangler dev`. */
export interface WranglerDev {
  baseUrl: string;
  port: number;
  output(): string;
  stop(): Promise<void>;
}

/**
 * Starts `wrangler dev --local` against the repository's wrangler.toml. Secrets come from a scratch env file
 * (`--env-file` also keeps a developer's .dev.vars out of the test); nothing leaves the machine: no `Request.cf`
 * download, no telemetry. Resolves once wrangler prints its Ready line for our port.
 */
export async function startWranglerDev(o: WranglerOptions): Promise<WranglerDev> {
  const port = o.port ?? (await freePort());
  const inspectorPort = await freePort();
  const envFile = join(o.dir, `test-${port}-${Date.now()}.env`);
  const secrets = { ...(o.token === null ? {} : { SIGHTLINE_TOKEN: o.token }), ...o.secrets };
  writeFileSync(envFile, Object.entries(secrets).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  const args = [
    wranglerBin,
    'dev',
    '--config',
    join(repoRoot, 'wrangler.toml'),
    '--local',
    '--ip',
    '127.0.0.1',
    '--port',
    String(port),
    '--inspector-port',
    String(inspectorPort),
    '--persist-to',
    o.persistTo,
    '--assets',
    o.assets,
    '--env-file',
    envFile,
    '--show-interactive-dev-session=false',
    '--log-level',
    'info',
  ];
  if (o.configYaml !== undefined) args.push('--var', `SIGHTLINE_CONFIG:${o.configYaml}`);
  for (const [k, v] of Object.entries(o.vars ?? {})) args.push('--var', `${k}:${v}`);
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    // Its own process group, so stop() can reach workerd even if wrangler dies first.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      CLOUDFLARE_CF_FETCH_ENABLED: 'false',
      WRANGLER_SEND_METRICS: 'false',
      NO_COLOR: '1',
      FORCE_COLOR: '0',
    },
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const dev: WranglerDev = {
    baseUrl: `http://127.0.0.1:${port}`,
    port,
    output: () => output,
    stop: () => stopGroup(child, exited),
  };
  const ready = new RegExp(`Ready on http://127\\.0\\.0\\.1:${port}`);
  const deadline = Date.now() + 90_000;
  while (!ready.test(output)) {
    if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
      await dev.stop();
      throw new Error(`wrangler dev did not become ready on port ${port}:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return dev;
}

/** SIGTERM to wrangler (it stops workerd), SIGKILL to its whole group if it is not gone within 10 s. */
async function stopGroup(child: ChildProcess, exited: Promise<void>): Promise<void> {
  const pid = child.pid;
  if (pid === undefined) return;
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const timer = setTimeout(() => killGroup(pid), 10_000);
  await exited;
  clearTimeout(timer);
  // Whatever wrangler left behind in its group (workerd, esbuild) goes too.
  killGroup(pid);
}

function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // The group is already empty.
  }
}
