// info(v, {data-label selector}): enrich series with data labels of matching info series (default target_info).
import { matchLabelValue, type LabelMatcher } from '../ast.ts';
import { labelsKey, type Labels } from '../../model/labels.ts';
import { isStaleMarker } from '../../model/stale.ts';
import { QueryError } from '../result.ts';
import { upperBound, type Evaluator } from './evaluator.ts';
import { labelsString } from './labelutil.ts';
import type { CallPlan } from './plan.ts';
import { newSeries, type Series, type Steps, type VectorValue } from './values.ts';

/** Labels that tie a series to its info series (hard-coded in Prometheus). */
const IDENTIFYING = ['instance', 'job'];

interface InfoSeries {
  labels: Labels;
  name: string;
  sig: string;
  /** Original sample time per step (NaN where absent). */
  origT: Float64Array;
}

function signature(name: string, l: Labels): string {
  let sig = '__name__\xff' + name + '\xff';
  for (const n of IDENTIFYING) if (l[n] !== undefined) sig += n + '\xff' + l[n] + '\xff';
  return sig;
}

/**
 * The `__name__` matchers that pick info series: target_info by default; positive name matchers as given; only
 * negated ones select among `*_info` metrics (Prometheus's effectiveInfoNameMatchers).
 */
export function infoNameMatchers(selector: readonly LabelMatcher[] | null): LabelMatcher[] {
  const names = (selector ?? []).filter((m) => m.name === '__name__');
  if (names.length === 0) return [{ type: '=', name: '__name__', value: 'target_info' }];
  if (names.some((m) => m.type === '=' || m.type === '=~')) return names;
  return [{ type: '=~', name: '__name__', value: '.+_info' }, ...names];
}

/** Evaluates info(): Prometheus's evalInfo with its info-series selection done in the fetch phase. */
export function evalInfo(ev: Evaluator, p: CallPlan, st: Steps): VectorValue {
  const base = ev.evalVector(p.args[0], st);
  const dataMatchers = new Map<string, LabelMatcher[]>();
  const selArg = p.args[1];
  const selector = selArg && selArg.kind === 'vector' ? selArg.sel.matchers : null;
  for (const m of selector ?? []) {
    if (m.name === '__name__') continue;
    const list = dataMatchers.get(m.name) ?? [];
    list.push(m);
    dataMatchers.set(m.name, list);
  }
  const nameMatchers = infoNameMatchers(selector);

  // Series that are themselves info series are passed through unchanged.
  const ignored = new Set<Series>();
  for (const s of base.series) {
    const name = s.labels.__name__ ?? '';
    if (nameMatchers.every((m) => matchLabelValue(m, name))) ignored.add(s);
  }

  // Identifying-label values of the base series restrict which info series apply.
  const idValues = new Map<string, Set<string>>();
  for (const s of base.series) {
    if (ignored.has(s)) continue;
    for (const n of IDENTIFYING) {
      const v = s.labels[n];
      if (v === undefined || v === '') continue;
      let set = idValues.get(n);
      if (!set) idValues.set(n, (set = new Set()));
      set.add(v);
    }
  }

  const infos: InfoSeries[] = [];
  if (idValues.size > 0) {
    const raw = ev.infoData.get(p) ?? [];
    const firstSel = firstVectorSelector(p);
    const lb = ev.cfg.lookback;
    for (const s of raw) {
      let ok = true;
      for (const [n, set] of idValues) if (!set.has(s.labels[n] ?? '')) ok = false;
      if (!ok) continue;
      const origT = new Float64Array(st.n).fill(NaN);
      let any = false;
      for (let i = 0; i < st.n; i++) {
        const ref = (firstSel.at ?? st.start + i * st.step) - firstSel.offset;
        const k = upperBound(s.t, ref) - 1;
        if (k < 0 || s.t[k] <= ref - lb || isStaleMarker(s.v[k])) continue;
        origT[i] = s.t[k];
        any = true;
      }
      if (!any) continue;
      const name = s.labels.__name__ ?? '';
      infos.push({ labels: s.labels, name, sig: signature(name, s.labels), origT });
    }
  }
  const infoNames = [...new Set(infos.map((i) => i.name))];

  const out = new Map<string, Series>();
  const order: Series[] = [];
  const emit = (labels: Labels, i: number, v: number, dropName: boolean) => {
    const key = labelsKey(labels);
    let s = out.get(key);
    if (!s) {
      s = newSeries(labels, st.n, dropName);
      out.set(key, s);
      order.push(s);
    }
    if (s.p[i]) throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
    s.v[i] = v;
    s.p[i] = 1;
  };

  const baseSigs = base.series.map((s) => new Map(infoNames.map((n) => [n, signature(n, s.labels)])));
  for (let i = 0; i < st.n; i++) {
    ev.checkpoint();
    // The newest info sample per signature wins; equal times are a conflict.
    const bySig = new Map<string, InfoSeries>();
    for (const inf of infos) {
      const t = inf.origT[i];
      if (t !== t) continue;
      const prev = bySig.get(inf.sig);
      if (!prev) bySig.set(inf.sig, inf);
      else if (prev.origT[i] < t) bySig.set(inf.sig, inf);
      else if (prev.origT[i] === t) {
        throw new QueryError(
          'execution',
          `found duplicate series for info metric: existing ${labelsString(prev.labels)} @ ${prev.origT[i]}, new ${labelsString(inf.labels)} @ ${t}`,
        );
      }
    }
    base.series.forEach((s, si) => {
      if (!s.p[i]) return;
      if (ignored.has(s)) {
        emit(s.labels, i, s.v[i], s.dropName);
        return;
      }
      const added: Record<string, string> = {};
      let matched = 0;
      for (const sig of baseSigs[si].values()) {
        const inf = bySig.get(sig);
        if (!inf) continue;
        for (const n in inf.labels) {
          if (n === '__name__') continue;
          if (dataMatchers.size > 0 && !dataMatchers.has(n)) continue;
          const v = inf.labels[n];
          if (added[n] !== undefined && added[n] !== v) throw new QueryError('execution', `conflicting label: ${n}`);
          if (s.labels[n] !== undefined) continue;
          added[n] = v;
        }
        matched++;
      }
      // Without a matching info series, the series survives only if every data matcher accepts an empty value.
      if (matched === 0) {
        for (const ms of dataMatchers.values()) for (const m of ms) if (!matchLabelValue(m, '')) return;
      }
      emit({ ...s.labels, ...added }, i, s.v[i], s.dropName);
    });
  }
  return { type: 'vector', series: order };
}

function firstVectorSelector(p: CallPlan): { at: number | null; offset: number } {
  let arg = p.args[0];
  for (;;) {
    switch (arg.kind) {
      case 'vector':
      case 'matrix':
        return arg.sel;
      case 'invariant':
      case 'neg':
      case 'subquery':
        arg = arg.expr;
        continue;
      case 'call':
        if (arg.args.length === 0) return { at: null, offset: 0 };
        arg = arg.args.find((a) => a.kind !== 'number' && a.kind !== 'string') ?? arg.args[0];
        continue;
      case 'agg':
        arg = arg.expr;
        continue;
      case 'binary':
        arg = arg.lhs;
        continue;
      default:
        return { at: null, offset: 0 };
    }
  }
}
