// Per-connection encoding of stored batches as stream messages: interning (defs), metadata, shared sample arrays.
import { encodeValue, type HelloMessage, type MetricMetadata } from '../../shared/stream/protocol.ts';
import type { Labels } from '../../shared/model/labels.ts';
import type { StoredBatch } from '../head/head.ts';

/** What one connection has already sent, so each series id and metadata version goes out once. */
export class ConnectionState {
  private readonly sentIds = new Set<number>();
  private readonly sentMeta = new Map<string, string>();

  constructor(private readonly labelsOf: (id: number) => Labels | undefined) {}

  /** The JSON text of a batch message for this connection. */
  encodeBatch(batch: StoredBatch): string {
    let defs = '';
    for (const id of batch.ids) {
      if (this.sentIds.has(id)) continue;
      this.sentIds.add(id);
      const labels = this.labelsOf(id);
      if (labels !== undefined) defs += (defs ? ',' : '') + `[${id},${JSON.stringify(labels)}]`;
    }
    for (const [id] of batch.exemplars) {
      if (this.sentIds.has(id)) continue;
      this.sentIds.add(id);
      const labels = this.labelsOf(id);
      if (labels !== undefined) defs += (defs ? ',' : '') + `[${id},${JSON.stringify(labels)}]`;
    }
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
}

/** The connection-independent part of a batch (ids, ts, vals, exemplars), cached on the batch. */
export function batchCore(batch: StoredBatch): string {
  if (batch.wire !== undefined) return batch.wire;
  const ts = typeof batch.ts === 'number' ? String(batch.ts) : `[${batch.ts.join(',')}]`;
  let vals = '';
  for (let i = 0; i < batch.vals.length; i++) vals += (i ? ',' : '') + wireNumber(batch.vals[i]);
  let core = `"ids":[${batch.ids.join(',')}],"ts":${ts},"vals":[${vals}]`;
  if (batch.exemplars.length > 0) {
    const ex = batch.exemplars.map(([id, labels, value, t]) => `[${id},${JSON.stringify(labels)},${wireNumber(value)},${t === null ? 'null' : t}]`);
    core += `,"exemplars":[${ex.join(',')}]`;
  }
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
 * continues right after `after`; one that cannot (other epoch, data evicted, sequence from the future) gets a
 * `gap` and every retained batch. A client with no `after` is new and gets every retained batch, no gap.
 */
export function planResume(state: SequenceState, req: ResumeRequest): { hello: HelloMessage; startSeq: number } {
  const hello: HelloMessage = { type: 'hello', epoch: state.epoch, oldestSeq: state.oldestSeq, nextSeq: state.nextSeq };
  if (req.after === null) return { hello, startSeq: state.oldestSeq };
  const continuous = req.epoch === state.epoch && req.after + 1 >= state.oldestSeq && req.after < state.nextSeq;
  if (continuous) return { hello, startSeq: req.after + 1 };
  hello.gap = { epoch: req.epoch, afterSeq: req.after, resumedAtSeq: state.oldestSeq };
  return { hello, startSeq: state.oldestSeq };
}
