// Phase two of evaluation: the synchronous evaluator over fetched data, one plan node at a time, columnar over steps.
import { isStaleMarker } from '../../model/stale.ts';
import type { Labels } from '../../model/labels.ts';
import type { Cancellation, SeriesSamples } from '../queryable.ts';
import { QueryError } from '../result.ts';
import { AnnotationSet } from './annotations.ts';
import { evalAggregate } from './aggregate.ts';
import { evalBinary } from './binary.ts';
import { evalCall } from './functions.ts';
import type { MatrixPlan, Plan, Selector, SubqueryPlan } from './plan.ts';
import { subqueryWindow } from './subquery.ts';
import {
  allocF64,
  makeSteps,
  newSeries,
  totalPoints,
  type MatrixValue,
  type RangeSeries,
  type ScalarValue,
  type Series,
  type Steps,
  type Value,
  type VectorValue,
} from './values.ts';

/** Settings of one evaluation. */
export interface EvalSettings {
  lookback: number;
  maxSamples: number;
  deadline: number | undefined;
  cancel: Cancellation | undefined;
  /** Step (ms) of subqueries that give none. */
  subqueryStep: number;
  now: () => number;
}

/** The window of the whole query (not of a subquery being evaluated). */
export interface QueryWindow {
  start: number;
  end: number;
  /** 0 for instant queries. */
  step: number;
  range: boolean;
}

/** Index of the first element of t (from `lo`) that is > x. */
export function upperBound(t: ArrayLike<number>, x: number, lo = 0, hi = t.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Removes stale markers from a stored series (sharing the arrays when there are none). */
export function stripStale(s: SeriesSamples, dropName: boolean): RangeSeries {
  const v = s.v;
  const n = v.length;
  let stale = 0;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x !== x && isStaleMarker(x)) stale++;
  }
  if (stale === 0) return { labels: s.labels, t: s.t, v: s.v, dropName };
  const t2 = allocF64(n - stale);
  const v2 = allocF64(n - stale);
  let j = 0;
  for (let i = 0; i < n; i++) {
    const x = v[i];
    if (x !== x && isStaleMarker(x)) continue;
    t2[j] = s.t[i];
    v2[j] = x;
    j++;
  }
  return { labels: s.labels, t: t2, v: v2, dropName };
}

/** Walks a plan once per query; all evaluation state of one query lives here. */
export class Evaluator {
  readonly annotations = new AnnotationSet();
  private held = 0;

  constructor(
    readonly cfg: EvalSettings,
    /** Info-series selections of info() calls, fetched in phase one. */
    readonly infoData: Map<Plan, SeriesSamples[]>,
    /** The query's own window, for start(), end(), range(), step() and range-query-only annotations. */
    readonly query: QueryWindow,
  ) {}


  /** Throws if the query was canceled or ran past its deadline; cheap enough to call per series. */
  checkpoint(): void {
    this.checkNow();
  }

  /** Cancel/deadline check. */
  checkNow(): void {
    if (this.cfg.cancel?.aborted) throw new QueryError('canceled', 'query was canceled in expression evaluation');
    if (this.cfg.deadline !== undefined && this.cfg.now() > this.cfg.deadline) {
      throw new QueryError('timeout', 'query timed out in expression evaluation');
    }
  }

  /** Accounts for `n` more samples held in memory; throws Prometheus's error past the limit. */
  hold(n: number): void {
    this.held += n;
    if (this.held > this.cfg.maxSamples) {
      throw new QueryError('execution', 'query processing would load too many samples into memory in query execution');
    }
  }

  /** Evaluates `p` at every step of `st`. */
  eval(p: Plan, st: Steps): Value {
    const before = this.held;
    const v = this.evalNode(p, st);
    this.held = before;
    this.hold(sizeOf(v));
    return v;
  }

  /** Evaluates an instant-vector-typed plan. */
  evalVector(p: Plan, st: Steps): VectorValue {
    const v = this.eval(p, st);
    if (v.type !== 'vector') throw new QueryError('execution', `expected instant vector, got ${v.type}`);
    return v;
  }

