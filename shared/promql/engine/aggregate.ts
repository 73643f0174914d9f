// Aggregation operators (sum, avg, …, topk, limit_ratio, count_values) with by/without, over all steps at once.
import type { Labels } from '../../model/labels.ts';
import { labelsKey } from '../../model/labels.ts';
import { QueryError } from '../result.ts';
import { goFloat, goQuote, invalidQuantile, invalidRatio } from './annotations.ts';
import type { Evaluator } from './evaluator.ts';
import { keyOn, keyWithout, labelsHash, onlyLabels, withoutLabels } from './labelutil.ts';
import { formatFloatPlain, quantile } from './mathutil.ts';
import type { AggPlan } from './plan.ts';
import { isStreamableRangeCall, streamRangeFunction } from './rangeeval.ts';
import { allocF64, allocU8, newSeries, type Series, type Steps, type VectorValue } from './values.ts';

interface Grouping {
  labels: Labels[];
  members: number[][];
}

function groupKey(l: Labels, p: AggPlan): string {
  return p.without ? keyWithout(l, p.grouping) : keyOn(l, p.grouping);
}

function groupLabels(l: Labels, p: AggPlan): Labels {
  if (p.without) return withoutLabels(l, [...p.grouping, '__name__']);
  return p.grouping.length > 0 ? onlyLabels(l, p.grouping) : {};
}

/** Hashes every input series' labels once into its group. */
function makeGroups(series: readonly Series[], p: AggPlan): Grouping {
  const byKey = new Map<string, number>();
  const labels: Labels[] = [];
  const members: number[][] = [];
  series.forEach((s, si) => {
    const key = groupKey(s.labels, p);
    let g = byKey.get(key);
    if (g === undefined) {
      g = labels.length;
      byKey.set(key, g);
      labels.push(groupLabels(s.labels, p));
      members.push([]);
    }
    members[g].push(si);
  });
  return { labels, members };
}

/** Evaluates an aggregation expression at every step. */
export function evalAggregate(ev: Evaluator, p: AggPlan, st: Steps): VectorValue {
  if (p.op === 'count_values') return countValues(ev, p, st);
  const param = p.param ? ev.evalScalar(p.param, st).v : null;
  const simple = p.op !== 'topk' && p.op !== 'bottomk' && p.op !== 'limitk' && p.op !== 'limit_ratio' && p.op !== 'quantile';
  if (simple && p.expr.kind === 'call' && isStreamableRangeCall(p.expr)) {
    const call = p.expr;
    return simpleAgg(ev, p, st, (cb) => streamRangeFunction(ev, call, st, cb));
  }
  const vec = ev.evalVector(p.expr, st);
  switch (p.op) {
    case 'topk':
    case 'bottomk':
    case 'limitk':
    case 'limit_ratio':
      return selectK(ev, p, st, vec.series, param as Float64Array);
    case 'quantile':
      return quantileAgg(ev, p, st, vec.series, param as Float64Array);
    default:
      return simpleAgg(ev, p, st, (cb) => {
        for (const s of vec.series) cb(s.labels, s.v, s.p, s.dropName);
      });
  }
}

/** Whether a group's output drops the metric name: any member present at the group's last step does. */
function groupDropName(series: readonly Series[], members: number[], seen: Uint8Array, base: number, n: number): boolean {
  let last = -1;
  for (let i = n - 1; i >= 0; i--) {
    if (seen[base + i]) {
      last = i;
      break;
    }
  }
  if (last < 0) return false;
  for (const si of members) if (series[si].dropName && series[si].p[last]) return true;
  return false;
}

/** Feeds input series one at a time (arrays only valid during the callback). */
type SeriesSource = (cb: (labels: Labels, v: Float64Array, p: Uint8Array, dropName: boolean) => void) => void;

/** Accumulators of one output group, one slot per step. */
interface GroupState {
  labels: Labels;
  val: Float64Array;
  comp: Float64Array;
  count: Float64Array;
  mean: Float64Array;
  seen: Uint8Array;
  incremental: Uint8Array;
  /** Last step any member had a point, and whether a member present there drops the metric name. */
  lastStep: number;
  dropName: boolean;
}

