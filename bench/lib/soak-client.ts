// A stream client as the studio runs it, minus the UI: fetch → TextDecoder → StreamDecoder → StreamSession, resuming after disconnects.
import { StreamDecoder } from '../../shared/stream/decode.ts';
import { StreamSession, type SessionEvent } from '../../shared/stream/session.ts';

export interface FollowerOptions {
  /** Gateway base URL, e.g. http://127.0.0.1:9090 (loopback only). */
  base: string;
  /** Called for every session event with the wall-clock time (ms) its bytes arrived. */
  onEvent: (event: SessionEvent, receivedAt: number) => void;
  /** Reconnect after the stream ends or fails: wait `delayMs` between tries, give up after `maxFailures` failed tries in a row. */
  reconnect?: { delayMs: number; maxFailures: number };
}

/** Follows one gateway's stream until stopped, resuming with epoch/after as the studio does. */
export class StreamFollower {
  readonly session = new StreamSession();
  /** Messages the decoder rejected (must stay empty against a correct gateway). */
  readonly decodeErrors: string[] = [];
  /** Why connections ended or failed, in order. */
  readonly disconnects: string[] = [];
  connections = 0;
  /** Hello messages received over all connections. */
  hellos = 0;
  private readonly abort = new AbortController();
  private stopped = false;
  private loop: Promise<void> | null = null;

  constructor(private readonly opts: FollowerOptions) {}

  /** Starts reading in the background; `done` settles when the follower stops or gives up. */
  start(): this {
    this.loop ??= this.run();
    return this;
  }

  get done(): Promise<void> {
    return this.loop ?? Promise.resolve();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    await this.done;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped) {
      const hellosBefore = this.hellos;
      await this.once().catch((e: unknown) => {
        if (!this.stopped) this.disconnects.push(e instanceof Error ? `${e.name}: ${e.message}` : String(e));
      });
      if (this.stopped) return;
      const retry = this.opts.reconnect;
      // A connection that got as far as hello proves the gateway was up: only consecutive dead tries count.
      failures = this.hellos > hellosBefore ? 0 : failures + 1;
      if (retry === undefined || failures >= retry.maxFailures) return;
      await new Promise((r) => setTimeout(r, retry.delayMs));
    }
  }

  /** One connection, read until it ends. */
  private async once(): Promise<void> {
    const q = this.session.resumeQuery();
    const res = await fetch(`${this.opts.base}/api/v1/stream${q ? `?${q}` : ''}`, { signal: this.abort.signal, headers: { Accept: 'text/event-stream' } });
    if (!res.ok || res.body === null) {
      await res.body?.cancel();
      throw new Error(`stream answered HTTP ${res.status}`);
    }
    this.connections++;
    const decoder = new StreamDecoder();
    const text = new TextDecoder();
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        const receivedAt = Date.now();
        for (const r of decoder.push(text.decode(value, { stream: true }))) {
          if (!r.ok) {
            this.decodeErrors.push(r.error);
            continue;
          }
          const event = this.session.apply(r.message);
          if (event.type === 'hello') this.hellos++;
          this.opts.onEvent(event, receivedAt);
        }
      }
      this.disconnects.push('stream ended');
    } finally {
      reader.releaseLock();
    }
  }
}
