// Child processes for the soak bench and fault tests: run `node --import tsx` directly so the pid is the real process (for /proc and kill -9).
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');

/** A started child with its output kept (the last 200 KB). */
export interface Spawned {
  readonly pid: number;
  readonly exited: Promise<number | null>;
  readonly running: boolean;
  output(): string;
  /** Resolves with the first match of `re` in the output; fails on exit or after `ms`. */
  waitFor(re: RegExp, ms?: number): Promise<RegExpExecArray>;
  /** Sends a signal (SIGKILL for the crash tests). */
  signal(sig: NodeJS.Signals): void;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Kills (by pid) every child still running when this process exits, so no run leaves one behind. */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
}

/** Starts `node [nodeArgs…] --import tsx SCRIPT args…` in the repository root; `onLine` sees each output line. */
export function spawnTs(
  script: string,
  args: readonly string[],
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
  onLine?: (line: string) => void,
): Spawned {
  installExitHook();
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', script, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    // stdin stays a pipe: children that watch it exit when this process dies.
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  if (child.pid === undefined) throw new Error(`could not start ${script}`);
  live.add(child);
  let out = '';
  const partial = { stdout: '', stderr: '' };
  const onData = (stream: 'stdout' | 'stderr') => (d: Buffer): void => {
    const text = d.toString();
    out += text;
    if (out.length > 400_000) out = out.slice(-200_000);
    if (onLine === undefined) return;
    const lines = (partial[stream] + text).split('\n');
    partial[stream] = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  };
  child.stdout?.on('data', onData('stdout'));
  child.stderr?.on('data', onData('stderr'));
  const exited = new Promise<number | null>((ok) =>
    child.once('exit', (code) => {
      live.delete(child);
      ok(code);
    }),
  );
  const isRunning = (): boolean => child.exitCode === null && child.signalCode === null;
  return {
    pid: child.pid,
    exited,
    get running() {
      return isRunning();
    },
    output: () => out,
    async waitFor(re, ms = 60_000) {
      const deadline = Date.now() + ms;
      for (;;) {
        const m = re.exec(out);
        if (m) return m;
        if (!isRunning()) throw new Error(`${script} exited before printing ${re}:\n${out.slice(-4000)}`);
        if (Date.now() > deadline) throw new Error(`${script} did not print ${re} within ${ms} ms:\n${out.slice(-4000)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    signal(sig) {
      if (isRunning()) child.kill(sig);
    },
    async stop(graceMs = 10_000) {
      if (!isRunning()) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The gateway started as `node [nodeArgs…] --import tsx gateway/node.ts ARGS --port PORT`, once it listens. */
export async function startGatewayProcess(
  args: readonly string[],
  port: number,
  nodeArgs: readonly string[] = [],
  onLine?: (line: string) => void,
): Promise<Spawned & { base: string }> {
  const proc = spawnTs('gateway/node.ts', [...args, '--port', String(port)], {}, nodeArgs, onLine);
  try {
    await proc.waitFor(/listening on http/, 60_000);
  } catch (e) {
    await proc.stop();
    throw e;
  }
  return Object.assign(proc, { base: `http://127.0.0.1:${port}` });
}
