// Character-level scanning shared by both parsers: names, label sets (with string reuse), escapes.

import { ExpositionParseError } from './errors.ts';
import type { FlatLabels } from './types.ts';

const METRIC_START = 1;
const METRIC_CHAR = 2;
const LABEL_START = 4;
const LABEL_CHAR = 8;

const EMPTY: FlatLabels = [];

/** Bit flags per ASCII code: which name positions a character may take. */
const CHARS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  const digit = c >= 48 && c <= 57;
  if (letter || c === 58) CHARS[c] |= METRIC_START | METRIC_CHAR;
  if (digit) CHARS[c] |= METRIC_CHAR | LABEL_CHAR;
  if (letter) CHARS[c] |= LABEL_START | LABEL_CHAR;
}

/** `[a-zA-Z_:]` */
export function isMetricStart(c: number): boolean {
  return c < 128 && (CHARS[c] & METRIC_START) !== 0;
}
function isMetricChar(c: number): boolean {
  return c < 128 && (CHARS[c] & METRIC_CHAR) !== 0;
}
function isLabelStart(c: number): boolean {
  return c < 128 && (CHARS[c] & LABEL_START) !== 0;
}
function isLabelChar(c: number): boolean {
  return c < 128 && (CHARS[c] & LABEL_CHAR) !== 0;
}

/** True if s is a legacy (non-UTF-8) metric name. */
export function isValidMetricName(s: string): boolean {
  if (s.length === 0 || !isMetricStart(s.charCodeAt(0))) return false;
  for (let i = 1; i < s.length; i++) if (!isMetricChar(s.charCodeAt(i))) return false;
  return true;
}

/**
 * Undoes `\\`, `\"` and `\n` in s[start, end); any other backslash stays as written, as both
 * Prometheus and the OpenMetrics reference parser do. `quotes` false leaves `\"` alone
 * (Prometheus text HELP escapes only `\\` and `\n`).
 */
export function unescape(s: string, start: number, end: number, quotes: boolean): string {
  let out = '';
  let from = start;
  for (let i = start; i < end; i++) {
    if (s.charCodeAt(i) !== 92 || i + 1 >= end) continue;
    const n = s.charCodeAt(i + 1);
    const rep = n === 92 ? '\\' : n === 110 ? '\n' : n === 34 && quotes ? '"' : '';
    if (rep === '') {
      i++; // keep `\x` verbatim, and do not let its x start another escape
      continue;
    }
    out += s.slice(from, i) + rep;
    i++;
    from = i + 1;
  }
  return from === start ? s.slice(start, end) : out + s.slice(from, end);
}