function newGroup(labels: Labels, n: number): GroupState {
  const f = allocF64(4 * n);
  const u = allocU8(2 * n);
  return {
    labels,
    val: f.subarray(0, n),
    comp: f.subarray(n, 2 * n),
    count: f.subarray(2 * n, 3 * n),
    mean: f.subarray(3 * n),
    seen: u.subarray(0, n),
    incremental: u.subarray(n),
    lastStep: -1,
    dropName: false,
  };
}

/**
 * sum, avg, count, group, min, max, stddev, stdvar: series are accumulated one by one into per-group columns, so the
 * input never has to exist all at once (range-function inputs are streamed). Per group and step, additions happen
 * in input order, as in Prometheus.
 */
function simpleAgg(ev: Evaluator, p: AggPlan, st: Steps, source: SeriesSource): VectorValue {
  const n = st.n;
  const op = p.op;
  const byKey = new Map<string, GroupState>();
  const groups: GroupState[] = [];
  source((labels, sv, sp, dropName) => {
    const key = groupKey(labels, p);
    let g = byKey.get(key);
    if (!g) {
      g = newGroup(groupLabels(labels, p), n);
      byKey.set(key, g);
      groups.push(g);
    }
    const { val, comp, count, mean, seen, incremental } = g;
    let last = -1;
    for (let i = 0; i < n; i++) {
      if (!sp[i]) continue;
      last = i;
      const f = sv[i];
      if (!seen[i]) {
        seen[i] = 1;
        count[i] = 1;
        mean[i] = f;
        comp[i] = 0;
        if (op === 'stddev' || op === 'stdvar') val[i] = f !== f || f === Infinity || f === -Infinity ? NaN : 0;
        else if (op === 'group') val[i] = 1;
        else val[i] = f;
        continue;
      }
      switch (op) {
        case 'sum': {
          const sum = val[i];
          const t = sum + f;
          if (t === Infinity || t === -Infinity) comp[i] = 0;
          else if (Math.abs(sum) >= Math.abs(f)) comp[i] += sum - t + f;
          else comp[i] += f - t + sum;
          val[i] = t;
          break;
        }
        case 'avg': {
          const c = ++count[i];
          if (!incremental[i]) {
            const sum = val[i];
            const t = sum + f;
            if (t !== Infinity && t !== -Infinity) {
              if (Math.abs(sum) >= Math.abs(f)) comp[i] += sum - t + f;
              else comp[i] += f - t + sum;
              val[i] = t;
              break;
            }
            // The running sum would overflow: continue with an incremental mean.
            incremental[i] = 1;
            mean[i] = sum / (c - 1);
            comp[i] /= c - 1;
          }
          const q = (c - 1) / c;
          const m = q * mean[i];
          const inc = f / c;
          const t = m + inc;
          let cc = q * comp[i];
          if (t === Infinity || t === -Infinity) cc = 0;
          else if (Math.abs(m) >= Math.abs(inc)) cc += m - t + inc;
          else cc += inc - t + m;
          mean[i] = t;
          comp[i] = cc;
          break;
        }
        case 'count':
          count[i]++;
          break;
        case 'group':
          break;
        case 'max':
          if (val[i] < f || val[i] !== val[i]) val[i] = f;
          break;
        case 'min':
          if (val[i] > f || val[i] !== val[i]) val[i] = f;
          break;
        case 'stddev':
        case 'stdvar': {
          const c = ++count[i];
          const delta = f - mean[i];
          mean[i] += delta / c;
          val[i] += delta * (f - mean[i]);
          break;
        }
      }
    }
    // The group's name drop follows the members present at its last step (Prometheus sets it per step).
    if (last > g.lastStep) {
      g.lastStep = last;
      g.dropName = dropName;
    } else if (last >= 0 && last === g.lastStep) g.dropName ||= dropName;
  });

  const out: Series[] = [];
  for (const g of groups) {
    ev.checkpoint();
    const s = newSeries(g.labels, n, g.dropName);
    const { val, comp, count, mean, seen, incremental } = g;
    for (let i = 0; i < n; i++) {
      if (!seen[i]) continue;
      s.p[i] = 1;
      switch (op) {
        case 'sum':
          s.v[i] = val[i] + comp[i];
          break;
        case 'avg':
          s.v[i] = incremental[i] ? mean[i] + comp[i] : val[i] / count[i] + comp[i] / count[i];
          break;
        case 'count':
          s.v[i] = count[i];
          break;
        case 'stdvar':
          s.v[i] = val[i] / count[i];
          break;
        case 'stddev':
          s.v[i] = Math.sqrt(val[i] / count[i]);
          break;
        default:
          s.v[i] = val[i];
      }
    }
    if (g.lastStep >= 0) out.push(s);
  }
  return { type: 'vector', series: out };
}

