// Tests for the stream loop against scripted SSE responses: storing, exact resume, gaps, HTTP errors, stop, idle timeout.
import { describe, expect, it } from 'vitest';
import { formatSSE } from '../../../shared/stream/sse.ts';
import type { StreamMessage } from '../../../shared/stream/protocol.ts';
import { MemorySampleStore } from '../store/memoryStore.ts';
import type { DataChange, StreamStatus } from './protocol.ts';
import { Streamer } from './streamer.ts';

/** A scripted connection: messages to send, then either end the body or keep it open. */
interface Script {
  messages?: StreamMessage[];
  status?: number;
  body?: string;
  keepOpen?: boolean;
}

function fakeFetch(scripts: Script[]) {
  const calls: Array<{ url: string; headers: Record<string, string> }> = [];
  const fetchFn = async (url: string, init: RequestInit): Promise<Response> => {
    calls.push({ url, headers: { ...(init.headers as Record<string, string>) } });
    const s = scripts.shift() ?? { keepOpen: true };
    if (s.status) return new Response(s.body ?? '', { status: s.status });
    const enc = new TextEncoder();
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const m of s.messages ?? []) {
          const id = m.type === 'batch' ? 'e:' + m.seq : undefined;
          // Split every event in two chunks to exercise the incremental decoder.
          const text = formatSSE({ data: JSON.stringify(m), id });
          controller.enqueue(enc.encode(text.slice(0, 7)));
          controller.enqueue(enc.encode(text.slice(7)));
        }
        if (!s.keepOpen) controller.close();
        init.signal?.addEventListener('abort', () => controller.error(init.signal?.reason));
      },
    });
    return new Response(body, { status: 200, headers: { 'content-type': 'text/event-stream' } });
  };
  return { fetchFn, calls };
}

function harness(scripts: Script[], extra: { idleTimeoutMs?: number } = {}) {
  const store = new MemorySampleStore();
  const { fetchFn, calls } = fakeFetch(scripts);
  const statuses: StreamStatus[] = [];
  const changes: DataChange[] = [];
  const waiters: Array<() => boolean> = [];
  const poke = () => waiters.splice(0).forEach((w) => w() || waiters.push(w));
  const streamer = new Streamer({
    store,
    fetchFn,
    now: () => 1_000_000,
    sleep: (ms, signal) => (signal.aborted ? Promise.reject(signal.reason) : new Promise((r) => setTimeout(r, 1))),
    random: () => 0,
    onStatus: (s) => {
      statuses.push(s);
      poke();
    },
    onData: (c) => {
      changes.push(c);
      poke();
    },
    ...extra,
  });
  /** Resolves once cond() holds after some status or data event. */
  const until = (cond: () => boolean) =>
    new Promise<void>((resolve) => {
      if (cond()) return resolve();
      waiters.push(() => (cond() ? (resolve(), true) : false));
    });
  return { store, streamer, calls, statuses, changes, until };
}

const hello = (epoch: string, nextSeq: number, gap?: { epoch: string | null; afterSeq: number; resumedAtSeq: number }): StreamMessage =>
  gap ? { type: 'hello', epoch, oldestSeq: 1, nextSeq, gap } : { type: 'hello', epoch, oldestSeq: 1, nextSeq };
const up = { __name__: 'up', job: 'gw' };

