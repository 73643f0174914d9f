// One HTTP scrape: Prometheus's request headers, a timeout through AbortSignal, a capped body read.
import { ExpositionParseError } from '../../shared/exposition/errors.ts';
import type { ExpositionText } from '../../shared/exposition/types.ts';
import { validateUtf8 } from '../../shared/exposition/utf8.ts';
import type { FetchFn, Scheduler, ScrapeGetFn, ScrapeResponse } from '../runtime/ports.ts';

export interface FetchTargetOptions {
  url: string;
  fetchFn: FetchFn;
  /** The GET to use instead of one over fetchFn (Node's over node:http). */
  get?: ScrapeGetFn;
  scheduler: Scheduler;
  timeoutMs: number;
  accept: string;
  userAgent: string;
  /** false asks for an uncompressed body (enable_compression: false). */
  compression: boolean;
  /** false: a redirect is answered as a failed scrape (its 3xx status), as Prometheus with follow_redirects: false. */
  followRedirects?: boolean;
  /** Uncompressed body bytes above which the scrape fails; 0 = no limit. */
  bodySizeLimit: number;
  /** Extra headers from the job's http_config (authorization, http_headers). */
  headers?: Record<string, string>;
  /** Aborts the scrape from outside (the target is being stopped). */
  signal?: AbortSignal;
}

export type FetchTargetResult =
  | { ok: true; body: ExpositionText; contentType: string; bytes: number }
  | { ok: false; error: string; /** The body broke bodySizeLimit (scrape_body_size_bytes reports -1). */ overLimit?: boolean };

/** Fetches a target's metrics; every failure (network, status, timeout, size) becomes an error string, never a throw. */
export async function fetchTarget(o: FetchTargetOptions): Promise<FetchTargetResult> {
  const controller = new AbortController();
  let timedOut = false;
  const timer = o.scheduler.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, o.timeoutMs);
  const onOuterAbort = (): void => controller.abort();
  o.signal?.addEventListener('abort', onOuterAbort);
  const headers: Record<string, string> = {
    ...o.headers,
    Accept: o.accept,
    'Accept-Encoding': o.compression ? 'gzip' : 'identity',
    'User-Agent': o.userAgent,
    'X-Prometheus-Scrape-Timeout-Seconds': String(o.timeoutMs / 1000),
  };
  const prefix = `Get "${o.url}"`;
  try {
    const get = o.get ?? fetchGet(o.fetchFn);
    const response = await get(o.url, { headers, signal: controller.signal, redirect: o.followRedirects === false ? 'manual' : 'follow' });
    if (response.status !== 200) {
      response.discard();
      return { ok: false, error: `server returned HTTP status ${response.status} ${response.statusText}`.trimEnd() };
    }
    const read = await response.read(o.bodySizeLimit);
    if (read === null) return { ok: false, error: `body size limit exceeded (limit: ${o.bodySizeLimit} bytes)`, overLimit: true };
    return { ok: true, body: read.text, contentType: response.contentType, bytes: read.bytes };
  } catch (e) {
    if (e instanceof ExpositionParseError) return { ok: false, error: `invalid UTF-8 in the body at line ${e.line}, column ${e.column}: ${e.detail}` };
    if (timedOut) return { ok: false, error: `${prefix}: context deadline exceeded (scrape_timeout ${o.timeoutMs / 1000}s)` };
    if (o.signal?.aborted) return { ok: false, error: `${prefix}: scrape cancelled` };
    return { ok: false, error: `${prefix}: ${describeError(e)}` };
  } finally {
    o.scheduler.clearTimeout(timer);
    o.signal?.removeEventListener('abort', onOuterAbort);
  }
}

/** A ScrapeGetFn over a Web-standard fetch (Workers, tls_config fetches, tests). */
export function fetchGet(fetchFn: FetchFn): ScrapeGetFn {
  return async (url, init) => {
    const response = await fetchFn(url, init);
    const out: ScrapeResponse = {
      status: response.status,
      statusText: response.statusText,
      contentType: response.headers.get('content-type') ?? '',
      read: (limit) => readCapped(response, limit, init.signal),
      discard: () => void response.body?.cancel().catch(() => undefined),
    };
    return out;
  };
}

/**
 * Reads the (already decompressed) body, giving up as soon as it exceeds the limit (null). Aborting `signal` ends
 * the read even when the body stream itself does not react to it (a target that never closes the connection).
 */
async function readCapped(response: Response, limit: number, signal: AbortSignal): Promise<{ text: string; bytes: number } | null> {
  if (response.body === null) return { text: '', bytes: 0 };
  const reader = response.body.getReader();
  const onAbort = (): void => void reader.cancel().catch(() => undefined);
  signal.addEventListener('abort', onAbort);
  const decoder = new TextDecoder();
  const chunks: Uint8Array[] = [];
  let text = '';
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (signal.aborted) throw new DOMException('body read aborted', 'AbortError');
      if (done) break;
      bytes += value.byteLength;
      if (limit > 0 && bytes > limit) {
        await reader.cancel().catch(() => undefined);
        return null;
      }
      chunks.push(value);
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
  text += decoder.decode();
  // Decoding turned malformed bytes into U+FFFD; only then are the bytes checked (a genuine U+FFFD passes).
  if (text.includes('\uFFFD')) validateUtf8(concatBytes(chunks, bytes));
  return { text, bytes };
}

function concatBytes(chunks: readonly Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** The most specific message in an error chain (fetch wraps the socket error in `cause`). */
function describeError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause: unknown = e.cause;
  if (cause instanceof Error) {
    const code = (cause as Error & { code?: unknown }).code;
    return typeof code === 'string' && !cause.message.includes(code) ? `${cause.message} (${code})` : cause.message;
  }
  return e.message;
}
