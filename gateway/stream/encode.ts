// Per-connection encoding of stored batches as stream messages: interning (defs), metadata, shared sample arrays.
import { encodeValue, type HelloMessage, type MetricMetadata } from '../../shared/stream/protocol.ts';
import type { Labels } from '../../shared/model/labels.ts';
import type { StoredBatch } from '../head/head.ts';

/**
 * What one connection has already sent, so each series id and metadata version goes out once. Series ids are
 * allocated in increasing order and never reused, so the connection keeps a watermark: every id below it has been
 * defined on this connection or no longer exists. A batch whose highest id is below the watermark (almost every
 * batch once a client has seen each series once) needs no per-sample check; others check a per-id bitmap.
 */
export class ConnectionState {
  private sent = new Uint8Array(1024);
  /** Every id < watermark is defined on this connection or gone from the head. Ids start at 1. */
  private watermark = 1;
  private readonly sentMeta = new Map<string, string>();

  /**
   * `labelsOf` gives a live series' labels; `nextSeriesId` is the id the head gives its next new series (ids below
   * it that `labelsOf` does not know were dropped and never come back).
   */
  constructor(
    private readonly labelsOf: (id: number) => Labels | undefined,
    private readonly nextSeriesId: () => number = () => 0,
  ) {}

  /** The JSON text of a batch message for this connection. */
  encodeBatch(batch: StoredBatch): string {
    let defs = '';
    const check = maxIdOf(batch) >= this.watermark;
    if (check) for (const id of batch.ids) if (!this.isSent(id)) defs += this.define(id, defs);
    for (const [id] of batch.exemplars) if (!this.isSent(id)) defs += this.define(id, defs);
    if (check || defs) this.advance();
    let meta = '';
    for (const [family, m] of batch.meta) {
      const text = JSON.stringify(m satisfies MetricMetadata);
      if (this.sentMeta.get(family) === text) continue;
      this.sentMeta.set(family, text);
      meta += (meta ? ',' : '') + `[${JSON.stringify(family)},${text}]`;
    }
    let out = `{"type":"batch","seq":${batch.seq}`;
    if (defs) out += `,"defs":[${defs}]`;
    if (meta) out += `,"meta":[${meta}]`;
    out += ',' + batchCore(batch);
    return out + '}';
  }

  private isSent(id: number): boolean {
    return id < this.watermark || (id < this.sent.length && this.sent[id] === 1);
  }

  /** Marks `id` sent; returns its def (with a leading comma unless it is the first of `sofar`), or '' if unknown. */
  private define(id: number, sofar: string): string {
    if (id >= this.sent.length) {
      const grown = new Uint8Array(Math.max(id + 1, this.sent.length * 2));
      grown.set(this.sent);
      this.sent = grown;
    }
    this.sent[id] = 1;
    const labels = this.labelsOf(id);
    return labels === undefined ? '' : `${sofar ? ',' : ''}[${id},${JSON.stringify(labels)}]`;
  }

  /** Moves the watermark past ids sent or dropped; stops at the first live series this connection has not defined. */
  private advance(): void {
    const limit = Math.min(this.nextSeriesId(), this.sent.length);
    while (this.watermark < limit && (this.sent[this.watermark] === 1 || this.labelsOf(this.watermark) === undefined)) this.watermark++;
  }
}

/** The highest series id in a batch's samples, cached on the batch (0 for none). */
function maxIdOf(batch: StoredBatch): number {
  if (batch.maxId === undefined) {
    let max = 0;
    for (const id of batch.ids) if (id > max) max = id;
    batch.maxId = max;
  }
  return batch.maxId;
}

/** The connection-independent part of a batch (ids, ts, vals, exemplars), cached on the batch as one flat string. */
export function batchCore(batch: StoredBatch): string {
  if (batch.wire !== undefined) return batch.wire;
  const ts = typeof batch.ts === 'number' ? String(batch.ts) : `[${batch.ts.join(',')}]`;
  // Array.join builds a flat string; `+=` in a loop would leave a rope of one piece per sample in the cache.
  const vals = new Array<string>(batch.vals.length);
  for (let i = 0; i < batch.vals.length; i++) vals[i] = wireNumber(batch.vals[i]);
  const parts = ['"ids":[', batch.ids.join(','), '],"ts":', ts, ',"vals":[', vals.join(','), ']'];
  if (batch.exemplars.length > 0) {
    const ex = batch.exemplars.map(([id, labels, value, t]) => `[${id},${JSON.stringify(labels)},${wireNumber(value)},${t === null ? 'null' : t}]`);
    parts.push(',"exemplars":[', ex.join(','), ']');
  }
  const core = parts.join('');
  batch.wire = core;
  return core;
}

function wireNumber(v: number): string {
  const w = encodeValue(v);
  return typeof w === 'number' ? String(w) : `"${w}"`;
}

/** What a client asked for: resume after `after` in `epoch`, or (both null) everything retained. */
export interface ResumeRequest {
  epoch: string | null;
  after: number | null;
}

/** Where the head's sequence stands. */
export interface SequenceState {
  epoch: string;
  oldestSeq: number;
  nextSeq: number;
}

/**
 * Decides where a connection starts. A client resuming inside the current epoch with its data still retained
 * continues right after `after`; one from another epoch or whose data was evicted gets a `gap` and every retained
 * batch. A client with no `after` is new and gets every retained batch, no gap.
 *
 * A client ahead of the gateway in its own epoch (`after` >= nextSeq) read batches in order up to `after`, so it
 * holds everything retained; the gateway lost the rest (its storage dropped written batches, e.g. a machine crash
 * before the OS wrote them out, or a broken client). It gets a gap that resumes at the new data, never a replay.
 */
export function planResume(state: SequenceState, req: ResumeRequest): { hello: HelloMessage; startSeq: number } {
  const hello: HelloMessage = { type: 'hello', epoch: state.epoch, oldestSeq: state.oldestSeq, nextSeq: state.nextSeq };
  if (req.after === null) return { hello, startSeq: state.oldestSeq };
  const sameEpoch = req.epoch === state.epoch;
  if (sameEpoch && req.after + 1 >= state.oldestSeq && req.after < state.nextSeq) return { hello, startSeq: req.after + 1 };
  if (sameEpoch && req.after >= state.nextSeq) {
    hello.gap = { epoch: req.epoch, afterSeq: req.after, resumedAtSeq: state.nextSeq };
    return { hello, startSeq: state.nextSeq };
  }
  hello.gap = { epoch: req.epoch, afterSeq: req.after, resumedAtSeq: state.oldestSeq };
  return { hello, startSeq: state.oldestSeq };
}
