// Client-side stream state: the epoch and last sequence to resume from, the series id table, decoded batches.
import type { Labels } from '../model/labels.ts';
import { decodeValue, type BatchMessage, type HelloMessage, type MetricMetadata, type StreamMessage } from './protocol.ts';

/** A batch with ids resolved to labels and values decoded (the stale marker kept bit-exact). */
export interface DecodedBatch {
  seq: number;
  /** labels[i] belongs to sample i. */
  labels: Labels[];
  ids: number[];
  ts: Float64Array;
  vals: Float64Array;
  meta: Array<[family: string, meta: MetricMetadata]>;
  exemplars: Array<{ id: number; series: Labels; labels: Labels; value: number; ts: number | null }>;
}

export type SessionEvent =
  | { type: 'hello'; hello: HelloMessage; /** True when ids restarted (new epoch): drop any id → series mapping kept. */ epochChanged: boolean }
  | { type: 'batch'; batch: DecodedBatch }
  | { type: 'heartbeat'; now: number; nextSeq: number }
  /** A batch at or before the last one applied (a replay overlap); nothing to do. */
  | { type: 'duplicate'; seq: number }
  | { type: 'error'; error: string };

/** Follows one gateway's stream across reconnects. */
export class StreamSession {
  epoch: string | null = null;
  /** Sequence number of the last batch applied in this epoch. */
  lastSeq: number | null = null;
  private readonly series = new Map<number, Labels>();

  constructor(resume?: { epoch: string; lastSeq: number }) {
    if (resume) {
      this.epoch = resume.epoch;
      this.lastSeq = resume.lastSeq;
    }
  }

  /** Query string to (re)connect with: resume after the last batch, or nothing for a fresh start. */
  resumeQuery(): string {
    if (this.epoch === null || this.lastSeq === null) return '';
    return `epoch=${encodeURIComponent(this.epoch)}&after=${this.lastSeq}`;
  }

  /** Labels of a series id in the current epoch. */
  labelsOf(id: number): Labels | undefined {
    return this.series.get(id);
  }

  apply(message: StreamMessage): SessionEvent {
    switch (message.type) {
      case 'hello':
        return this.hello(message);
      case 'batch':
        return this.batch(message);
      case 'heartbeat':
        return { type: 'heartbeat', now: message.now, nextSeq: message.nextSeq };
    }
  }

  private hello(h: HelloMessage): SessionEvent {
    const epochChanged = this.epoch !== h.epoch;
    if (epochChanged) this.series.clear();
    if (epochChanged || h.gap) this.lastSeq = null;
    this.epoch = h.epoch;
    return { type: 'hello', hello: h, epochChanged };
  }

  private batch(b: BatchMessage): SessionEvent {
    if (this.epoch === null) return { type: 'error', error: `batch ${b.seq} arrived before hello` };
    if (this.lastSeq !== null && b.seq <= this.lastSeq) return { type: 'duplicate', seq: b.seq };
    for (const [id, labels] of b.defs ?? []) this.series.set(id, labels);
    const n = b.ids.length;
    const labels: Labels[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const l = this.series.get(b.ids[i]);
      if (l === undefined) return { type: 'error', error: `batch ${b.seq} uses series id ${b.ids[i]}, which was never defined` };
      labels[i] = l;
    }
    const ts = new Float64Array(n);
    if (typeof b.ts === 'number') ts.fill(b.ts);
    else ts.set(b.ts);
    const vals = new Float64Array(n);
    for (let i = 0; i < n; i++) vals[i] = decodeValue(b.vals[i]);
    const exemplars: DecodedBatch['exemplars'] = [];
    for (const [id, exLabels, value, t] of b.exemplars ?? []) {
      const series = this.series.get(id);
      if (series === undefined) return { type: 'error', error: `batch ${b.seq} has an exemplar for series id ${id}, which was never defined` };
      exemplars.push({ id, series, labels: exLabels, value: decodeValue(value), ts: t });
    }
    this.lastSeq = b.seq;
    return { type: 'batch', batch: { seq: b.seq, labels, ids: b.ids, ts, vals, meta: b.meta ?? [], exemplars } };
  }
}
