// In-memory Queryable: sorted sample arrays per series and a postings index, for tests, the CLI and benchmarks.
import type { LabelMatcher } from './ast.ts';
import { matchLabelValue } from './ast.ts';
import { compareLabels, labelsKey, type Labels } from '../model/labels.ts';
import type { Cancellation, Queryable, SelectHints, SeriesSamples } from './queryable.ts';

interface StoredSeries {
  labels: Labels;
  t: Float64Array;
  v: Float64Array;
  n: number;
}

/** A reference to one series of a MemoryStore, for appending without re-hashing labels. */
export type SeriesRef = number;

const INITIAL_CAPACITY = 16;

/** Index of the first element of t[0..n) that is >= x. */
function lowerBound(t: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element of t[0..n) that is > x. */
function upperBound(t: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (t[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Series held in memory. Appends are cheapest in time order per series; an out-of-order sample is inserted
 * in place and a sample at an existing timestamp replaces the old one. select() hands out subarray views.
 */
export class MemoryStore implements Queryable {
  private series: StoredSeries[] = [];
  private byKey = new Map<string, SeriesRef>();
  private refByObject = new WeakMap<Labels, SeriesRef>();
  /** label name → label value → series refs, ascending. */
  private postings = new Map<string, Map<string, SeriesRef[]>>();
  /** Position of each series in label order; rebuilt lazily after new series arrive. */
  private rank: Int32Array | null = null;

  /** Number of series held. */
  get seriesCount(): number {
    return this.series.length;
  }

  /** Total samples held (stale markers included). */
  get sampleCount(): number {
    let n = 0;
    for (const s of this.series) n += s.n;
    return n;
  }

  /** Returns the series for `labels` (stored as given, empty values included), creating it if new. */
  seriesRef(labels: Labels): SeriesRef {
    const cached = this.refByObject.get(labels);
    if (cached !== undefined) return cached;
    const lbls: Labels = labels;
    const key = labelsKey(lbls);
    let ref = this.byKey.get(key);
    if (ref === undefined) {
      ref = this.series.length;
      this.series.push({
        labels: Object.freeze({ ...lbls }),
        t: new Float64Array(INITIAL_CAPACITY),
        v: new Float64Array(INITIAL_CAPACITY),
        n: 0,
      });
      this.byKey.set(key, ref);
      for (const name in lbls) {
        let values = this.postings.get(name);
        if (!values) {
          values = new Map();
          this.postings.set(name, values);
        }
        let list = values.get(lbls[name]);
        if (!list) {
          list = [];
          values.set(lbls[name], list);
        }
        list.push(ref);
      }
      this.rank = null;
    }
    this.refByObject.set(labels, ref);
    return ref;
  }

  /** Appends one sample (Unix ms, value; stale markers allowed) to the series with these labels. */
  append(labels: Labels, t: number, v: number): void {
    this.appendRef(this.seriesRef(labels), t, v);
  }

  /** Appends one sample to a series obtained from seriesRef(). */
  appendRef(ref: SeriesRef, t: number, v: number): void {
    const s = this.series[ref];
    if (s.n > 0 && t <= s.t[s.n - 1]) {
      this.insert(s, t, v);
      return;
    }
    if (s.n === s.t.length) this.grow(s);
    s.t[s.n] = t;
    s.v[s.n] = v;
    s.n++;
  }

  /** Removes every series. */
  clear(): void {
    this.series = [];
    this.byKey.clear();
    this.refByObject = new WeakMap();
    this.postings.clear();
    this.rank = null;
  }

  private grow(s: StoredSeries): void {
    const cap = s.t.length * 2;
    const t = new Float64Array(cap);
    const v = new Float64Array(cap);
    t.set(s.t.subarray(0, s.n));
    v.set(s.v.subarray(0, s.n));
    s.t = t;
    s.v = v;
  }

  private insert(s: StoredSeries, t: number, v: number): void {
    const i = lowerBound(s.t, s.n, t);
    if (i < s.n && s.t[i] === t) {
      s.v[i] = v;
      return;
    }
    if (s.n === s.t.length) this.grow(s);
    s.t.copyWithin(i + 1, i, s.n);
    s.v.copyWithin(i + 1, i, s.n);
    s.t[i] = t;
    s.v[i] = v;
    s.n++;
  }

  private ranks(): Int32Array {
    if (this.rank) return this.rank;
    const order = this.series.map((_, i) => i);
    const sortKeys = this.series.map((s) => s.labels);
    order.sort((a, b) => compareLabels(sortKeys[a], sortKeys[b]));
    const rank = new Int32Array(order.length);
    order.forEach((ref, pos) => (rank[ref] = pos));
    this.rank = rank;
    return rank;
  }

  /** Refs of series whose value for matcher m's label satisfies m, or null when m matches the empty value. */
  private postingsFor(m: LabelMatcher): SeriesRef[] | null {
    if (matchLabelValue(m, '')) return null;
    const values = this.postings.get(m.name);
    if (!values) return [];
    if (m.type === '=') return values.get(m.value) ?? [];
    const out: SeriesRef[] = [];
    for (const [value, refs] of values) if (matchLabelValue(m, value)) for (const r of refs) out.push(r);
    return out.sort((a, b) => a - b);
  }

  private matchingRefs(matchers: readonly LabelMatcher[]): SeriesRef[] {
    let candidates: SeriesRef[] | null = null;
    const filters: LabelMatcher[] = [];
    for (const m of matchers) {
      const list = this.postingsFor(m);
      if (list === null) {
        filters.push(m);
        continue;
      }
      candidates = candidates === null ? list : intersect(candidates, list);
      if (candidates.length === 0) return [];
    }
    const base = candidates ?? this.series.map((_, i) => i);
    if (filters.length === 0) return base.slice();
    return base.filter((ref) => {
      const lbls = this.series[ref].labels;
      return filters.every((m) => matchLabelValue(m, lbls[m.name] ?? ''));
    });
  }

  /** Series matching all matchers, in label order, each with a view of its samples in [hints.start, hints.end]. */
  async select(matchers: readonly LabelMatcher[], hints: SelectHints, cancel?: Cancellation): Promise<SeriesSamples[]> {
    if (cancel?.aborted) return [];
    const refs = this.matchingRefs(matchers);
    const rank = this.ranks();
    refs.sort((a, b) => rank[a] - rank[b]);
    const out: SeriesSamples[] = [];
    for (const ref of refs) {
      const s = this.series[ref];
      const lo = lowerBound(s.t, s.n, hints.start);
      const hi = upperBound(s.t, s.n, hints.end);
      if (lo >= hi) continue;
      out.push({ labels: s.labels, t: s.t.subarray(lo, hi), v: s.v.subarray(lo, hi) });
    }
    return out;
  }

  /** Label names of series matching the matchers that have samples in [start, end]. */
  async labelNames(matchers: readonly LabelMatcher[], start: number, end: number): Promise<string[]> {
    const names = new Set<string>();
    for (const ref of this.matchingRefs(matchers)) {
      if (!this.hasSamples(ref, start, end)) continue;
      for (const name in this.series[ref].labels) names.add(name);
    }
    return [...names].sort();
  }

  /** Values of label `name` on series matching the matchers that have samples in [start, end]. */
  async labelValues(name: string, matchers: readonly LabelMatcher[], start: number, end: number): Promise<string[]> {
    const values = new Set<string>();
    for (const ref of this.matchingRefs(matchers)) {
      const v = this.series[ref].labels[name];
      if (v !== undefined && this.hasSamples(ref, start, end)) values.add(v);
    }
    return [...values].sort();
  }

  private hasSamples(ref: SeriesRef, start: number, end: number): boolean {
    const s = this.series[ref];
    const lo = lowerBound(s.t, s.n, start);
    return lo < s.n && s.t[lo] <= end;
  }
}

function intersect(a: SeriesRef[], b: SeriesRef[]): SeriesRef[] {
  const out: SeriesRef[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push(a[i]);
      i++;
      j++;
    } else if (a[i] < b[j]) i++;
    else j++;
  }
  return out;
}
