// Tests for in-flight tracking: an exchange lasts until its body is read, failed or cancelled; idle() waits for that.
import { describe, expect, it } from 'vitest';
import { systemScheduler, type FetchFn } from '../runtime/ports.ts';
import { trackInFlight } from './inflight.ts';

/** A response whose body the test releases chunk by chunk. */
function slowBody(): { response: Response; push(text: string): void; end(): void } {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
  return {
    response: new Response(body, { status: 200, headers: { 'content-type': 'text/plain' } }),
    push: (text) => controller.enqueue(new TextEncoder().encode(text)),
    end: () => controller.close(),
  };
}

describe('trackInFlight', () => {
  it('counts an exchange until its body has been read to the end', async () => {
    const slow = slowBody();
    const tracked = trackInFlight(async () => slow.response, systemScheduler);
    const res = await tracked.fetchFn('http://127.0.0.1:1/metrics', {});
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain');
    expect(tracked.active).toBe(1);
    let idle = false;
    const waiting = tracked.idle(5000).then((ok) => (idle = ok));
    slow.push('a 1\n');
    const text = res.text();
    await new Promise((r) => setTimeout(r, 20));
    expect(idle).toBe(false);
    slow.push('b 2\n');
    slow.end();
    expect(await text).toBe('a 1\nb 2\n');
    await waiting;
    expect(idle).toBe(true);
    expect(tracked.active).toBe(0);
  });

  it('ends the exchange when the body is cancelled or the fetch fails', async () => {
    const slow = slowBody();
    let fail = false;
    const inner: FetchFn = async () => {
      if (fail) throw new TypeError('fetch failed');
      return slow.response;
    };
    const tracked = trackInFlight(inner, systemScheduler);
    const res = await tracked.fetchFn('http://127.0.0.1:1/metrics', {});
    await res.body?.cancel();
    expect(tracked.active).toBe(0);
    fail = true;
    await expect(tracked.fetchFn('http://127.0.0.1:1/metrics', {})).rejects.toThrow('fetch failed');
    expect(tracked.active).toBe(0);
    expect(await tracked.idle(1000)).toBe(true);
  });

  it('gives up waiting after maxMs', async () => {
    const slow = slowBody();
    const tracked = trackInFlight(async () => slow.response, systemScheduler);
    await tracked.fetchFn('http://127.0.0.1:1/metrics', {});
    const started = Date.now();
    expect(await tracked.idle(50)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(tracked.active).toBe(1);
  });
});
