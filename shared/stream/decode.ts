// Validating decoder for stream messages: SSE text in, typed StreamMessages (or a clear error per bad message) out.
import type { Labels } from '../model/labels.ts';
import type { BatchMessage, HeartbeatMessage, HelloMessage, MetricMetadata, StreamMessage, WireValue } from './protocol.ts';
import { SSEDecoder } from './sse.ts';

/** A decoded message, or why one event could not be decoded (the stream itself goes on). */
export type DecodeResult = { ok: true; message: StreamMessage; lastEventId: string } | { ok: false; error: string };

const METADATA_TYPES = new Set<MetricMetadata['type']>([
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
  'unknown',
]);

/** Thrown inside validation only; parseStreamMessage turns it into an error result. */
class Invalid extends Error {}

/** Parses and validates one event's data as a StreamMessage; never throws. */
export function parseStreamMessage(data: string): { ok: true; message: StreamMessage } | { ok: false; error: string } {
  let json: unknown;
  try {
    json = JSON.parse(data);
  } catch (e) {
    return { ok: false, error: `stream message is not JSON (${e instanceof Error ? e.message : String(e)}): ${preview(data)}` };
  }
  try {
    return { ok: true, message: validateMessage(json) };
  } catch (e) {
    if (e instanceof Invalid) return { ok: false, error: `invalid stream message: ${e.message}: ${preview(data)}` };
    throw e;
  }
}

/** SSE text chunks in, decoded messages out: the studio's whole read path minus fetch and TextDecoder. */
export class StreamDecoder {
  private readonly sse = new SSEDecoder();

  /** Adds decoded text; returns one result per complete event (comments and empty events are skipped). */
  push(chunk: string): DecodeResult[] {
    const out: DecodeResult[] = [];
    for (const event of this.sse.push(chunk)) {
      const r = parseStreamMessage(event.data);
      out.push(r.ok ? { ...r, lastEventId: event.lastEventId } : r);
    }
    return out;
  }
}

function validateMessage(json: unknown): StreamMessage {
  const o = record(json, 'message');
  switch (o.type) {
    case 'hello':
      return validateHello(o);
    case 'batch':
      return validateBatch(o);
    case 'heartbeat':
      return validateHeartbeat(o);
    default:
      throw new Invalid(`unknown type ${JSON.stringify(o.type)}`);
  }
}

function validateHello(o: Record<string, unknown>): HelloMessage {
  const hello: HelloMessage = {
    type: 'hello',
    epoch: str(o.epoch, 'hello.epoch'),
    oldestSeq: seqNo(o.oldestSeq, 'hello.oldestSeq'),
    nextSeq: seqNo(o.nextSeq, 'hello.nextSeq'),
  };
  if (o.gap !== undefined) {
    const g = record(o.gap, 'hello.gap');
    if (g.epoch !== null && typeof g.epoch !== 'string') throw new Invalid('hello.gap.epoch must be a string or null');
    hello.gap = {
      epoch: g.epoch,
      afterSeq: int(g.afterSeq, 'hello.gap.afterSeq'),
      resumedAtSeq: seqNo(g.resumedAtSeq, 'hello.gap.resumedAtSeq'),
    };
  }
  return hello;
}

function validateHeartbeat(o: Record<string, unknown>): HeartbeatMessage {
  return { type: 'heartbeat', now: num(o.now, 'heartbeat.now'), nextSeq: seqNo(o.nextSeq, 'heartbeat.nextSeq') };
}

function validateBatch(o: Record<string, unknown>): BatchMessage {
  const seq = seqNo(o.seq, 'batch.seq');
  const where = `batch ${seq}`;
  const ids = arr(o.ids, `${where}: ids`).map((v, i) => seqNo(v, `${where}: ids[${i}]`));
  let ts: number | number[];
  if (typeof o.ts === 'number') ts = num(o.ts, `${where}: ts`);
  else {
    ts = arr(o.ts, `${where}: ts`).map((v, i) => num(v, `${where}: ts[${i}]`));
    if (ts.length !== ids.length) throw new Invalid(`${where}: ts has ${ts.length} entries, ids has ${ids.length}`);
  }
  const vals = arr(o.vals, `${where}: vals`).map((v, i) => wireValue(v, `${where}: vals[${i}]`));
  if (vals.length !== ids.length) throw new Invalid(`${where}: vals has ${vals.length} entries, ids has ${ids.length}`);
  const batch: BatchMessage = { type: 'batch', seq, ids, ts, vals };
  if (o.defs !== undefined) {
    batch.defs = arr(o.defs, `${where}: defs`).map((d, i) => {
      const pair = arr(d, `${where}: defs[${i}]`);
      if (pair.length !== 2) throw new Invalid(`${where}: defs[${i}] must be [id, labels]`);
      return [seqNo(pair[0], `${where}: defs[${i}] id`), labels(pair[1], `${where}: defs[${i}] labels`)];
    });
  }
  if (o.meta !== undefined) {
    batch.meta = arr(o.meta, `${where}: meta`).map((d, i) => {
      const pair = arr(d, `${where}: meta[${i}]`);
      if (pair.length !== 2) throw new Invalid(`${where}: meta[${i}] must be [family, metadata]`);
      return [str(pair[0], `${where}: meta[${i}] family`), metadata(pair[1], `${where}: meta[${i}]`)];
    });
  }
  if (o.exemplars !== undefined) {
    batch.exemplars = arr(o.exemplars, `${where}: exemplars`).map((d, i) => {
      const at = `${where}: exemplars[${i}]`;
      const e = arr(d, at);
      if (e.length !== 4) throw new Invalid(`${at} must be [id, labels, value, ts]`);
      return [seqNo(e[0], `${at} id`), labels(e[1], `${at} labels`), wireValue(e[2], `${at} value`), e[3] === null ? null : num(e[3], `${at} ts`)];
    });
  }
  return batch;
}

function metadata(v: unknown, where: string): MetricMetadata {
  const o = record(v, where);
  const type = str(o.type, `${where}.type`) as MetricMetadata['type'];
  if (!METADATA_TYPES.has(type)) throw new Invalid(`${where}.type ${JSON.stringify(type)} is not a metric type`);
  return { type, help: str(o.help, `${where}.help`), unit: str(o.unit, `${where}.unit`) };
}

function labels(v: unknown, where: string): Labels {
  const o = record(v, where);
  for (const k in o) if (typeof o[k] !== 'string') throw new Invalid(`${where}: label ${k} must be a string`);
  return o as Labels;
}

function wireValue(v: unknown, where: string): WireValue {
  if (typeof v === 'number' || v === 'NaN' || v === '+Inf' || v === '-Inf' || v === 'stale') return v;
  throw new Invalid(`${where} must be a number, "NaN", "+Inf", "-Inf" or "stale"`);
}

function record(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Invalid(`${where} must be an object`);
  return v as Record<string, unknown>;
}

function arr(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) throw new Invalid(`${where} must be an array`);
  return v;
}

function str(v: unknown, where: string): string {
  if (typeof v !== 'string') throw new Invalid(`${where} must be a string`);
  return v;
}

function num(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Invalid(`${where} must be a finite number`);
  return v;
}

function int(v: unknown, where: string): number {
  if (!Number.isSafeInteger(v)) throw new Invalid(`${where} must be an integer`);
  return v as number;
}

function seqNo(v: unknown, where: string): number {
  const n = int(v, where);
  if (n < 0) throw new Invalid(`${where} must not be negative`);
  return n;
}

function preview(data: string): string {
  return data.length > 120 ? JSON.stringify(data.slice(0, 120)) + '…' : JSON.stringify(data);
}
