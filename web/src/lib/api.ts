// The gateway's HTTP API as the pages use it: GET/POST with the saved token, Prometheus's envelope unwrapped into data.
import type { GatewayTarget } from '../worker/protocol.ts';

/** What a call came to: data; 'missing' (this gateway has no such route); a refusal with the API's message; or no answer at all. */
export type ApiResult<T> =
  | { kind: 'ok'; data: T }
  | { kind: 'missing'; message: string }
  | { kind: 'error'; status: number; message: string }
  | { kind: 'unreachable'; message: string };

export type FetchFn = (input: string, init?: RequestInit) => Promise<Response>;

/** The absolute URL of an API path under the gateway's base URL (which may carry a path prefix). */
export function apiUrl(target: GatewayTarget, path: string, query: Record<string, string> = {}): string {
  const url = new URL(path.replace(/^\//, ''), target.baseUrl);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  return url.toString();
}

interface Envelope {
  status?: string;
  data?: unknown;
  errorType?: string;
  error?: string;
}

/** Calls the API and classifies the outcome; never throws. */
export async function apiCall<T>(
  fetchFn: FetchFn,
  target: GatewayTarget,
  path: string,
  opts: { method?: 'GET' | 'POST'; query?: Record<string, string>; body?: unknown; signal?: AbortSignal } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (target.token) headers.Authorization = `Bearer ${target.token}`;
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  let res: Response;
  try {
    res = await fetchFn(apiUrl(target, path, opts.query), {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    });
  } catch (e) {
    return { kind: 'unreachable', message: e instanceof Error ? e.message : String(e) };
  }
  let env: Envelope | null = null;
  try {
    env = (await res.json()) as Envelope;
  } catch {
    env = null;
  }
  if (res.ok && env?.status === 'success') return { kind: 'ok', data: env.data as T };
  const message = env?.error ?? `HTTP ${res.status} ${res.statusText}`.trim();
  // The API catch-all ("no API endpoint …") or a server that is not a Sightline gateway at all.
  if (res.status === 404 && (env === null || /^no API endpoint/.test(message))) return { kind: 'missing', message };
  // 502–504 come from proxies in front of a gateway that is down.
  if (res.status >= 502 && res.status <= 504 && env === null) return { kind: 'unreachable', message };
  return { kind: 'error', status: res.status, message };
}
