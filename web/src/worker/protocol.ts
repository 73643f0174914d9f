// Typed messages between the UI thread and the stream worker: requests with ids, replies, and pushed events.
import type { Labels } from '../../../shared/model/labels.ts';
import type { LabelMatcher } from '../../../shared/promql/ast.ts';
import type { MetricMetadata } from '../../../shared/stream/protocol.ts';
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

/** An instant query (Explore's table): the value at `time` (Unix ms). */
export interface InstantRequest {
  expr: string;
  time: number;
}

/** An instant query's result: vectors and matrices as columnar series (one sample per series for a vector). */
export interface InstantReply {
  resultType: 'vector' | 'matrix' | 'scalar' | 'string';
  /** Vector elements, matrix series, or the scalar as one series without labels. */
  series: SeriesColumns[];
  /** The value of a string result. */
  text?: string;
  warnings: string[];
}

/** What one sub-expression of the Explain tree evaluated to at the explain time. */
export interface ExplainCount {
  resultType: InstantReply['resultType'] | null;
  /** Series in the result (1 for a scalar or string). */
  series: number;
  /** Samples in a matrix result (one per series otherwise). */
  samples: number;
  /** Label names over the result's series with their numbers of distinct values, most varied first (at most 12). */
  labels: Array<[name: string, values: number]>;
  /** Evaluation time of this sub-expression alone (ms). */
  ms: number;
  /** Why it could not be evaluated. */
  error?: string;
}

/** A metric in the store, for the metric browser: HELP/TYPE/UNIT when the store keeps stream metadata. */
export interface MetricSummary {
  name: string;
  series: number;
  type?: MetricMetadata['type'];
  help?: string;
  unit?: string;
}

/** Storage figures for the Storage page; fields a store does not expose are null. */
export interface StorageReport {
  /** Bytes the store accounts for (chunks, indexes, metadata). */
  storedBytes: number | null;
  retention: { timeMs: number; maxBytes: number } | null;
  /** 'ok', 'quota-exceeded', 'error' or 'closed' (TSDB stores), null when unknown. */
  state: string | null;
  message: string | null;
  /** Whether the browser agreed to keep the data (navigator.storage.persist()). */
  persisted: boolean | null;
  /** Whether the store keeps HELP/TYPE metadata. */
  hasMetadata: boolean;
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
  /** Label names over the matching series (for autocompletion). */
  labelNames: { req: { matchers: LabelMatcher[] }; res: string[] };
  /** HELP/TYPE/UNIT by metric family ({} when the store keeps no metadata). */
  metadata: { req: Record<string, never>; res: Record<string, MetricMetadata[]> };
  /** Every metric name with its series count and metadata. */
  metrics: { req: Record<string, never>; res: MetricSummary[] };
  /** Evaluates an expression at one instant (Explore's table). */
  instant: { req: InstantRequest; res: InstantReply };
  /** Evaluates each expression at `time` and counts what it returns (Explore's Explain tree). */
  explain: { req: { exprs: string[]; time: number }; res: ExplainCount[] };
  /** Bytes, retention and state of the store. */
  storage: { req: Record<string, never>; res: StorageReport };
  /** Asks the store to use these retention limits; `applied` is false when the store cannot change them while open. */
  setRetention: { req: { timeMs: number; maxBytes: number }; res: { applied: boolean } };
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
