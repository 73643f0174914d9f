// PromQL function calls: dispatch, range-vector functions over sliding windows, and the instant-vector functions.
import { compareLabels } from '../../model/labels.ts';
import { QueryError } from '../result.ts';
import { sortIneffective } from './annotations.ts';
import { absentLabels, type Evaluator } from './evaluator.ts';
import { evalHistogramFraction, evalHistogramQuantile, evalHistogramQuantiles } from './histogramfns.ts';
import { evalInfo } from './info.ts';
import { evalLabelJoin, evalLabelReplace, naturalLess } from './labelfns.ts';
import type { CallPlan, Plan } from './plan.ts';
import { evalRangeFunction } from './rangeeval.ts';
import { allocF64, newSeries, type Series, type Steps, type Value, type VectorValue } from './values.ts';

const MATH: Readonly<Record<string, (x: number) => number>> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  sqrt: Math.sqrt,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  rad: (v) => (v * Math.PI) / 180,
  deg: (v) => (v * 180) / Math.PI,
  sgn: (v) => (v < 0 ? -1 : v > 0 ? 1 : v),
};

/** Date functions on Unix seconds (UTC), as Go's time package computes them. */
const DATE: Readonly<Record<string, (d: Date) => number>> = {
  day_of_month: (d) => d.getUTCDate(),
  day_of_week: (d) => d.getUTCDay(),
  day_of_year: (d) => {
    const start = Date.UTC(d.getUTCFullYear(), 0, 1);
    return Math.floor((d.getTime() - start) / 86400000) + 1;
  },
  days_in_month: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(),
  hour: (d) => d.getUTCHours(),
  minute: (d) => d.getUTCMinutes(),
  month: (d) => d.getUTCMonth() + 1,
  year: (d) => d.getUTCFullYear(),
};

/** Functions that only read native histograms: on float input they return nothing. */
const NATIVE_HISTOGRAM_ONLY = new Set(['histogram_count', 'histogram_sum', 'histogram_avg', 'histogram_stddev', 'histogram_stdvar']);

const SORTS = new Set(['sort', 'sort_desc', 'sort_by_label', 'sort_by_label_desc']);

/** Evaluates a function call at every step. */
export function evalCall(ev: Evaluator, p: CallPlan, st: Steps): Value {
  const name = p.name;
  if (p.args.some((a) => a.type === 'matrix')) return evalRangeFunction(ev, p, st);
  if (name in MATH) return mapSeries(ev.evalVector(p.args[0], st), MATH[name]);
  if (name in DATE) return evalDate(ev, p, st);
  if (SORTS.has(name)) return evalSort(ev, p, st);
  if (NATIVE_HISTOGRAM_ONLY.has(name)) {
    ev.evalVector(p.args[0], st);
    return { type: 'vector', series: [] };
  }
  switch (name) {
    case 'time': {
      const v = new Float64Array(st.n);
      for (let i = 0; i < st.n; i++) v[i] = (st.start + i * st.step) / 1000;
      return { type: 'scalar', v };
    }
    case 'pi':
      return constant(st, Math.PI);
    case 'start':
      return constant(st, ev.query.start / 1000);
    case 'end':
      return constant(st, ev.query.end / 1000);
    case 'range':
      return constant(st, ev.query.range ? (ev.query.end - ev.query.start) / 1000 : 0);
    case 'step':
      return constant(st, ev.query.step / 1000);
    case 'min_of':
    case 'max_of': {
      const a = ev.evalScalar(p.args[0], st).v;
      const b = ev.evalScalar(p.args[1], st).v;
      const f = name === 'min_of' ? Math.min : Math.max;
      return { type: 'scalar', v: a.map((x, i) => f(x, b[i])) };
    }
    case 'histogram_quantiles':
      return evalHistogramQuantiles(ev, p, st);
    case 'start_timestamp':
      throw new QueryError('execution', 'start_timestamp(): start timestamps are not supported by this engine');
    case 'vector': {
      const s = ev.evalScalar(p.args[0], st);
      const out = newSeries({}, st.n, false);
      out.v.set(s.v);
      out.p.fill(1);
      return { type: 'vector', series: st.n > 0 ? [out] : [] };
    }
    case 'scalar':
      return evalScalarFn(ev.evalVector(p.args[0], st), st);
    case 'timestamp':
      return evalTimestamp(ev, p.args[0], st);
    case 'absent':
      return evalAbsent(ev, p.args[0], st);
    case 'round':
      return evalRound(ev, p, st);
    case 'clamp':
    case 'clamp_min':
    case 'clamp_max':
      return evalClamp(ev, p, st);
    case 'label_replace':
      return evalLabelReplace(ev, p, st);
    case 'label_join':
      return evalLabelJoin(ev, p, st);
    case 'histogram_quantile':
      return evalHistogramQuantile(ev, p, st);
    case 'histogram_fraction':
      return evalHistogramFraction(ev, p, st);
    case 'info':
      return evalInfo(ev, p, st);
  }
  throw new QueryError('bad_data', `function "${name}" is not supported`, p.pos);
}

