// Reads a gateway's /api/v1/stream in the background and keeps every decoded batch, for after-the-fact assertions.
import { labelsKey, type Labels } from '../../../shared/model/labels.ts';
import { isStaleMarker } from '../../../shared/model/stale.ts';
import { StreamSession, type DecodedBatch } from '../../../shared/stream/session.ts';
import { StreamReader } from '../processes.ts';

/** One sample as streamed, with its batch's sequence number and the wall time it arrived. */
export interface StreamedSample {
  seq: number;
  arrivedAt: number;
  labels: Labels;
  t: number;
  v: number;
}

/** Everything a stream delivered, appended as it arrives. */
export class StreamLog {
  readonly batches: Array<DecodedBatch & { arrivedAt: number }> = [];
  readonly errors: string[] = [];
  private readonly session = new StreamSession();
  private readonly done: Promise<void>;
  private closed = false;

  private constructor(
    private readonly reader: StreamReader,
    private readonly keep: (labels: Labels) => boolean,
  ) {
    this.done = this.pump();
  }

  /** Opens the stream from the start of the gateway's retained history, keeping only samples `keep` accepts. */
  static async open(port: number, keep: (labels: Labels) => boolean = () => true): Promise<StreamLog> {
    const res = await fetch(`http://127.0.0.1:${port}/api/v1/stream`);
    if (res.status !== 200 || res.body === null) throw new Error(`stream answered ${res.status}`);
    return new StreamLog(new StreamReader(res.body as ReadableStream<Uint8Array>), keep);
  }

  private async pump(): Promise<void> {
    for (;;) {
      const m = await this.reader.next().catch(() => null);
      if (m === null) return;
      const ev = this.session.apply(m);
      if (ev.type === 'error') this.errors.push(ev.error);
      if (ev.type === 'batch') this.batches.push({ ...this.filtered(ev.batch), arrivedAt: Date.now() });
    }
  }

  private filtered(b: DecodedBatch): DecodedBatch {
    const idx: number[] = [];
    for (let i = 0; i < b.labels.length; i++) if (this.keep(b.labels[i])) idx.push(i);
    if (idx.length === b.labels.length) return b;
    // A typed-array copy keeps the stale marker's NaN bits (a plain array could canonicalise them).
    const pick = (a: Float64Array): Float64Array => {
      const out = new Float64Array(idx.length);
      for (let j = 0; j < idx.length; j++) out[j] = a[idx[j]];
      return out;
    };
    return { ...b, labels: idx.map((i) => b.labels[i]), ids: idx.map((i) => b.ids[i]), ts: pick(b.ts), vals: pick(b.vals) };
  }

  /** Every sample so far, in stream order. */
  *samples(): Generator<StreamedSample> {
    for (const b of this.batches) {
      for (let i = 0; i < b.labels.length; i++) yield { seq: b.seq, arrivedAt: b.arrivedAt, labels: b.labels[i], t: b.ts[i], v: b.vals[i] };
    }
  }

  /** Every series that has had a sample. */
  seriesEver(): Labels[] {
    const out = new Map<string, Labels>();
    for (const s of this.samples()) out.set(labelsKey(s.labels), s.labels);
    return [...out.values()];
  }

  /** The newest sample of each series (by timestamp), stale markers included. */
  latest(): Map<string, StreamedSample> {
    const out = new Map<string, StreamedSample>();
    for (const s of this.samples()) {
      const key = labelsKey(s.labels);
      const prev = out.get(key);
      if (prev === undefined || s.t >= prev.t) out.set(key, s);
    }
    return out;
  }

  /** Series whose newest sample is not a stale marker: what an instant query at now would return. */
  live(): StreamedSample[] {
    return [...this.latest().values()].filter((s) => !isStaleMarker(s.v));
  }

  /** Resolves once `test` holds for the log, polling every 100 ms; fails with `what` after `ms`. */
  async waitUntil(test: (log: StreamLog) => boolean, what: string, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!test(this)) {
      if (this.errors.length > 0) throw new Error(`stream error: ${this.errors.join('; ')}`);
      if (this.closed) throw new Error(`stream closed before ${what}`);
      if (Date.now() > deadline) throw new Error(`gateway stream: ${what} not seen within ${ms} ms`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.reader.cancel();
    await this.done;
  }
}
