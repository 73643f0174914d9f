// The evaluator's internal values: columnar series over the evaluation steps, raw range series, scalars, strings.
import type { Labels } from '../../model/labels.ts';

/** The steps one evaluation runs over: start, start+step, …, end (Unix ms). Instant evaluation has n = 1. */
export interface Steps {
  start: number;
  end: number;
  step: number;
  n: number;
}

/** Builds the step grid for [start, end] at `step` ms. */
export function makeSteps(start: number, end: number, step: number): Steps {
  const n = end < start ? 0 : Math.floor((end - start) / step) + 1;
  return { start, end, step, n };
}

/** One series of an instant vector evaluated at every step: v[i] is meaningful only where p[i] is 1. */
export interface Series {
  labels: Labels;
  v: Float64Array;
  p: Uint8Array;
  /** Prometheus's delayed `__name__` removal: drop the metric name (and type/unit) when the query finishes. */
  dropName: boolean;
}

export interface VectorValue {
  type: 'vector';
  series: Series[];
}

/** A scalar at every step (always present). */
export interface ScalarValue {
  type: 'scalar';
  v: Float64Array;
}

export interface StringValue {
  type: 'string';
  s: string;
}

/** One series of a range vector: its samples in time order, stale markers already removed. */
export interface RangeSeries {
  labels: Labels;
  t: ArrayLike<number>;
  v: ArrayLike<number>;
  dropName: boolean;
}

/** A range vector, only produced as the result of an instant query (a matrix selector or subquery). */
export interface MatrixValue {
  type: 'matrix';
  series: RangeSeries[];
}

export type Value = VectorValue | ScalarValue | StringValue | MatrixValue;

// Per-series columns are carved out of shared slabs: one ArrayBuffer per few hundred series instead of two per
// series. Allocating many small ArrayBuffers (and the GC pressure they cause) costs more than the queries' math.
const SLAB = 1 << 16;
let f64Slab = new Float64Array(0);
let f64Used = 0;
let u8Slab = new Uint8Array(0);
let u8Used = 0;

/** A zeroed Float64Array of length n (a view into a shared slab; never resized). */
export function allocF64(n: number): Float64Array {
  if (n > SLAB / 4) return new Float64Array(n);
  if (f64Used + n > f64Slab.length) {
    f64Slab = new Float64Array(SLAB);
    f64Used = 0;
  }
  const out = f64Slab.subarray(f64Used, f64Used + n);
  f64Used += n;
  return out;
}

/** A zeroed Uint8Array of length n (a view into a shared slab; never resized). */
export function allocU8(n: number): Uint8Array {
  if (n > SLAB / 4) return new Uint8Array(n);
  if (u8Used + n > u8Slab.length) {
    u8Slab = new Uint8Array(SLAB);
    u8Used = 0;
  }
  const out = u8Slab.subarray(u8Used, u8Used + n);
  u8Used += n;
  return out;
}

/** A new empty series over `n` steps. */
export function newSeries(labels: Labels, n: number, dropName: boolean): Series {
  return { labels, v: allocF64(n), p: allocU8(n), dropName };
}

/** Number of steps at which a series has a value. */
export function countPresent(s: Series): number {
  let c = 0;
  const p = s.p;
  for (let i = 0; i < p.length; i++) c += p[i];
  return c;
}

/** Sum of present points over all series (for the samples limit). */
export function totalPoints(series: readonly Series[]): number {
  let c = 0;
  for (const s of series) c += countPresent(s);
  return c;
}
