// Streams OpenMetrics / Prometheus text with timestamps (what `promtool tsdb create-blocks-from openmetrics` reads) into a store.
import type { Labels } from '../model/labels.ts';

/** Where loaded samples go; MemoryStore satisfies it. */
export interface SampleSink {
  seriesRef(labels: Labels): number;
  appendRef(ref: number, t: number, v: number): void;
}

export interface LoadOptions {
  /**
   * Unit of the timestamps in the text: 'seconds' (OpenMetrics, the default; fractions allowed) or
   * 'milliseconds' (the Prometheus text format).
   */
  timestampUnit?: 'seconds' | 'milliseconds';
  /** Time (Unix ms) for samples written without a timestamp; without it such a sample is an error. */
  defaultTimeMs?: number;
}

export interface LoadStats {
  lines: number;
  samples: number;
  series: number;
  /** Earliest and latest sample time in Unix ms (NaN when nothing was loaded). */
  minT: number;
  maxT: number;
}

/** A malformed line, with its 1-based line and column. */
export class LoadError extends Error {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${line}:${column}: ${reason}`);
    this.name = 'LoadError';
  }
}

const CH_QUOTE = 0x22;
const CH_BACKSLASH = 0x5c;
const CH_OPEN = 0x7b;
const CH_CLOSE = 0x7d;
const CH_SPACE = 0x20;
const CH_TAB = 0x09;
const CH_HASH = 0x23;

/**
 * Incremental loader: feed text in chunks of any size with push(), then call end(). Lines are parsed as
 * they complete, so a file never has to be held as one string. HELP/TYPE/UNIT and other comments may sit
 * anywhere; `# EOF` ends the input. Throws LoadError on a malformed sample line.
 */
export class TextLoader {
  private readonly sink: SampleSink;
  private readonly tsScale: number;
  private readonly defaultTimeMs: number | undefined;
  /** Series text as written (`name{...}`) → store ref, so labels are parsed once per series. */
  private readonly refs = new Map<string, number>();
  /** The previous line's series text and ref: files are usually series-major, so most lines repeat it. */
  private lastText = '';
  private lastRef = -1;
  private pending = '';
  private lineNo = 0;
  private done = false;
  private samples = 0;
  private minT = Infinity;
  private maxT = -Infinity;

  constructor(sink: SampleSink, opts: LoadOptions = {}) {
    this.sink = sink;
    this.tsScale = opts.timestampUnit === 'milliseconds' ? 1 : 1000;
    this.defaultTimeMs = opts.defaultTimeMs;
  }

  /** Parses every complete line in `chunk` (plus what was left over from the previous chunk). */
  push(chunk: string): void {
    if (this.done) return;
    let text = this.pending.length > 0 ? this.pending + chunk : chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.line(text, start, nl > start && text.charCodeAt(nl - 1) === 0x0d ? nl - 1 : nl);
      start = nl + 1;
      if (this.done) {
        text = '';
        start = 0;
        break;
      }
    }
    this.pending = start === 0 ? text : text.slice(start);
  }

  /** Parses the last line (if it had no newline) and returns what was loaded. */
  end(): LoadStats {
    if (!this.done && this.pending.length > 0) {
      const text = this.pending;
      this.pending = '';
      this.line(text, 0, text.charCodeAt(text.length - 1) === 0x0d ? text.length - 1 : text.length);
    }
    this.done = true;
    const empty = this.samples === 0;
    return {
      lines: this.lineNo,
      samples: this.samples,
      series: this.refs.size,
      minT: empty ? NaN : this.minT,
      maxT: empty ? NaN : this.maxT,
    };
  }