function constant(st: Steps, x: number): Value {
  const v = new Float64Array(st.n);
  v.fill(x);
  return { type: 'scalar', v };
}

/** Applies f to every present point; the result drops the metric name. */
function mapSeries(vec: VectorValue, f: (x: number) => number): VectorValue {
  const series: Series[] = [];
  for (const s of vec.series) {
    const out = newSeries(s.labels, s.v.length, true);
    const v = out.v;
    for (let i = 0; i < v.length; i++) if (s.p[i]) v[i] = f(s.v[i]);
    series.push({ labels: s.labels, v, p: s.p, dropName: true });
  }
  return { type: 'vector', series };
}

function evalDate(ev: Evaluator, p: CallPlan, st: Steps): VectorValue {
  const f = DATE[p.name];
  const d = new Date(0);
  const at = (secs: number): number => {
    d.setTime(secs * 1000);
    return f(d);
  };
  if (p.args.length === 0) {
    const out = newSeries({}, st.n, false);
    for (let i = 0; i < st.n; i++) out.v[i] = at(Math.trunc((st.start + i * st.step) / 1000));
    out.p.fill(1);
    return { type: 'vector', series: [out] };
  }
  // Go converts the value with int64(): truncation toward zero.
  return mapSeries(ev.evalVector(p.args[0], st), (x) => at(Number.isFinite(x) ? Math.trunc(x) : -9223372036854775808));
}

function evalScalarFn(vec: VectorValue, st: Steps): Value {
  const v = new Float64Array(st.n);
  for (let i = 0; i < st.n; i++) {
    let found = 0;
    let val = NaN;
    for (const s of vec.series) {
      if (!s.p[i]) continue;
      found++;
      val = s.v[i];
      if (found > 1) break;
    }
    v[i] = found === 1 ? val : NaN;
  }
  return { type: 'scalar', v };
}

function evalTimestamp(ev: Evaluator, arg: Plan, st: Steps): VectorValue {
  const inner = arg.kind === 'invariant' ? arg.expr : arg;
  if (inner.kind === 'vector') return { type: 'vector', series: ev.vectorSelector(inner.sel, st, true) };
  const vec = ev.evalVector(arg, st);
  return {
    type: 'vector',
    series: vec.series.map((s) => {
      const v = allocF64(st.n);
      for (let i = 0; i < st.n; i++) if (s.p[i]) v[i] = (st.start + i * st.step) / 1000;
      return { labels: s.labels, v, p: s.p, dropName: true };
    }),
  };
}

