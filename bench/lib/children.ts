// Child processes for benchmarks: started with captured output, awaited until they print a line, stopped by pid.
import { spawn, type ChildProcess } from 'node:child_process';

export interface Child {
  readonly output: () => string;
  stop(): Promise<void>;
}

/** Spawns `command args`, resolving once its stdout or stderr matches `ready`; fails after `ms` or on an early exit. */
export async function startChild(command: string, args: readonly string[], ready: RegExp, ms = 60_000): Promise<Child & { match: RegExpExecArray }> {
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const onData = (d: Buffer): void => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<void>((res) => child.once('exit', () => res()));
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + ms;
  for (;;) {
    const match = ready.exec(out);
    if (match) return { match, output: () => out, stop };
    if (child.exitCode !== null) throw new Error(`${command} exited early:\n${out}`);
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`${command} did not become ready within ${ms} ms:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves once `url` answers 2xx; fails after `ms`. */
export async function waitForHttp(url: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    const ok = await fetch(url).then(
      async (r) => {
        await r.body?.cancel();
        return r.ok;
      },
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${url} not answering after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
