// Node's ScrapeGetFn: a scrape's GET over node:http(s), the body read into a pooled buffer and decoded once (no Web streams).
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { ExpositionText } from '../../shared/exposition/types.ts';
import { validateUtf8 } from '../../shared/exposition/utf8.ts';
import { BodyPool } from './body-pool.ts';
import type { ScrapeGetFn, ScrapeResponse } from '../runtime/ports.ts';

/** Redirects followed before giving up, as Go's HTTP client (and so Prometheus). */
export const MAX_REDIRECTS = 10;
/** Headers not carried to another origin by a redirect (as fetch and Go's client do). */
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);

/** Errors look like fetch's: a TypeError whose cause is what went wrong, so scrape errors read the same. */
function fetchFailed(cause: unknown): TypeError {
  return new TypeError('fetch failed', { cause });
}

/**
 * Builds the GET the Node gateway scrapes with: keep-alive connection pools, redirects (up to MAX_REDIRECTS, dropping
 * credentials on a change of origin) unless init.redirect is 'manual', gzip/deflate/br bodies decompressed, the
 * body-size limit applied to the decompressed bytes as they arrive.
 */
export function nodeScrapeGet(pool: BodyPool = new BodyPool()): ScrapeGetFn {
  const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };
  const get = (url: string, init: Parameters<ScrapeGetFn>[1], redirects: number): Promise<ScrapeResponse> =>
    new Promise((resolve, reject) => {
      const { signal } = init;
      if (signal.aborted) return reject(signal.reason);
      let target: URL;
      try {
        target = new URL(url);
      } catch (e) {
        return reject(fetchFailed(e));
      }
      const https = target.protocol === 'https:';
      if (!https && target.protocol !== 'http:') return reject(fetchFailed(new Error(`unsupported URL scheme ${target.protocol}`)));
      const onResponse = (res: IncomingMessage): void => {
        const status = res.statusCode ?? 0;
        const location = res.headers.location;
        if (status >= 300 && status < 400 && location !== undefined && init.redirect === 'follow') {
          res.resume();
          if (redirects >= MAX_REDIRECTS) return reject(fetchFailed(new Error(`stopped after ${MAX_REDIRECTS} redirects`)));
          let next: URL;
          try {
            next = new URL(location, target);
          } catch (e) {
            return reject(fetchFailed(e));
          }
          let headers = init.headers;
          if (next.origin !== target.origin) {
            headers = {};
            for (const [k, v] of Object.entries(init.headers)) if (!CREDENTIAL_HEADERS.has(k.toLowerCase())) headers[k] = v;
          }
          resolve(get(next.toString(), { ...init, headers }, redirects + 1));
          return;
        }
        resolve(response(res, signal, pool));
      };
      try {
        const req = (https ? httpsRequest : httpRequest)(target, { method: 'GET', headers: init.headers, agent: https ? agents.https : agents.http, signal }, onResponse);
        req.on('error', (e) => reject(signal.aborted ? signal.reason : fetchFailed(e)));
        req.end();
      } catch (e) {
        // Invalid header values throw synchronously.
        reject(fetchFailed(e));
      }
    });
  return (url, init) => get(url, init, 0);
}

function response(res: IncomingMessage, signal: AbortSignal, pool: BodyPool): ScrapeResponse {
  return {
    status: res.statusCode ?? 0,
    statusText: res.statusMessage ?? '',
    contentType: headerValue(res.headers['content-type']),
    read: (limit) => readBody(res, limit, signal, pool),
    discard: () => void res.resume(),
  };
}

function headerValue(v: string | string[] | undefined): string {
  return v === undefined ? '' : Array.isArray(v) ? v.join(', ') : v;
}

/** The body's decompressing stream for its Content-Encoding (identity: the response itself). */
function decoded(res: IncomingMessage): Readable {
  const encoding = headerValue(res.headers['content-encoding']).trim().toLowerCase();
  const decoder =
    encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : null;
  if (decoder === null) return res;
  res.on('error', (e) => decoder.destroy(e));
  return res.pipe(decoder);
}

