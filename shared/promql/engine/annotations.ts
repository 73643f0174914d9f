// Prometheus's query annotations (warnings and infos): their texts, positions and de-duplication.
import type { PositionRange } from '../ast.ts';
import type { Annotations } from '../result.ts';

/** One annotation before it is rendered with its `(line:col)` position. */
interface Note {
  info: boolean;
  text: string;
  pos: PositionRange | null;
}

interface MonotonicityNote {
  metricName: string;
  pos: PositionRange;
  minTs: number;
  maxTs: number;
  minBucket: number;
  maxBucket: number;
  maxDiff: number;
  count: number;
}

/** A Unix-ms time as Go's RFC 3339 in UTC, whole seconds (truncated toward zero). */
function rfc3339(ms: number): string {
  const secs = Math.trunc(ms / 1000);
  return new Date(secs * 1000).toISOString().replace('.000Z', 'Z');
}

/** Collects annotations during one evaluation; identical texts at identical positions are reported once. */
export class AnnotationSet {
  private notes = new Map<string, Note>();
  private fixes = new Map<string, MonotonicityNote>();

  warn(text: string, pos: PositionRange | null): void {
    this.add({ info: false, text: 'PromQL warning: ' + text, pos });
  }

  info(text: string, pos: PositionRange | null): void {
    this.add({ info: true, text: 'PromQL info: ' + text, pos });
  }

  /** histogram_quantile's monotonicity fix: one note per metric and position, widened by every occurrence. */
  monotonicity(metricName: string, pos: PositionRange, ts: number, minBucket: number, maxBucket: number, maxDiff: number): void {
    const key = metricName + '@' + pos.start;
    const m = this.fixes.get(key);
    if (!m) {
      this.fixes.set(key, { metricName, pos, minTs: ts, maxTs: ts, minBucket, maxBucket, maxDiff, count: 1 });
      return;
    }
    m.minTs = Math.min(m.minTs, ts);
    m.maxTs = Math.max(m.maxTs, ts);
    m.minBucket = Math.min(m.minBucket, minBucket);
    m.maxBucket = Math.max(m.maxBucket, maxBucket);
    m.maxDiff = Math.max(m.maxDiff, maxDiff);
    m.count++;
  }

  private add(n: Note): void {
    const key = (n.info ? 'i' : 'w') + n.text + '@' + (n.pos ? n.pos.start : -1);
    if (!this.notes.has(key)) this.notes.set(key, n);
  }

  /** Renders every note; positions become `(line:col)` in `query` (omitted when the query text is unknown). */
  render(query: string | undefined): Annotations {
    const seen = new Set<string>();
    const out: Annotations = { warnings: [], infos: [] };
    for (const n of this.notes.values()) {
      const text = query !== undefined && n.pos ? `${n.text} (${positionOf(query, n.pos.start)})` : n.text;
      if (seen.has(text)) continue;
      seen.add(text);
      (n.info ? out.infos : out.warnings).push(text);
    }
    for (const m of this.fixes.values()) {
      let text =
        'PromQL info: ' +
        forcedMonotonicity(m.metricName) +
        `, from buckets ${goFloat(m.minBucket)} to ${goFloat(m.maxBucket)}, with a max diff of ${goFloatPrec(m.maxDiff, 2)}` +
        `, over ${m.count} samples from ${rfc3339(m.minTs)} to ${rfc3339(m.maxTs)}`;
      if (query !== undefined) text += ` (${positionOf(query, m.pos.start)})`;
      out.infos.push(text);
    }
    return out;
  }
}

/** `line:col` of a character offset, both 1-based, as Prometheus's PositionRange.StartPosInput prints it. */
export function positionOf(query: string, offset: number): string {
  if (offset < 0 || offset > query.length) return 'invalid position';
  const before = query.slice(0, offset);
  const lastBreak = before.lastIndexOf('\n');
  let line = 1;
  for (let i = 0; i < before.length; i++) if (before.charCodeAt(i) === 10) line++;
  const col = lastBreak < 0 ? offset + 1 : offset - lastBreak;
  return `${line}:${col}`;
}

/** Go's %q for a string: double-quoted with Go escapes. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** Go's %g / %v for a float64: shortest digits, exponent form below 1e-4 and from 1e6 on (two-digit exponent). */
export function goFloat(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, expStr] = v.toExponential().split('e');
  const exp = Number(expStr);
  if (exp < -4 || exp >= 6) return mant + 'e' + (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0');
  return String(v);
}

/** Go's %.<prec>g. */
export function goFloatPrec(v: number, prec: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return '0';
  const [mant, expStr] = v.toExponential(prec - 1).split('e');
  const exp = Number(expStr);
  const trim = (x: string) => (x.includes('.') ? x.replace(/0+$/, '').replace(/\.$/, '') : x);
  if (exp < -4 || exp >= prec) return trim(mant) + 'e' + (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0');
  return trim(v.toFixed(Math.max(0, prec - 1 - exp)));
}

// Annotation texts, as Prometheus words them (util/annotations).

export const possibleNonCounter = (name: string): string =>
  `metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ${goQuote(name)}`;

export const invalidQuantile = (q: number): string => `quantile value should be between 0 and 1, got ${goFloat(q)}`;

export const invalidRatio = (q: number, to: number): string =>
  `ratio value should be between -1 and 1, got ${goFloat(q)}, capping to ${goFloat(to)}`;

export const badBucketLabel = (metricName: string, le: string): string =>
  `bucket label "le" is missing or has a malformed value of ${goQuote(le)}` +
  (metricName ? ` for metric name ${goQuote(metricName)}` : '');

export const forcedMonotonicity = (metricName: string): string =>
  'input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)' +
  (metricName ? ` for metric name ${goQuote(metricName)}` : '');

export const sortIneffective = (): string => 'sort is ineffective for range queries since results are always ordered by labels';