  /** Evaluates a scalar-typed plan. */
  evalScalar(p: Plan, st: Steps): ScalarValue {
    const v = this.eval(p, st);
    if (v.type !== 'scalar') throw new QueryError('execution', `expected scalar, got ${v.type}`);
    return v;
  }

  private evalNode(p: Plan, st: Steps): Value {
    this.checkpoint();
    switch (p.kind) {
      case 'number': {
        const v = new Float64Array(st.n);
        v.fill(p.value);
        return { type: 'scalar', v };
      }
      case 'string':
        return { type: 'string', s: p.value };
      case 'vector':
        return { type: 'vector', series: this.vectorSelector(p.sel, st, false) };
      case 'matrix':
        return this.matrixSelector(p, st);
      case 'subquery':
        return this.subqueryMatrix(p, st);
      case 'invariant':
        return this.invariant(p.expr, st);
      case 'neg': {
        const v = this.eval(p.expr, st);
        if (v.type === 'scalar') return { type: 'scalar', v: v.v.map((x) => -x) };
        if (v.type !== 'vector') throw new QueryError('execution', 'unary minus needs a scalar or instant vector');
        return {
          type: 'vector',
          series: v.series.map((s) => {
            const neg = allocF64(s.v.length);
            for (let i = 0; i < neg.length; i++) neg[i] = -s.v[i];
            return { labels: s.labels, v: neg, p: s.p, dropName: true };
          }),
        };
      }
      case 'binary':
        return evalBinary(this, p, st);
      case 'agg':
        return evalAggregate(this, p, st);
      case 'call':
        return evalCall(this, p, st);
    }
  }

  /** A step-invariant subtree: evaluated at the first step only, then repeated over all steps. */
  private invariant(p: Plan, st: Steps): Value {
    if (st.n <= 1) return this.eval(p, st);
    const one = makeSteps(st.start, st.start, st.step);
    const v = this.eval(p, one);
    switch (v.type) {
      case 'scalar': {
        const out = new Float64Array(st.n);
        out.fill(v.v[0]);
        return { type: 'scalar', v: out };
      }
      case 'vector': {
        const series: Series[] = [];
        for (const s of v.series) {
          if (!s.p[0]) continue;
          const out = newSeries(s.labels, st.n, s.dropName);
          out.v.fill(s.v[0]);
          out.p.fill(1);
          series.push(out);
        }
        return { type: 'vector', series };
      }
      default:
        return v;
    }
  }

  /**
   * Instant vector selection: at each step the newest sample within the lookback window, unless that sample is a
   * stale marker. With `timestamps`, the value is the sample's own time in seconds (for timestamp()).
   */
  vectorSelector(sel: Selector, st: Steps, timestamps: boolean): Series[] {
    if (sel.smoothed) return this.smoothedSelector(sel, st);
    const out: Series[] = [];
    const lb = this.cfg.lookback;
    const n = st.n;
    for (const s of sel.data) {
      this.checkpoint();
      const t = s.t;
      const v = s.v;
      const len = t.length;
      if (sel.at !== null) {
        // Prometheus pins timestamp() of an @ selector to the @ time itself, ignoring any offset.
        const ref = timestamps ? sel.at : sel.at - sel.offset;
        const k = upperBound(t, ref) - 1;
        if (k < 0 || t[k] <= ref - lb || isStaleMarker(v[k])) continue;
        const ser = newSeries(s.labels, n, timestamps);
        ser.v.fill(timestamps ? t[k] / 1000 : v[k]);
        ser.p.fill(1);
        out.push(ser);
        this.hold(n);
        continue;
      }
      let ser: Series | null = null;
      let points = 0;
      let j = upperBound(t, st.start - sel.offset);
      for (let i = 0; i < n; i++) {
        const ref = st.start + i * st.step - sel.offset;
        while (j < len && t[j] <= ref) j++;
        const k = j - 1;
        if (k < 0 || t[k] <= ref - lb) continue;
        const x = v[k];
        if (x !== x && isStaleMarker(x)) continue;
        ser ??= newSeries(s.labels, n, timestamps);
        ser.v[i] = timestamps ? t[k] / 1000 : x;
        ser.p[i] = 1;
        points++;
      }
      if (ser) out.push(ser);
      // Counted as they are produced, so a too-large query fails before it exhausts memory.
      this.hold(points);
    }
    return out;
  }