/** Number of Unicode code points in s (exemplar label limits count characters, not UTF-16 units). */
export function codePointLength(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

/** Grammar switches that differ between Prometheus text and OpenMetrics. */
export interface ScanDialect {
  /** Spaces and tabs allowed around label tokens (Prometheus text). */
  readonly whitespace: boolean;
  /** `"quoted"` UTF-8 metric and label names (Prometheus 3). */
  readonly quotedNames: boolean;
  /** `{a="1",}` accepted. */
  readonly trailingComma: boolean;
}

/**
 * Scans metric names and label sets of consecutive lines. It remembers the previous line's name and
 * labels: text that repeats them reuses the same strings, and a repeated label set reuses the same
 * array, so long runs of one series (as in a backfill file) allocate almost nothing.
 */
export class SampleScanner {
  /** Cursor after the last scan call. */
  pos = 0;
  /** Metric name given as a quoted string inside the braces by the last scanLabels call, if any. */
  quotedName: string | undefined = undefined;
  /** Line number and line start offset of the line being scanned, for error positions. */
  lineNo = 0;
  lineStart = 0;

  private prevName = '';
  private prevLabels: FlatLabels = EMPTY;
  // 1 where the previous label value had no escapes, so raw text equal to it means the same value.
  private prevPlain: Uint8Array = new Uint8Array(16);
  private scratch: string[] = [];
  private scratchPlain: Uint8Array = new Uint8Array(16);

  constructor(private readonly dialect: ScanDialect) {}

  /** Throws an ExpositionParseError at offset i of the current line. */
  fail(detail: string, i: number): never {
    throw new ExpositionParseError(detail, this.lineNo, i - this.lineStart + 1);
  }

  /** Scans a metric name starting at pos (caller checked the first character). */
  scanMetricName(s: string, pos: number, end: number): string {
    const prev = this.prevName;
    const len = prev.length;
    if (len > 0 && s.startsWith(prev, pos) && (pos + len >= end || !isMetricChar(s.charCodeAt(pos + len)))) {
      this.pos = pos + len;
      return prev;
    }
    let i = pos + 1;
    while (i < end && isMetricChar(s.charCodeAt(i))) i++;
    const name = s.slice(pos, i);
    this.prevName = name;
    this.pos = i;
    return name;
  }

  /** Scans a `"quoted"` name at pos (at the quote); returns it unescaped. */
  scanQuoted(s: string, pos: number, end: number, what: string): string {
    let i = pos + 1;
    let escaped = false;
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c === 34) break;
      if (c === 92) {
        escaped = true;
        i++;
      }
    }
    if (i >= end) this.fail(`unterminated quoted ${what}`, pos);
    this.pos = i + 1;
    const v = escaped ? unescape(s, pos + 1, i, true) : s.slice(pos + 1, i);
    if (v.length === 0) this.fail(`empty quoted ${what}`, pos);
    return v;
  }

  private skipWs(s: string, i: number, end: number): number {
    if (!this.dialect.whitespace) return i;
    while (i < end) {
      const c = s.charCodeAt(i);
      if (c !== 32 && c !== 9) break;
      i++;
    }
    return i;
  }

  // Offsets [start, end) of the unquoted label names seen by checkLabels, for the duplicate check.
  private nameOffsets: Int32Array = new Int32Array(32);

  /**
   * Validates a label set without building any string (pos is just after `{`): the hot path, since
   * most consumers only need the labels of series they have not seen before. Leaves this.pos after
   * `}`; with allowName, a quoted string without `=` is the metric name (sets quotedName).
   */
  checkLabels(s: string, pos: number, end: number, allowName: boolean): void {
    const d = this.dialect;
    this.quotedName = undefined;
    let i = this.skipWs(s, pos, end);
    if (i < end && s.charCodeAt(i) === 125) {
      this.pos = i + 1;
      return;
    }
    let offs = this.nameOffsets;
    let n = 0;
    let quotedLabel = false;
    for (;;) {
      if (i >= end) this.fail('unterminated label set', i);
      let c = s.charCodeAt(i);
      if (isLabelStart(c)) {
        const nameAt = i;
        i++;
        while (i < end && isLabelChar(s.charCodeAt(i))) i++;
        if (i - nameAt === 8 && s.startsWith('__name__', nameAt)) this.fail('label "__name__" duplicates the metric name', nameAt);
        for (let k = 0; k < n; k += 2) {
          const a = offs[k];
          const len = offs[k + 1] - a;
          if (len !== i - nameAt) continue;
          let m = 0;
          while (m < len && s.charCodeAt(a + m) === s.charCodeAt(nameAt + m)) m++;
          if (m === len) this.fail(`duplicate label name "${s.slice(nameAt, i)}"`, nameAt);
        }
        if (n + 2 > offs.length) {
          const grown = new Int32Array(offs.length * 2);
          grown.set(offs);
          offs = this.nameOffsets = grown;
        }
        offs[n] = nameAt;
        offs[n + 1] = i;
        n += 2;
      } else if (c === 34 && d.quotedNames) {
        const name = this.scanQuoted(s, i, end, 'label name');
        i = this.skipWs(s, this.pos, end);
        c = s.charCodeAt(i);
        if (c === 44 || c === 125) {
          if (!allowName) this.fail(`expected "=" after label name "${name}"`, i);
          if (this.quotedName !== undefined) this.fail('metric name given twice', i);
          this.quotedName = name;
          i = this.afterItem(s, i, end);
          if (i < 0) {
            i = -i;
            break;
          }
          continue;
        }
        quotedLabel = true;
      } else if (c === 34) {
        this.fail('quoted label names are not allowed in OpenMetrics 1.0', i);
      } else {
        this.fail(`invalid label name starting with ${JSON.stringify(s[i])}`, i);
      }
      i = this.skipWs(s, i, end);
      if (i >= end || s.charCodeAt(i) !== 61) this.fail('expected "=" after label name', i);
      i = this.skipWs(s, i + 1, end);
      if (i >= end || s.charCodeAt(i) !== 34) this.fail('expected a quoted label value', i);
      const vStart = i;
      for (i++; i < end; i++) {
        const ch = s.charCodeAt(i);
        if (ch === 34) break;
        if (ch === 92) i++;
      }
      if (i >= end) this.fail('unterminated label value', vStart);
      i = this.afterItem(s, i + 1, end);
      if (i < 0) {
        i = -i;
        break;
      }
    }
    const after = i;
    // Rare: quoted label names can spell a duplicate differently; check them on real strings.
    if (quotedLabel) {
      const quotedName = this.quotedName;
      this.scanLabels(s, pos, end, allowName, false);
      this.quotedName = quotedName;
    }
    this.pos = after;
  }

  /**
   * Scans a label set; pos is just after `{`. Leaves this.pos after `}`. With allowName, one quoted
   * string without `=` is the metric name (sets quotedName). With reuse false the previous line's
   * labels are neither consulted nor replaced; exemplar label sets may use `__name__`.
   */
  scanLabels(s: string, pos: number, end: number, allowName: boolean, reuse = true, exemplar = false): FlatLabels {
    const prev = reuse ? this.prevLabels : EMPTY;
    const prevLen = prev.length;
    const prevPlain = this.prevPlain;
    const out = this.scratch;
    let plain = this.scratchPlain;
    const d = this.dialect;
    let n = 0;
    let same = true;
    this.quotedName = undefined;
    let i = this.skipWs(s, pos, end);
    if (i < end && s.charCodeAt(i) === 125) {
      this.pos = i + 1;
      if (reuse) this.prevLabels = EMPTY;
      return EMPTY;
    }
    for (;;) {
      if (i >= end) this.fail('unterminated label set', i);
      let c = s.charCodeAt(i);
      const nameAt = i;
      let name: string;
      let namePlain = 1;
      const pn = n < prevLen ? prev[n] : undefined;
      if (pn !== undefined && prevPlain[n] === 1 && s.startsWith(pn, i) && !isLabelChar(s.charCodeAt(i + pn.length))) {
        name = pn;
        i += pn.length;
      } else if (isLabelStart(c)) {
        let j = i + 1;
        while (j < end && isLabelChar(s.charCodeAt(j))) j++;
        name = s.slice(i, j);
        i = j;
        same = false;
      } else if (c === 34 && d.quotedNames) {
        name = this.scanQuoted(s, i, end, 'label name');
        i = this.skipWs(s, this.pos, end);
        c = s.charCodeAt(i);
        if (c === 44 || c === 125) {
          // `{"metric.name", …}`: a quoted string without a value is the metric name.
          if (!allowName) this.fail(`expected "=" after label name "${name}"`, i);
          if (this.quotedName !== undefined) this.fail('metric name given twice', nameAt);
          this.quotedName = name;
          i = this.afterItem(s, i, end);
          if (i < 0) {
            i = -i;
            break;
          }
          continue;
        }
        namePlain = 0;
        same = false;
      } else if (c === 34) {
        this.fail('quoted label names are not allowed in OpenMetrics 1.0', i);
      } else {
        this.fail(`invalid label name starting with ${JSON.stringify(s[i])}`, i);
      }
      i = this.skipWs(s, i, end);
      if (i >= end || s.charCodeAt(i) !== 61) this.fail(`expected "=" after label name "${name}"`, i);
      i = this.skipWs(s, i + 1, end);
      if (i >= end || s.charCodeAt(i) !== 34) this.fail(`expected quoted value for label "${name}"`, i);
      i++;
      let value: string;
      let valuePlain = 1;
      const pv = n < prevLen ? prev[n + 1] : undefined;
      if (pv !== undefined && prevPlain[n + 1] === 1 && s.startsWith(pv, i) && s.charCodeAt(i + pv.length) === 34) {
        value = pv;
        i += pv.length + 1;
      } else {
        const vStart = i;
        let escaped = false;
        for (; i < end; i++) {
          const ch = s.charCodeAt(i);
          if (ch === 34) break;
          if (ch === 92) {
            escaped = true;
            i++;
          }
        }
        if (i >= end) this.fail(`unterminated value for label "${name}"`, vStart - 1);
        if (escaped) {
          value = unescape(s, vStart, i, true);
          valuePlain = 0;
        } else value = s.slice(vStart, i);
        i++;
        same = false;
      }
      for (let k = 0; k < n; k += 2) {
        if (out[k] === name) this.fail(`duplicate label name "${name}"`, nameAt);
      }
      if (!exemplar && name === '__name__') this.fail('label "__name__" duplicates the metric name', nameAt);
      if (n + 2 > plain.length) {
        const grown = new Uint8Array(plain.length * 2);
        grown.set(plain);
        plain = this.scratchPlain = grown;
      }
      out[n] = name;
      out[n + 1] = value;
      plain[n] = namePlain;
      plain[n + 1] = valuePlain;
      n += 2;
      i = this.afterItem(s, i, end);
      if (i < 0) {
        i = -i;
        break;
      }
    }
    this.pos = i;
    if (!reuse) return out.slice(0, n);
    if (same && n === prevLen) return prev;
    return this.remember(out.slice(0, n), plain, n);
  }

  /** After a label or quoted name: returns the next item's offset, or minus the offset after `}`. */
  private afterItem(s: string, i: number, end: number): number {
    i = this.skipWs(s, i, end);
    if (i >= end) this.fail('unterminated label set', i);
    const c = s.charCodeAt(i);
    if (c === 125) return -(i + 1);
    if (c !== 44) this.fail('expected "," or "}" after label value', i);
    i = this.skipWs(s, i + 1, end);
    if (i < end && s.charCodeAt(i) === 125) {
      if (!this.dialect.trailingComma) this.fail('trailing comma in label set', i - 1);
      return -(i + 1);
    }
    return i;
  }

  private remember(labels: string[], plain: Uint8Array, n: number): FlatLabels {
    this.prevLabels = labels;
    let prevPlain = this.prevPlain;
    if (prevPlain.length < n) prevPlain = this.prevPlain = new Uint8Array(plain.length);
    for (let k = 0; k < n; k++) prevPlain[k] = plain[k];
    return labels;
  }

  /**
   * Records that the caller replaced the value at index (a normalised `le`), so the next line's
   * raw text is compared with the replacement.
   */
  replacePrevious(labels: FlatLabels, index: number): void {
    if (labels.length !== this.prevLabels.length) return;
    this.prevLabels = labels;
    this.prevPlain[index] = 1; // canonical floats have no escapes
  }
}