function paramRange(param: Float64Array): { min: number; max: number; nan: boolean } {
  let min = Infinity;
  let max = -Infinity;
  let nan = false;
  for (const x of param) {
    if (x !== x) nan = true;
    else {
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  return { min, max, nan };
}

function quantileAgg(ev: Evaluator, p: AggPlan, st: Steps, series: Series[], param: Float64Array): VectorValue {
  const pos = (p.param ?? p).pos;
  const r = paramRange(param);
  if (r.nan) ev.annotations.warn(invalidQuantile(NaN), pos);
  if (r.max > 1) ev.annotations.warn(invalidQuantile(r.max), pos);
  if (r.min < 0) ev.annotations.warn(invalidQuantile(r.min), pos);
  const n = st.n;
  const g = makeGroups(series, p);
  const out: Series[] = [];
  const buf: number[] = [];
  g.labels.forEach((labels, gi) => {
    ev.checkpoint();
    const members = g.members[gi];
    const seen = new Uint8Array(n);
    const s = newSeries(labels, n, false);
    for (let i = 0; i < n; i++) {
      buf.length = 0;
      for (const si of members) if (series[si].p[i]) buf.push(series[si].v[i]);
      if (buf.length === 0) continue;
      seen[i] = 1;
      s.p[i] = 1;
      s.v[i] = quantile(param[i], buf);
    }
    if (!seen.some((x) => x)) return;
    s.dropName = groupDropName(series, members, seen, 0, n);
    out.push(s);
  });
  return { type: 'vector', series: out };
}

/** Go container/heap operations over series indices, ordered by `less` on their values at one step. */
class IndexHeap {
  items: number[] = [];
  constructor(private less: (a: number, b: number) => boolean) {}
  push(x: number): void {
    this.items.push(x);
    this.up(this.items.length - 1);
  }
  fix(i: number): void {
    if (!this.down(i, this.items.length)) this.up(i);
  }
  private up(j: number): void {
    const h = this.items;
    for (;;) {
      const i = (j - 1) >> 1;
      if (i === j || j <= 0 || !this.less(h[j], h[i])) break;
      [h[i], h[j]] = [h[j], h[i]];
      j = i;
    }
  }
  private down(i0: number, n: number): boolean {
    const h = this.items;
    let i = i0;
    for (;;) {
      const j1 = 2 * i + 1;
      if (j1 >= n || j1 < 0) break;
      let j = j1;
      const j2 = j1 + 1;
      if (j2 < n && this.less(h[j2], h[j1])) j = j2;
      if (!this.less(h[j], h[i])) break;
      [h[i], h[j]] = [h[j], h[i]];
      i = j;
    }
    return i > i0;
  }
}

const MAX_INT64 = 9223372036854774784;
const MIN_INT64 = -9223372036854775808;

/** topk, bottomk, limitk, limit_ratio: keep input series (labels unchanged), chosen per step and group. */
function selectK(ev: Evaluator, p: AggPlan, st: Steps, series: Series[], param: Float64Array): VectorValue {
  const op = p.op;
  const pos = (p.param ?? p).pos;
  const r = paramRange(param);
  if (op === 'limit_ratio') {
    if (r.max === 0 && r.min === 0 && !r.nan) return { type: 'vector', series: [] };
    if (r.nan) throw new QueryError('execution', 'Ratio value is NaN');
    if (r.max > 1) ev.annotations.warn(invalidRatio(r.max, 1), pos);
    if (r.min < -1) ev.annotations.warn(invalidRatio(r.min, -1), pos);
  } else {
    if (r.max < 1 && !r.nan) return { type: 'vector', series: [] };
    if (r.nan) throw new QueryError('execution', 'Parameter value is NaN');
    if (r.min <= MIN_INT64) throw new QueryError('execution', `Scalar value ${goFloat(r.min)} underflows int64`);
    if (r.max >= MAX_INT64) throw new QueryError('execution', `Scalar value ${goFloat(r.max)} overflows int64`);
  }
  const n = st.n;
  const g = makeGroups(series, p);
  const outBySeries: (Series | null)[] = new Array(series.length).fill(null);
  const order: Series[] = [];
  const ratioOffsets = op === 'limit_ratio' ? series.map((s) => Number(labelsHash(s.labels)) / 18446744073709551615) : null;
  let step = 0;
  const value = (si: number) => series[si].v[step];
  const minLess = (a: number, b: number) => {
    const va = value(a);
    return va !== va || va < value(b);
  };
  const maxLess = (a: number, b: number) => {
    const va = value(a);
    return va !== va || va > value(b);
  };

  const emit = (si: number, i: number) => {
    let o = outBySeries[si];
    if (!o) {
      o = newSeries(series[si].labels, n, series[si].dropName);
      outBySeries[si] = o;
      order.push(o);
    }
    o.v[i] = series[si].v[i];
    o.p[i] = 1;
  };

  for (let i = 0; i < n; i++) {
    ev.checkpoint();
    step = i;
    const f = param[i];
    let k = 0;
    let ratio = 0;
    if (op === 'limit_ratio') {
      if (f === 0) continue;
      ratio = f < -1 ? -1 : f > 1 ? 1 : f;
    } else {
      k = Math.min(Math.trunc(f), series.length);
      if (k < 1) continue;
    }
    for (let gi = 0; gi < g.labels.length; gi++) {
      const heap = new IndexHeap(op === 'bottomk' ? maxLess : minLess);
      for (const si of g.members[gi]) {
        if (!series[si].p[i]) continue;
        const h = heap.items;
        switch (op) {
          case 'topk': {
            if (h.length < k) heap.push(si);
            else {
              const top = value(h[0]);
              const v = value(si);
              if (top < v || (top !== top && v === v)) {
                h[0] = si;
                if (k > 1) heap.fix(0);
              }
            }
            break;
          }
          case 'bottomk': {
            if (h.length < k) heap.push(si);
            else {
              const top = value(h[0]);
              const v = value(si);
              if (top > v || (top !== top && v === v)) {
                h[0] = si;
                if (k > 1) heap.fix(0);
              }
            }
            break;
          }
          case 'limitk':
            if (h.length < k) heap.push(si);
            break;
          case 'limit_ratio': {
            const off = (ratioOffsets as number[])[si];
            if ((ratio >= 0 && off < ratio) || (ratio < 0 && off >= 1 + ratio)) heap.push(si);
            break;
          }
        }
      }
      let picked = heap.items;
      if (op === 'topk' || op === 'bottomk') {
        // Instant results are ordered: topk descending, bottomk ascending, NaN last.
        picked = [...picked].sort((a, b) => {
          const va = value(a);
          const vb = value(b);
          if (va !== va || vb !== vb) return va !== va ? (vb !== vb ? 0 : 1) : -1;
          return op === 'topk' ? vb - va : va - vb;
        });
      }
      for (const si of picked) emit(si, i);
    }
  }
  return { type: 'vector', series: order };
}

/** count_values("label", v): per step, how many series have each value, grouped like other aggregations. */
function countValues(ev: Evaluator, p: AggPlan, st: Steps): VectorValue {
  const labelName = p.param && p.param.kind === 'string' ? p.param.value : '';
  if (labelName === '' || /[\ud800-\udfff\ufffd]/.test(labelName)) {
    throw new QueryError('execution', `invalid label name ${goQuote(labelName)}`);
  }
  const vec = ev.evalVector(p.expr, st);
  const grouping = p.without ? p.grouping : [...p.grouping, labelName].sort();
  const keyPlan: AggPlan = { ...p, grouping };
  const n = st.n;
  const out = new Map<string, Series>();
  const order: Series[] = [];
  for (let i = 0; i < n; i++) {
    ev.checkpoint();
    const counts = new Map<string, { labels: Labels; count: number }>();
    for (const s of vec.series) {
      if (!s.p[i]) continue;
      const labels: Labels = { ...s.labels, [labelName]: formatFloatPlain(s.v[i]) };
      const key = groupKey(labels, keyPlan);
      const c = counts.get(key);
      if (c) c.count++;
      else counts.set(key, { labels: groupLabels(labels, keyPlan), count: 1 });
    }
    for (const { labels, count } of counts.values()) {
      const key = labelsKey(labels);
      let s = out.get(key);
      if (!s) {
        s = newSeries(labels, n, false);
        out.set(key, s);
        order.push(s);
      }
      if (s.p[i]) throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
      s.v[i] = count;
      s.p[i] = 1;
    }
  }
  return { type: 'vector', series: order };
}