  /** Prometheus's smoothed instant selector: linear interpolation between the samples around each step. */
  private smoothedSelector(sel: Selector, st: Steps): Series[] {
    const out: Series[] = [];
    const lb = this.cfg.lookback;
    for (const raw of sel.data) {
      this.checkpoint();
      const s = stripStale(raw, false);
      const t = s.t;
      const v = s.v;
      let ser: Series | null = null;
      for (let i = 0; i < st.n; i++) {
        const ts = (sel.at ?? st.start + i * st.step) - sel.offset;
        const lo = upperBound(t, ts - lb);
        const hi = upperBound(t, ts + lb);
        if (hi <= lo) continue;
        // First index in the window with t >= ts.
        let k = lo;
        while (k < hi && t[k] < ts) k++;
        let val: number;
        if (k < hi && t[k] === ts) val = v[k];
        else if (k > lo && k < hi) val = v[k - 1] + ((v[k] - v[k - 1]) * (ts - t[k - 1])) / (t[k] - t[k - 1]);
        else if (k > lo) val = v[k - 1];
        else continue;
        ser ??= newSeries(s.labels, st.n, false);
        ser.v[i] = val;
        ser.p[i] = 1;
      }
      if (ser) out.push(ser);
    }
    return out;
  }

  /** A range vector as an instant query's result: the samples in (t - range, t], stale markers removed. */
  private matrixSelector(p: MatrixPlan, st: Steps): MatrixValue {
    if (st.n !== 1) throw new QueryError('execution', 'cannot do range evaluation of matrix selector');
    const sel = p.sel;
    const end = (sel.at ?? st.start) - sel.offset;
    const start = end - p.range;
    const lb = this.cfg.lookback;
    const series: RangeSeries[] = [];
    for (const raw of sel.data) {
      this.checkpoint();
      const s = stripStale(raw, false);
      if (sel.anchored || sel.smoothed) {
        const lo = upperBound(s.t, start - lb);
        const hi = upperBound(s.t, sel.smoothed ? end + lb : end);
        const ext = extendFloats(s.t, s.v, lo, hi, start, end, sel.smoothed);
        if (ext) series.push({ labels: s.labels, t: ext.t, v: ext.v, dropName: false });
        continue;
      }
      const lo = upperBound(s.t, start);
      const hi = upperBound(s.t, end);
      if (hi <= lo) continue;
      series.push({ labels: s.labels, t: sliceOf(s.t, lo, hi), v: sliceOf(s.v, lo, hi), dropName: false });
    }
    return { type: 'matrix', series };
  }

  /** A subquery as an instant query's result: the inner expression's points at the subquery's steps. */
  private subqueryMatrix(p: SubqueryPlan, st: Steps): MatrixValue {
    if (st.n !== 1) throw new QueryError('execution', 'cannot do range evaluation of a subquery');
    return { type: 'matrix', series: this.subquerySeries(p, st) };
  }

  /** Evaluates a subquery's inner expression over its own step grid and returns the result as range series. */
  subquerySeries(p: SubqueryPlan, st: Steps): RangeSeries[] {
    const inner = subqueryWindow(p, st.start, st.end, this.cfg.subqueryStep);
    const v = this.eval(p.expr, inner);
    if (v.type === 'scalar') {
      const t = new Float64Array(inner.n);
      for (let i = 0; i < inner.n; i++) t[i] = inner.start + i * inner.step;
      return inner.n > 0 ? [{ labels: {}, t, v: v.v, dropName: false }] : [];
    }
    if (v.type !== 'vector') throw new QueryError('execution', 'subquery needs an instant vector or scalar expression');
    return v.series.map((s) => seriesToRange(s, inner));
  }
}

