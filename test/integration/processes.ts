// Helpers for the integration suite: free loopback ports, child processes with captured output, stream readers.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { StreamDecoder } from '../../shared/stream/decode.ts';
import type { StreamMessage } from '../../shared/stream/protocol.ts';

export const repoRoot = resolve(import.meta.dirname, '../..');
const tsxBin = resolve(repoRoot, 'node_modules/.bin/tsx');

/** A port nothing listens on right now (bound and released on 127.0.0.1). */
export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => ok(port));
    });
  });
}

/** A started child process with its output collected. */
export class Proc {
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;

  constructor(command: string, args: readonly string[], env: Record<string, string> = {}) {
    this.child = spawn(command, args, { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout?.on('data', (d: Buffer) => (this.stdout += d.toString()));
    this.child.stderr?.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.exited = new Promise((ok) => this.child.once('exit', (code) => ok(code)));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Waits until stdout matches, failing with the output so far after `ms`. */
  async waitFor(re: RegExp, ms = 30_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!re.test(this.stdout)) {
      if (!this.running) throw new Error(`process exited before printing ${re}:\n${this.stdout}\n${this.stderr}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${re}:\n${this.stdout}\n${this.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Sends a signal (e.g. SIGHUP to make the gateway reload). */
  signal(name: NodeJS.Signals): void {
    this.child.kill(name);
  }

  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and waits for it. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Starts the gateway through tsx, as `npm start` does (without the studio build). */
export function startGateway(args: readonly string[], env: Record<string, string> = {}): Proc {
  return new Proc(tsxBin, ['gateway/node.ts', ...args], env);
}

/** Reads stream messages from a fetch response body. */
export class StreamReader {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new StreamDecoder();
  private readonly text = new TextDecoder();
  private readonly queue: StreamMessage[] = [];
  readonly errors: string[] = [];

  constructor(body: ReadableStream<Uint8Array>) {
    this.reader = body.getReader();
  }

  /** The next message, or null when the stream ended. */
  async next(): Promise<StreamMessage | null> {
    while (this.queue.length === 0) {
      const { done, value } = await this.reader.read();
      if (done) return null;
      for (const r of this.decoder.push(this.text.decode(value, { stream: true }))) {
        if (r.ok) this.queue.push(r.message);
        else this.errors.push(r.error);
      }
    }
    return this.queue.shift() ?? null;
  }

  cancel(): Promise<void> {
    return this.reader.cancel().catch(() => undefined);
  }
}
