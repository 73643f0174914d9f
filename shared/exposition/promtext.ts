// Prometheus text format parser (0.0.4, and 1.0.0 with quoted UTF-8 names): lenient, as Prometheus scrapes it.

import { Cursor } from './cursor.ts';
import type { LineParser } from './lines.ts';
import { scanDigits, scanFloat } from './numbers.ts';
import { SampleScanner, isMetricStart, unescape } from './scan.ts';
import type { ExpositionSink, MetricFamily, MetricType, ParseOptions } from './types.ts';

const DIALECT = { whitespace: true, quotedNames: true, trailingComma: true };
const TYPES: Readonly<Record<string, MetricType>> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  untyped: 'unknown',
};

function isBlank(c: number): boolean {
  return c === 32 || c === 9;
}

/** Parses Prometheus text line by line into a sink. */
export class PromTextParser implements LineParser {
  private readonly sc = new SampleScanner(DIALECT);
  private readonly cursor: Cursor;
  private readonly byName = new Map<string, MetricFamily>();
  private lastName = '';
  private lastFam: MetricFamily | null = null;

  constructor(
    private readonly sink: ExpositionSink,
    opts: ParseOptions = {},
  ) {
    this.cursor = new Cursor(new SampleScanner(DIALECT), opts.normalizeBucketLabels !== false);
  }

  line(s: string, start: number, end: number, lineNo: number, _terminated: boolean): void {
    let i = start;
    while (i < end && isBlank(s.charCodeAt(i))) i++;
    if (i === end) return;
    this.sc.lineNo = lineNo;
    this.sc.lineStart = start;
    if (s.charCodeAt(i) === 35) this.comment(s, i + 1, end);
    else this.sample(s, i, end, lineNo);
  }

  finish(_lineCount: number, _lastTerminated: boolean): void {}

  private family(name: string): MetricFamily {
    let f = this.byName.get(name);
    if (f === undefined) {
      f = { name, type: 'unknown', help: '', unit: '' };
      this.byName.set(name, f);
      this.sink.family?.(f);
    }
    return f;
  }

  /** A `#` line: HELP or TYPE metadata, else an ignored comment. i is after the `#`. */
  private comment(s: string, i: number, end: number): void {
    const sc: SampleScanner = this.sc;
    if (i >= end || !isBlank(s.charCodeAt(i))) return;
    while (i < end && isBlank(s.charCodeAt(i))) i++;
    const help = s.startsWith('HELP', i);
    if (!help && !s.startsWith('TYPE', i)) return;
    const keyword = help ? 'HELP' : 'TYPE';
    i += 4;
    if (i >= end || !isBlank(s.charCodeAt(i))) return; // e.g. "# HELPER": a comment
    while (i < end && isBlank(s.charCodeAt(i))) i++;
    let name: string;
    let j: number;
    const c = s.charCodeAt(i);
    if (i < end && isMetricStart(c)) {
      name = sc.scanMetricName(s, i, end);
      j = sc.pos;
    } else if (c === 34) {
      name = sc.scanQuoted(s, i, end, 'metric name');
      j = sc.pos;
    } else {
      return sc.fail(`${keyword} line needs a valid metric name`, i);
    }
    if (j < end && !isBlank(s.charCodeAt(j))) sc.fail(`invalid metric name "${s.slice(i, j + 1)}" in ${keyword} line`, i);
    this.lastName = '';
    if (help) {
      // One blank separates name and text; HELP escapes only `\\` and `\n`.
      this.family(name).help = j < end ? unescape(s, j + 1, end, false) : '';
      return;
    }
    while (j < end && isBlank(s.charCodeAt(j))) j++;
    if (j >= end) sc.fail(`TYPE line for "${name}" needs a type`, j);
    const t = s.slice(j, end);
    const type = Object.hasOwn(TYPES, t) ? TYPES[t] : undefined;
    if (type === undefined) sc.fail(`invalid metric type "${t}": expected counter, gauge, histogram, summary or untyped`, j);
    this.family(name).type = type;
  }

  /** The family a sample belongs to: its own name, or a histogram/summary base name. */
  private resolve(name: string): MetricFamily {
    const exact = this.byName.get(name);
    if (exact !== undefined) return exact;
    const cut = name.endsWith('_bucket') ? 7 : name.endsWith('_count') ? 6 : name.endsWith('_sum') ? 4 : 0;
    if (cut > 0) {
      const base = this.byName.get(name.slice(0, name.length - cut));
      if (base !== undefined && (base.type === 'histogram' || (base.type === 'summary' && cut !== 7))) return base;
    }
    return this.family(name);
  }

  private sample(s: string, i: number, end: number, lineNo: number): void {
    const sc: SampleScanner = this.sc;
    const start = i;
    let name: string;
    let labelsStart = -1;
    const c0 = s.charCodeAt(i);
    if (isMetricStart(c0)) {
      name = sc.scanMetricName(s, i, end);
      i = sc.pos;
      while (i < end && isBlank(s.charCodeAt(i))) i++;
      if (i < end && s.charCodeAt(i) === 123) {
        labelsStart = i;
        sc.checkLabels(s, i + 1, end, false);
        i = sc.pos;
      }
    } else if (c0 === 123) {
      labelsStart = i;
      sc.checkLabels(s, i + 1, end, true);
      i = sc.pos;
      if (sc.quotedName === undefined) sc.fail('metric name missing: expected a quoted name inside the braces', start);
      name = sc.quotedName;
    } else {
      return sc.fail(`invalid metric name starting with ${JSON.stringify(s[start])}`, start);
    }
    const seriesEnd = labelsStart < 0 ? start + name.length : i;
    while (i < end && isBlank(s.charCodeAt(i))) i++;
    const vStart = i;
    while (i < end && !isBlank(s.charCodeAt(i))) i++;
    if (i === vStart) sc.fail(`missing value for "${name}"`, i);
    const value = scanFloat(s, vStart, i);
    if (value === undefined) {
      const c = s.charCodeAt(vStart);
      sc.fail(
        isMetricStart(c) || c === 45 || c === 46 ? `invalid metric name or value "${s.slice(start, i)}"` : `invalid value "${s.slice(vStart, i)}"`,
        vStart,
      );
    }
    while (i < end && isBlank(s.charCodeAt(i))) i++;
    let timestampMs: number | undefined;
    if (i < end) {
      const tStart = i;
      while (i < end && !isBlank(s.charCodeAt(i))) i++;
      timestampMs = scanDigits(s, tStart, i);
      if (timestampMs === undefined) {
        sc.fail(`invalid timestamp "${s.slice(tStart, i)}": expected integer milliseconds`, tStart);
      }
      while (i < end && isBlank(s.charCodeAt(i))) i++;
      if (i < end) sc.fail('unexpected text after timestamp', i);
    }
    let f: MetricFamily;
    if (name === this.lastName && this.lastFam !== null) f = this.lastFam;
    else {
      f = this.resolve(name);
      this.lastName = name;
      this.lastFam = f;
    }
    const c = this.cursor;
    c.reset();
    c.name = name;
    c.value = value;
    c.timestampMs = timestampMs;
    c.family = f;
    c.line = lineNo;
    c.text = s;
    c.seriesStart = start;
    c.labelsStart = labelsStart;
    c.seriesEnd = seriesEnd;
    this.sink.sample(c);
  }
}
