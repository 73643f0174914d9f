// Tests for Node's scrape GET through fetchTarget against real HTTP servers on 127.0.0.1.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemScheduler } from '../runtime/ports.ts';
import { fetchTarget, type FetchTargetOptions } from '../scrape/fetch-target.ts';
import { BodyPool } from './body-pool.ts';
import { decodeBody, MAX_REDIRECTS, nodeScrapeGet, PIECE_BYTES } from './node-scrape-get.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let main: Server;
let other: Server;
let base: string;
let otherBase: string;
const seen: IncomingMessage[] = [];
const routes = new Map<string, Handler>();

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';
const PAGE = '# TYPE up gauge\nup{l="é😀"} 1\n';

async function listen(handler: Handler): Promise<[Server, string]> {
  const server = createServer(handler);
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  return [server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`];
}

beforeAll(async () => {
  [main, base] = await listen((req, res) => {
    seen.push(req);
    const route = routes.get(new URL(req.url ?? '/', 'http://x').pathname);
    if (route === undefined) res.writeHead(404, 'Not Found').end('no such page\n');
    else route(req, res);
  });
  [other, otherBase] = await listen((req, res) => {
    res.writeHead(200, { 'Content-Type': TEXT }).end(`auth{v="${req.headers.authorization ?? ''}"} 1\n`);
  });
  routes.set('/plain', (_req, res) => res.writeHead(200, { 'Content-Type': TEXT }).end(PAGE));
  routes.set('/gzip', (_req, res) => res.writeHead(200, { 'Content-Type': TEXT, 'Content-Encoding': 'gzip' }).end(gzipSync(PAGE)));
  routes.set('/deflate', (_req, res) => res.writeHead(200, { 'Content-Type': TEXT, 'Content-Encoding': 'deflate' }).end(deflateSync(PAGE)));
  routes.set('/br', (_req, res) => res.writeHead(200, { 'Content-Type': TEXT, 'Content-Encoding': 'br' }).end(brotliCompressSync(PAGE)));
  routes.set('/bom', (_req, res) => res.writeHead(200, { 'Content-Type': TEXT }).end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(PAGE)])));
  routes.set('/bad-utf8', (_req, res) =>
    res.writeHead(200, { 'Content-Type': TEXT }).end(Buffer.concat([Buffer.from('up 1\nm{l="a'), Buffer.from([0xc3, 0x28]), Buffer.from('"} 1\n')])),
  );
  routes.set('/replacement', (_req, res) => res.writeHead(200, { 'Content-Type': TEXT }).end('m{l="\uFFFD"} 1\n'));
  routes.set('/no-type', (_req, res) => res.writeHead(200).end('up 1\n'));
  routes.set('/split', (_req, res) => {
    // UTF-8 sequences cut between chunks.
    res.writeHead(200, { 'Content-Type': TEXT });
    const bytes = Buffer.from(PAGE);
    let i = 0;
    const next = (): void => {
      if (i >= bytes.length) return void res.end();
      res.write(bytes.subarray(i, i + 1));
      i++;
      setImmediate(next);
    };
    next();
  });
  routes.set('/big', (_req, res) => {
    res.writeHead(200, { 'Content-Type': TEXT });
    res.end('x'.repeat(1 << 20));
  });
  // Many distinct chunks (so a misplaced one shows), with and without Content-Length, and one with a bad byte late.
  const parts = Array.from({ length: 40 }, (_, i) => `part_${i}{l="${'é'.repeat(i)}"} ${i}\n`.repeat(300));
  const partsBody = parts.join('');
  const writeParts = (res: ServerResponse, list: readonly (string | Buffer)[]): void => {
    let i = 0;
    const next = (): void => {
      if (i >= list.length) return void res.end();
      res.write(list[i++]);
      setImmediate(next);
    };
    next();
  };
  routes.set('/parts', (_req, res) => {
    res.writeHead(200, { 'Content-Type': TEXT, 'Content-Length': String(Buffer.byteLength(partsBody)) });
    writeParts(res, parts);
  });
  routes.set('/parts-chunked', (_req, res) => {
    res.writeHead(200, { 'Content-Type': TEXT });
    writeParts(res, parts);
  });
  routes.set('/parts-bad', (_req, res) => {
    res.writeHead(200, { 'Content-Type': TEXT });
    writeParts(res, [...parts, Buffer.from([0x61, 0x20, 0xff, 0x0a])]);
  });
  routes.set('/big-gzip', (_req, res) => res.writeHead(200, { 'Content-Type': TEXT, 'Content-Encoding': 'gzip' }).end(gzipSync('x'.repeat(1 << 20))));
  routes.set('/hang', (_req, res) => {
    res.writeHead(200, { 'Content-Type': TEXT });
    res.write('up 1\n');
  });
  routes.set('/unavailable', (_req, res) => res.writeHead(503, 'Service Unavailable').end('try later\n'));
  routes.set('/redirect', (_req, res) => res.writeHead(302, 'Found', { Location: '/plain' }).end());
  routes.set('/redirect-away', (_req, res) => res.writeHead(307, { Location: `${otherBase}/auth` }).end());
  routes.set('/redirect-home', (_req, res) => res.writeHead(301, { Location: `${base}/auth` }).end());
  routes.set('/auth', (req, res) => res.writeHead(200, { 'Content-Type': TEXT }).end(`auth{v="${req.headers.authorization ?? ''}"} 1\n`));
  routes.set('/loop', (_req, res) => res.writeHead(302, { Location: '/loop' }).end());
});

afterAll(async () => {
  for (const server of [main, other]) {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  }
});

const get = nodeScrapeGet();

function scrape(path: string, over: Partial<FetchTargetOptions> = {}) {
  return fetchTarget({
    url: `${base}${path}`,
    fetchFn: () => Promise.reject(new Error('fetchFn must not be used')),
    get,
    scheduler: systemScheduler,
    timeoutMs: 10_000,
    accept: 'text/plain;version=0.0.4',
    userAgent: 'Sightline/test',
    compression: true,
    bodySizeLimit: 0,
    ...over,
  });
}

describe('nodeScrapeGet', () => {
  it("sends Prometheus's scrape headers and returns the body, its Content-Type and size", async () => {
    seen.length = 0;
    const r = await scrape('/plain', { headers: { Authorization: 'Bearer t', 'X-Extra': 'a' }, timeoutMs: 2500 });
    expect(r).toEqual({ ok: true, body: PAGE, contentType: TEXT, bytes: Buffer.byteLength(PAGE) });
    const h = seen[0].headers;
    expect([h.accept, h['accept-encoding'], h['user-agent'], h['x-prometheus-scrape-timeout-seconds'], h.authorization, h['x-extra']]).toEqual([
      'text/plain;version=0.0.4',
      'gzip',
      'Sightline/test',
      '2.5',
      'Bearer t',
      'a',
    ]);
    expect((await scrape('/no-type')).ok && (await scrape('/no-type'))).toMatchObject({ contentType: '' });
  });

  it('asks for identity encoding when compression is off', async () => {
    seen.length = 0;
    await scrape('/plain', { compression: false });
    expect(seen[0].headers['accept-encoding']).toBe('identity');
  });

  it('decompresses gzip, deflate and br bodies and counts uncompressed bytes', async () => {
    for (const path of ['/gzip', '/deflate', '/br']) {
      expect(await scrape(path)).toEqual({ ok: true, body: PAGE, contentType: TEXT, bytes: Buffer.byteLength(PAGE) });
    }
  });

  it('decodes UTF-8 cut across chunks and drops a byte order mark, as fetch does', async () => {
    expect(await scrape('/split')).toMatchObject({ ok: true, body: PAGE });
    expect(await scrape('/bom')).toMatchObject({ ok: true, body: PAGE, bytes: Buffer.byteLength(PAGE) + 3 });
  });

  it('reads a body of many chunks into a pooled buffer, with or without Content-Length, and gives the buffer back', async () => {
    const pool = new BodyPool();
    const pooled = nodeScrapeGet(pool);
    const expected = Array.from({ length: 40 }, (_, i) => `part_${i}{l="${'é'.repeat(i)}"} ${i}\n`.repeat(300)).join('');
    for (const path of ['/parts', '/parts-chunked', '/parts']) {
      const r = await scrape(path, { get: pooled });
      if (!r.ok) throw new Error(r.error);
      // Over PIECE_BYTES: pieces that each end with a line.
      expect(Array.isArray(r.body)).toBe(true);
      const body = r.body as string[];
      expect(body.join('')).toBe(expected);
      expect(body.every((p) => p.endsWith('\n'))).toBe(true);
      expect([r.contentType, r.bytes]).toEqual([TEXT, Buffer.byteLength(expected)]);
      expect(pool.retainedBuffers).toBe(1);
    }
    expect(pool.retainedBytes).toBeGreaterThanOrEqual(Buffer.byteLength(expected));
    // Over the limit, malformed: the buffer still comes back, and the error still names the line.
    const limited = new BodyPool();
    expect(await scrape('/parts', { get: nodeScrapeGet(limited), bodySizeLimit: 50_000 })).toMatchObject({ ok: false, overLimit: true });
    expect(limited.retainedBuffers).toBe(1);
    const bad = new BodyPool();
    expect(await scrape('/parts-bad', { get: nodeScrapeGet(bad) })).toEqual({
      ok: false,
      error: `invalid UTF-8 in the body at line ${40 * 300 + 1}, column 3: invalid UTF-8 byte 0xff`,
    });
    expect(bad.retainedBytes).toBeGreaterThanOrEqual(Buffer.byteLength(expected));
  });

  it('fails a body with malformed UTF-8 naming line, column and byte; a genuine U+FFFD passes', async () => {
    expect(await scrape('/bad-utf8')).toEqual({ ok: false, error: 'invalid UTF-8 in the body at line 2, column 7: invalid UTF-8 byte 0xc3' });
    expect(await scrape('/replacement')).toMatchObject({ ok: true, body: 'm{l="\uFFFD"} 1\n' });
  });

  it('fails a body over body_size_limit, counting decompressed bytes', async () => {
    const over = { ok: false, error: 'body size limit exceeded (limit: 4096 bytes)', overLimit: true };
    expect(await scrape('/big', { bodySizeLimit: 4096 })).toEqual(over);
    expect(await scrape('/big-gzip', { bodySizeLimit: 4096 })).toEqual(over);
    expect(await scrape('/big', { bodySizeLimit: 1 << 20 })).toMatchObject({ ok: true, bytes: 1 << 20 });
  });

  it('reports a status other than 200 as Prometheus does', async () => {
    expect(await scrape('/unavailable')).toEqual({ ok: false, error: 'server returned HTTP status 503 Service Unavailable' });
  });

  it('fails at the scrape timeout when the body never ends', async () => {
    expect(await scrape('/hang', { timeoutMs: 300 })).toEqual({ ok: false, error: `Get "${base}/hang": context deadline exceeded (scrape_timeout 0.3s)` });
  });

  it('ends the scrape when it is cancelled from outside', async () => {
    const outer = new AbortController();
    const pending = scrape('/hang', { signal: outer.signal });
    setTimeout(() => outer.abort(), 50);
    expect(await pending).toEqual({ ok: false, error: `Get "${base}/hang": scrape cancelled` });
  });

  it('reports a refused connection under the URL', async () => {
    const [closed, closedBase] = await listen(() => undefined);
    await new Promise((ok) => closed.close(ok));
    const r = await fetchTarget({
      url: `${closedBase}/metrics`,
      fetchFn: () => Promise.reject(new Error('unused')),
      get,
      scheduler: systemScheduler,
      timeoutMs: 10_000,
      accept: 'text/plain',
      userAgent: 'Sightline/test',
      compression: true,
      bodySizeLimit: 0,
    });
    expect(r).toEqual({ ok: false, error: `Get "${closedBase}/metrics": connect ECONNREFUSED ${closedBase.slice('http://'.length)}` });
  });
});

describe('nodeScrapeGet redirects', () => {
  it('follows redirects unless follow_redirects is false', async () => {
    expect(await scrape('/redirect')).toMatchObject({ ok: true, body: PAGE });
    expect(await scrape('/redirect', { followRedirects: false })).toEqual({ ok: false, error: 'server returned HTTP status 302 Found' });
  });

  it('keeps credentials within the origin and drops them when a redirect leaves it', async () => {
    const headers = { Authorization: 'Bearer secret' };
    expect(await scrape('/redirect-home', { headers })).toMatchObject({ ok: true, body: 'auth{v="Bearer secret"} 1\n' });
    expect(await scrape('/redirect-away', { headers })).toMatchObject({ ok: true, body: 'auth{v=""} 1\n' });
  });

  it(`gives up after ${MAX_REDIRECTS} redirects`, async () => {
    expect(await scrape('/loop')).toEqual({ ok: false, error: `Get "${base}/loop": stopped after ${MAX_REDIRECTS} redirects` });
  });
});

describe('decodeBody', () => {
  it('decodes a small body as one string', () => {
    expect(decodeBody(Buffer.from('a{l="é"} 1\n'))).toBe('a{l="é"} 1\n');
  });

  it('cuts a large body after newlines into pieces of at most PIECE_BYTES, a longer line staying whole', () => {
    const line = `m{l="${'é😀x'.repeat(40)}"} 1\n`;
    const long = `long ${'y'.repeat(PIECE_BYTES + 10)}\n`;
    const text = line.repeat(500) + long + line.repeat(500) + 'last 1';
    const pieces = decodeBody(Buffer.from(text));
    if (!Array.isArray(pieces)) throw new Error('one string');
    expect(pieces.join('')).toBe(text);
    for (const p of pieces.slice(0, -1)) expect(p.endsWith('\n')).toBe(true);
    expect(pieces.filter((p) => Buffer.byteLength(p) > PIECE_BYTES)).toEqual([expect.stringContaining(long)]);
    expect(pieces[pieces.length - 1].endsWith('last 1')).toBe(true);
  });
});