describe('Streamer', () => {
  it('stores batches, resumes after the last stored sequence on reconnect and re-learns interned ids', async () => {
    const h = harness([
      {
        messages: [
          hello('e1', 1),
          { type: 'batch', seq: 1, defs: [[3, up]], ids: [3], ts: 5000, vals: [1] },
          { type: 'batch', seq: 2, ids: [3], ts: 10000, vals: [0] },
        ],
      },
      { messages: [hello('e1', 3), { type: 'batch', seq: 3, defs: [[3, up]], ids: [3], ts: 15000, vals: [1] }], keepOpen: true },
    ]);
    await h.streamer.start({ baseUrl: 'http://gw.test', token: '' });
    await h.until(() => h.changes.some((c) => c.seq === 3));
    await h.streamer.stop();
    expect(h.calls.map((c) => c.url)).toEqual(['http://gw.test/api/v1/stream', 'http://gw.test/api/v1/stream?epoch=e1&after=2']);
    expect(await h.store.position()).toEqual({ epoch: 'e1', seq: 3 });
    const [s] = await h.store.select([{ type: '=', name: '__name__', value: 'up' }], { start: 0, end: Infinity });
    expect(Array.from(s.t)).toEqual([5000, 10000, 15000]);
    expect(Array.from(s.v)).toEqual([1, 0, 1]);
    expect(h.changes.map((c) => [c.seq, c.names])).toContainEqual([3, ['up']]);
    expect(h.statuses.map((s) => s.state)).toContain('live');
    expect(h.statuses.at(-1)!.state).toBe('idle');
  });

  it('records the gap the gateway reports and one when the epoch changed without notice', async () => {
    const h = harness([
      { messages: [hello('e1', 1), { type: 'batch', seq: 1, defs: [[1, up]], ids: [1], ts: 1, vals: [1] }] },
      { messages: [hello('e1', 90, { epoch: 'e1', afterSeq: 1, resumedAtSeq: 40 }), { type: 'batch', seq: 40, defs: [[1, up]], ids: [1], ts: 2, vals: [1] }] },
      { messages: [hello('e2', 5)], keepOpen: true },
    ]);
    await h.streamer.start({ baseUrl: 'http://gw.test/', token: '' });
    await h.until(() => h.calls.length === 3 && h.statuses.at(-1)!.state === 'live');
    await h.streamer.stop();
    expect((await h.store.gaps()).map((g) => [g.epoch, g.afterSeq, g.resumedEpoch, g.resumedAtSeq])).toEqual([
      ['e1', 1, 'e1', 40],
      ['e1', 40, 'e2', 1],
    ]);
  });

  it('sends the bearer token and reports an HTTP error with a hint, then retries', async () => {
    const h = harness([{ status: 401, body: '{"status":"error","error":"missing or wrong token"}' }, { messages: [hello('e1', 1)], keepOpen: true }]);
    await h.streamer.start({ baseUrl: 'http://gw.test', token: 's3cret' });
    await h.until(() => h.calls.length === 2 && h.statuses.at(-1)!.state === 'live');
    await h.streamer.stop();
    expect(h.calls[0].headers.authorization).toBe('Bearer s3cret');
    const waiting = h.statuses.find((s) => s.state === 'waiting')!;
    expect(waiting.error).toBe('HTTP 401 from the stream (check the gateway token in Settings): missing or wrong token');
    expect(waiting.attempt).toBe(1);
    expect(h.statuses.at(-1)!.attempt).toBe(0);
  });

  it('drops a connection that goes silent and reconnects', async () => {
    const h = harness([{ messages: [hello('e1', 1)], keepOpen: true }, { messages: [hello('e1', 1)], keepOpen: true }], { idleTimeoutMs: 30 });
    await h.streamer.start({ baseUrl: 'http://gw.test', token: '' });
    await h.until(() => h.calls.length === 2);
    await h.streamer.stop();
    expect(h.statuses.find((s) => s.state === 'waiting')!.error).toBe('no data from the gateway for 0.03 s');
  });

  it('ignores a malformed event but shows its error, and keeps streaming', async () => {
    const h = harness([
      {
        messages: [
          hello('e1', 1),
          { type: 'batch', seq: 1, defs: [[1, up]], ids: [1, 2], ts: 1, vals: [1] } as StreamMessage,
          { type: 'batch', seq: 2, defs: [[1, up]], ids: [1], ts: 2, vals: [1] },
        ],
        keepOpen: true,
      },
    ]);
    await h.streamer.start({ baseUrl: 'http://gw.test', token: '' });
    await h.until(() => h.changes.some((c) => c.seq === 2));
    await h.streamer.stop();
    expect(h.statuses.some((s) => s.error?.startsWith('invalid stream message: batch 1: vals has 1 entries, ids has 2'))).toBe(true);
    expect(await h.store.position()).toEqual({ epoch: 'e1', seq: 2 });
  });
});
