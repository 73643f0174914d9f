// Binary operators: scalar/scalar, vector/scalar and vector/vector with on/ignoring, group_left/right, bool, fill.
import type { ArithmeticOp, BinaryOp, VectorMatching } from '../ast.ts';
import { labelsKey, type Labels } from '../../model/labels.ts';
import { QueryError } from '../result.ts';
import type { Evaluator } from './evaluator.ts';
import { keyOn, keyWithout, labelsString, matchLabels } from './labelutil.ts';
import type { BinaryPlan } from './plan.ts';
import { allocF64, allocU8, newSeries, type ScalarValue, type Series, type Steps, type Value, type VectorValue } from './values.ts';

const ARITHMETIC = new Set<BinaryOp>(['+', '-', '*', '/', '%', '^', 'atan2']);
const COMPARISON = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<=']);

/** Go's math.Pow, whose special cases differ from Math.pow for 1^NaN and (-1)^±Inf. */
export function goPow(x: number, y: number): number {
  if (x === 1 || y === 0) return 1;
  if ((x === -1 && (y === Infinity || y === -Infinity))) return 1;
  return Math.pow(x, y);
}

/** Applies an arithmetic operator. */
export function arith(op: ArithmeticOp | BinaryOp, a: number, b: number): number {
  switch (op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    case '/':
      return a / b;
    case '%':
      return a % b;
    case '^':
      return goPow(a, b);
    case 'atan2':
      return Math.atan2(a, b);
  }
  throw new QueryError('execution', `operator "${op}" not allowed for this operation`);
}

/** Applies a comparison operator. */
export function compare(op: BinaryOp, a: number, b: number): boolean {
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
  }
  throw new QueryError('execution', `operator "${op}" not allowed for this operation`);
}

/** Evaluates a binary expression at every step. */
export function evalBinary(ev: Evaluator, p: BinaryPlan, st: Steps): Value {
  const lhs = ev.eval(p.lhs, st);
  const rhs = ev.eval(p.rhs, st);
  if (p.op === '</' || p.op === '>/') return trimOnFloats(ev, p, lhs, rhs, st);
  if (lhs.type === 'scalar' && rhs.type === 'scalar') return scalarScalar(p, lhs, rhs);
  if (lhs.type === 'vector' && rhs.type === 'scalar') return vectorScalar(p, lhs, rhs, false);
  if (lhs.type === 'scalar' && rhs.type === 'vector') return vectorScalar(p, rhs, lhs, true);
  if (lhs.type === 'vector' && rhs.type === 'vector') {
    const matching: VectorMatching = p.matching ?? {
      card: p.op === 'and' || p.op === 'or' || p.op === 'unless' ? 'many-to-many' : 'one-to-one',
      on: false,
      labels: [],
      include: [],
    };
    if (p.op === 'and' || p.op === 'or' || p.op === 'unless') return setOp(ev, p.op, lhs.series, rhs.series, matching, st);
    return vectorVector(ev, p, lhs.series, rhs.series, matching, st);
  }
  throw new QueryError('execution', `binary operator "${p.op}" not defined between ${lhs.type} and ${rhs.type}`);
}

/** The histogram trim operators yield nothing for floats, with Prometheus's info annotation when anything matched. */
function trimOnFloats(ev: Evaluator, p: BinaryPlan, lhs: Value, rhs: Value, st: Steps): VectorValue {
  const present = (v: Value) => v.type !== 'vector' || v.series.some((s) => s.p.some((x) => x));
  let matched = present(lhs) && present(rhs);
  if (matched && lhs.type === 'vector' && rhs.type === 'vector') {
    const m: VectorMatching = p.matching ?? { card: 'one-to-one', on: false, labels: [], include: [] };
    const sigs = signatures(lhs.series, rhs.series, m);
    matched = false;
    for (let i = 0; i < st.n && !matched; i++) {
      const right = new Set<number>();
      rhs.series.forEach((s, k) => s.p[i] && right.add(sigs.r[k]));
      lhs.series.forEach((s, k) => {
        if (s.p[i] && right.has(sigs.l[k])) matched = true;
      });
    }
  }
  if (matched) ev.annotations.info(`incompatible sample types encountered for binary operator "${p.op}": float ${p.op} float`, p.pos);
  return { type: 'vector', series: [] };
}

