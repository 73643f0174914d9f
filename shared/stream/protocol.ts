// The gateway → studio stream: message types and value encoding, shared by both ends.
//
// Transport: Server-Sent Events framing over one long GET (`/api/v1/stream?epoch=E&after=SEQ`), read with
// fetch() streaming so an Authorization header can be sent. Each event is `id: <epoch>:<seq>` plus one
// `data:` line holding a JSON StreamMessage. SSE works unchanged on Node and on Cloudflare Workers.
import type { Labels } from '../model/labels.ts';
import { STALE_NAN, isStaleMarker } from '../model/stale.ts';

/** JSON has no NaN/Inf, and the stale marker must survive exactly, so values use these strings. */
export type WireValue = number | 'NaN' | '+Inf' | '-Inf' | 'stale';

/** Metric family metadata, as in /api/v1/metadata. */
export interface MetricMetadata {
  type: 'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown';
  help: string;
  unit: string;
}

/** First message on every connection: where the stream starts and whether the client missed data. */
export interface HelloMessage {
  type: 'hello';
  /** Changes when the gateway loses its sequence (restart without persisted head); ids restart too. */
  epoch: string;
  /** Oldest sequence number the gateway can still replay. */
  oldestSeq: number;
  /** Sequence number the next new batch will get. */
  nextSeq: number;
  /** Present when the client asked to resume from data the gateway no longer has. */
  gap?: { epoch: string | null; afterSeq: number; resumedAtSeq: number };
}

/**
 * One scrape's (or one rule evaluation's) samples. Series are interned: `defs` defines ids the connection
 * has not been sent before; ids are stable for the epoch. Sample i is (ids[i], ts[i] or ts, vals[i]).
 */
export interface BatchMessage {
  type: 'batch';
  seq: number;
  defs?: Array<[id: number, labels: Labels]>;
  ids: number[];
  /** One timestamp (ms) for every sample, or one per sample. */
  ts: number | number[];
  vals: WireValue[];
  /** Metadata for families first seen (or changed) in this batch, keyed by metric family name. */
  meta?: Array<[family: string, meta: MetricMetadata]>;
  /** Exemplars seen in this batch: series id, exemplar labels, value, timestamp (ms, or null). */
  exemplars?: Array<[id: number, labels: Labels, value: WireValue, ts: number | null]>;
}

/** Keeps idle connections open through proxies; carries the gateway's clock for skew display. */
export interface HeartbeatMessage {
  type: 'heartbeat';
  now: number;
  nextSeq: number;
}

export type StreamMessage = HelloMessage | BatchMessage | HeartbeatMessage;

/** Encodes a float for the wire, keeping the stale marker distinct from NaN. */
export function encodeValue(v: number): WireValue {
  if (Number.isFinite(v)) return v;
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return isStaleMarker(v) ? 'stale' : 'NaN';
}

/** Decodes a wire value; 'stale' becomes the exact stale-marker NaN. */
export function decodeValue(w: WireValue): number {
  if (typeof w === 'number') return w;
  switch (w) {
    case '+Inf':
      return Infinity;
    case '-Inf':
      return -Infinity;
    case 'stale':
      return STALE_NAN;
    default:
      return NaN;
  }
}

/** Event id for a batch: the epoch and the sequence number. */
export function eventId(epoch: string, seq: number): string {
  return `${epoch}:${seq}`;
}
