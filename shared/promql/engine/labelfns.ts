// label_replace(), label_join() and the natural order of sort_by_label(); they change labels, never values.
import { compileRegex } from '../ast.ts';
import { labelsKey, type Labels } from '../../model/labels.ts';
import { QueryError } from '../result.ts';
import type { Evaluator } from './evaluator.ts';
import type { CallPlan, Plan } from './plan.ts';
import type { Series, Steps, VectorValue } from './values.ts';

function stringArg(p: Plan): string {
  if (p.kind !== 'string') throw new QueryError('bad_data', 'expected a string literal', p.pos);
  return p.value;
}

/** A label name is valid when it is non-empty UTF-8 (Prometheus's UTF-8 validation scheme). */
function validLabelName(name: string): boolean {
  if (name.length === 0) return false;
  // Lone surrogates and U+FFFD stand for bytes that were not valid UTF-8 in the query.
  return !/[\ud800-\udfff]/.test(name.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')) && !name.includes('\ufffd');
}

/** Go regexp.Expand for `$1`, `${1}`, `$name`, `${name}` and `$$` in `template`. */
function expand(template: string, m: RegExpExecArray): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const d = template.indexOf('$', i);
    if (d < 0) {
      out += template.slice(i);
      break;
    }
    out += template.slice(i, d);
    i = d + 1;
    if (template[i] === '$') {
      out += '$';
      i++;
      continue;
    }
    let brace = false;
    let j = i;
    if (template[j] === '{') {
      brace = true;
      j++;
    }
    const start = j;
    while (j < template.length && /[\p{L}\p{Nd}_]/u.test(template[j])) j++;
    const name = template.slice(start, j);
    if (name === '' || (brace && template[j] !== '}')) {
      out += '$';
      continue;
    }
    if (brace) j++;
    i = j;
    if (/^\d+$/.test(name)) {
      const num = Number(name);
      if (num < m.length && m[num] !== undefined) out += m[num];
    } else if (m.groups && m.groups[name] !== undefined) out += m.groups[name];
  }
  return out;
}

/** Series with the same labels after relabelling are merged when they never overlap in time; otherwise it fails. */
export function mergeSameLabels(series: Series[]): Series[] {
  const byKey = new Map<string, Series>();
  const out: Series[] = [];
  for (const s of series) {
    const key = labelsKey(s.labels);
    const prev = byKey.get(key);
    if (!prev) {
      byKey.set(key, s);
      out.push(s);
      continue;
    }
    const v = prev.v.slice();
    const p = prev.p.slice();
    for (let i = 0; i < p.length; i++) {
      if (!s.p[i]) continue;
      if (p[i]) throw new QueryError('execution', 'vector cannot contain metrics with the same labelset');
      p[i] = 1;
      v[i] = s.v[i];
    }
    const merged: Series = { labels: prev.labels, v, p, dropName: prev.dropName };
    out[out.indexOf(prev)] = merged;
    byKey.set(key, merged);
  }
  return out;
}

function withLabel(l: Labels, name: string, value: string): Labels {
  const out: Record<string, string> = { ...l };
  if (value === '') delete out[name];
  else out[name] = value;
  return out;
}

/** label_replace(v, dst, replacement, src, regex). */
export function evalLabelReplace(ev: Evaluator, p: CallPlan, st: Steps): VectorValue {
  const dst = stringArg(p.args[1]);
  const repl = stringArg(p.args[2]);
  const src = stringArg(p.args[3]);
  const regexStr = stringArg(p.args[4]);
  let re: RegExp;
  try {
    re = compileRegex(regexStr);
  } catch {
    throw new QueryError('execution', `invalid regular expression in label_replace(): ${regexStr}`);
  }
  if (!validLabelName(dst)) throw new QueryError('execution', `invalid destination label name in label_replace(): ${dst}`);
  const vec = ev.evalVector(p.args[0], st);
  const series = vec.series.map((s) => {
    const m = re.exec(s.labels[src] ?? '');
    if (!m) return s;
    const labels = withLabel(s.labels, dst, expand(repl, m));
    return { labels, v: s.v, p: s.p, dropName: dst === '__name__' ? false : s.dropName };
  });
  return { type: 'vector', series: mergeSameLabels(series) };
}

/** label_join(v, dst, separator, src...). */
export function evalLabelJoin(ev: Evaluator, p: CallPlan, st: Steps): VectorValue {
  const dst = stringArg(p.args[1]);
  const sep = stringArg(p.args[2]);
  const srcs = p.args.slice(3).map(stringArg);
  for (const s of srcs) if (!validLabelName(s)) throw new QueryError('execution', `invalid source label name in label_join(): ${s}`);
  if (!validLabelName(dst)) throw new QueryError('execution', `invalid destination label name in label_join(): ${dst}`);
  const vec = ev.evalVector(p.args[0], st);
  const series = vec.series.map((s) => {
    const value = srcs.map((n) => s.labels[n] ?? '').join(sep);
    const labels = withLabel(s.labels, dst, value);
    return { labels, v: s.v, p: s.p, dropName: dst === '__name__' ? false : s.dropName };
  });
  return { type: 'vector', series: mergeSameLabels(series) };
}

/** facette/natsort's Compare (the version Prometheus vendors): chunks of digits compare as integers. */
export function naturalLess(a: string, b: string): boolean {
  const ca = a.match(/\d+|\D+/g) ?? [];
  const cb = b.match(/\d+|\D+/g) ?? [];
  for (let i = 0; i < ca.length; i++) {
    if (i >= cb.length) return false;
    const x = ca[i];
    const y = cb[i];
    const xn = /^\d+$/.test(x) && x.length <= 18;
    const yn = /^\d+$/.test(y) && y.length <= 18;
    if (xn && yn) {
      const xi = Number(x);
      const yi = Number(y);
      if (xi === yi) {
        if (i === ca.length - 1) return true;
        if (i === cb.length - 1) return false;
        continue;
      }
      return xi < yi;
    }
    if (x === y) {
      if (i === ca.length - 1) return true;
      if (i === cb.length - 1) return false;
      continue;
    }
    return x < y;
  }
  return false;
}
