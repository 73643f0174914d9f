// Browser-test harness: builds the studio when stale, runs real gateways on free loopback ports, drives Debian Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext } from 'playwright-core';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const outputDir = join(repoRoot, 'test-output');

/** Debian's Chromium; the harness never downloads a browser. */
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Newest modification time (ms) of any file under dir. */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/** Runs `vite build` when dist/web is missing or older than web/ or shared/ sources; returns the dist directory. */
export async function ensureStudioBuilt(): Promise<string> {
  const dist = join(repoRoot, 'dist', 'web');
  const index = join(dist, 'index.html');
  const sources = Math.max(newestMtime(join(repoRoot, 'web')), newestMtime(join(repoRoot, 'shared')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return dist;
  await run(process.execPath, [join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], 'vite build');
  return dist;
}

function run(cmd: string, args: string[], what: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${what} exited with ${code}:\n${out}`))));
  });
}

/** A port the OS just handed out on 127.0.0.1 (free at the time of asking). */
export function freePort(): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolvePromise(port));
    });
  });
}

export interface RunningGateway {
  url: string;
  port: number;
  /** stdout and stderr so far, for failure messages. */
  logs(): string;
  stop(): Promise<void>;
}

export interface GatewayOptions {
  /** prometheus.yml text; `{{PORT}}` is replaced by the gateway's port. Default: scrape itself every `interval`. */
  config?: string;
  /** Scrape interval of the default config (default 1s, so tests see data quickly). */
  interval?: string;
  extraArgs?: string[];
  /** Listen on this port (e.g. to restart a gateway at the same origin); default: a free one. */
  port?: number;
}

/** Starts `tsx gateway/node.ts --port <free port> --config <temp file>` on 127.0.0.1 and waits until it serves. */
export async function startGateway(opts: GatewayOptions = {}): Promise<RunningGateway> {
  const port = opts.port ?? (await freePort());
  const dir = mkdtempSync(join(tmpdir(), 'sightline-gw-'));
  const configFile = join(dir, 'prometheus.yml');
  const config =
    opts.config ??
    [
      'global:',
      `  scrape_interval: ${opts.interval ?? '1s'}`,
      'scrape_configs:',
      "  - job_name: 'sightline'",
      '    static_configs:',
      "      - targets: ['127.0.0.1:{{PORT}}']",
      '',
    ].join('\n');
  writeFileSync(configFile, config.replaceAll('{{PORT}}', String(port)));
  const tsx = join(repoRoot, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  // Own process group, so stop() reaches tsx's child node process too.
  const child: ChildProcess = spawn(
    process.execPath,
    [tsx, 'gateway/node.ts', '--port', String(port), '--listen-address', '127.0.0.1', '--config', configFile, ...(opts.extraArgs ?? [])],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
  );
  let logs = '';
  child.stdout!.on('data', (d: Buffer) => (logs += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (logs += d.toString()));
  let exited = false;
  const exit = new Promise<void>((r) =>
    child.on('exit', (code, signal) => {
      exited = true;
      logs += `\n[gateway exited: ${signal ?? `code ${code}`}]\n`;
      r();
    }),
  );
  const url = `http://127.0.0.1:${port}`;

  const stop = async (): Promise<void> => {
    if (!exited && child.pid !== undefined) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // Already gone.
      }
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }, 5000);
      await exit;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) {
      await stop();
      throw new Error(`gateway exited during start-up:\n${logs}`);
    }
    try {
      const res = await fetch(`${url}/metrics`);
      if (res.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`gateway did not answer on ${url} within 30 s:\n${logs}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, port, logs: () => logs, stop };
}

export interface Browser {
  context: BrowserContext;
  userDataDir: string;
  close(): Promise<void>;
}

/** Launches Debian Chromium with a fresh profile; a persistent context so IndexedDB outlives page reloads. */
export async function launchBrowser(viewport = { width: 1280, height: 800 }): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: install Debian's chromium package (apt-get install chromium)`);
  const userDataDir = mkdtempSync(join(tmpdir(), 'sightline-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport,
    deviceScaleFactor: 1,
  });
  return {
    context,
    userDataDir,
    close: async () => {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}
