// The promqltest series notation: `metric{a="b"} 1+2x3 _ stale Inf`, start-timestamp (`@st`) sequences, Go-style literals.
import type { Labels } from '../../shared/model/labels.ts';
import { STALE_NAN } from '../../shared/model/stale.ts';
import { parseDuration } from '../../shared/promql/durations.ts';

/** One position of an expanded sequence: a value, or a gap (`_`). Stale markers are STALE_NAN. */
export type SequenceValue = { omitted: true } | { omitted: false; value: number };

export interface SeriesDesc {
  labels: Labels;
  values: SequenceValue[];
  /** True when the values contain native-histogram literals (`{{...}}`); they are then not expanded. */
  histograms: boolean;
}

/** A notation error at a 0-based column of the parsed text. */
export class NotationError extends Error {
  constructor(
    message: string,
    readonly column: number,
  ) {
    super(message);
    this.name = 'NotationError';
  }
}

const NUM = String.raw`[+-]?(?:inf|nan|\d+(?:\.\d*)?(?:e[+-]?\d+)?|\.\d+(?:e[+-]?\d+)?)`;
/** `a`, `axn`, `a+bxn`, `a-bxn` (the step's sign is part of the second number). */
const ITEM_RE = new RegExp(`^(${NUM})(?:(${NUM})?x(\\d+))?$`, 'i');

function parseNum(s: string): number {
  const l = s.toLowerCase();
  if (l.endsWith('inf')) return l[0] === '-' ? -Infinity : Infinity;
  if (l.endsWith('nan')) return NaN;
  return Number(s);
}

/** Expands one whitespace-free item of a value sequence. */
function expandItem(item: string, column: number): SequenceValue[] {
  if (item === '_') return [{ omitted: true }];
  if (item.startsWith('_x')) {
    const n = item.slice(2);
    if (!/^\d+$/.test(n)) throw new NotationError(`invalid repetition in ${JSON.stringify(item)}`, column);
    return Array.from({ length: Number(n) }, () => ({ omitted: true }) as const);
  }
  if (item === 'stale') return [{ omitted: false, value: STALE_NAN }];
  const m = ITEM_RE.exec(item);
  if (!m) throw new NotationError(`unexpected ${JSON.stringify(item)} in series values, expected number or "stale"`, column);
  let value = parseNum(m[1]);
  if (m[3] === undefined) return [{ omitted: false, value }];
  // n further values after the first; the step is added repeatedly, as the Go parser does.
  const step = m[2] === undefined ? 0 : parseNum(m[2]);
  const n = Number(m[3]);
  const out: SequenceValue[] = [];
  for (let i = 0; i <= n; i++) {
    out.push({ omitted: false, value });
    value += step;
  }
  return out;
}

/** Expands a whitespace-separated value sequence such as `1 2+3x2 _x2 stale -Inf`. */
export function parseValues(text: string, column = 0): SequenceValue[] {
  const out: SequenceValue[] = [];
  const re = /\S+/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    for (const v of expandItem(m[0], column + m.index)) out.push(v);
  }
  return out;
}

/** Index just past the series part (`name`, `name{...}` or `{...}`) of a line, honouring quotes. */
export function seriesEnd(line: string): number {
  let i = 0;
  while (i < line.length && line[i] !== '{' && !/\s/.test(line[i])) i++;
  if (line[i] !== '{') return i;
  for (i++; i < line.length; i++) {
    const c = line[i];
    if (c === '}') return i + 1;
    if (c === '"' || c === "'" || c === '`') i = closeQuote(line, i);
  }
  throw new NotationError('unclosed label set', line.indexOf('{'));
}

function closeQuote(s: string, open: number): number {
  const q = s[open];
  for (let i = open + 1; i < s.length; i++) {
    if (s[i] === '\\' && q !== '`') i++;
    else if (s[i] === q) return i;
  }
  throw new NotationError('unterminated quoted string', open);
}

/** Decodes a Go/PromQL string literal including its quotes ("...", '...' or `...`). */
export function unquote(lit: string, column = 0): string {
  const q = lit[0];
  if (lit.length < 2 || lit[lit.length - 1] !== q || !`"'\``.includes(q)) {
    throw new NotationError(`invalid string literal ${lit}`, column);
  }
  const body = lit.slice(1, -1);
  if (q === '`') return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\', "'": "'", '"': '"' };
    if (e in simple) out += simple[e];
    else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + len);
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) throw new NotationError(`invalid escape \\${e}${hex}`, column + i);
      out += e === 'x' ? String.fromCharCode(parseInt(hex, 16)) : String.fromCodePoint(parseInt(hex, 16));
      i += len;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct)) throw new NotationError(`invalid escape \\${oct}`, column + i);
      out += String.fromCharCode(parseInt(oct, 8));
      i += 2;
    } else throw new NotationError(`unknown escape sequence \\${e ?? ''}`, column + i);
  }
  return out;
}

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*/;

