// histogram_quantile() and histogram_fraction() over classic histograms: buckets grouped by their non-`le` labels.
import { labelsKey, type Labels } from '../../model/labels.ts';
import { QueryError } from '../result.ts';
import { badBucketLabel, goFloat, invalidQuantile } from './annotations.ts';
import type { Evaluator } from './evaluator.ts';
import { bucketFraction, bucketQuantile, parseBound, type Buckets, type MonotonicityFix } from './histogram.ts';
import type { CallPlan } from './plan.ts';
import { newSeries, type Series, type Steps, type VectorValue } from './values.ts';

interface Group {
  labels: Labels;
  members: Series[];
  bounds: number[];
}

/** Groups bucket series by their labels without `le`; warns about unparsable `le` values. */
function groupBuckets(ev: Evaluator, vec: VectorValue, p: CallPlan, argIndex: number): Group[] {
  const groups = new Map<string, Group>();
  for (const s of vec.series) {
    const le = s.labels.le ?? '';
    const bound = parseBound(le);
    if (bound === null) {
      ev.annotations.warn(badBucketLabel(s.labels.__name__ ?? '', le), p.args[argIndex].pos);
      continue;
    }
    const rest: Record<string, string> = {};
    for (const k in s.labels) if (k !== 'le') rest[k] = s.labels[k];
    const key = labelsKey(rest);
    let g = groups.get(key);
    if (!g) {
      g = { labels: rest, members: [], bounds: [] };
      groups.set(key, g);
    }
    g.members.push(s);
    g.bounds.push(bound);
  }
  return [...groups.values()];
}

function fillBuckets(g: Group, i: number, b: Buckets): void {
  b.n = 0;
  for (let m = 0; m < g.members.length; m++) {
    const s = g.members[m];
    if (!s.p[i]) continue;
    b.upper[b.n] = g.bounds[m];
    b.count[b.n] = s.v[i];
    b.n++;
  }
}

/** histogram_quantile(φ, buckets): per step and bucket group, Prometheus's BucketQuantile. */
export function evalHistogramQuantile(ev: Evaluator, p: CallPlan, st: Steps): VectorValue {
  const q = ev.evalScalar(p.args[0], st).v;
  const vec = ev.evalVector(p.args[1], st);
  for (let i = 0; i < st.n; i++) {
    const x = q[i];
    if (x !== x || x < 0 || x > 1) ev.annotations.warn(invalidQuantile(x), p.args[0].pos);
  }
  const groups = groupBuckets(ev, vec, p, 1);
  const b: Buckets = { upper: [], count: [], n: 0 };
  const fix: MonotonicityFix = { forced: false, minBucket: 0, maxBucket: 0, maxDiff: 0 };
  const series: Series[] = [];
  for (const g of groups) {
    ev.checkpoint();
    const out = newSeries(g.labels, st.n, true);
    let any = false;
    for (let i = 0; i < st.n; i++) {
      fillBuckets(g, i, b);
      if (b.n === 0) continue;
      out.v[i] = bucketQuantile(q[i], b, fix);
      out.p[i] = 1;
      any = true;
      if (fix.forced) {
        ev.annotations.monotonicity(
          g.labels.__name__ ?? '',
          p.args[1].pos,
          st.start + i * st.step,
          fix.minBucket,
          fix.maxBucket,
          fix.maxDiff,
        );
      }
    }
    if (any) series.push(out);
  }
  return { type: 'vector', series };
}

/** histogram_fraction(lower, upper, buckets): per step and bucket group, Prometheus's BucketFraction. */
export function evalHistogramFraction(ev: Evaluator, p: CallPlan, st: Steps): VectorValue {
  const lower = ev.evalScalar(p.args[0], st).v;
  const upper = ev.evalScalar(p.args[1], st).v;
  const vec = ev.evalVector(p.args[2], st);
  const groups = groupBuckets(ev, vec, p, 2);
  const b: Buckets = { upper: [], count: [], n: 0 };
  const series: Series[] = [];
  for (const g of groups) {
    ev.checkpoint();
    const out = newSeries(g.labels, st.n, true);
    let any = false;
    for (let i = 0; i < st.n; i++) {
      fillBuckets(g, i, b);
      if (b.n === 0) continue;
      out.v[i] = bucketFraction(lower[i], upper[i], b);
      out.p[i] = 1;
      any = true;
    }
    if (any) series.push(out);
  }
  return { type: 'vector', series };
}

/** OpenMetrics rendering of a float for the quantile label (Prometheus labels.FormatOpenMetricsFloat). */
function openMetricsFloat(q: number): string {
  const s = goFloat(q);
  if (q !== q || q === Infinity || q === -Infinity) return s;
  return /[.e]/.test(s) ? s : s + '.0';
}

/** histogram_quantiles(buckets, "label", φ1, φ2, …): one output series per group and quantile. */
export function evalHistogramQuantiles(ev: Evaluator, p: CallPlan, st: Steps): VectorValue {
  const vec = ev.evalVector(p.args[0], st);
  const labelArg = p.args[1];
  const label = labelArg.kind === 'string' ? labelArg.value : '';
  const qs = p.args.slice(2).map((a) => ev.evalScalar(a, st).v);
  qs.forEach((q, k) => {
    for (let i = 0; i < st.n; i++) {
      const x = q[i];
      if (x !== x || x < 0 || x > 1) ev.annotations.warn(invalidQuantile(x), p.args[k + 2].pos);
    }
  });
  const groups = groupBuckets(ev, vec, p, 0);
  const b: Buckets = { upper: [], count: [], n: 0 };
  const fix: MonotonicityFix = { forced: false, minBucket: 0, maxBucket: 0, maxDiff: 0 };
  const byKey = new Map<string, Series>();
  const series: Series[] = [];
  for (let i = 0; i < st.n; i++) {
    ev.checkpoint();
    for (const q of qs) {
      const qLabel = openMetricsFloat(q[i]);
      for (const g of groups) {
        fillBuckets(g, i, b);
        if (b.n === 0) continue;
        const value = bucketQuantile(q[i], b, fix);
        if (fix.forced) {
          ev.annotations.monotonicity(g.labels.__name__ ?? '', p.args[0].pos, st.start + i * st.step, fix.minBucket, fix.maxBucket, fix.maxDiff);
        }
        const labels = { ...g.labels, [label]: qLabel };
        const key = labelsKey(labels);
        let s = byKey.get(key);
        if (!s) {
          s = newSeries(labels, st.n, true);
          byKey.set(key, s);
          series.push(s);
        }
        if (s.p[i]) throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
        s.v[i] = value;
        s.p[i] = 1;
      }
    }
  }
  return { type: 'vector', series };
}