function scalarScalar(p: BinaryPlan, l: ScalarValue, r: ScalarValue): ScalarValue {
  const v = new Float64Array(l.v.length);
  const cmp = COMPARISON.has(p.op);
  for (let i = 0; i < v.length; i++) v[i] = cmp ? (compare(p.op, l.v[i], r.v[i]) ? 1 : 0) : arith(p.op, l.v[i], r.v[i]);
  return { type: 'scalar', v };
}

function vectorScalar(p: BinaryPlan, vec: VectorValue, sc: ScalarValue, scalarLeft: boolean): VectorValue {
  const op = p.op;
  const cmp = COMPARISON.has(op);
  const series: Series[] = [];
  for (const s of vec.series) {
    const n = s.v.length;
    const v = allocF64(n);
    let pr = s.p;
    if (!cmp) {
      for (let i = 0; i < n; i++) if (s.p[i]) v[i] = scalarLeft ? arith(op, sc.v[i], s.v[i]) : arith(op, s.v[i], sc.v[i]);
      series.push({ labels: s.labels, v, p: pr, dropName: true });
      continue;
    }
    if (p.returnBool) {
      for (let i = 0; i < n; i++) {
        if (!s.p[i]) continue;
        const keep = scalarLeft ? compare(op, sc.v[i], s.v[i]) : compare(op, s.v[i], sc.v[i]);
        v[i] = keep ? 1 : 0;
      }
      series.push({ labels: s.labels, v, p: pr, dropName: true });
      continue;
    }
    pr = allocU8(n);
    let any = false;
    for (let i = 0; i < n; i++) {
      if (!s.p[i]) continue;
      const keep = scalarLeft ? compare(op, sc.v[i], s.v[i]) : compare(op, s.v[i], sc.v[i]);
      if (!keep) continue;
      v[i] = s.v[i];
      pr[i] = 1;
      any = true;
    }
    if (any) series.push({ labels: s.labels, v, p: pr, dropName: s.dropName });
  }
  return { type: 'vector', series };
}

/** Join signature ordinals for both sides (computed once per series, not per step). */
function signatures(lhs: Series[], rhs: Series[], m: VectorMatching): { l: Int32Array; r: Int32Array; count: number } {
  const sortedOn = [...m.labels].sort();
  const sig = (l: Labels) => (m.on ? keyOn(l, sortedOn) : keyWithout(l, m.labels));
  const ords = new Map<string, number>();
  const ord = (l: Labels) => {
    const k = sig(l);
    let o = ords.get(k);
    if (o === undefined) {
      o = ords.size;
      ords.set(k, o);
    }
    return o;
  };
  const l = Int32Array.from(lhs, (s) => ord(s.labels));
  const r = Int32Array.from(rhs, (s) => ord(s.labels));
  return { l, r, count: ords.size };
}

