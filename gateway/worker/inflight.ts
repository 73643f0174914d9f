// Wraps the scrape fetchFn so an alarm invocation can wait until every scrape it started has read or dropped its body.
import type { FetchFn, Scheduler } from '../runtime/ports.ts';

/** A fetchFn that counts exchanges in flight (request sent, body not yet fully read or cancelled). */
export interface InFlightFetch {
  fetchFn: FetchFn;
  /** Exchanges in flight now. */
  readonly active: number;
  /**
   * Resolves once nothing is in flight and the code awaiting the last body had a turn to run (parse, append,
   * schedule the next scrape), or after `maxMs` at the latest. Returns false when it gave up waiting.
   */
  idle(maxMs: number): Promise<boolean>;
}

/** Tracks the exchanges of `inner`; `timers` provides the macrotask turns that let awaiting code finish. */
export function trackInFlight(inner: FetchFn, timers: Scheduler): InFlightFetch {
  let active = 0;
  let waiters: Array<() => void> = [];
  const done = (): void => {
    active--;
    if (active === 0) {
      const ws = waiters;
      waiters = [];
      for (const w of ws) w();
    }
  };
  const fetchFn: FetchFn = async (input, init) => {
    active++;
    let response: Response;
    try {
      response = await inner(input, init);
    } catch (e) {
      done();
      throw e;
    }
    if (response.body === null) {
      done();
      return response;
    }
    return new Response(watchBody(response.body, done), { status: response.status, statusText: response.statusText, headers: response.headers });
  };
  const macrotask = (): Promise<void> => new Promise((resolve) => timers.setTimeout(resolve, 0));
  return {
    fetchFn,
    get active() {
      return active;
    },
    async idle(maxMs) {
      let timedOut = false;
      let timer: unknown = null;
      const limit = new Promise<void>((resolve) => {
        timer = timers.setTimeout(() => {
          timedOut = true;
          resolve();
        }, maxMs);
      });
      // A body finishing lets its reader's continuation run, which may start no new fetch but must get to append.
      while (active > 0 && !timedOut) {
        await Promise.race([new Promise<void>((resolve) => waiters.push(resolve)), limit]);
        if (!timedOut) await macrotask();
      }
      if (!timedOut) await macrotask();
      timers.clearTimeout(timer);
      return !timedOut;
    },
  };
}

/** A pass-through body that calls `onEnd` exactly once when read to the end, failed or cancelled. */
function watchBody(body: ReadableStream<Uint8Array>, onEnd: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    onEnd();
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) {
          end();
          controller.close();
        } else controller.enqueue(value);
      } catch (e) {
        end();
        controller.error(e);
      }
    },
    async cancel(reason) {
      end();
      await reader.cancel(reason).catch(() => undefined);
    },
  });
}
