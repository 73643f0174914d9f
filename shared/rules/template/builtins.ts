// Go text/template's predefined functions: comparisons, len, index, slice, not, print*, html, js, urlquery.
import { FuncError, type FuncMap } from './functions.ts';
import { formatValue, sprint, sprintf, sprintln } from './gofmt.ts';
import { GoMap, goTypeName, utf8Bytes, utf8Length, type GoValue } from './values.ts';

type Kind = 'invalid' | 'bool' | 'int' | 'float' | 'string';

function basicKind(v: GoValue): Kind {
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
  }
  return 'invalid';
}

const BAD_TYPE = 'invalid type for comparison';
const BAD_CMP = 'incompatible types for comparison';

/** Go truthiness (isTrue): non-zero, non-empty, non-nil. */
export function isTrue(v: GoValue): boolean {
  if (v === undefined || v === null) return false;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      return v !== 0;
    case 'bigint':
      return v !== 0n;
    case 'string':
      return v.length > 0;
  }
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoMap) return v.entries.size > 0;
  return true;
}

function eqOne(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  const k2 = basicKind(b);
  if (k1 !== k2) {
    if (a !== undefined && a !== null && b !== undefined && b !== null) throw new FuncError(BAD_CMP);
    return false;
  }
  if (k1 !== 'invalid') return a === b;
  const n1 = a === undefined || a === null;
  const n2 = b === undefined || b === null;
  if (n1 || n2) return n1 === n2;
  if (a instanceof GoMap || Array.isArray(a)) throw new FuncError(`non-comparable type ${formatValue(a)}: ${goTypeName(a)}`);
  if (goTypeName(a) !== goTypeName(b)) throw new FuncError(`non-comparable types ${formatValue(a)}: ${goTypeName(a)}, ${goTypeName(b)}: ${formatValue(b)}`);
  return a === b;
}

function lt(a: GoValue, b: GoValue): boolean {
  const k1 = basicKind(a);
  if (k1 === 'invalid') throw new FuncError(BAD_TYPE);
  const k2 = basicKind(b);
  if (k2 === 'invalid') throw new FuncError(BAD_TYPE);
  if (k1 !== k2) throw new FuncError(BAD_CMP);
  if (k1 === 'bool') throw new FuncError(BAD_TYPE);
  return (a as number | bigint | string) < (b as number | bigint | string);
}

function eq(a: GoValue, ...rest: GoValue[]): boolean {
  if (rest.length === 0) throw new FuncError('missing argument for comparison');
  for (const b of rest) if (eqOne(a, b)) return true;
  return false;
}

function length(v: GoValue): bigint {
  if (v === undefined || v === null) throw new FuncError('len of nil pointer');
  if (typeof v === 'string') return BigInt(utf8Length(v));
  if (Array.isArray(v)) return BigInt(v.length);
  if (v instanceof GoMap) return BigInt(v.entries.size);
  throw new FuncError(`len of type ${goTypeName(v)}`);
}

function indexArg(i: GoValue, cap: number): number {
  if (typeof i !== 'bigint') {
    if (i === undefined || i === null) throw new FuncError('cannot index slice/array with nil');
    throw new FuncError(`cannot index slice/array with type ${goTypeName(i)}`);
  }
  if (i < 0n || i > BigInt(cap)) throw new FuncError(`index out of range: ${i}`);
  return Number(i);
}

function index(item: GoValue, ...indexes: GoValue[]): GoValue {
  if (item === undefined || item === null) throw new FuncError('index of untyped nil');
  for (const idx of indexes) {
    if (typeof item === 'string') {
      const bytes = utf8Bytes(item);
      const x = indexArg(idx, bytes.length);
      if (x === bytes.length) throw new FuncError('reflect: string index out of range');
      item = BigInt(bytes[x]);
    } else if (Array.isArray(item)) {
      const x = indexArg(idx, item.length);
      if (x === item.length) throw new FuncError('reflect: slice index out of range');
      item = item[x];
    } else if (item instanceof GoMap) {
      if (typeof idx !== 'string') throw new FuncError(`value has type ${goTypeName(idx)}; should be string`);
      item = item.entries.has(idx) ? item.entries.get(idx) : item.elem === 'string' ? '' : undefined;
    } else {
      throw new FuncError(`can't index item of type ${goTypeName(item)}`);
    }
    if (item === undefined) break;
  }
  return item;
}

