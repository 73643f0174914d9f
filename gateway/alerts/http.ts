// One outgoing JSON request with a timeout (AbortSignal on the injected scheduler); every failure becomes data, never a throw.
import type { FetchFn, Scheduler } from '../runtime/ports.ts';

/** The outcome of one request: the HTTP status and (capped) body, or no status for a network error or timeout. */
export interface HttpOutcome {
  status?: number;
  body: string;
  error?: string;
  durationMs: number;
}

export interface SendOptions {
  fetchFn: FetchFn;
  scheduler: Scheduler;
  now: () => number;
  timeoutMs: number;
}

const MAX_BODY = 4096;

/** Sends `body` with `method` to `url`; reads at most 4 KiB of the answer. */
export async function sendRequest(o: SendOptions, method: string, url: string, body: string | undefined, headers: Record<string, string>): Promise<HttpOutcome> {
  const started = o.now();
  const controller = new AbortController();
  let timedOut = false;
  const timer = o.scheduler.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, o.timeoutMs);
  try {
    const res = await o.fetchFn(url, { method, body, headers, signal: controller.signal });
    const text = await res.text();
    return { status: res.status, body: text.length > MAX_BODY ? text.slice(0, MAX_BODY) : text, durationMs: o.now() - started };
  } catch (e) {
    const error = timedOut ? `context deadline exceeded (timeout ${o.timeoutMs / 1000}s)` : e instanceof Error ? e.message : String(e);
    return { body: '', error: `${method} ${url}: ${error}`, durationMs: o.now() - started };
  } finally {
    o.scheduler.clearTimeout(timer);
  }
}