/** and / or / unless: presence per signature decides, per step. */
function setOp(ev: Evaluator, op: 'and' | 'or' | 'unless', lhs: Series[], rhs: Series[], m: VectorMatching, st: Steps): VectorValue {
  const n = st.n;
  const sigs = signatures(lhs, rhs, m);
  const presence = (side: Series[], ords: Int32Array): Map<number, Uint8Array> => {
    const out = new Map<number, Uint8Array>();
    side.forEach((s, i) => {
      let pr = out.get(ords[i]);
      if (!pr) out.set(ords[i], (pr = allocU8(n)));
      for (let k = 0; k < n; k++) pr[k] |= s.p[k];
    });
    return out;
  };
  if (op === 'or') {
    const leftPresent = presence(lhs, sigs.l);
    const out: Series[] = [...lhs];
    const byKey = new Map<string, number>();
    lhs.forEach((s, i) => byKey.set(labelsKey(s.labels), i));
    rhs.forEach((s, i) => {
      ev.checkpoint();
      const lp = leftPresent.get(sigs.r[i]);
      const pr = allocU8(n);
      let any = false;
      for (let k = 0; k < n; k++) {
        if (s.p[k] && !(lp && lp[k])) {
          pr[k] = 1;
          any = true;
        }
      }
      if (!any) return;
      const key = labelsKey(s.labels);
      const at = byKey.get(key);
      if (at === undefined) {
        byKey.set(key, out.length);
        out.push({ labels: s.labels, v: s.v, p: pr, dropName: s.dropName });
        return;
      }
      // Same labels as an earlier series: merge, failing where both have a point.
      const prev = out[at];
      const v = prev.v.slice();
      const p2 = prev.p.slice();
      for (let k = 0; k < n; k++) {
        if (!pr[k]) continue;
        if (p2[k]) throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
        p2[k] = 1;
        v[k] = s.v[k];
      }
      out[at] = { labels: prev.labels, v, p: p2, dropName: prev.dropName };
    });
    return { type: 'vector', series: out };
  }
  const rightPresent = presence(rhs, sigs.r);
  const out: Series[] = [];
  lhs.forEach((s, i) => {
    const rp = rightPresent.get(sigs.l[i]);
    const pr = allocU8(n);
    let any = false;
    for (let k = 0; k < n; k++) {
      if (!s.p[k]) continue;
      const matched = rp !== undefined && rp[k] === 1;
      if (matched === (op === 'and')) {
        pr[k] = 1;
        any = true;
      }
    }
    if (any) out.push({ labels: s.labels, v: s.v, p: pr, dropName: s.dropName });
  });
  return { type: 'vector', series: out };
}

/** Prometheus resultMetric: the output labels for one matched pair (lhs = the "many" side after any swap). */
function resultLabels(ls: Labels, rs: Labels, op: BinaryOp, m: VectorMatching): Labels {
  const out: Record<string, string> = { ...ls };
  if (ARITHMETIC.has(op)) {
    delete out.__name__;
    delete out.__type__;
    delete out.__unit__;
  }
  if (m.card === 'one-to-one') {
    if (m.on) {
      for (const k of Object.keys(out)) if (!m.labels.includes(k)) delete out[k];
    } else for (const k of m.labels) delete out[k];
  }
  for (const name of m.include) {
    const v = rs[name];
    if (v !== undefined && v !== '') out[name] = v;
    else delete out[name];
  }
  return out;
}

