// The stream client loop: fetch the SSE stream, store batches with their position, resume exactly, reconnect with backoff.
import { StreamDecoder } from '../../../shared/stream/decode.ts';
import type { HelloMessage } from '../../../shared/stream/protocol.ts';
import type { SampleStore, StreamPosition } from '../store/sampleStore.ts';
import { backoffDelay, streamUrl } from './backoff.ts';
import { BatchCollector } from './batches.ts';
import { INITIAL_STATUS, type DataChange, type GatewayTarget, type StreamStatus } from './protocol.ts';

/** Everything the loop touches outside itself, injected so tests run it against fakes and real servers alike. */
export interface StreamerDeps {
  store: SampleStore;
  fetchFn: (url: string, init: RequestInit) => Promise<Response>;
  now: () => number;
  /** Resolves after ms, or rejects when the signal aborts. */
  sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  random: () => number;
  onStatus: (status: StreamStatus) => void;
  onData: (change: DataChange) => void;
  /** A connection that delivers nothing (not even a heartbeat) for this long is dropped and retried. */
  idleTimeoutMs?: number;
}

/** Thrown for a response that is not a stream; carries the HTTP status for the message. */
class StreamHttpError extends Error {}

/** Sleeps with setTimeout; rejects with the signal's reason when aborted. */
export function timerSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Keeps one gateway stream flowing into the store until stopped. */
export class Streamer {
  private status: StreamStatus = { ...INITIAL_STATUS };
  private running: { abort: AbortController; done: Promise<void> } | null = null;

  constructor(private readonly deps: StreamerDeps) {}

  /** Starts streaming from `target`, stopping any previous connection first. */
  async start(target: GatewayTarget): Promise<void> {
    await this.stop();
    const abort = new AbortController();
    const pos = await this.deps.store.position();
    this.update({ ...INITIAL_STATUS, state: 'connecting', epoch: pos?.epoch ?? null, lastSeq: pos?.seq ?? null });
    this.running = { abort, done: this.loop(target, abort.signal) };
  }

  /** Closes the connection and waits until the loop has finished its last write. */
  async stop(): Promise<void> {
    const r = this.running;
    if (!r) return;
    this.running = null;
    r.abort.abort(new DOMException('stopped', 'AbortError'));
    await r.done;
    this.update({ ...this.status, state: 'idle', retryAt: null });
  }

  current(): StreamStatus {
    return this.status;
  }

  private update(next: StreamStatus): void {
    this.status = next;
    this.deps.onStatus(next);
  }

  private async loop(target: GatewayTarget, signal: AbortSignal): Promise<void> {
    let attempt = 0;
    while (!signal.aborted) {
      let error: string;
      try {
        await this.connect(target, signal, () => (attempt = 0));
        error = 'the gateway closed the stream';
      } catch (e) {
        if (signal.aborted) break;
        error = e instanceof Error ? e.message : String(e);
      }
      attempt++;
      const delay = backoffDelay(attempt, this.deps.random());
      this.update({ ...this.status, state: 'waiting', error, attempt, retryAt: this.deps.now() + delay });
      try {
        await this.deps.sleep(delay, signal);
      } catch {
        break;
      }
      this.update({ ...this.status, state: 'connecting', retryAt: null });
    }
  }

