// Tests for WorkerClient over a real MessageChannel: replies by id, typed errors, cancellation, pushed events.
import { afterEach, describe, expect, it } from 'vitest';
import { WorkerClient, WorkerRequestError, type WorkerPort } from './client.ts';
import { INITIAL_STATUS, type FromWorker, type ToWorker } from './protocol.ts';

const channels: MessageChannel[] = [];
afterEach(() => channels.splice(0).forEach((c) => (c.port1.close(), c.port2.close())));

/** A client whose "worker" is `serve`, answering on the other end of a MessageChannel. */
function setup(serve: (msg: ToWorker, reply: (m: FromWorker) => void) => void) {
  const ch = new MessageChannel();
  channels.push(ch);
  ch.port2.onmessage = (e: MessageEvent<ToWorker>) => serve(e.data, (m) => ch.port2.postMessage(m));
  ch.port1.start();
  const client = new WorkerClient(ch.port1 as unknown as WorkerPort);
  return { client, push: (m: FromWorker) => ch.port2.postMessage(m) };
}

describe('WorkerClient', () => {
  it('matches replies to requests by id, even out of order', async () => {
    const held: Array<[number, number]> = [];
    const { client } = setup((msg, reply) => {
      if (msg.type !== 'labelValues') return;
      held.push([msg.id, msg.name.length]);
      if (held.length === 2) for (const [id, n] of held.reverse()) reply({ type: 'reply', id, ok: true, result: [`len ${n}`] });
    });
    const [a, b] = await Promise.all([
      client.request('labelValues', { name: 'job', matchers: [] }),
      client.request('labelValues', { name: 'instance', matchers: [] }),
    ]);
    expect([a, b]).toEqual([['len 3'], ['len 8']]);
  });

  it('rejects with the kind and position the worker reported', async () => {
    const { client } = setup((msg, reply) =>
      reply({ type: 'reply', id: msg.id, ok: false, kind: 'bad_request', error: '1:4: parse error: unexpected "}"', position: { start: 3, end: 4 } }),
    );
    const err = await client.request('query', { expr: 'up{}', start: 0, end: 1, step: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WorkerRequestError);
    expect(err).toMatchObject({ kind: 'bad_request', message: '1:4: parse error: unexpected "}"', position: { start: 3, end: 4 } });
  });

  it('sends a cancel message when the signal aborts and rejects as canceled', async () => {
    const seen: ToWorker[] = [];
    const { client } = setup((msg) => seen.push(msg));
    const abort = new AbortController();
    const p = client.request('stats', {}, abort.signal);
    await new Promise((r) => setTimeout(r, 10));
    abort.abort();
    await expect(p).rejects.toMatchObject({ kind: 'canceled' });
    await new Promise((r) => setTimeout(r, 10));
    expect(seen.map((m) => m.type)).toEqual(['stats', 'cancel']);
    expect(seen[1].id).toBe(seen[0].id);
  });

  it('delivers pushed status and data-changed events to subscribers until they unsubscribe', async () => {
    const { client, push } = setup(() => undefined);
    const states: string[] = [];
    const off = client.on('status', (s) => states.push(s.state));
    const names: string[][] = [];
    client.on('data-changed', (c) => names.push(c.names));
    push({ type: 'status', status: { ...INITIAL_STATUS, state: 'live' } });
    push({ type: 'data-changed', change: { epoch: 'e', seq: 1, samples: 2, names: ['up'], minT: 1, maxT: 2 } });
    await new Promise((r) => setTimeout(r, 10));
    off();
    push({ type: 'status', status: { ...INITIAL_STATUS, state: 'waiting' } });
    await new Promise((r) => setTimeout(r, 10));
    expect(states).toEqual(['live']);
    expect(names).toEqual([['up']]);
  });
});