function slice(item: GoValue, ...idx: GoValue[]): GoValue {
  if (item === undefined || item === null) throw new FuncError('slice of untyped nil');
  if (idx.length > 3) throw new FuncError(`too many slice indexes: ${idx.length}`);
  let len: number;
  if (typeof item === 'string') {
    if (idx.length === 3) throw new FuncError('cannot 3-index slice a string');
    len = item.length;
  } else if (Array.isArray(item)) len = item.length;
  else throw new FuncError(`can't slice item of type ${goTypeName(item)}`);
  const ix = [0, len];
  for (let i = 0; i < Math.min(idx.length, 2); i++) ix[i] = indexArg(idx[i], len);
  if (ix[0] > ix[1]) throw new FuncError(`invalid slice index: ${ix[0]} > ${ix[1]}`);
  return typeof item === 'string' ? item.slice(ix[0], ix[1]) : item.slice(ix[0], ix[1]);
}

function htmlEscape(s: string): string {
  return s.replace(/[\0"'&<>]/g, (c) => ({ '\0': '\uFFFD', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] ?? c);
}

function jsEscape(s: string): string {
  let out = '';
  for (const c of s) {
    const cp = c.codePointAt(0) ?? 0;
    if (c === '\\') out += '\\\\';
    else if (c === "'") out += "\\'";
    else if (c === '"') out += '\\"';
    else if (c === '<') out += '\\u003C';
    else if (c === '>') out += '\\u003E';
    else if (c === '&') out += '\\u0026';
    else if (c === '=') out += '\\u003D';
    else if (cp < 0x20) out += '\\u' + cp.toString(16).toUpperCase().padStart(4, '0');
    else out += c;
  }
  return out;
}

/** url.QueryEscape: spaces as '+', unreserved kept, everything else %XX. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of utf8Bytes(s)) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (c === ' ') out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

/** Go's evalArgs for html/js/urlquery: one string arg as is, otherwise fmt.Sprint. */
function argsString(args: GoValue[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(args);
}

/** The functions every Go template has. */
export const BUILTINS: FuncMap = {
  and: { params: ['value'], variadic: 'value', lazy: 'and', fn: () => undefined },
  or: { params: ['value'], variadic: 'value', lazy: 'or', fn: () => undefined },
  not: { params: ['value'], fn: (v) => !isTrue(v) },
  len: { params: ['value'], fn: length },
  index: { params: ['value'], variadic: 'value', fn: index },
  slice: { params: ['value'], variadic: 'value', fn: slice },
  eq: { params: ['value'], variadic: 'value', fn: eq },
  ne: { params: ['value', 'value'], fn: (a, b) => !eq(a, b) },
  lt: { params: ['value', 'value'], fn: lt },
  le: { params: ['value', 'value'], fn: (a, b) => lt(a, b) || eq(a, b) },
  gt: { params: ['value', 'value'], fn: (a, b) => !(lt(a, b) || eq(a, b)) },
  ge: { params: ['value', 'value'], fn: (a, b) => !lt(a, b) },
  print: { params: [], variadic: 'any', fn: (...a) => sprint(a) },
  printf: { params: ['string'], variadic: 'any', fn: (f, ...a) => sprintf(f as string, a) },
  println: { params: [], variadic: 'any', fn: (...a) => sprintln(a) },
  html: { params: [], variadic: 'any', fn: (...a) => htmlEscape(argsString(a)) },
  js: { params: [], variadic: 'any', fn: (...a) => jsEscape(argsString(a)) },
  urlquery: { params: [], variadic: 'any', fn: (...a) => queryEscape(argsString(a)) },
  call: {
    params: ['value'],
    variadic: 'value',
    fn: (f) => {
      throw new FuncError(`non-function of type ${goTypeName(f)}`);
    },
  },
};

