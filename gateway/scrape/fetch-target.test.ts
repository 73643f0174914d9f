// Tests for one HTTP scrape: request headers, status and network errors, timeout, body size cap, decompression.
import { describe, expect, it } from 'vitest';
import { FakeTime } from '../runtime/fake-time.ts';
import type { FetchFn } from '../runtime/ports.ts';
import { fetchTarget, type FetchTargetOptions } from './fetch-target.ts';

const time = new FakeTime();

function options(fetchFn: FetchFn, over: Partial<FetchTargetOptions> = {}): FetchTargetOptions {
  return {
    url: 'http://127.0.0.1:9100/metrics',
    fetchFn,
    scheduler: time,
    timeoutMs: 2500,
    accept: 'text/plain;version=0.0.4',
    userAgent: 'Sightline/test',
    compression: true,
    bodySizeLimit: 0,
    ...over,
  };
}

describe('fetchTarget', () => {
  it('sends the headers Prometheus sends and returns body and content type', async () => {
    let seen: Headers | undefined;
    const r = await fetchTarget(
      options(async (_url, init) => {
        seen = new Headers(init.headers);
        return new Response('up 1\n', { headers: { 'Content-Type': 'text/plain; version=0.0.4' } });
      }, { headers: { Authorization: 'Bearer t' } }),
    );
    expect(r).toEqual({ ok: true, body: 'up 1\n', contentType: 'text/plain; version=0.0.4', bytes: 5 });
    expect(Object.fromEntries(seen ?? [])).toEqual({
      accept: 'text/plain;version=0.0.4',
      'accept-encoding': 'gzip',
      authorization: 'Bearer t',
      'user-agent': 'Sightline/test',
      'x-prometheus-scrape-timeout-seconds': '2.5',
    });
  });

  it('asks for identity encoding when compression is off', async () => {
    let encoding: string | null = null;
    await fetchTarget(options(async (_u, init) => ((encoding = new Headers(init.headers).get('accept-encoding')), new Response('')), { compression: false }));
    expect(encoding).toBe('identity');
  });

  it('reports a non-200 status like Prometheus', async () => {
    const r = await fetchTarget(options(async () => new Response('nope', { status: 503, statusText: 'Service Unavailable' })));
    expect(r).toEqual({ ok: false, error: 'server returned HTTP status 503 Service Unavailable' });
  });

  it('reports the network error under the URL', async () => {
    const r = await fetchTarget(
      options(async () => {
        throw new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9100'), { code: 'ECONNREFUSED' }) });
      }),
    );
    expect(r).toEqual({ ok: false, error: 'Get "http://127.0.0.1:9100/metrics": connect ECONNREFUSED 127.0.0.1:9100' });
  });

  it('aborts a scrape that exceeds the timeout', async () => {
    const hanging: FetchFn = (_u, init) =>
      new Promise((_resolve, reject) => init.signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError'))));
    const pending = fetchTarget(options(hanging));
    await time.advance(2500);
    expect(await pending).toEqual({ ok: false, error: 'Get "http://127.0.0.1:9100/metrics": context deadline exceeded (scrape_timeout 2.5s)' });
    expect(time.pending).toBe(0);
  });

  it('fails at the timeout when the target sends headers and then never finishes the body', async () => {
    const endless = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('up 1\n'));
      },
    });
    const pending = fetchTarget(options(async () => new Response(endless)));
    await time.advance(2500);
    expect(await pending).toEqual({ ok: false, error: 'Get "http://127.0.0.1:9100/metrics": context deadline exceeded (scrape_timeout 2.5s)' });
  });

  it('fails a body over the size limit without reading all of it', async () => {
    let pulls = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(c) {
        pulls++;
        c.enqueue(new Uint8Array(1024).fill(65));
        if (pulls > 100) c.close();
      },
    });
    const r = await fetchTarget(options(async () => new Response(body), { bodySizeLimit: 4096 }));
    expect(r).toEqual({ ok: false, error: 'body size limit exceeded (limit: 4096 bytes)', overLimit: true });
    expect(pulls).toBeLessThan(10);
  });

  it('decodes UTF-8 split across chunks', async () => {
    const bytes = new TextEncoder().encode('m{l="é😀"} 1\n');
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        for (const b of bytes) c.enqueue(new Uint8Array([b]));
        c.close();
      },
    });
    const r = await fetchTarget(options(async () => new Response(body)));
    expect(r.ok && r.body).toBe('m{l="é😀"} 1\n');
  });

  it('fails a body with malformed UTF-8, naming line, column and byte, and passes a genuine U+FFFD', async () => {
    const bad = new Uint8Array([...new TextEncoder().encode('up 1\nm{l="a'), 0xff, ...new TextEncoder().encode('"} 1\n')]);
    expect(await fetchTarget(options(async () => new Response(bad)))).toEqual({
      ok: false,
      error: 'invalid UTF-8 in the body at line 2, column 7: invalid UTF-8 byte 0xff',
    });
    const replacement = await fetchTarget(options(async () => new Response('m{l="\uFFFD"} 1\n')));
    expect(replacement.ok && replacement.body).toBe('m{l="\uFFFD"} 1\n');
  });
});

describe('fetchTarget redirects', () => {
  it('follows redirects unless follow_redirects is false', async () => {
    const modes: Array<RequestInit['redirect']> = [];
    const fetchFn: FetchFn = async (_u, init) => {
      modes.push(init.redirect);
      return init.redirect === 'manual' ? new Response(null, { status: 301, statusText: 'Moved Permanently' }) : new Response('up 1\n');
    };
    expect((await fetchTarget(options(fetchFn))).ok).toBe(true);
    expect(await fetchTarget(options(fetchFn, { followRedirects: false }))).toEqual({ ok: false, error: 'server returned HTTP status 301 Moved Permanently' });
    expect(modes).toEqual(['follow', 'manual']);
  });
});
