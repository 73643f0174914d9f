// Typed messages between the UI thread and the stream worker: requests with ids, replies, and pushed events.
import type { Labels } from '../../../shared/model/labels.ts';
import type { LabelMatcher } from '../../../shared/promql/ast.ts';
import type { StoreStats, StreamGap } from '../store/sampleStore.ts';

/** Where to stream from; `baseUrl` is absolute (the UI resolves "same origin" before sending it). */
export interface GatewayTarget {
  baseUrl: string;
  /** Bearer token, '' for none. */
  token: string;
}

/** One series of a result in columns: times (Unix ms) and values; NaN payloads (stale markers) preserved. */
export interface SeriesColumns {
  labels: Labels;
  t: Float64Array;
  v: Float64Array;
}

/** Statistics plus recorded gaps, for the status displays. */
export interface StoreReport extends StoreStats {
  gaps: StreamGap[];
}

/** A Graph query: an expression over [start, end] (Unix ms) at a resolution of `step` ms. */
export interface QueryRequest {
  expr: string;
  start: number;
  end: number;
  step: number;
  /** Stored samples of a plain selector instead of a PromQL evaluation. */
  raw?: boolean;
}

/** The series a query produced; 'raw' = stored samples of a selector, 'promql' = evaluated at each step. */
export interface QueryReply {
  mode: 'raw' | 'promql';
  /** Evaluation step (ms); 0 for raw samples. */
  step: number;
  series: SeriesColumns[];
  /** Engine annotations (warnings, then infos), each ending in its position. */
  warnings: string[];
}

/** Every request the worker answers: its fields and the type of its reply. */
export interface RequestMap {
  /** (Re)connect to a gateway. */
  configure: { req: { target: GatewayTarget }; res: null };
  /** Evaluates an expression for the Graph page. */
  query: { req: QueryRequest; res: QueryReply };
  /** Raw samples of the series matching the matchers in [start, end]. */
  select: { req: { matchers: LabelMatcher[]; start: number; end: number }; res: SeriesColumns[] };
  /** Label sets of the matching series. */
  series: { req: { matchers: LabelMatcher[] }; res: Labels[] };
  /** Values of one label over the matching series (metric names with name '__name__'). */
  labelValues: { req: { name: string; matchers: LabelMatcher[] }; res: string[] };
  stats: { req: Record<string, never>; res: StoreReport };
}

export type RequestType = keyof RequestMap;

/** A request as posted to the worker. */
export type WorkerRequest = { [K in RequestType]: { type: K; id: number } & RequestMap[K]['req'] }[RequestType];

/** Asks the worker to abandon request `id` (its reply becomes an error of kind 'canceled'). */
export interface CancelMessage {
  type: 'cancel';
  id: number;
}

export type ToWorker = WorkerRequest | CancelMessage;

/** Why a request failed: 'bad_request' is the user's to fix, the rest are not. */
export type ErrorKind = 'bad_request' | 'canceled' | 'internal';

export type ReplyMessage =
  | { type: 'reply'; id: number; ok: true; result: RequestMap[RequestType]['res'] }
  | { type: 'reply'; id: number; ok: false; kind: ErrorKind; error: string; position?: { start: number; end: number } };

/** Connection life cycle as shown in the UI. */
export type StreamState = 'idle' | 'standby' | 'connecting' | 'live' | 'waiting';

export interface StreamStatus {
  state: StreamState;
  /** Epoch and last stored sequence number. */
  epoch: string | null;
  lastSeq: number | null;
  /** Most recent problem (connection error, bad message), kept after recovery for display. */
  error: string | null;
  /** Wall-clock ms of the next reconnect attempt while 'waiting'. */
  retryAt: number | null;
  /** Failed attempts since the last successful hello. */
  attempt: number;
  /** Local clock minus gateway clock (ms), from heartbeats. */
  skewMs: number | null;
  /** Wall-clock ms when the last batch was stored. */
  lastBatchAt: number | null;
}

/** Samples landed in the store. */
export interface DataChange {
  epoch: string;
  seq: number;
  samples: number;
  /** Metric names that got samples. */
  names: string[];
  minT: number;
  maxT: number;
}

export type FromWorker =
  | ReplyMessage
  | { type: 'status'; status: StreamStatus }
  | { type: 'data-changed'; change: DataChange };

export const INITIAL_STATUS: StreamStatus = {
  state: 'idle',
  epoch: null,
  lastSeq: null,
  error: null,
  retryAt: null,
  attempt: 0,
  skewMs: null,
  lastBatchAt: null,
};
