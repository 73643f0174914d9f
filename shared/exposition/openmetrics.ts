// OpenMetrics 1.0 text parser: line syntax, family tracking, `_created` association, optional strict rules.

import { Cursor } from './cursor.ts';
import { ExpositionParseError } from './errors.ts';
import type { LineParser } from './lines.ts';
import { scanDecimal, scanFloat } from './numbers.ts';
import { exemplarFits, StrictChecker } from './om-strict.ts';
import {
  BASE,
  INFO,
  OM_TYPES,
  SUFFIXES,
  TOTAL,
  TYPE_KINDS,
  kindOf,
  newOmFamily,
  type OmFamily,
} from './om-family.ts';
import { SampleScanner, isMetricStart, unescape } from './scan.ts';
import type { Exemplar, ExpositionSink, MetricType, ParseOptions } from './types.ts';

const STRICT_DIALECT = { whitespace: false, quotedNames: false, trailingComma: false };
// Prometheus's own OpenMetrics lexer accepts quoted UTF-8 names and a trailing comma.
const PROMETHEUS_DIALECT = { whitespace: false, quotedNames: true, trailingComma: true };

/** Parses OpenMetrics text line by line into a sink. */
export class OpenMetricsParser implements LineParser {
  private readonly strict: StrictChecker | null;
  private readonly sc: SampleScanner;
  private readonly cursor: Cursor;
  private readonly byName = new Map<string, OmFamily>();
  // Sample names whose family name is taken by a type that does not own them (lenient mode).
  private readonly orphans = new Map<string, OmFamily>();
  private cur: OmFamily | null = null;
  private lastName = '';
  private lastKind = -1;
  private kind = -1;
  private eof = false;

  constructor(
    private readonly sink: ExpositionSink,
    opts: ParseOptions = {},
  ) {
    this.strict = opts.strict === true ? new StrictChecker() : null;
    const dialect = this.strict ? STRICT_DIALECT : PROMETHEUS_DIALECT;
    this.sc = new SampleScanner(dialect);
    this.cursor = new Cursor(new SampleScanner(dialect), opts.normalizeBucketLabels !== false);
  }

  line(s: string, start: number, end: number, lineNo: number, _terminated: boolean): void {
    if (this.eof) throw new ExpositionParseError('unexpected content after "# EOF"', lineNo, 1);
    const sc: SampleScanner = this.sc;
    sc.lineNo = lineNo;
    sc.lineStart = start;
    if (start === end) sc.fail('empty lines are not allowed in OpenMetrics', start);
    if (s.charCodeAt(start) === 35) this.hashLine(s, start, end, lineNo);
    else this.sampleLine(s, start, end, lineNo);
  }

  finish(lineCount: number, lastTerminated: boolean): void {
    if (!this.eof) {
      const line = Math.max(1, lastTerminated ? lineCount + 1 : lineCount);
      throw new ExpositionParseError('missing "# EOF" at the end of the exposition', line, 1);
    }
  }

  private hashLine(s: string, start: number, end: number, lineNo: number): void {
    const sc: SampleScanner = this.sc;
    if (end - start === 5 && s.startsWith('# EOF', start)) {
      if (this.strict !== null && this.cur !== null) this.strict.close(this.cur);
      this.cur = null;
      this.lastName = '';
      this.eof = true;
      return;
    }
    let keyword: 'HELP' | 'TYPE' | 'UNIT';
    if (s.startsWith('# HELP', start)) keyword = 'HELP';
    else if (s.startsWith('# TYPE', start)) keyword = 'TYPE';
    else if (s.startsWith('# UNIT', start)) keyword = 'UNIT';
    else return sc.fail('OpenMetrics allows no comments: expected "# HELP", "# TYPE", "# UNIT" or "# EOF"', start);
    let i = start + 6;
    if (i >= end || s.charCodeAt(i) !== 32) {
      if (i < end) sc.fail('OpenMetrics allows no comments: expected "# HELP", "# TYPE", "# UNIT" or "# EOF"', start);
      sc.fail(`${keyword} line needs a metric name`, i);
    }
    i++;
    let name: string;
    let j: number;
    const c = s.charCodeAt(i);
    if (i < end && isMetricStart(c)) {
      name = sc.scanMetricName(s, i, end);
      j = sc.pos;
    } else if (c === 34 && this.strict === null) {
      name = sc.scanQuoted(s, i, end, 'metric name');
      j = sc.pos;
    } else {
      return sc.fail(i >= end ? `${keyword} line needs a metric name` : `invalid metric name in ${keyword} line`, i);
    }
    const what = keyword === 'HELP' ? 'help text' : keyword === 'TYPE' ? 'a type' : 'a unit';
    if (j >= end) sc.fail(`${keyword} line for "${name}" needs a space and ${what} after the name`, j);
    if (s.charCodeAt(j) !== 32) sc.fail(`invalid metric name "${s.slice(i, j + 1)}" in ${keyword} line`, i);
    j++;
    let type: MetricType = 'unknown';
    let text = '';
    if (keyword === 'HELP') text = unescape(s, j, end, true);
    else if (keyword === 'TYPE') {
      const t = s.slice(j, end);
      if (!OM_TYPES.has(t)) {
        sc.fail(`invalid metric type "${t}": expected counter, gauge, histogram, gaugehistogram, summary, info, stateset or unknown`, j);
      }
      type = t as MetricType;
    } else {
      text = s.slice(j, end);
      if (text !== '' && !name.endsWith('_' + text)) sc.fail(`unit "${text}" is not a suffix of metric name "${name}"`, j);
    }
    this.metadata(keyword, name, type, text, lineNo);
  }

