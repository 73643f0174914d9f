// OpenMetrics text for exports: family resolution from stored metadata, escaping, timestamps in seconds, exemplars (pure).
import { formatOpenMetricsFloat } from '../../../shared/exposition/index.ts';
import { exemplarFits } from '../../../shared/exposition/om-strict.ts';
import { METRIC_NAME, sortedNames, type Labels } from '../../../shared/model/labels.ts';
import type { MetricMetadata } from './types.ts';

/** Sample-name suffixes each OpenMetrics type allows after the family name ('' = the bare name). */
const SUFFIXES: Record<MetricMetadata['type'], readonly string[]> = {
  counter: ['_total', '_created'],
  gauge: [''],
  histogram: ['_bucket', '_count', '_sum', '_created'],
  gaugehistogram: ['_bucket', '_gcount', '_gsum'],
  summary: ['', '_count', '_sum', '_created'],
  info: ['_info'],
  stateset: [''],
  unknown: [''],
};

export interface FamilyHeader {
  family: string;
  type: MetricMetadata['type'];
  help: string;
  unit: string;
}

/**
 * The OpenMetrics family a stored metric name belongs to, given the stored metadata: `x_total` with metadata for a
 * counter `x` (or, as the Prometheus text format names it, `x_total`) is family `x`; a name whose metadata does not
 * fit its type's suffixes is exported as its own `unknown` family so the output always parses back.
 */
export function familyFor(name: string, meta: ReadonlyMap<string, MetricMetadata>): FamilyHeader {
  const exact = meta.get(name);
  if (exact && SUFFIXES[exact.type].includes('')) return { family: name, ...exact };
  for (const [type, suffixes] of Object.entries(SUFFIXES) as Array<[MetricMetadata['type'], readonly string[]]>) {
    for (const s of suffixes) {
      if (s === '' || !name.endsWith(s)) continue;
      const family = name.slice(0, -s.length);
      const m = meta.get(family);
      if (m && m.type === type) return { family, ...m };
      // Prometheus text names a counter family with its _total.
      if (exact && exact.type === type && s === '_total') return { family, ...exact };
    }
  }
  return { family: name, type: 'unknown', help: exact?.help ?? '', unit: '' };
}

const LEGACY_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LEGACY_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** A label value or quoted name with OpenMetrics escapes (backslash, double quote, newline). */
export function escapeValue(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes (backslash and newline). */
export function escapeHelp(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** `name{a="b"}` with labels in order; names outside the legacy character set are quoted, as OpenMetrics allows. */
export function seriesText(labels: Labels): string {
  const name = labels[METRIC_NAME] ?? '';
  const parts: string[] = [];
  for (const n of sortedNames(labels)) {
    if (n === METRIC_NAME) continue;
    parts.push(`${LEGACY_LABEL.test(n) ? n : `"${escapeValue(n)}"`}="${escapeValue(labels[n])}"`);
  }
  if (LEGACY_NAME.test(name)) return parts.length === 0 ? name : `${name}{${parts.join(',')}}`;
  return `{${[`"${escapeValue(name)}"`, ...parts].join(',')}}`;
}

/** Unix ms as OpenMetrics seconds, exact to the millisecond (`1704067200.015`). */
export function formatSeconds(ms: number): string {
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const sec = Math.floor(abs / 1000);
  const frac = abs - sec * 1000;
  if (frac === 0) return `${sign}${sec}`;
  return `${sign}${sec}.${String(frac).padStart(3, '0').replace(/0+$/, '')}`;
}

/** The # HELP / # TYPE / # UNIT lines of a family (UNIT only when the family name carries it, as OpenMetrics requires). */
export function familyLines(h: FamilyHeader): string {
  const name = LEGACY_NAME.test(h.family) ? h.family : `"${escapeValue(h.family)}"`;
  let out = `# TYPE ${name} ${h.type}\n`;
  if (h.help !== '') out += `# HELP ${name} ${escapeHelp(h.help)}\n`;
  if (h.unit !== '' && h.family.endsWith(`_${h.unit}`)) out += `# UNIT ${name} ${h.unit}\n`;
  return out;
}

/** An exemplar to write after a sample line: its labels, value and time (Unix ms). */
export interface LineExemplar {
  labels: Labels;
  value: number;
  ts: number;
}

/** Whether OpenMetrics lets samples of `name` in family `h` carry exemplars (counter _total, histogram _bucket). */
export function allowsExemplars(name: string, h: FamilyHeader): boolean {
  if (h.type === 'counter') return name === `${h.family}_total`;
  if (h.type === 'histogram' || h.type === 'gaugehistogram') return name === `${h.family}_bucket`;
  return false;
}

/** ` # {labels} value timestamp`, or null when the labels exceed OpenMetrics's 128-character limit. */
function exemplarText(x: LineExemplar): string | null {
  const flat: string[] = [];
  const parts: string[] = [];
  for (const n of sortedNames(x.labels)) {
    flat.push(n, x.labels[n]);
    parts.push(`${LEGACY_LABEL.test(n) ? n : `"${escapeValue(n)}"`}="${escapeValue(x.labels[n])}"`);
  }
  if (!exemplarFits(flat)) return null;
  return ` # {${parts.join(',')}} ${formatOpenMetricsFloat(x.value)} ${formatSeconds(x.ts)}`;
}

/**
 * One series' sample lines. Stale markers are left out: OpenMetrics has no way to write them (a NaN would come
 * back as a real NaN value); the binary snapshot keeps them. They are recognised by their bits through an
 * integer view, which optimised code cannot alter (see shared/chunk/xordecode.ts).
 *
 * Exemplars (ascending by time; pass them only where allowsExemplars) ride on the first written sample at or after
 * their time, one per line as OpenMetrics allows; `dropped` counts those that found no line or do not fit.
 */
export function sampleLines(labels: Labels, t: ArrayLike<number>, v: Float64Array, exemplars: readonly LineExemplar[] = [], dropped = { count: 0 }): string {
  const prefix = seriesText(labels) + ' ';
  const bits = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
  let out = '';
  let x = 0;
  for (let i = 0; i < t.length; i++) {
    if (bits[2 * i + 1] === 0x7ff00000 && bits[2 * i] === 2) continue;
    out += prefix + formatOpenMetricsFloat(v[i]) + ' ' + formatSeconds(t[i]);
    // Exemplars older than this sample that found no earlier line are lost (only one fits per line).
    while (x < exemplars.length && exemplars[x].ts <= t[i]) {
      const text = x + 1 < exemplars.length && exemplars[x + 1].ts <= t[i] ? null : exemplarText(exemplars[x]);
      x++;
      if (text === null) dropped.count++;
      else {
        out += text;
        break;
      }
    }
    out += '\n';
  }
  dropped.count += exemplars.length - x;
  return out;
}
