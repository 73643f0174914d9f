// Access control for every route: bearer tokens (read and admin), loopback-only mode, CORS, cross-site and body-size guards.
import type { MiddlewareHandler } from 'hono';

/** How the gateway guards its routes; built from SIGHTLINE_TOKEN, SIGHTLINE_ADMIN_TOKEN and --cors.origin. */
export interface SecurityOptions {
  /** Required (as `Authorization: Bearer …`) on the API, the stream and /metrics when set. */
  token?: string;
  /** Required on admin routes when set (else the main token is); also accepted wherever the main token is. */
  adminToken?: string;
  /** Origins other than the gateway's own that browsers may call from (anchored, like --web.cors.origin). */
  corsOrigin?: RegExp | null;
  /** Largest request body accepted, bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /**
   * Without tokens, answer only requests addressed to a loopback Host (defeats DNS rebinding against a gateway that
   * trusts loopback callers). Node sets it when no token is configured; runtimes that authenticate at their edge
   * (Workers) leave it off.
   */
  loopbackOnly?: boolean;
}

/** Routes anyone may call: load balancers and uptime checks carry no token. */
export const PUBLIC_PATHS: ReadonlySet<string> = new Set(['/-/healthy', '/-/ready']);

export const DEFAULT_MAX_BODY_BYTES = 1 << 20;

/** True for routes that need a token when one is configured (everything but the studio's static files). */
export function isProtectedPath(path: string): boolean {
  if (PUBLIC_PATHS.has(path)) return false;
  return path.startsWith('/api/') || path.startsWith('/-/') || path === '/metrics' || path === '/federate';
}

/** Read-only endpoints that also take POST (a form body, for long queries), as in Prometheus. */
const READ_POSTS: ReadonlySet<string> = new Set(
  ['query', 'query_range', 'series', 'labels', 'metadata', 'query_exemplars', 'format_query', 'parse_query'].map((p) => `/api/v1/${p}`),
);

/**
 * True for requests that change the gateway's state or make it act: lifecycle (`/-/…`), `/api/v1/admin/…`, and any
 * other write to the API (silences, receiver tests, …). They need the admin token.
 */
export function isAdminRequest(method: string, path: string): boolean {
  if (PUBLIC_PATHS.has(path)) return false;
  if (path.startsWith('/-/') || path.startsWith('/api/v1/admin/')) return true;
  if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return false;
  return path.startsWith('/api/') && !READ_POSTS.has(path);
}

/** Compares without an early exit, so response time does not reveal how much of a token was right. */
export function constantTimeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  const n = Math.max(x.length, y.length);
  for (let i = 0; i < n; i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** The credentials of an `Authorization: Bearer …` header (scheme case-insensitive), or null. */
export function bearerToken(header: string | undefined | null): string | null {
  if (!header) return null;
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(header);
  return m ? m[1] : null;
}

/** True for host names only this machine reaches (the Host header of a loopback-only gateway). */
export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(name);
}

const ALLOW_HEADERS = 'Accept, Authorization, Content-Type, Origin, Last-Event-ID';

/** One middleware for all of the above; mount it first. */
export function security(o: SecurityOptions): MiddlewareHandler {
  const token = o.token || undefined;
  const adminToken = o.adminToken || undefined;
  const maxBody = o.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return async (c, next) => {
    const req = c.req.raw;
    const url = new URL(req.url);
    const path = url.pathname;
    const method = req.method;
    const origin = req.headers.get('origin');
    const crossOrigin = origin !== null && origin !== url.origin && origin !== sameOriginOf(req, url);
    const corsAllowed = crossOrigin && origin !== null && o.corsOrigin != null && o.corsOrigin.test(origin);

    if (method === 'OPTIONS' && origin !== null) {
      const headers: Record<string, string> = { Vary: 'Origin' };
      if (corsAllowed) Object.assign(headers, corsHeaders(origin), { 'Access-Control-Max-Age': '600' });
      return new Response(null, { status: 204, headers });
    }

    if (!PUBLIC_PATHS.has(path)) {
      // Without a token the gateway trusts loopback callers only; a foreign Host header means DNS rebinding.
      if (o.loopbackOnly && token === undefined && adminToken === undefined && !isLoopbackHost(req.headers.get('host') ?? url.host)) {
        return refuse(403, 'forbidden', 'this gateway has no auth token and answers only requests addressed to a loopback host (localhost, 127.0.0.1, [::1]); set SIGHTLINE_TOKEN to serve other names');
      }
      // A page on another site must not be able to make the browser change state here (CSRF, even on loopback).
      const writes = method !== 'GET' && method !== 'HEAD';
      if (writes && ((crossOrigin && !corsAllowed) || (origin === null && req.headers.get('sec-fetch-site') === 'cross-site'))) {
        return refuse(403, 'forbidden', `cross-origin ${method} from ${origin ?? 'another site'} refused; allow the origin with --cors.origin`);
      }
      if (isProtectedPath(path) && (token !== undefined || adminToken !== undefined)) {
        const given = bearerToken(req.headers.get('authorization'));
        const admin = isAdminRequest(method, path);
        const need = admin ? (adminToken ?? token) : token;
        const ok =
          given !== null &&
          ((need !== undefined && constantTimeEqual(given, need)) || (adminToken !== undefined && constantTimeEqual(given, adminToken)));
        if (!ok) {
          if (given === null) return refuse(401, 'unauthorized', 'missing token: send the header `Authorization: Bearer <token>`');
          if (admin && token !== undefined && constantTimeEqual(given, token)) {
            return refuse(403, 'forbidden', 'this endpoint needs the admin token (SIGHTLINE_ADMIN_TOKEN)');
          }
          return refuse(401, 'unauthorized', 'wrong token: the bearer token does not match');
        }
      }
      if (writes) {
        const length = Number(req.headers.get('content-length') ?? '0');
        if (length > maxBody) return refuse(413, 'bad_data', `request body of ${length} bytes exceeds the limit of ${maxBody} bytes`);
        if (req.body !== null && !req.headers.has('content-length')) {
          const capped = await readCapped(req, maxBody);
          if (capped === null) return refuse(413, 'bad_data', `request body exceeds the limit of ${maxBody} bytes`);
          c.req.raw = new Request(req, { body: capped });
        }
      }
    }

    await next();
    if (corsAllowed && origin !== null) {
      for (const [k, v] of Object.entries(corsHeaders(origin))) c.res.headers.set(k, v);
    }
    if (origin !== null) c.res.headers.append('Vary', 'Origin');
  };
}

function corsHeaders(origin: string): Record<string, string> {
  return {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'GET, POST, PUT, DELETE, OPTIONS',
    'Access-Control-Allow-Headers': ALLOW_HEADERS,
    'Access-Control-Expose-Headers': 'Date',
  };
}

/** The origin a browser shows for this request when it arrived through a proxy that kept the Host header. */
function sameOriginOf(req: Request, url: URL): string {
  const host = req.headers.get('host');
  return host ? `${url.protocol}//${host}` : url.origin;
}

/** Reads a body of unknown length up to `limit` bytes; null when it is longer. */
async function readCapped(req: Request, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  const reader = (req.body as ReadableStream<Uint8Array>).getReader();
  const parts: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      return null;
    }
    parts.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

function refuse(status: 401 | 403 | 413, errorType: string, error: string): Response {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (status === 401) headers['WWW-Authenticate'] = 'Bearer realm="sightline"';
  return new Response(JSON.stringify({ status: 'error', errorType, error }), { status, headers });
}