  private metadata(keyword: 'HELP' | 'TYPE' | 'UNIT', name: string, type: MetricType, text: string, lineNo: number): void {
    this.lastName = '';
    let f = this.cur;
    if (this.strict !== null) {
      if (f === null || f.meta.name !== name) {
        if (f !== null) this.strict.close(f);
        f = this.openFamily(name, lineNo);
      }
      this.strict.metadata(f, keyword, lineNo);
    } else if (f === null || f.meta.name !== name) {
      f = this.byName.get(name) ?? this.openFamily(name, lineNo);
    }
    if (keyword === 'HELP') {
      f.meta.help = text;
      f.hasHelp = true;
    } else if (keyword === 'TYPE') {
      f.meta.type = type;
      f.kinds = TYPE_KINDS[type];
      f.hasType = true;
    } else {
      f.meta.unit = text;
      f.hasUnit = true;
    }
    if (this.strict !== null) this.strict.afterMetadata(f, lineNo);
    this.cur = f;
  }

  private openFamily(name: string, lineNo: number): OmFamily {
    const f = newOmFamily(name, lineNo);
    if (this.strict !== null) this.strict.open();
    else if (!this.byName.has(name)) this.byName.set(name, f);
    this.sink.family?.(f.meta);
    return f;
  }

  /** Finds (lenient) or opens (strict) the family owning sample `name`; sets this.kind. */
  private resolve(name: string, lineNo: number): OmFamily {
    const cur = this.cur;
    if (cur !== null) {
      const k = kindOf(cur, name);
      if (k >= 0) {
        this.kind = k;
        return cur;
      }
    }
    if (this.strict !== null) {
      if (cur !== null) this.strict.close(cur);
      this.kind = BASE;
      return this.openFamily(name, lineNo);
    }
    const exact = this.byName.get(name);
    if (exact !== undefined) {
      const k = kindOf(exact, name);
      if (k >= 0) {
        this.kind = k;
        return exact;
      }
    }
    for (let kind = TOTAL; kind <= INFO; kind++) {
      const suffix = SUFFIXES[kind];
      if (name.length <= suffix.length || !name.endsWith(suffix)) continue;
      const f = this.byName.get(name.slice(0, name.length - suffix.length));
      if (f !== undefined) {
        const k = kindOf(f, name);
        if (k >= 0) {
          this.kind = k;
          return f;
        }
      }
    }
    this.kind = BASE;
    if (exact === undefined) return this.openFamily(name, lineNo);
    let orphan = this.orphans.get(name);
    if (orphan === undefined) {
      orphan = newOmFamily(name, lineNo);
      this.orphans.set(name, orphan);
      this.sink.family?.(orphan.meta);
    }
    return orphan;
  }