/** Parses `metric{a="b", 'c'="d"}`, `{__name__="m"}`, `{"utf8.name"}` or `metric` into labels. */
export function parseLabels(text: string): Labels {
  const labels: Record<string, string> = {};
  let i = 0;
  const ws = () => {
    while (i < text.length && /\s/.test(text[i])) i++;
  };
  const name = NAME_RE.exec(text);
  if (name) {
    labels.__name__ = name[0];
    i = name[0].length;
  }
  ws();
  if (i === text.length) {
    if (!name) throw new NotationError('expected a series', 0);
    return labels;
  }
  if (text[i] !== '{') throw new NotationError(`unexpected ${JSON.stringify(text[i])} in series`, i);
  i++;
  let first = true;
  for (;;) {
    ws();
    if (text[i] === '}') {
      i++;
      break;
    }
    let key: string;
    let quoted = false;
    if (text[i] === '"' || text[i] === "'" || text[i] === '`') {
      const end = closeQuote(text, i);
      key = unquote(text.slice(i, end + 1), i);
      i = end + 1;
      quoted = true;
    } else {
      const m = LABEL_RE.exec(text.slice(i));
      if (!m) throw new NotationError(`unexpected ${JSON.stringify(text[i] ?? 'end')} in label set, expected label name`, i);
      key = m[0];
      i += key.length;
    }
    ws();
    if (quoted && first && (text[i] === ',' || text[i] === '}') && labels.__name__ === undefined) {
      labels.__name__ = key;
    } else {
      if (text[i] !== '=') throw new NotationError(`expected "=" after label name ${JSON.stringify(key)}`, i);
      i++;
      ws();
      if (text[i] !== '"' && text[i] !== "'" && text[i] !== '`') throw new NotationError('expected a quoted label value', i);
      const end = closeQuote(text, i);
      labels[key] = unquote(text.slice(i, end + 1), i);
      i = end + 1;
    }
    first = false;
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new NotationError(`unexpected ${JSON.stringify(text[i] ?? 'end')} in label set`, i);
  }
  ws();
  if (i !== text.length) throw new NotationError('unexpected text after the label set', i);
  return labels;
}

/** Parses a whole series line: labels, then the expanded values. */
export function parseSeriesDesc(line: string): SeriesDesc {
  const end = seriesEnd(line);
  const labels = parseLabels(line.slice(0, end));
  const rest = line.slice(end);
  if (rest.includes('{{')) return { labels, values: [], histograms: true };
  return { labels, values: parseValues(rest, end), histograms: false };
}

/**
 * Parses an `@st` sequence of start-time offsets (ms, relative to each sample's time): `_`, `_xN`, `*`, `*xN`,
 * `<dur>`, `<dur>xN`, `<dur>+<dur>xN`, `<dur>-<dur>xN`, where durations may carry a sign.
 */
export function parseStartTimestamps(text: string): Array<number | undefined> {
  const out: Array<number | undefined> = [];
  let prev = 0;
  for (const item of text.split(/\s+/).filter(Boolean)) {
    const fail = (why: string): never => {
      throw new NotationError(`invalid ST item ${JSON.stringify(item)}: ${why}`, 0);
    };
    const count = (s: string): number => (/^\d+$/.test(s) ? Number(s) : fail('invalid repeat count'));
    if (item === '_') out.push(undefined);
    else if (item.startsWith('_x')) {
      const n = count(item.slice(2));
      if (n === 0) fail('invalid repeat count');
      for (let i = 0; i < n; i++) out.push(undefined);
    } else if (item === '*' || item.startsWith('*x')) {
      const n = item === '*' ? 0 : count(item.slice(2));
      for (let i = 0; i <= n; i++) out.push(prev);
    } else {
      const m = /^([+-]?)(\d[0-9a-wyz]*)(?:([+-])(\d[0-9a-wyz]*))?(?:x(.*))?$/.exec(item);
      if (!m) fail('unexpected character');
      const dur = (sign: string, s: string) => {
        try {
          return (sign === '-' ? -1 : 1) * parseDuration(s);
        } catch (e) {
          return fail((e as Error).message);
        }
      };
      let v = dur(m![1], m![2]);
      const step = m![3] === undefined ? 0 : dur(m![3], m![4]);
      if (m![3] !== undefined && m![5] === undefined) fail("expected 'x<count>' after step duration");
      const n = m![5] === undefined ? 0 : count(m![5]);
      for (let i = 0; i <= n; i++) {
        out.push(v);
        v += step;
      }
    }
    for (let i = out.length - 1; i >= 0; i--) {
      const v = out[i];
      if (v !== undefined) {
        prev = v;
        break;
      }
    }
  }
  return out;
}

/**
 * A number as Go's strconv parses it for a bare expected-scalar line (ParseInt with base prefixes, then
 * ParseFloat): undefined if the line is not a number.
 */
export function parseGoNumber(s: string): number | undefined {
  const int = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|[1-9][0-9_]*|0)$/.exec(s);
  if (int) {
    const body = int[2].replace(/_/g, '');
    const sign = int[1] === '-' ? -1 : 1;
    if (/^0[xX]/.test(body)) return sign * parseInt(body.slice(2), 16);
    if (/^0[bB]/.test(body)) return sign * parseInt(body.slice(2), 2);
    if (/^0[oO]/.test(body)) return sign * parseInt(body.slice(2), 8);
    if (body.length > 1 && body[0] === '0') return sign * parseInt(body.slice(1), 8);
    return sign * Number(body);
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s)) return Number(s);
  const l = s.toLowerCase().replace(/^\+/, '');
  if (l === 'inf' || l === 'infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  if (l === 'nan') return NaN;
  return undefined;
}
