// One stream client: a pull-driven SSE body that sends hello, replays retained batches, then live batches and heartbeats.
//
// GET /api/v1/stream[?epoch=E&after=S]  (or header Last-Event-ID: E:S when both parameters are absent)
//   1. `hello` {epoch, oldestSeq, nextSeq[, gap]} — no SSE id, `retry: 2000`.
//   2. Batches with seq >= start, each as `id: E:seq` + `data: {"type":"batch",…}`, in order, none skipped:
//        no `after`                      → start = oldestSeq (everything retained, ≤ 1 h), no gap;
//        epoch = E and oldestSeq-1 <= S < nextSeq → start = S + 1, no gap;
//        epoch = E and S >= nextSeq (the client holds batches this gateway lost) → gap {…, resumedAtSeq: nextSeq}, start = nextSeq;
//        otherwise (other/missing epoch, data evicted) → gap {epoch, afterSeq: S, resumedAtSeq: oldestSeq}, start = oldestSeq.
//   3. Live batches as they are published; `heartbeat` {now, nextSeq} after 15 s without a message. With a head store
//      (--storage.path) a batch is published once it is written, so nothing a client holds is lost by a crash and
//      nextSeq here is Head.publishedSeq.
//   `defs` defines each series id the first time this connection uses it (ids are stable within an epoch, never
//   reused); `meta` carries a family's metadata the first time this connection needs it and whenever it changes.
//   If the client reads so slowly that its next batch leaves retention, the stream ends; reconnecting with
//   epoch/after then yields a hello with gap.
import { formatSSE } from '../../shared/stream/sse.ts';
import { eventId, type HeartbeatMessage } from '../../shared/stream/protocol.ts';
import type { Head } from '../head/head.ts';
import type { Clock, Scheduler } from '../runtime/ports.ts';
import { ConnectionState, planResume, type ResumeRequest } from './encode.ts';

export interface StreamOptions {
  head: Head;
  clock: Clock;
  scheduler: Scheduler;
  request: ResumeRequest;
  /** Idle time after which a heartbeat is sent (ms). */
  heartbeatMs: number;
  /** Reconnect delay suggested to EventSource readers (ms). */
  retryMs?: number;
  onClose?: () => void;
  onMessage?: (bytes: number) => void;
}

/**
 * The SSE body for one connection. Batches are read from the head's log as the client consumes them (pull), so a
 * slow client never makes the gateway buffer: if it falls so far behind that its next batch left retention, the
 * stream ends and the client's reconnect (with `after`) gets an explicit gap.
 */
export function openStream(opts: StreamOptions): ReadableStream<Uint8Array> {
  const { head, clock, scheduler } = opts;
  const encoder = new TextEncoder();
  const state = new ConnectionState(
    (id) => head.series(id)?.labels,
    () => head.nextSeriesId,
  );
  const { hello, startSeq } = planResume({ epoch: head.epoch, oldestSeq: head.oldestSeq, nextSeq: head.publishedSeq }, opts.request);
  let next = startSeq;
  let closed = false;
  let wake: (() => void) | null = null;
  const unsubscribe = head.onPublish(() => wake?.());

  const finish = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    wake?.();
    opts.onClose?.();
  };
  const send = (controller: ReadableStreamDefaultController<Uint8Array>, text: string): void => {
    const bytes = encoder.encode(text);
    controller.enqueue(bytes);
    opts.onMessage?.(bytes.length);
  };

  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        send(controller, formatSSE({ data: JSON.stringify(hello), retry: opts.retryMs ?? 2000 }));
      },
      async pull(controller) {
        // Loop until something is enqueued: a pull that resolves empty-handed is not called again.
        while (!closed) {
          if (next < head.oldestSeq) {
            finish();
            controller.close();
            return;
          }
          const batch = next < head.publishedSeq ? head.batch(next) : undefined;
          if (batch !== undefined) {
            next++;
            send(controller, formatSSE({ id: eventId(head.epoch, batch.seq), data: state.encodeBatch(batch) }));
            return;
          }
          const woke = await new Promise<'batch' | 'heartbeat'>((resolve) => {
            const timer = scheduler.setTimeout(() => resolve('heartbeat'), opts.heartbeatMs);
            wake = () => {
              scheduler.clearTimeout(timer);
              resolve('batch');
            };
          });
          wake = null;
          if (woke === 'heartbeat' && !closed) {
            const beat: HeartbeatMessage = { type: 'heartbeat', now: clock.now(), nextSeq: head.publishedSeq };
            send(controller, formatSSE({ data: JSON.stringify(beat) }));
            return;
          }
        }
      },
      cancel() {
        finish();
      },
    },
    { highWaterMark: 2 },
  );
}
