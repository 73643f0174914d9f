// Node's ScrapeGetFn: a scrape's GET over node:http(s), the body gathered as Buffers and decoded once (no Web streams).
import { isAscii } from 'node:buffer';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { validateUtf8 } from '../../shared/exposition/utf8.ts';
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
export function nodeScrapeGet(): ScrapeGetFn {
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
        resolve(response(res, signal));
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

function response(res: IncomingMessage, signal: AbortSignal): ScrapeResponse {
  return {
    status: res.statusCode ?? 0,
    statusText: res.statusMessage ?? '',
    contentType: headerValue(res.headers['content-type']),
    read: (limit) => readBody(res, limit, signal),
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

function readBody(res: IncomingMessage, limit: number, signal: AbortSignal): Promise<{ text: string; bytes: number } | null> {
  return new Promise((resolve, reject) => {
    const stream = decoded(res);
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const finish = (): void => {
      settled = true;
      signal.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      if (settled) return;
      finish();
      res.destroy();
      stream.destroy();
      reject(signal.reason);
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort);
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      bytes += chunk.length;
      if (limit > 0 && bytes > limit) {
        finish();
        res.destroy();
        stream.destroy();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    });
    stream.on('end', () => {
      if (settled) return;
      finish();
      const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, bytes);
      // ASCII (nearly every exposition) is the same in Latin-1, whose decoding is a plain copy, many times faster.
      if (isAscii(body)) return resolve({ text: body.toString('latin1'), bytes });
      const text = body.toString('utf8');
      // Decoding turned malformed bytes into U+FFFD; only then are the bytes checked (a genuine U+FFFD passes).
      if (text.includes('\uFFFD')) {
        try {
          validateUtf8(body);
        } catch (e) {
          return reject(e);
        }
      }
      // As TextDecoder (which fetch bodies go through) does: a byte order mark is not part of the text.
      resolve({ text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, bytes });
    });
    stream.on('error', (e) => {
      if (settled) return;
      finish();
      reject(signal.aborted ? signal.reason : fetchFailed(e));
    });
  });
}