  private sampleLine(s: string, start: number, end: number, lineNo: number): void {
    const sc: SampleScanner = this.sc;
    let i = start;
    let name: string;
    let labelsStart = -1;
    const c0 = s.charCodeAt(i);
    if (isMetricStart(c0)) {
      name = sc.scanMetricName(s, i, end);
      i = sc.pos;
      if (i < end && s.charCodeAt(i) === 123) {
        labelsStart = i;
        sc.checkLabels(s, i + 1, end, false);
        i = sc.pos;
      }
    } else if (c0 === 123 && this.strict === null) {
      labelsStart = i;
      sc.checkLabels(s, i + 1, end, true);
      i = sc.pos;
      if (sc.quotedName === undefined) sc.fail('metric name missing: expected a quoted name inside the braces', start);
      name = sc.quotedName;
    } else if (c0 === 32 || c0 === 9) {
      return sc.fail('lines must not start with whitespace', start);
    } else {
      return sc.fail(`invalid metric name starting with ${JSON.stringify(s[start])}`, start);
    }
    const seriesEnd = i;
    if (i >= end) sc.fail(`missing value for "${name}"`, i);
    if (s.charCodeAt(i) !== 32) {
      const c = s.charCodeAt(i);
      sc.fail(isMetricStart(c) || c === 45 || c === 46 ? `invalid metric name "${name}${s[i]}…"` : `expected a single space after "${name}"`, i);
    }
    i++;
    const vStart = i;
    while (i < end && s.charCodeAt(i) !== 32) i++;
    const vEnd = i;
    if (vEnd === vStart) sc.fail(`missing value for "${name}" (exactly one space separates fields)`, vStart);
    const value = scanFloat(s, vStart, vEnd);
    if (value === undefined) sc.fail(`invalid value "${s.slice(vStart, vEnd)}"`, vStart);
    let tsRaw: number | undefined;
    let exemplar: Exemplar | undefined;
    if (i < end) {
      i++;
      if (i >= end) sc.fail('trailing space at end of line', i - 1);
      if (s.charCodeAt(i) !== 35) {
        const tStart = i;
        while (i < end && s.charCodeAt(i) !== 32) i++;
        tsRaw = scanDecimal(s, tStart, i, 3);
        if (tsRaw === undefined || !Number.isFinite(tsRaw)) {
          sc.fail(`invalid timestamp "${s.slice(tStart, i)}": expected seconds as a decimal number`, tStart);
        }
        if (i < end) {
          i++;
          if (i >= end) sc.fail('trailing space at end of line', i - 1);
          if (s.charCodeAt(i) !== 35) sc.fail('unexpected text after timestamp', i);
        }
      }
      if (i < end) exemplar = this.exemplar(s, i, end);
    }

    let f: OmFamily;
    let kind: number;
    if (name === this.lastName && this.cur !== null) {
      f = this.cur;
      kind = this.lastKind;
    } else {
      f = this.resolve(name, lineNo);
      kind = this.kind;
      this.cur = f;
      this.lastName = name;
      this.lastKind = kind;
    }
    f.samples++;
    const c = this.cursor;
    c.reset();
    c.name = name;
    c.value = value;
    c.timestampMs = tsRaw === undefined ? undefined : Math.trunc(tsRaw);
    c.family = f.meta;
    c.line = lineNo;
    c.text = s;
    c.seriesStart = start;
    c.labelsStart = labelsStart;
    c.seriesEnd = seriesEnd;
    if (this.strict !== null) {
      this.strict.sample(f, kind, c.rawLabels(), value, tsRaw, exemplar === undefined ? undefined : exemplar.labels, lineNo);
    } else if (exemplar !== undefined && !exemplarFits(exemplar.labels)) {
      exemplar = undefined; // Prometheus drops an over-long exemplar but keeps the sample.
    }
    c.exemplar = exemplar;
    this.sink.sample(c);
  }

  private exemplar(s: string, i: number, end: number): Exemplar {
    const sc: SampleScanner = this.sc;
    if (i + 2 >= end || s.charCodeAt(i + 1) !== 32 || s.charCodeAt(i + 2) !== 123) {
      sc.fail('malformed exemplar: expected "# {labels} value [timestamp]"', i);
    }
    const labels = sc.scanLabels(s, i + 3, end, false, false, true);
    i = sc.pos;
    if (i >= end || s.charCodeAt(i) !== 32) sc.fail('expected a space and a value after the exemplar labels', i);
    i++;
    const vStart = i;
    while (i < end && s.charCodeAt(i) !== 32) i++;
    if (i === vStart) sc.fail('missing exemplar value', vStart);
    const value = scanFloat(s, vStart, i);
    if (value === undefined) sc.fail(`invalid exemplar value "${s.slice(vStart, i)}"`, vStart);
    let timestampMs: number | undefined;
    if (i < end) {
      i++;
      const tStart = i;
      while (i < end && s.charCodeAt(i) !== 32) i++;
      if (i === tStart) sc.fail('trailing space at end of line', tStart - 1);
      const ts = scanDecimal(s, tStart, i, 3);
      if (ts === undefined || !Number.isFinite(ts)) sc.fail(`invalid exemplar timestamp "${s.slice(tStart, i)}"`, tStart);
      timestampMs = Math.trunc(ts);
      if (i < end) sc.fail('unexpected text after exemplar timestamp', i);
    }
    return { labels, value, timestampMs };
  }
}
