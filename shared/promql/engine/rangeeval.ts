// Range-vector function calls: each series is swept once with a window sliding along the steps (two moving indices).
import { QueryError } from '../result.ts';
import { invalidQuantile, possibleNonCounter } from './annotations.ts';
import { absentLabels, stripStale, upperBound, type Evaluator } from './evaluator.ts';
import type { CallPlan } from './plan.ts';
import { resetPrefix, SlidingExtreme, WINDOW_FUNCTIONS, type Window } from './rangefns.ts';
import { newSeries, type RangeSeries, type Series, type Steps, type VectorValue } from './values.ts';
import type { Labels } from '../../model/labels.ts';

/**
 * Receives each output series of a streamed evaluation. `v`/`p` are only valid during the call (the buffers are
 * reused for the next series).
 */
export type SeriesSink = (labels: Labels, v: Float64Array, p: Uint8Array, dropName: boolean) => void;

/** Whether a call can be streamed series by series (everything but absent_over_time). */
export function isStreamableRangeCall(p: CallPlan): boolean {
  return p.name !== 'absent_over_time' && p.args.some((a) => a.type === 'matrix') && p.name in WINDOW_FUNCTIONS;
}

/** Evaluates a range-vector function into a vector. */
export function evalRangeFunction(ev: Evaluator, p: CallPlan, st: Steps): VectorValue {
  if (p.name === 'absent_over_time') return absentOverTime(ev, p, st);
  const out: Series[] = [];
  sweep(ev, p, st, null, out);
  return { type: 'vector', series: out };
}

/** Evaluates a range-vector function, handing each output series to `sink` instead of keeping it. */
export function streamRangeFunction(ev: Evaluator, p: CallPlan, st: Steps, sink: SeriesSink): void {
  sweep(ev, p, st, sink, null);
}

interface RangeInput {
  series: RangeSeries[];
  range: number;
  offset: number;
  at: number | null;
  anchored: boolean;
  smoothed: boolean;
}

function rangeInput(ev: Evaluator, p: CallPlan, st: Steps): { input: RangeInput; scalars: Float64Array[]; argPos: number } {
  const mIdx = p.args.findIndex((a) => a.type === 'matrix');
  const marg = p.args[mIdx];
  const scalars: Float64Array[] = [];
  for (let i = 0; i < p.args.length; i++) if (i !== mIdx) scalars.push(ev.evalScalar(p.args[i], st).v);
  if (marg.kind === 'matrix') {
    const sel = marg.sel;
    return {
      input: {
        series: sel.data.map((s) => stripStale(s, false)),
        range: marg.range,
        offset: sel.offset,
        at: sel.at,
        anchored: sel.anchored,
        smoothed: sel.smoothed,
      },
      scalars,
      argPos: mIdx,
    };
  }
  if (marg.kind === 'subquery') {
    return {
      input: {
        series: ev.subquerySeries(marg, st),
        range: marg.range,
        offset: marg.offset,
        at: marg.at,
        anchored: false,
        smoothed: false,
      },
      scalars,
      argPos: mIdx,
    };
  }
  throw new QueryError('execution', `unexpected argument to ${p.name}`);
}