  private line(text: string, start: number, end: number): void {
    this.lineNo++;
    let i = start;
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    if (i === end) return;
    if (text.charCodeAt(i) === CH_HASH) {
      if (text.slice(i, end).trimEnd() === '# EOF') this.done = true;
      return;
    }
    let seriesEnd: number;
    let ref: number;
    const last = this.lastText;
    if (last.length > 0 && text.startsWith(last, i) && isBlank(text.charCodeAt(i + last.length))) {
      seriesEnd = i + last.length;
      ref = this.lastRef;
    } else {
      seriesEnd = this.seriesEnd(text, i, end, start);
      const seriesText = text.slice(i, seriesEnd);
      let known = this.refs.get(seriesText);
      if (known === undefined) {
        known = this.sink.seriesRef(parseSeries(seriesText, this.lineNo, i - start + 1));
        this.refs.set(seriesText, known);
      }
      ref = known;
      this.lastText = seriesText;
      this.lastRef = known;
    }
    // Value, then an optional timestamp, then an optional exemplar (` # {...} v [t]`) that is ignored.
    let p = seriesEnd;
    while (p < end && isBlank(text.charCodeAt(p))) p++;
    let q = p;
    while (q < end && !isBlank(text.charCodeAt(q))) q++;
    if (q === p) throw new LoadError(this.lineNo, p - start + 1, 'expected a value after the series');
    const v = parseValue(text.slice(p, q));
    if (v === undefined) throw new LoadError(this.lineNo, p - start + 1, `invalid value ${JSON.stringify(text.slice(p, q))}`);
    p = q;
    while (p < end && isBlank(text.charCodeAt(p))) p++;
    let t: number;
    if (p === end || text.charCodeAt(p) === CH_HASH) {
      if (this.defaultTimeMs === undefined) throw new LoadError(this.lineNo, p - start + 1, 'sample has no timestamp');
      t = this.defaultTimeMs;
    } else {
      q = p;
      while (q < end && !isBlank(text.charCodeAt(q))) q++;
      const ts = parseValue(text.slice(p, q));
      if (ts === undefined || !Number.isFinite(ts)) {
        throw new LoadError(this.lineNo, p - start + 1, `invalid timestamp ${JSON.stringify(text.slice(p, q))}`);
      }
      // Truncated like Prometheus's parsers (int64(ts * 1000)), so both stores hold the same times.
      t = Math.trunc(ts * this.tsScale);
      p = q;
      while (p < end && isBlank(text.charCodeAt(p))) p++;
      if (p < end && text.charCodeAt(p) !== CH_HASH) {
        throw new LoadError(this.lineNo, p - start + 1, 'unexpected text after the timestamp');
      }
    }
    this.sink.appendRef(ref, t, v);
    this.samples++;
    if (t < this.minT) this.minT = t;
    if (t > this.maxT) this.maxT = t;
  }

  /** Index just past the series part of a sample line (name and/or `{...}` label set). */
  private seriesEnd(text: string, i: number, end: number, lineStart: number): number {
    let p = i;
    while (p < end) {
      const c = text.charCodeAt(p);
      if (c === CH_OPEN || isBlank(c)) break;
      p++;
    }
    if (p === end || text.charCodeAt(p) !== CH_OPEN) return p;
    // Hop from quote to quote: a `}` inside a quoted label value does not end the set.
    let pos = p + 1;
    for (;;) {
      const close = text.indexOf('}', pos);
      const quote = text.indexOf('"', pos);
      if (close < 0 || close >= end) throw new LoadError(this.lineNo, p + 1 - lineStart, 'unclosed label set');
      if (quote < 0 || quote > close) return close + 1;
      pos = closingQuote(text, quote + 1, end);
      if (pos < 0) throw new LoadError(this.lineNo, quote + 1 - lineStart, 'unterminated quoted string');
      pos++;
    }
  }
}

function isBlank(c: number): boolean {
  return c === CH_SPACE || c === CH_TAB;
}

/** Index of the quote that closes a string whose content starts at `from`, or -1. */
function closingQuote(text: string, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === CH_BACKSLASH) i++;
    else if (c === CH_QUOTE) return i;
  }
  return -1;
}

