// Tests for one stream connection: hello, replay, resume, gaps, interning, live batches, heartbeats, closing.
import { describe, expect, it } from 'vitest';
import { StreamDecoder } from '../../shared/stream/decode.ts';
import type { BatchMessage, StreamMessage } from '../../shared/stream/protocol.ts';
import { Head } from '../head/head.ts';
import { FakeTime } from '../runtime/fake-time.ts';
import { openStream } from './connection.ts';
import type { ResumeRequest } from './encode.ts';

const a = { __name__: 'a', job: 'j' };
const b = { __name__: 'b', job: 'j' };
const gauge = { type: 'gauge', help: 'A gauge.', unit: '' } as const;

/** A reader that decodes messages and remembers each one's SSE event id. */
class Client {
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new StreamDecoder();
  private readonly text = new TextDecoder();
  private readonly queue: Array<{ message: StreamMessage; id: string }> = [];
  closed = false;

  constructor(stream: ReadableStream<Uint8Array>) {
    this.reader = stream.getReader();
  }

  /** The next message; fails the test on a decode error. */
  async next(): Promise<{ message: StreamMessage; id: string }> {
    while (this.queue.length === 0) {
      const { done, value } = await this.reader.read();
      if (done) {
        this.closed = true;
        throw new Error('stream ended');
      }
      for (const r of this.decoder.push(this.text.decode(value, { stream: true }))) {
        if (!r.ok) throw new Error(r.error);
        this.queue.push({ message: r.message, id: r.lastEventId });
      }
    }
    return this.queue.shift() as { message: StreamMessage; id: string };
  }

