// Series-set helpers for the parity suite: canonical keys, Prometheus 2.x → 3.x label translation, readable diffs.
import { formatLabels, labelsKey, type Labels } from '../../../shared/model/labels.ts';

/** Go's strconv.FormatFloat(f, 'g', -1, 64): shortest digits, exponent form for exponents below -4 or from 6 up. */
export function goFormatG(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  const [mantissa, expText] = f.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const digits = String(Math.abs(exp)).padStart(2, '0');
    return `${mantissa}e${sign}${digits}`;
  }
  return String(f);
}

/**
 * The label value Prometheus 3 stores for a classic-histogram `le` or summary `quantile` label (it rewrites
 * `le="1"` to `le="1.0"` on ingestion; 2.x stores the text as exposed).
 */
export function canonicalFloatLabel(value: string): string {
  const f = Number(value.replace(/^\+?Inf$/i, 'Infinity').replace(/^-Inf$/i, '-Infinity'));
  if (value.trim() === '' || Number.isNaN(f)) return value;
  const g = goFormatG(f);
  return /[.eIN]/.test(g) ? g : `${g}.0`;
}

/**
 * A series as Prometheus 3 would store it, from what Prometheus 2.42 stored: the one difference the suite's
 * expositions can show is the `le`/`quantile` normalisation introduced in 3.0.
 */
export function asPrometheus3(labels: Labels): Labels {
  if (labels.le === undefined && labels.quantile === undefined) return labels;
  const out: Record<string, string> = { ...labels };
  if (out.le !== undefined) out.le = canonicalFloatLabel(out.le);
  if (out.quantile !== undefined) out.quantile = canonicalFloatLabel(out.quantile);
  return out;
}

export interface SeriesDiff {
  /** Series only the first set has, formatted as `name{a="b"}`, sorted. */
  onlyA: string[];
  onlyB: string[];
}

/** The symmetric difference of two series sets. */
export function diffSeries(a: Iterable<Labels>, b: Iterable<Labels>): SeriesDiff {
  const ka = new Map<string, Labels>();
  const kb = new Map<string, Labels>();
  for (const l of a) ka.set(labelsKey(l), l);
  for (const l of b) kb.set(labelsKey(l), l);
  const onlyA = [...ka].filter(([k]) => !kb.has(k)).map(([, l]) => formatLabels(l)).sort();
  const onlyB = [...kb].filter(([k]) => !ka.has(k)).map(([, l]) => formatLabels(l)).sort();
  return { onlyA, onlyB };
}

/** Series of a set belonging to one job. */
export function ofJob(series: Iterable<Labels>, job: string): Labels[] {
  return [...series].filter((l) => l.job === job);
}