/** Converts a columnar series to its present points at the step times. */
export function seriesToRange(s: Series, st: Steps): RangeSeries {
  let n = 0;
  for (let i = 0; i < st.n; i++) n += s.p[i];
  const t = allocF64(n);
  const v = allocF64(n);
  let j = 0;
  for (let i = 0; i < st.n; i++) {
    if (!s.p[i]) continue;
    t[j] = st.start + i * st.step;
    v[j] = s.v[i];
    j++;
  }
  return { labels: s.labels, t, v, dropName: s.dropName };
}

function sliceOf(a: ArrayLike<number>, lo: number, hi: number): ArrayLike<number> {
  if (a instanceof Float64Array) return a.subarray(lo, hi);
  return Array.prototype.slice.call(a, lo, hi) as number[];
}

/**
 * Prometheus extendFloats: the samples of an anchored or smoothed range as seen by a range-vector result, with
 * synthetic points at both range boundaries. `lo..hi` cover the extended window.
 */
export function extendFloats(
  t: ArrayLike<number>,
  v: ArrayLike<number>,
  lo: number,
  hi: number,
  mint: number,
  maxt: number,
  smoothed: boolean,
): { t: Float64Array; v: Float64Array } | null {
  if (hi <= lo) return null;
  let last = hi - 1;
  let first = Math.max(lo, upperBound(t, mint, lo, last) - 1);
  if (smoothed) {
    let k = lo;
    while (k < last && t[k] < maxt) k++;
    last = k;
  }
  if (t[last] <= mint) return null;
  const interp = (i: number, j: number, x: number) => v[i] + ((v[j] - v[i]) * (x - t[i])) / (t[j] - t[i]);
  const left = smoothed && t[first] < mint ? interp(first, first + 1, mint) : v[first];
  const right = smoothed && last > lo && t[last] > maxt ? interp(last - 1, last, maxt) : v[last];
  if (t[first] <= mint) first++;
  if (t[last] >= maxt) last--;
  const count = Math.max(last - first + 1, 0);
  const ot = new Float64Array(count + 2);
  const ov = new Float64Array(count + 2);
  ot[0] = mint;
  ov[0] = left;
  for (let i = 0; i < count; i++) {
    ot[i + 1] = t[first + i];
    ov[i + 1] = v[first + i];
  }
  ot[count + 1] = maxt;
  ov[count + 1] = right;
  return { t: ot, v: ov };
}

/** Points held by a value, for the samples limit. */
function sizeOf(v: Value): number {
  switch (v.type) {
    case 'vector':
      return totalPoints(v.series);
    case 'scalar':
      return v.v.length;
    case 'matrix': {
      let n = 0;
      for (const s of v.series) n += s.t.length;
      return n;
    }
    default:
      return 0;
  }
}

/** Labels of absent()/absent_over_time() output: the selector's equality matchers (each name once). */
export function absentLabels(p: Plan): Labels {
  let sel: Selector | null = null;
  if (p.kind === 'vector' || p.kind === 'matrix') sel = p.sel;
  else if (p.kind === 'invariant' && (p.expr.kind === 'vector' || p.expr.kind === 'matrix')) sel = p.expr.sel;
  if (!sel) return {};
  const out: Record<string, string> = {};
  const has = new Set<string>();
  for (const m of sel.matchers) {
    if (m.name === '__name__') continue;
    if (m.type === '=' && !has.has(m.name)) {
      // An empty value means "label absent", as a labels.Builder treats it.
      if (m.value === '') delete out[m.name];
      else out[m.name] = m.value;
      has.add(m.name);
    } else {
      delete out[m.name];
    }
  }
  return out;
}