/** Arithmetic and comparison between two vectors, matching series by signature at every step. */
function vectorVector(ev: Evaluator, p: BinaryPlan, lhsIn: Series[], rhsIn: Series[], m: VectorMatching, st: Steps): VectorValue {
  const n = st.n;
  const op = p.op;
  const cmp = COMPARISON.has(op);
  const oneToMany = m.card === 'one-to-many';
  const fillR = p.fill?.rhs;
  const fillL = p.fill?.lhs;
  const sigsAll = signatures(lhsIn, rhsIn, m);
  // One-to-many is evaluated as many-to-one with the sides swapped; values are swapped back per operation.
  const lhs = oneToMany ? rhsIn : lhsIn;
  const rhs = oneToMany ? lhsIn : rhsIn;
  const lsig = oneToMany ? sigsAll.r : sigsAll.l;
  const rsig = oneToMany ? sigsAll.l : sigsAll.r;
  const nsig = sigsAll.count;

  const rightAt = new Int32Array(nsig);
  const rightStamp = new Int32Array(nsig);
  const matchedStamp = new Int32Array(nsig);

  const outSeries: Series[] = [];
  const outByKey = new Map<string, number>();
  const pairOut = new Map<number, number>();
  // For many-to-one: result series already produced per signature in this step.
  const insertedStamp: number[] = [];
  const insertedSig: number[] = [];
  const R = rhs.length + 1;

  // A series usually matches the same partner at every step: remember each left series' last pair and output.
  const lastPair = new Float64Array(lhs.length).fill(-1);
  const lastOut = new Int32Array(lhs.length);
  const outIndex = (pairKey: number, li: number, ls: Labels, rs: Labels, dropName: boolean): number => {
    if (li >= 0 && lastPair[li] === pairKey) return lastOut[li];
    let o = pairOut.get(pairKey);
    if (o !== undefined) {
      if (li >= 0) {
        lastPair[li] = pairKey;
        lastOut[li] = o;
      }
      return o;
    }
    const labels = resultLabels(ls, rs, op, m);
    const key = labelsKey(labels);
    o = outByKey.get(key);
    if (o === undefined) {
      o = outSeries.length;
      outSeries.push(newSeries(labels, n, dropName));
      outByKey.set(key, o);
    }
    pairOut.set(pairKey, o);
    if (li >= 0) {
      lastPair[li] = pairKey;
      lastOut[li] = o;
    }
    return o;
  };

  const doOp = (
    i: number,
    stamp: number,
    sig: number,
    pairKey: number,
    li: number,
    ls: Labels,
    rs: Labels,
    lv: number,
    rv: number,
  ) => {
    let fl = lv;
    let fr = rv;
    if (oneToMany) {
      fl = rv;
      fr = lv;
    }
    let value: number;
    let keep = true;
    if (cmp) {
      keep = compare(op, fl, fr);
      value = fl;
    } else value = arith(op, fl, fr);
    if (p.returnBool) {
      value = keep ? 1 : 0;
    }
    const o = outIndex(pairKey, li, ls, rs, p.returnBool);
    if (m.card === 'one-to-one') {
      if (matchedStamp[sig] === stamp) {
        throw new QueryError('execution', 'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)');
      }
      matchedStamp[sig] = stamp;
    } else {
      if (insertedStamp[o] === stamp && insertedSig[o] === sig) {
        throw new QueryError('execution', 'multiple matches for labels: grouping labels must ensure unique matches');
      }
      insertedStamp[o] = stamp;
      insertedSig[o] = sig;
      matchedStamp[sig] = stamp;
    }
    if (!keep && !p.returnBool) return;
    const s = outSeries[o];
    if (s.p[i]) throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
    s.v[i] = value;
    s.p[i] = 1;
  };

  let lCount = 0;
  let rCount = 0;
  for (let i = 0; i < n; i++) {
    if ((i & 63) === 0) ev.checkpoint();
    const stamp = i + 1;
    lCount = 0;
    rCount = 0;
    for (let li = 0; li < lhs.length; li++) lCount += lhs[li].p[i];
    for (let ri = 0; ri < rhs.length; ri++) rCount += rhs[ri].p[i];
    if ((lCount === 0 && rCount === 0) || ((lCount === 0 || rCount === 0) && fillL === undefined && fillR === undefined)) continue;
    for (let ri = 0; ri < rhs.length; ri++) {
      const s = rhs[ri];
      if (!s.p[i]) continue;
      const sig = rsig[ri];
      if (rightStamp[sig] === stamp) {
        const dup = rhs[rightAt[sig]];
        const matched = matchLabels(s.labels, m.on, m.labels);
        throw new QueryError(
          'execution',
          `found duplicate series for the match group ${labelsString(matched)} on the ${oneToMany ? 'left' : 'right'} hand-side of the operation: [${labelsString(s.labels)}, ${labelsString(dup.labels)}];many-to-many matching not allowed: matching labels must be unique on one side`,
        );
      }
      rightStamp[sig] = stamp;
      rightAt[sig] = ri;
    }
    for (let li = 0; li < lhs.length; li++) {
      const s = lhs[li];
      if (!s.p[i]) continue;
      const sig = lsig[li];
      if (rightStamp[sig] === stamp) {
        const ri = rightAt[sig];
        doOp(i, stamp, sig, li * R + ri, li, s.labels, rhs[ri].labels, s.v[i], rhs[ri].v[i]);
      } else if (fillR !== undefined) {
        const fillLabels = matchLabels(s.labels, m.on, m.labels);
        doOp(i, stamp, sig, li * R + rhs.length, li, s.labels, fillLabels, s.v[i], fillR);
      }
    }
    if (fillL !== undefined) {
      for (let ri = 0; ri < rhs.length; ri++) {
        const s = rhs[ri];
        if (!s.p[i]) continue;
        const sig = rsig[ri];
        if (matchedStamp[sig] === stamp) continue;
        const fillLabels = matchLabels(s.labels, m.on, m.labels);
        // Pair keys for left fills sit after all real pairs.
        doOp(i, stamp, sig, (lhs.length + 1) * R + ri, -1, fillLabels, s.labels, fillL, s.v[i]);
      }
    }
  }
  return { type: 'vector', series: outSeries.filter((s) => s.p.some((x) => x)) };
}
