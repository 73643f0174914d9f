// Records everything one stream client sees (hellos, samples by labels, duplicates, errors) for the fault tests' assertions.
import { labelsKey, type Labels } from '../../../shared/model/labels.ts';
import type { HelloMessage } from '../../../shared/stream/protocol.ts';
import type { SessionEvent } from '../../../shared/stream/session.ts';
import { StreamFollower } from '../../../bench/lib/soak-client.ts';

export interface RecordedSample {
  /** Which connection (0 = first) delivered it. */
  conn: number;
  epoch: string;
  seq: number;
  key: string;
  labels: Labels;
  t: number;
  v: number;
}

export interface RecordedHello {
  hello: HelloMessage;
  epochChanged: boolean;
  /** Index into `batches` of the first batch after this hello. */
  batchIndex: number;
}

/** A StreamFollower whose events are kept in order. */
export class StreamRecorder {
  readonly samples: RecordedSample[] = [];
  readonly hellos: RecordedHello[] = [];
  readonly batches: Array<{ conn: number; epoch: string; seq: number }> = [];
  readonly duplicates: number[] = [];
  readonly errors: string[] = [];
  readonly follower: StreamFollower;

  constructor(base: string, reconnect?: { delayMs: number; maxFailures: number }) {
    this.follower = new StreamFollower({ base, reconnect, onEvent: (ev) => this.on(ev) });
  }

  start(): this {
    this.follower.start();
    return this;
  }

  stop(): Promise<void> {
    return this.follower.stop();
  }

  private on(ev: SessionEvent): void {
    const epoch = this.follower.session.epoch ?? '';
    switch (ev.type) {
      case 'hello':
        this.hellos.push({ hello: ev.hello, epochChanged: ev.epochChanged, batchIndex: this.batches.length });
        return;
      case 'duplicate':
        this.duplicates.push(ev.seq);
        return;
      case 'error':
        this.errors.push(ev.error);
        return;
      case 'heartbeat':
        return;
      case 'batch': {
        const b = ev.batch;
        const conn = this.hellos.length - 1;
        this.batches.push({ conn, epoch, seq: b.seq });
        for (let i = 0; i < b.ids.length; i++) {
          this.samples.push({ conn, epoch, seq: b.seq, key: labelsKey(b.labels[i]), labels: b.labels[i], t: b.ts[i], v: b.vals[i] });
        }
      }
    }
  }

  /** Samples of one metric name (optionally filtered by more labels), in arrival order. */
  series(name: string, labels: Record<string, string> = {}): RecordedSample[] {
    return this.samples.filter((s) => s.labels.__name__ === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  }

  /** (series, timestamp) pairs received more than once, as "key@t". */
  duplicateSamples(): string[] {
    const seen = new Set<string>();
    const dups: string[] = [];
    for (const s of this.samples) {
      const id = `${s.key}@${s.t}`;
      if (seen.has(id)) dups.push(id);
      seen.add(id);
    }
    return dups;
  }
}

/** Polls `cond` every 50 ms; fails with `what` after `ms`. */
export async function waitUntil(cond: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Calls `probe` every 200 ms until it returns a value; fails with `what` after `ms`. */
export async function pollFor<T>(probe: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