/** Parses a sample value or timestamp as Go's ParseFloat does for exposition text (Inf, NaN in any case). */
export function parseValue(s: string): number | undefined {
  if (s.length === 0) return undefined;
  const n = Number(s);
  if (n === n) {
    // Number() also reads 0x.., 0b.. and 0o.. literals, which are not decimal floats.
    if (s.length > 2) {
      const c1 = s.charCodeAt(1) | 0x20;
      if (c1 === 0x78 || c1 === 0x62 || c1 === 0x6f) return undefined;
    }
    return n;
  }
  switch (s.toLowerCase()) {
    case 'nan':
    case '+nan':
    case '-nan':
      return NaN;
    case 'inf':
    case '+inf':
      return Infinity;
    case '-inf':
      return -Infinity;
    default:
      return undefined;
  }
}

/** Parses `name`, `name{a="b",...}` or `{"name",a="b"}` into labels (the name as `__name__`). */
export function parseSeries(text: string, line: number, column: number): Labels {
  const labels: Record<string, string> = {};
  const fail = (at: number, reason: string): never => {
    throw new LoadError(line, column + at, reason);
  };
  let i = 0;
  while (i < text.length && text.charCodeAt(i) !== CH_OPEN) i++;
  if (i > 0) {
    const name = text.slice(0, i);
    if (!/^[a-zA-Z_:][a-zA-Z0-9_:]*$/.test(name)) fail(0, `invalid metric name ${JSON.stringify(name)}`);
    labels.__name__ = name;
  }
  if (i === text.length) {
    if (i === 0) fail(0, 'expected a metric name');
    return labels;
  }
  i++; // past '{'
  let first = true;
  for (;;) {
    while (i < text.length && isBlank(text.charCodeAt(i))) i++;
    if (i >= text.length) fail(i, 'unclosed label set');
    if (text.charCodeAt(i) === CH_CLOSE) {
      i++;
      break;
    }
    let name: string;
    const quoted = text.charCodeAt(i) === CH_QUOTE;
    if (quoted) {
      const q = closingQuote(text, i + 1, text.length);
      if (q < 0) fail(i, 'unterminated quoted string');
      name = unescape(text.slice(i + 1, q));
      i = q + 1;
    } else {
      const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i));
      if (!m) fail(i, 'expected a label name');
      name = m![0];
      i += name.length;
    }
    while (i < text.length && isBlank(text.charCodeAt(i))) i++;
    const c = text.charCodeAt(i);
    if (quoted && first && labels.__name__ === undefined && (c === 0x2c || c === CH_CLOSE)) {
      // A quoted metric name standing alone inside the braces (UTF-8 names).
      labels.__name__ = name;
    } else {
      if (c !== 0x3d) fail(i, `expected "=" after label name ${JSON.stringify(name)}`);
      i++;
      while (i < text.length && isBlank(text.charCodeAt(i))) i++;
      if (text.charCodeAt(i) !== CH_QUOTE) fail(i, 'expected a quoted label value');
      const q = closingQuote(text, i + 1, text.length);
      if (q < 0) fail(i, 'unterminated quoted string');
      if (Object.prototype.hasOwnProperty.call(labels, name)) fail(i, `duplicate label name ${JSON.stringify(name)}`);
      labels[name] = unescape(text.slice(i + 1, q));
      i = q + 1;
    }
    first = false;
    while (i < text.length && isBlank(text.charCodeAt(i))) i++;
    if (text.charCodeAt(i) === 0x2c) i++;
    else if (text.charCodeAt(i) !== CH_CLOSE) fail(i, 'expected "," or "}" in label set');
  }
  if (i !== text.length) fail(i, 'unexpected text after the label set');
  return labels;
}

/** Resolves the escapes of the text formats: `\\`, `\"` and `\n`; any other backslash stays as written. */
function unescape(s: string): string {
  if (s.indexOf('\\') < 0) return s;
  return s.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

/** Loads a whole text at once (small inputs and tests); see TextLoader for streaming. */
export function loadText(text: string, sink: SampleSink, opts?: LoadOptions): LoadStats {
  const loader = new TextLoader(sink, opts);
  loader.push(text);
  return loader.end();
}
