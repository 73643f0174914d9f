// Query results and the engine's public contract, shared by the engine, its runners and the HTTP API.
import type { Labels } from '../model/labels.ts';
import type { Cancellation, Queryable } from './queryable.ts';

/** A float sample: time in Unix ms, value. */
export interface Point {
  t: number;
  v: number;
}

export interface VectorElement {
  labels: Labels;
  t: number;
  v: number;
}

export interface MatrixSeries {
  labels: Labels;
  points: Point[];
}

export type QueryValue =
  | { resultType: 'vector'; result: VectorElement[] }
  | { resultType: 'matrix'; result: MatrixSeries[] }
  | { resultType: 'scalar'; result: Point }
  | { resultType: 'string'; result: { t: number; v: string } };

/** Prometheus annotations: warnings and infos, each text already ending in its `(line:col)` position. */
export interface Annotations {
  warnings: string[];
  infos: string[];
}

export type QueryResult = QueryValue & { annotations: Annotations };

/** Error types as the Prometheus HTTP API names them. */
export type QueryErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal';

/** A query that failed for a reason the user can act on (bad query, limits, timeout, cancel). */
export class QueryError extends Error {
  constructor(
    readonly errorType: QueryErrorType,
    message: string,
    /** Character range in the query when known (parse errors). */
    readonly position?: { start: number; end: number },
  ) {
    super(message);
    this.name = 'QueryError';
  }
}

export interface QueryOptions {
  /** Lookback delta in ms (default 5 m). */
  lookbackDelta?: number;
  /** Max samples held at once; exceeding it fails with Prometheus's "query processing would load too many samples into memory in query execution". */
  maxSamples?: number;
  /** Absolute deadline (Unix ms, engine's clock); exceeding it fails with errorType 'timeout'. */
  deadline?: number;
  cancel?: Cancellation;
}

/** The engine as every caller uses it. Queries are strings or already-parsed ASTs. */
export interface QueryEngine {
  instantQuery(store: Queryable, query: string, timeMs: number, opts?: QueryOptions): Promise<QueryResult>;
  rangeQuery(store: Queryable, query: string, startMs: number, endMs: number, stepMs: number, opts?: QueryOptions): Promise<QueryResult>;
}
