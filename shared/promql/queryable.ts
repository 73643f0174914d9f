// The engine's storage seam: every store (test memory store, gateway head, studio IndexedDB) implements it.
import type { LabelMatcher } from './ast.ts';
import type { Labels } from '../model/labels.ts';

/** What the engine will read, so a store can prune chunks; times are Unix milliseconds, inclusive. */
export interface SelectHints {
  start: number;
  end: number;
  /** Range query step in ms (0 for instant queries). */
  step?: number;
  /** Function the selector feeds, e.g. "rate" (informational). */
  func?: string;
}

/**
 * One series' samples in [start, end], sorted by time, stale markers included (see model/stale.ts).
 * t and v have equal length; stores may hand out views of their own arrays, so the engine never mutates them.
 */
export interface SeriesSamples {
  labels: Labels;
  t: ArrayLike<number>;
  v: ArrayLike<number>;
}

/** Cancellation as the engine sees it; an AbortSignal satisfies this. */
export interface Cancellation {
  readonly aborted: boolean;
}

/** A read-only view of stored series. */
export interface Queryable {
  /** Series matching all matchers with their samples in [hints.start, hints.end]. */
  select(matchers: readonly LabelMatcher[], hints: SelectHints, cancel?: Cancellation): Promise<SeriesSamples[]>;
  /** Label names present on any series matching the matchers (all series when empty). */
  labelNames?(matchers: readonly LabelMatcher[], start: number, end: number): Promise<string[]>;
  /** Values of one label on series matching the matchers (all series when empty). */
  labelValues?(name: string, matchers: readonly LabelMatcher[], start: number, end: number): Promise<string[]>;
}
