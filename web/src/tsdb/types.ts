// Public types of the studio TSDB beyond the SampleStore port: metadata, exemplars, status, checks, retention.
import type { Labels } from '../../../shared/model/labels.ts';
import type { MetricMetadata } from '../../../shared/stream/protocol.ts';
import type { AppendBatch, StreamPosition } from '../store/sampleStore.ts';

export type { MetricMetadata } from '../../../shared/stream/protocol.ts';

/** An exemplar as the stream delivers it, with the labels of the series it belongs to. */
export interface ExemplarAppend {
  series: Labels;
  labels: Labels;
  value: number;
  /** Unix ms (the sample's time when the exposition gave none). */
  ts: number;
}

/** An AppendBatch that may also carry the stream batch's metadata and exemplars, stored in the same transaction. */
export interface TsdbAppendBatch extends AppendBatch {
  meta?: Array<[family: string, meta: MetricMetadata]>;
  exemplars?: ExemplarAppend[];
}

/** Exemplars of one series, shaped like Prometheus's /api/v1/query_exemplars result (numbers, not strings). */
export interface ExemplarSeries {
  seriesLabels: Labels;
  exemplars: Array<{ labels: Labels; value: number; timestamp: number }>;
}

/**
 * What the UI shows about storage: 'ok'; 'quota-exceeded' (the browser refused a write: ingest has stopped,
 * everything stored before is intact, call resume() after freeing space); 'error' (another storage failure,
 * see message); 'closed'.
 */
export type TsdbState = 'ok' | 'quota-exceeded' | 'error' | 'closed';

export interface TsdbStatus {
  state: TsdbState;
  message: string | null;
  /** Whether this handle has appended (it is the tab's writer). */
  writer: boolean;
  /** Last stream position made durable, and the last one accepted into memory. */
  durable: StreamPosition | null;
  accepted: StreamPosition | null;
  /** Samples accepted but not yet durable (lost if the tab dies now). */
  pendingSamples: number;
  lastFlushAt: number | null;
  lastFlushMs: number | null;
  /** navigator.storage.persist() outcome (null before asking or where unsupported). */
  persisted: boolean | null;
  /** navigator.storage.estimate() figures in bytes (null where unsupported). */
  usage: number | null;
  quota: number | null;
  /** Bytes the store accounts for: blocks, WAL, series and postings records, metadata and exemplars. */
  storedBytes: number;
}

/** When flushes happen: whichever limit is reached first. */
export interface FlushPolicy {
  /** Upper bound on how long accepted samples stay only in memory. */
  maxDelayMs: number;
  /** Flush after this many appended batches. */
  maxBatches: number;
  /** Flush once this many samples are pending (in eager mode: appends then wait for the flush, as back-pressure). */
  maxSamples: number;
  /**
   * Group commit: start a flush after every append without waiting for it. Flushes run one at a time, so while one
   * is writing, later appends gather into the next: under load each flush takes everything accepted meanwhile, and
   * ingest never waits for IndexedDB (until maxSamples are pending). maxDelayMs still bounds a flush that fails to start.
   */
  eager?: boolean;
}

/**
 * The store's default: batched, with a bounded delay. A tab that dies loses at most the samples accepted since the
 * last committed flush, i.e. about maxDelayMs (plus the duration of a write in progress) of the stream; the store
 * resumes from its durable position, so the gateway replays them. Batching is what keeps ingest fast: a flush per
 * append, waited for, costs one IndexedDB transaction each (see bench:store --max-batches 1).
 */
export const DEFAULT_FLUSH_POLICY: FlushPolicy = { maxDelayMs: 1000, maxBatches: 64, maxSamples: 500_000 };

/**
 * The studio's stream worker: the defaults plus group commit. What is accepted becomes durable one flush later
 * (the write in progress, then the next), without ingest ever waiting for it; bench:store measures ingest with this.
 */
export const STUDIO_FLUSH_POLICY: Partial<FlushPolicy> = { eager: true };

/** Retention limits; Prometheus's defaults are 15 d and (for the studio) 1 GiB. */
export interface RetentionPolicy {
  timeMs: number;
  maxBytes: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { timeMs: 15 * 86_400_000, maxBytes: 1024 ** 3 };

/** What a consistency check found; `ok` when nothing needed repair. */
export interface CheckReport {
  ok: boolean;
  series: number;
  /** Block records. */
  chunks: number;
  /** Series with data in the open region (WAL). */
  heads: number;
  samples: number;
  /** WAL records that failed to decode, dropped (their samples are lost). */
  droppedHeads: number;
  /** Block records that failed to decode, dropped. */
  droppedChunks: number;
  problems: string[];
  durable: StreamPosition | null;
}

/** What one retention pass removed. */
export interface RetentionReport {
  /** Chunks with mint before this were deleted (null: nothing to do). */
  cutoff: number | null;
  reason: 'time' | 'size' | null;
  chunks: number;
  samples: number;
  bytes: number;
  series: number;
}
