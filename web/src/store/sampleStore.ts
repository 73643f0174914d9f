// The studio's storage port: what the stream worker writes and the query side reads, so implementations can be swapped.
import type { Labels } from '../../../shared/model/labels.ts';
import type { LabelMatcher } from '../../../shared/promql/ast.ts';
import type { Queryable } from '../../../shared/promql/queryable.ts';

/**
 * One series' new samples in a batch; t is sorted ascending (Unix ms) and v has the same length. Values are a
 * Float64Array because V8 canonicalises NaN payloads in plain number arrays, which would erase stale markers.
 */
export interface SeriesAppend {
  labels: Labels;
  t: Float64Array;
  v: Float64Array;
}

/** Samples from one or more consecutive stream batches; `seq` is the last batch sequence they cover. */
export interface AppendBatch {
  epoch: string;
  seq: number;
  series: SeriesAppend[];
}

/** Where the stream stands in durable storage: resume with `?epoch=<epoch>&after=<seq>`. */
export interface StreamPosition {
  epoch: string;
  seq: number;
}

/** A stretch of stream the store never received (gateway could not replay it, or its epoch changed). */
export interface StreamGap {
  /** Wall-clock ms when the gap was noticed. */
  at: number;
  /** Epoch the store was on (null when it had none). */
  epoch: string | null;
  afterSeq: number;
  /** Epoch and sequence number the stream resumed at. */
  resumedEpoch: string;
  resumedAtSeq: number;
}

/** Totals for the status display; sample counts include stale markers. */
export interface StoreStats {
  series: number;
  samples: number;
  /** Oldest and newest sample timestamps held (Unix ms), null when empty. */
  oldest: number | null;
  newest: number | null;
  position: StreamPosition | null;
}

/**
 * Sample storage behind the stream. `appendBatch` makes samples and the stream position durable together,
 * so a resume after a crash or reload neither loses nor repeats a batch. A store may make them durable after the
 * call returns (the TSDB's group commit): what a crash loses then is only what the gateway replays from the
 * durable position on resume.
 */
export interface SampleStore extends Queryable {
  /**
   * Stores the batch's samples and advances the position to (epoch, seq) atomically. Batches at or before the
   * current position in the same epoch are ignored. A sample at a timestamp the series already has replaces it.
   */
  appendBatch(batch: AppendBatch): Promise<void>;
  /** Label sets of the series matching all matchers (every series when empty), in Prometheus label order. */
  seriesList(matchers: readonly LabelMatcher[]): Promise<Labels[]>;
  /** The last durable stream position, or null before the first batch. */
  position(): Promise<StreamPosition | null>;
  recordGap(gap: StreamGap): Promise<void>;
  /** Gaps recorded so far, oldest first. */
  gaps(): Promise<StreamGap[]>;
  stats(): Promise<StoreStats>;
  close(): void;
}