  async batch(): Promise<BatchMessage> {
    const { message } = await this.next();
    if (message.type !== 'batch') throw new Error(`expected a batch, got ${JSON.stringify(message)}`);
    return message;
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}

function setup(batches = 3, retentionMs = 3_600_000) {
  const time = new FakeTime(0);
  const head = new Head({ epoch: 'ep', retentionMs });
  for (let i = 1; i <= batches; i++) head.append([{ labels: a, t: i * 1000, v: i }, { labels: b, t: i * 1000, v: -i }], i * 1000, [['a', gauge]]);
  let closes = 0;
  const open = (request: ResumeRequest) =>
    new Client(openStream({ head, clock: time, scheduler: time, request, heartbeatMs: 15_000, onClose: () => closes++ }));
  return { time, head, open, closes: () => closes };
}

describe('openStream', () => {
  it('greets a new client, replays everything retained with defs and metadata once, then streams live', async () => {
    const { head, open } = setup();
    const c = open({ epoch: null, after: null });
    expect((await c.next()).message).toEqual({ type: 'hello', epoch: 'ep', oldestSeq: 1, nextSeq: 4 });
    const first = await c.next();
    expect(first.id).toBe('ep:1');
    expect(first.message).toEqual({
      type: 'batch',
      seq: 1,
      defs: [
        [1, a],
        [2, b],
      ],
      meta: [['a', gauge]],
      ids: [1, 2],
      ts: 1000,
      vals: [1, -1],
    });
    const second = await c.batch();
    expect(second.defs).toBeUndefined();
    expect(second.meta).toBeUndefined();
    await c.batch();
    const pending = c.batch();
    head.append([{ labels: { __name__: 'new' }, t: 4000, v: NaN }], 4000, [['a', { ...gauge, help: 'changed' }]]);
    expect(await pending).toEqual({
      type: 'batch',
      seq: 4,
      defs: [[3, { __name__: 'new' }]],
      meta: [['a', { ...gauge, help: 'changed' }]],
      ids: [3],
      ts: 4000,
      vals: ['NaN'],
    });
  });

  it('resumes right after `after` in the same epoch, defining ids this connection has not sent', async () => {
    const { open } = setup();
    const c = open({ epoch: 'ep', after: 2 });
    expect((await c.next()).message).toEqual({ type: 'hello', epoch: 'ep', oldestSeq: 1, nextSeq: 4 });
    const batch = await c.batch();
    expect(batch.seq).toBe(3);
    expect(batch.defs?.map(([id]) => id)).toEqual([1, 2]);
  });

  it('sends nothing to replay when the client is up to date', async () => {
    const { head, open } = setup();
    const c = open({ epoch: 'ep', after: 3 });
    await c.next();
    const pending = c.batch();
    head.append([{ labels: a, t: 9000, v: 9 }], 9000);
    expect((await pending).seq).toBe(4);
  });

  it('reports a gap for another epoch and replays what is retained', async () => {
    const { open } = setup();
    const c = open({ epoch: 'old', after: 7 });
    expect((await c.next()).message).toEqual({
      type: 'hello',
      epoch: 'ep',
      oldestSeq: 1,
      nextSeq: 4,
      gap: { epoch: 'old', afterSeq: 7, resumedAtSeq: 1 },
    });
    expect((await c.batch()).seq).toBe(1);
  });

  it('reports a gap when the batches after `after` left retention', async () => {
    const { head, open } = setup(5, 2500);
    head.compact(5000);
    expect(head.oldestSeq).toBe(3);
    const c = open({ epoch: 'ep', after: 1 });
    expect((await c.next()).message).toMatchObject({ gap: { epoch: 'ep', afterSeq: 1, resumedAtSeq: 3 } });
    expect((await c.batch()).seq).toBe(3);
    // Exactly at the edge there is no gap: batch 3 is still there.
    const d = open({ epoch: 'ep', after: 2 });
    expect((await d.next()).message).not.toHaveProperty('gap');
  });

  it('answers a client ahead of the gateway in its epoch with a gap at the new data, replaying nothing', async () => {
    const { head, open } = setup();
    const c = open({ epoch: 'ep', after: 10 });
    expect((await c.next()).message).toMatchObject({ gap: { epoch: 'ep', afterSeq: 10, resumedAtSeq: 4 } });
    head.append([{ labels: a, t: 9000, v: 9 }], 9000);
    expect(await c.batch()).toMatchObject({ seq: 4, defs: [[1, a]], ids: [1], vals: [9] });
  });

  it('sends a held batch only once the store marks it durable, and announces only published sequence numbers', async () => {
    const { time, head, open } = setup(2);
    head.holdUntilDurable();
    head.append([{ labels: a, t: 3000, v: 3 }], 3000);
    expect([head.nextSeq, head.publishedSeq]).toEqual([4, 3]);
    const c = open({ epoch: 'ep', after: 2 });
    expect((await c.next()).message).toMatchObject({ type: 'hello', nextSeq: 3 });
    expect((await open({ epoch: 'ep', after: 3 }).next()).message).toMatchObject({ gap: { afterSeq: 3, resumedAtSeq: 3 } });
    const pending = c.batch();
    await time.advance(1000);
    head.markDurable(4);
    expect((await pending).seq).toBe(3);
    head.append([{ labels: a, t: 4000, v: 4 }], 4000);
    const next = c.batch();
    head.releaseHold();
    expect((await next).seq).toBe(4);
  });

  it('sends a heartbeat after the idle interval', async () => {
    const { time, open } = setup(0);
    const c = open({ epoch: null, after: null });
    await c.next();
    const pending = c.next();
    await time.advance(15_000);
    expect((await pending).message).toEqual({ type: 'heartbeat', now: 15_000, nextSeq: 1 });
  });

  it('cleans up when the client goes away', async () => {
    const { time, head, open, closes } = setup(0);
    const c = open({ epoch: null, after: null });
    await c.next();
    const pending = c.next().catch(() => 'ended');
    await time.advance(1);
    await c.cancel();
    expect(await pending).toBe('ended');
    expect(closes()).toBe(1);
    expect(time.pending).toBe(0);
    head.append([{ labels: a, t: 1, v: 1 }], 1);
  });

  it('ends the stream of a client whose next batch left retention, so its reconnect sees the gap', async () => {
    const { head, open, closes } = setup(10, 1000);
    const c = open({ epoch: 'ep', after: 0 });
    await c.next();
    const seen = [(await c.batch()).seq];
    head.append([{ labels: a, t: 20_000, v: 1 }], 20_000);
    head.compact(20_000);
    expect(head.oldestSeq).toBe(11);
    // What was already buffered may still arrive, in order and without skipping; then the stream ends.
    await expect(
      (async () => {
        for (;;) seen.push((await c.batch()).seq);
      })(),
    ).rejects.toThrow('stream ended');
    expect(seen).toEqual(seen.map((_, i) => i + 1));
    expect(seen.length).toBeLessThan(10);
    expect(closes()).toBe(1);
  });
});