/** Runs the function over every input series; output goes to `sink` (reused buffers) or into `out`. */
function sweep(ev: Evaluator, p: CallPlan, st: Steps, sink: SeriesSink | null, out: Series[] | null): void {
  const name = p.name;
  const fn = WINDOW_FUNCTIONS[name];
  if (!fn) throw new QueryError('bad_data', `function "${name}" is not supported`, p.pos);
  const { input, scalars, argPos } = rangeInput(ev, p, st);
  const { range, offset, at, anchored, smoothed } = input;
  const lb = ev.cfg.lookback;
  const extraLo = anchored || smoothed ? lb : 0;
  const extraHi = smoothed ? lb : 0;
  const dropName = name !== 'last_over_time' && name !== 'first_over_time';
  const counter = name === 'rate' || name === 'increase';
  const rateFamily = !anchored && !smoothed && (counter || name === 'delta');
  const quantileArg = name === 'quantile_over_time';
  const extreme =
    name === 'max_over_time' ? new SlidingExtreme(true) : name === 'min_over_time' ? new SlidingExtreme(false) : null;
  const w: Window = {
    t: [],
    v: [],
    lo: 0,
    hi: 0,
    ts: 0,
    rangeStart: 0,
    rangeEnd: 0,
    range,
    anchored,
    smoothed,
    args: scalars.map(() => 0),
  };
  const res = { v: 0 };
  const n = st.n;
  const buf = sink ? newSeries({}, n, false) : null;
  let maxWindow = 0;

  for (const s of input.series) {
    ev.checkpoint();
    const t = s.t;
    const v = s.v;
    const len = t.length;
    const ser = buf ?? newSeries(s.labels, n, dropName || s.dropName);
    const ov = ser.v;
    const op = ser.p;
    if (buf) op.fill(0);
    let any = false;
    if (rateFamily) {
      any = extrapolatedColumn(t, v, counter ? resetPrefix(v) : null, st, at, offset, range, counter, name === 'rate', ov, op);
    } else {
      w.t = t;
      w.v = v;
      const ref0 = (at ?? st.start) - offset;
      let lo = upperBound(t, ref0 - range - extraLo);
      let hi = upperBound(t, ref0 + extraHi);
      if (extreme) {
        extreme.reset(v);
        for (let k = lo; k < hi; k++) extreme.push(k);
      }
      for (let i = 0; i < n; i++) {
        const ts = st.start + i * st.step;
        const ref = (at ?? ts) - offset;
        const winLo = ref - range - extraLo;
        const winHi = ref + extraHi;
        if (extreme) {
          while (hi < len && t[hi] <= winHi) extreme.push(hi++);
          while (lo < hi && t[lo] <= winLo) lo++;
          extreme.evict(lo);
        } else {
          while (hi < len && t[hi] <= winHi) hi++;
          while (lo < hi && t[lo] <= winLo) lo++;
        }
        if (hi <= lo) continue;
        if (hi - lo > maxWindow) maxWindow = hi - lo;
        if (extreme) {
          ov[i] = extreme.value();
          op[i] = 1;
          any = true;
          continue;
        }
        w.lo = lo;
        w.hi = hi;
        w.ts = ts;
        w.rangeStart = ref - range;
        w.rangeEnd = ref;
        for (let k = 0; k < scalars.length; k++) w.args[k] = scalars[k][i];
        if (!fn(w, res)) continue;
        if (quantileArg) {
          const q = w.args[0];
          if (q !== q || q < 0 || q > 1) ev.annotations.warn(invalidQuantile(q), p.args[0].pos);
        }
        ov[i] = res.v;
        op[i] = 1;
        any = true;
      }
    }
    if (!any) continue;
    if (counter) {
      const metric = s.labels.__name__;
      if (metric && !/_(total|sum|count|bucket)$/.test(metric)) ev.annotations.info(possibleNonCounter(metric), p.args[argPos].pos);
    }
    if (sink) sink(s.labels, ov, op, dropName || s.dropName);
    else {
      (out as Series[]).push(ser);
      ev.hold(n);
    }
  }
  ev.hold(maxWindow);
}

/**
 * rate(), increase() and delta() over a plain range for all steps of one series: Prometheus's extrapolatedRate
 * with the window bounds moved incrementally and counter resets found through prefix counts.
 */
function extrapolatedColumn(
  t: ArrayLike<number>,
  v: ArrayLike<number>,
  resets: Int32Array | null,
  st: Steps,
  at: number | null,
  offset: number,
  range: number,
  isCounter: boolean,
  isRate: boolean,
  ov: Float64Array,
  op: Uint8Array,
): boolean {
  const len = t.length;
  const n = st.n;
  const rangeSecs = range / 1000;
  const ref0 = (at ?? st.start) - offset;
  let lo = upperBound(t, ref0 - range);
  let hi = upperBound(t, ref0);
  let any = false;
  for (let i = 0; i < n; i++) {
    const ref = (at ?? st.start + i * st.step) - offset;
    const winLo = ref - range;
    while (hi < len && t[hi] <= ref) hi++;
    while (lo < hi && t[lo] <= winLo) lo++;
    const count = hi - lo;
    if (count < 2) continue;
    const first = v[lo];
    const last = hi - 1;
    let result = v[last] - first;
    if (isCounter && (resets as Int32Array)[last] !== (resets as Int32Array)[lo]) {
      let prev = first;
      for (let k = lo + 1; k <= last; k++) {
        const cur = v[k];
        if (cur < prev) result += prev;
        prev = cur;
      }
    }
    const firstT = t[lo];
    const lastT = t[last];
    let toStart = (firstT - winLo) / 1000;
    let toEnd = (ref - lastT) / 1000;
    const sampled = (lastT - firstT) / 1000;
    const avg = sampled / (count - 1);
    const threshold = avg * 1.1;
    if (toStart >= threshold) toStart = avg / 2;
    if (isCounter && result > 0 && first >= 0) {
      // A counter cannot go below zero: never extrapolate past the point where it would have been zero.
      const toZero = sampled * (first / result);
      if (toZero < toStart) toStart = toZero;
    }
    if (toEnd >= threshold) toEnd = avg / 2;
    let factor = (sampled + toStart + toEnd) / sampled;
    if (isRate) factor /= rangeSecs;
    ov[i] = result * factor;
    op[i] = 1;
    any = true;
  }
  return any;
}

/** absent_over_time(): one series, labelled from the selector's equality matchers, where no input series has samples. */
function absentOverTime(ev: Evaluator, p: CallPlan, st: Steps): VectorValue {
  const anyPresent = new Uint8Array(st.n);
  sweep(ev, { ...p, name: 'present_over_time' }, st, (_l, _v, pr) => {
    for (let i = 0; i < st.n; i++) anyPresent[i] |= pr[i];
  }, null);
  const absent = newSeries(absentLabels(p.args[0]), st.n, true);
  let any = false;
  for (let i = 0; i < st.n; i++) {
    if (anyPresent[i]) continue;
    absent.v[i] = 1;
    absent.p[i] = 1;
    any = true;
  }
  return { type: 'vector', series: any ? [absent] : [] };
}