/**
 * Bytes of UTF-8 decoded into one string at most. Larger bodies are decoded as pieces ending at a newline: strings up
 * to 120 kB (even as UTF-16) are ordinary heap objects in V8, allocated in memory it reuses, whereas one large string
 * gets freshly mapped memory every scrape (~3 ms a MB of page faults on a virtual machine) and counts towards the
 * engine's full collections.
 */
export const PIECE_BYTES = 60_000;

/** The body's text: one string, or pieces each ending with a line (a line longer than a piece stays whole). */
export function decodeBody(body: Buffer): string | string[] {
  if (body.length <= PIECE_BYTES) return body.toString('utf8');
  const pieces: string[] = [];
  let at = 0;
  while (at < body.length) {
    let end = at + PIECE_BYTES;
    if (end >= body.length) end = body.length;
    else {
      const nl = body.lastIndexOf(10, end - 1);
      if (nl >= at) end = nl + 1;
      else {
        const next = body.indexOf(10, end);
        end = next < 0 ? body.length : next + 1;
      }
    }
    // A newline byte never sits inside a UTF-8 sequence: each piece decodes on its own.
    pieces.push(body.toString('utf8', at, end));
    at = end;
  }
  return pieces.length === 1 ? pieces[0] : pieces;
}

function readBody(res: IncomingMessage, limit: number, signal: AbortSignal, pool: BodyPool): Promise<{ text: ExpositionText; bytes: number } | null> {
  return new Promise((resolve, reject) => {
    const stream = decoded(res);
    // The body's size when the response says it (identity encoding only): the buffer is sized once.
    const declared = stream === res ? Number(headerValue(res.headers['content-length'])) : NaN;
    const expected = Number.isSafeInteger(declared) && declared > 0 ? (limit > 0 ? Math.min(declared, limit) : declared) : 0;
    // A body in one chunk is decoded from it; a longer one is copied into a pooled buffer as it arrives (no chunk
    // list, no concatenated copy), which goes back to the pool once decoded.
    let first: Buffer | null = null;
    let buf: Buffer | null = null;
    let bytes = 0;
    let settled = false;
    const finish = (): void => {
      settled = true;
      signal.removeEventListener('abort', onAbort);
      first = null;
    };
    const release = (): void => {
      if (buf !== null) pool.give(buf);
      buf = null;
    };
    const onAbort = (): void => {
      if (settled) return;
      finish();
      release();
      res.destroy();
      stream.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort);
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      const at = bytes;
      bytes += chunk.length;
      if (limit > 0 && bytes > limit) {
        finish();
        release();
        res.destroy();
        stream.destroy();
        resolve(null);
        return;
      }
      if (buf === null) {
        if (first === null) {
          first = chunk;
          return;
        }
        buf = pool.take(Math.max(expected, bytes));
        first.copy(buf, 0);
        first = null;
      } else buf = pool.grow(buf, at, bytes);
      chunk.copy(buf, at);
    });
    stream.on('end', () => {
      if (settled) return;
      const one = first;
      finish();
      const body = buf !== null ? buf.subarray(0, bytes) : one ?? Buffer.alloc(0);
      try {
        // V8 heap strings, not external ones (as latin1 decoding of large buffers makes): external memory is what
        // triggers V8's full collections, and a 10 MB body a scrape would trigger one every few scrapes.
        const text = decodeBody(body);
        // Decoding turned malformed bytes into U+FFFD; only then are the bytes checked (a genuine U+FFFD passes).
        if (typeof text === 'string' ? text.includes('\uFFFD') : text.some((p) => p.includes('\uFFFD'))) validateUtf8(body);
        // As TextDecoder (which fetch bodies go through) does: a byte order mark is not part of the text.
        if (typeof text === 'string') resolve({ text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, bytes });
        else {
          if (text[0].charCodeAt(0) === 0xfeff) text[0] = text[0].slice(1);
          resolve({ text, bytes });
        }
      } catch (e) {
        reject(e);
      } finally {
        release();
      }
    });
    stream.on('error', (e) => {
      if (settled) return;
      finish();
      release();
      reject(signal.aborted ? signal.reason : fetchFailed(e));
    });
  });
}