function evalAbsent(ev: Evaluator, arg: Plan, st: Steps): VectorValue {
  const vec = ev.evalVector(arg, st);
  const out = newSeries(absentLabels(arg), st.n, false);
  let any = false;
  for (let i = 0; i < st.n; i++) {
    let present = false;
    for (const s of vec.series) {
      if (s.p[i]) {
        present = true;
        break;
      }
    }
    if (!present) {
      out.v[i] = 1;
      out.p[i] = 1;
      any = true;
    }
  }
  return { type: 'vector', series: any ? [out] : [] };
}

function evalRound(ev: Evaluator, p: CallPlan, st: Steps): VectorValue {
  const vec = ev.evalVector(p.args[0], st);
  const to = p.args.length > 1 ? ev.evalScalar(p.args[1], st).v : null;
  const series: Series[] = [];
  for (const s of vec.series) {
    const v = allocF64(st.n);
    for (let i = 0; i < st.n; i++) {
      if (!s.p[i]) continue;
      // Rounding via the inverse step gives fewer floating-point surprises (as Prometheus does).
      const inv = 1 / (to ? to[i] : 1);
      v[i] = Math.floor(s.v[i] * inv + 0.5) / inv;
    }
    series.push({ labels: s.labels, v, p: s.p, dropName: true });
  }
  return { type: 'vector', series };
}

function evalClamp(ev: Evaluator, p: CallPlan, st: Steps): VectorValue {
  const vec = ev.evalVector(p.args[0], st);
  const a1 = ev.evalScalar(p.args[1], st).v;
  const a2 = p.name === 'clamp' ? ev.evalScalar(p.args[2], st).v : null;
  const series: Series[] = [];
  for (const s of vec.series) {
    const out = newSeries(s.labels, st.n, true);
    let any = false;
    for (let i = 0; i < st.n; i++) {
      if (!s.p[i]) continue;
      const min = p.name === 'clamp_max' ? -Infinity : a1[i];
      const max = p.name === 'clamp' ? (a2 as Float64Array)[i] : p.name === 'clamp_max' ? a1[i] : Infinity;
      if (max < min) continue;
      out.v[i] = Math.max(min, Math.min(max, s.v[i]));
      out.p[i] = 1;
      any = true;
    }
    if (any) series.push(out);
  }
  return { type: 'vector', series };
}

/** sort and friends reorder an instant query's result; a range query's result is always ordered by labels. */
function evalSort(ev: Evaluator, p: CallPlan, st: Steps): VectorValue {
  const vec = ev.evalVector(p.args[0], st);
  // As in Prometheus, the evaluation window decides (a step-invariant or single-step part sorts fine).
  if (st.start !== st.end) ev.annotations.warn(sortIneffective(), p.pos);
  if (st.n !== 1) return vec;
  const series = vec.series.filter((s) => s.p[0]);
  switch (p.name) {
    case 'sort':
      series.sort((a, b) => byValue(a.v[0], b.v[0], false));
      break;
    case 'sort_desc':
      series.sort((a, b) => byValue(a.v[0], b.v[0], true));
      break;
    default: {
      const names = p.args.slice(1).map((a) => (a.kind === 'string' ? a.value : ''));
      const desc = p.name === 'sort_by_label_desc';
      series.sort((a, b) => {
        for (const n of names) {
          const x = a.labels[n] ?? '';
          const y = b.labels[n] ?? '';
          if (x === y) continue;
          const less = naturalLess(x, y);
          return (less ? -1 : 1) * (desc ? -1 : 1);
        }
        return compareLabels(a.labels, b.labels) * (desc ? -1 : 1);
      });
    }
  }
  return { type: 'vector', series };
}

/** Orders by value, ascending or descending, with NaN last either way (as Prometheus's sort functions do). */
function byValue(a: number, b: number, desc: boolean): number {
  const an = a !== a;
  const bn = b !== b;
  if (an || bn) return an && bn ? 0 : an ? 1 : -1;
  const c = a < b ? -1 : a > b ? 1 : 0;
  return desc ? -c : c;
}