  /** One connection: returns when the stream ends, throws on a network, HTTP, protocol or storage error. */
  private async connect(target: GatewayTarget, outer: AbortSignal, onHello: () => void): Promise<void> {
    const { store } = this.deps;
    const conn = new AbortController();
    const abortConn = (): void => conn.abort(outer.reason);
    outer.addEventListener('abort', abortConn, { once: true });
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    // The gateway sends a heartbeat after 15 s of silence; three missed ones mean the connection is dead.
    const idleMs = this.deps.idleTimeoutMs ?? 45_000;
    const touch = (): void => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => conn.abort(new Error(`no data from the gateway for ${idleMs / 1000} s`)), idleMs);
    };
    try {
      let position = await store.position();
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (target.token) headers.authorization = `Bearer ${target.token}`;
      touch();
      const res = await this.deps.fetchFn(streamUrl(target.baseUrl, position), { headers, signal: conn.signal, cache: 'no-store' });
      if (!res.ok || !res.body) throw new StreamHttpError(await httpProblem(res));
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      const decoder = new StreamDecoder();
      let collector: BatchCollector | null = null;
      const flush = async (): Promise<void> => {
        const taken = collector?.take();
        if (!taken) return;
        await store.appendBatch(taken.batch);
        position = { epoch: taken.batch.epoch, seq: taken.batch.seq };
        this.update({ ...this.status, epoch: position.epoch, lastSeq: position.seq, lastBatchAt: this.deps.now() });
        this.deps.onData({ epoch: position.epoch, seq: position.seq, ...taken.summary });
      };
      for (;;) {
        const chunk = await readOrAbort(reader, conn.signal);
        if (chunk === null) break;
        touch();
        for (const r of decoder.push(chunk)) {
          if (!r.ok) {
            this.update({ ...this.status, error: r.error });
            continue;
          }
          const m = r.message;
          if (m.type === 'hello') {
            await flush();
            await this.recordGap(m, position);
            collector = new BatchCollector(m.epoch);
            onHello();
            this.update({ ...this.status, state: 'live', attempt: 0, retryAt: null, epoch: position?.epoch ?? m.epoch });
          } else if (m.type === 'batch') {
            if (!collector) throw new Error(`protocol error: batch ${m.seq} arrived before hello`);
            const problems = collector.add(m);
            if (problems.length > 0) this.update({ ...this.status, error: problems[0] });
          } else {
            this.update({ ...this.status, skewMs: this.deps.now() - m.now });
          }
        }
        // Everything that arrived in one read is written in one transaction.
        await flush();
      }
    } catch (e) {
      if (conn.signal.aborted && !outer.aborted && conn.signal.reason instanceof Error) throw conn.signal.reason;
      throw e;
    } finally {
      clearTimeout(idleTimer);
      outer.removeEventListener('abort', abortConn);
      conn.abort();
    }
  }

  /** Records a gap when the gateway could not replay from our position or its epoch changed under us. */
  private async recordGap(hello: HelloMessage, position: StreamPosition | null): Promise<void> {
    const at = this.deps.now();
    if (hello.gap) {
      await this.deps.store.recordGap({
        at,
        epoch: hello.gap.epoch,
        afterSeq: hello.gap.afterSeq,
        resumedEpoch: hello.epoch,
        resumedAtSeq: hello.gap.resumedAtSeq,
      });
    } else if (position && position.epoch !== hello.epoch) {
      await this.deps.store.recordGap({
        at,
        epoch: position.epoch,
        afterSeq: position.seq,
        resumedEpoch: hello.epoch,
        resumedAtSeq: hello.oldestSeq,
      });
    }
  }
}

/** Reads the next chunk, or null at the end; an abort rejects even if the body never yields again. */
async function readOrAbort(reader: ReadableStreamDefaultReader<string>, signal: AbortSignal): Promise<string | null> {
  if (signal.aborted) throw signal.reason;
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => {
      reject(signal.reason);
      reader.cancel().catch(() => undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    const { value, done } = await Promise.race([reader.read(), aborted]);
    if (signal.aborted) throw signal.reason;
    return done ? null : value;
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/** A readable description of a failed stream response, including Prometheus-style error bodies. */
async function httpProblem(res: Response): Promise<string> {
  let detail = '';
  try {
    const text = (await res.text()).trim();
    try {
      const body = JSON.parse(text) as { error?: unknown };
      detail = typeof body.error === 'string' ? body.error : text;
    } catch {
      detail = text;
    }
  } catch {
    // The body is optional context; the status says enough.
  }
  const hint = res.status === 401 || res.status === 403 ? ' (check the gateway token in Settings)' : '';
  if (res.ok) return 'the gateway answered without a stream body';
  return `HTTP ${res.status} from the stream${hint}${detail ? `: ${detail.slice(0, 200)}` : ''}`;
}
