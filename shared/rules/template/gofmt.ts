// Go's fmt and strconv output for template values: float formatting (%e %f %g, shortest), Sprintf verbs, %v printing.
import { GoDuration, GoMap, GoStruct, GoTime, goTypeName, utf8Bytes, type GoValue } from './values.ts';

/** A float's decimal digits: value = 0.d1d2d3… × 10^dp, no trailing zeros. */
interface Digits {
  d: string;
  dp: number;
}

const scratch = new DataView(new ArrayBuffer(8));

/** Exact decimal expansion of a finite positive double (every double has one). */
function exactDigits(x: number): Digits {
  scratch.setFloat64(0, x);
  const hi = scratch.getUint32(0);
  const lo = scratch.getUint32(4);
  const e = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp2: number;
  if (e === 0) exp2 = -1074;
  else {
    mant |= 1n << 52n;
    exp2 = e - 1075;
  }
  let s: string;
  let dp: number;
  if (exp2 >= 0) {
    s = (mant << BigInt(exp2)).toString();
    dp = s.length;
  } else {
    s = (mant * 5n ** BigInt(-exp2)).toString();
    dp = s.length + exp2;
  }
  return trimDigits({ d: s, dp });
}

function trimDigits(x: Digits): Digits {
  let end = x.d.length;
  while (end > 0 && x.d[end - 1] === '0') end--;
  return end === 0 ? { d: '', dp: 0 } : { d: x.d.slice(0, end), dp: x.dp };
}

/** Rounds to nd significant digits, half to even on exact ties (strconv's decimal.Round). */
function roundDigits(x: Digits, nd: number): Digits {
  if (nd < 0) return { d: '', dp: 0 };
  if (nd >= x.d.length) return x;
  const c = x.d.charCodeAt(nd);
  let up: boolean;
  if (c === 53 /* '5' */ && nd + 1 === x.d.length) up = nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = c >= 53;
  if (!up) return trimDigits({ d: x.d.slice(0, nd), dp: x.dp });
  let i = nd - 1;
  while (i >= 0 && x.d[i] === '9') i--;
  if (i < 0) return { d: '1', dp: x.dp + 1 };
  return { d: x.d.slice(0, i) + String.fromCharCode(x.d.charCodeAt(i) + 1), dp: x.dp };
}

/** Shortest digits that round-trip; JS and Go agree on these (closest shortest). */
function shortestDigits(x: number): Digits {
  const [mant, exp] = x.toExponential().split('e');
  const d = mant.replace('.', '');
  return trimDigits({ d, dp: Number(exp) + 1 });
}

function fmtE(neg: boolean, x: Digits, prec: number, letter: string): string {
  let out = neg ? '-' : '';
  out += x.d.length === 0 ? '0' : x.d[0];
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += i < x.d.length ? x.d[i] : '0';
  }
  const exp = x.d.length === 0 ? 0 : x.dp - 1;
  const a = Math.abs(exp);
  return out + letter + (exp < 0 ? '-' : '+') + (a < 10 ? '0' + a : String(a));
}

function fmtF(neg: boolean, x: Digits, prec: number): string {
  let out = neg ? '-' : '';
  if (x.dp > 0) {
    for (let i = 0; i < x.dp; i++) out += i < x.d.length ? x.d[i] : '0';
  } else out += '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) {
      const j = x.dp + i - 1;
      out += j >= 0 && j < x.d.length ? x.d[j] : '0';
    }
  }
  return out;
}

/** strconv.FormatFloat(f, fmt, prec, 64); prec -1 means shortest. */
export function formatFloat(f: number, fmt: 'e' | 'E' | 'f' | 'g' | 'G', prec: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return '+Inf';
  if (f === -Infinity) return '-Inf';
  const neg = f < 0 || Object.is(f, -0);
  const a = Math.abs(f);
  const shortest = prec < 0;
  let digs: Digits;
  if (a === 0) digs = { d: '', dp: 0 };
  else if (shortest) digs = shortestDigits(a);
  else {
    const exact = exactDigits(a);
    if (fmt === 'e' || fmt === 'E') digs = roundDigits(exact, prec + 1);
    else if (fmt === 'f') digs = roundDigits(exact, exact.dp + prec);
    else digs = roundDigits(exact, prec === 0 ? 1 : prec);
  }
  if (shortest) {
    if (fmt === 'e' || fmt === 'E') prec = Math.max(digs.d.length - 1, 0);
    else if (fmt === 'f') prec = Math.max(digs.d.length - digs.dp, 0);
    else prec = digs.d.length;
  }
  switch (fmt) {
    case 'e':
    case 'E':
      return fmtE(neg, digs, prec, fmt);
    case 'f':
      return fmtF(neg, digs, prec);
    default: {
      if (prec === 0) prec = 1;
      let eprec = prec;
      const nd = digs.d.length;
      if (eprec > nd && nd >= digs.dp) eprec = nd;
      if (shortest) eprec = 6;
      const exp = digs.dp - 1;
      if (nd !== 0 && (exp < -4 || exp >= eprec)) {
        if (prec > nd) prec = nd;
        return fmtE(neg, digs, prec - 1, fmt === 'g' ? 'e' : 'E');
      }
      if (prec > digs.dp) prec = nd;
      return fmtF(neg, digs, Math.max(prec - digs.dp, 0));
    }
  }
}

const PRINTABLE_RE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** strconv.Quote: a double-quoted Go string literal. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    switch (ch) {
      case '"':
        out += '\\"';
        continue;
      case '\\':
        out += '\\\\';
        continue;
      case '\x07':
        out += '\\a';
        continue;
      case '\b':
        out += '\\b';
        continue;
      case '\f':
        out += '\\f';
        continue;
      case '\n':
        out += '\\n';
        continue;
      case '\r':
        out += '\\r';
        continue;
      case '\t':
        out += '\\t';
        continue;
      case '\v':
        out += '\\v';
        continue;
    }
    if (cp >= 0xd800 && cp <= 0xdfff) out += '\\ufffd';
    else if (PRINTABLE_RE.test(ch)) out += ch;
    else if (cp < 0x20 || cp === 0x7f) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + '"';
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** time.Time.String() for a UTC instant: "2006-01-02 15:04:05.999999999 +0000 UTC". */
export function formatGoTime(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return 'invalid time';
  const y = d.getUTCFullYear();
  const ys = y < 0 ? '-' + String(-y).padStart(4, '0') : String(y).padStart(4, '0');
  let out = `${ys}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`;
  const frac = d.getUTCMilliseconds();
  if (frac !== 0) out += '.' + String(frac).padStart(3, '0').replace(/0+$/, '');
  return out + ' +0000 UTC';
}

/** time.Duration.String(): "1h2m3.5s", "1.5ms", "0s". */
export function formatGoDuration(ns: bigint): string {
  if (ns === 0n) return '0s';
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  const frac = (v: bigint, prec: number): [string, bigint] => {
    let s = '';
    let printed = false;
    for (let i = 0; i < prec; i++) {
      const digit = v % 10n;
      printed = printed || digit !== 0n;
      if (printed) s = digit.toString() + s;
      v /= 10n;
    }
    return [printed ? '.' + s : '', v];
  };
  let out: string;
  if (u < 1_000_000_000n) {
    let unit: string;
    let prec: number;
    if (u < 1000n) {
      unit = 'ns';
      prec = 0;
    } else if (u < 1_000_000n) {
      unit = '\u00b5s';
      prec = 3;
    } else {
      unit = 'ms';
      prec = 6;
    }
    const [f, whole] = frac(u, prec);
    out = whole.toString() + f + unit;
  } else {
    const [f, secs] = frac(u, 9);
    u = secs;
    out = (u % 60n).toString() + f + 's';
    u /= 60n;
    if (u > 0n) {
      out = (u % 60n).toString() + 'm' + out;
      u /= 60n;
      if (u > 0n) out = u.toString() + 'h' + out;
    }
  }
  return (neg ? '-' : '') + out;
}

/** Formatting flags of one verb. */
interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  zero: boolean;
  space: boolean;
  width: number | undefined;
  prec: number | undefined;
  verb: string;
}

const PLAIN: Spec = { minus: false, plus: false, sharp: false, zero: false, space: false, width: undefined, prec: undefined, verb: 'v' };

function pad(s: string, spec: Spec, zeroOk = false): string {
  const w = spec.width;
  const len = [...s].length;
  if (w === undefined || len >= w) return s;
  const fill = w - len;
  if (spec.minus) return s + ' '.repeat(fill);
  if (spec.zero && zeroOk) {
    const sign = s[0] === '-' || s[0] === '+' || s[0] === ' ' ? s[0] : '';
    return sign + '0'.repeat(fill) + s.slice(sign.length);
  }
  return ' '.repeat(fill) + s;
}

function badVerb(spec: Spec, v: GoValue): string {
  if (v === undefined || v === null) return `%!${spec.verb}(<nil>)`;
  return `%!${spec.verb}(${goTypeName(v)}=${formatValue(v)})`;
}

function fmtInteger(n: bigint, spec: Spec): string {
  const neg = n < 0n;
  let a = neg ? -n : n;
  let digits: string;
  let prefix = '';
  switch (spec.verb) {
    case 'd':
    case 'v':
      digits = a.toString(10);
      break;
    case 'x':
      digits = a.toString(16);
      if (spec.sharp) prefix = '0x';
      break;
    case 'X':
      digits = a.toString(16).toUpperCase();
      if (spec.sharp) prefix = '0X';
      break;
    case 'o':
      digits = a.toString(8);
      if (spec.sharp) prefix = '0';
      break;
    case 'O':
      digits = a.toString(8);
      prefix = '0o';
      break;
    case 'b':
      digits = a.toString(2);
      break;
    case 'c':
      return pad(String.fromCodePoint(Number(a)), spec);
    case 'q':
      return pad("'" + goQuote(String.fromCodePoint(Number(a))).slice(1, -1).replace(/\\"/g, '"').replace(/'/g, "\\'") + "'", spec);
    case 'U':
      return pad('U+' + a.toString(16).toUpperCase().padStart(4, '0'), spec);
    default:
      return badVerb(spec, n);
  }
  if (spec.prec !== undefined) {
    if (spec.prec === 0 && a === 0n) digits = '';
    digits = digits.padStart(spec.prec, '0');
  }
  a = 0n;
  const sign = neg ? '-' : spec.plus ? '+' : spec.space ? ' ' : '';
  return pad(sign + prefix + digits, spec, spec.prec === undefined);
}

function fmtFloatVerb(f: number, spec: Spec): string {
  let s: string;
  const p = spec.prec;
  switch (spec.verb) {
    case 'v':
    case 'g':
      s = formatFloat(f, 'g', p ?? -1);
      break;
    case 'G':
      s = formatFloat(f, 'G', p ?? -1);
      break;
    case 'e':
    case 'E':
      s = formatFloat(f, spec.verb, p ?? 6);
      break;
    case 'f':
    case 'F':
      s = formatFloat(f, 'f', p ?? 6);
      break;
    default:
      return badVerb(spec, f);
  }
  if (s === 'NaN') {
    s = spec.plus ? '+NaN' : spec.space ? ' NaN' : 'NaN';
    return pad(s, spec);
  }
  if (s === '+Inf') return pad(spec.plus ? '+Inf' : spec.space ? ' Inf' : '+Inf', spec);
  if (s[0] !== '-') s = (spec.plus ? '+' : spec.space ? ' ' : '') + s;
  return pad(s, spec, !s.endsWith('Inf'));
}

function fmtString(s: string, spec: Spec): string {
  switch (spec.verb) {
    case 'v':
    case 's':
      return pad(spec.prec !== undefined ? [...s].slice(0, spec.prec).join('') : s, spec);
    case 'q':
      return pad(goQuote(s), spec);
    case 'x':
    case 'X': {
      let bytes = utf8Bytes(s);
      if (spec.prec !== undefined) bytes = bytes.slice(0, spec.prec);
      let hex = bytes.map((b) => b.toString(16).padStart(2, '0')).join(spec.space ? ' ' : '');
      if (spec.verb === 'X') hex = hex.toUpperCase();
      return pad(hex, spec);
    }
    default:
      return badVerb(spec, s);
  }
}

/** Formats one operand for one verb, the way fmt's printArg does. */
function fmtArg(v: GoValue, spec: Spec, depth = 0): string {
  if (spec.verb === 'T') return pad(goTypeName(v), spec);
  if (v === undefined || v === null) {
    return spec.verb === 'v' || spec.verb === 's' ? pad('<nil>', spec) : badVerb(spec, v);
  }
  switch (typeof v) {
    case 'boolean':
      return spec.verb === 'v' || spec.verb === 't' ? pad(String(v), spec) : badVerb(spec, v);
    case 'number':
      return fmtFloatVerb(v, spec);
    case 'bigint':
      return fmtInteger(v, spec);
    case 'string':
      return fmtString(v, spec);
  }
  if (v instanceof GoTime) {
    return spec.verb === 'v' || spec.verb === 's' ? pad(formatGoTime(v.ms), spec) : fmtString(formatGoTime(v.ms), spec);
  }
  if (v instanceof GoDuration) {
    return spec.verb === 'v' || spec.verb === 's' ? pad(formatGoDuration(v.ns), spec) : fmtInteger(v.ns, spec);
  }
  const inner = { ...spec, width: undefined };
  if (Array.isArray(v)) {
    return pad('[' + v.map((x) => fmtArg(x, inner, depth + 1)).join(' ') + ']', spec);
  }
  if (v instanceof GoMap) {
    const keys = [...v.entries.keys()].sort();
    const body = keys.map((k) => fmtArg(k, inner, depth + 1) + ':' + fmtArg(v.entries.get(k), inner, depth + 1)).join(' ');
    return pad('map[' + body + ']', spec);
  }
  const body = '{' + Object.values(v.fields).map((x) => fmtArg(x, inner, depth + 1)).join(' ') + '}';
  // fmt prints a top-level pointer to struct as &{…}, nested ones as addresses; we keep &{…} at top only.
  return pad((v.pointer && depth === 0 ? '&' : '') + body, spec);
}

/** fmt.Sprint's %v for a single value. */
export function formatValue(v: GoValue): string {
  return fmtArg(v, PLAIN);
}

/** fmt.Sprint: spaces between operands when neither side is a string. */
export function sprint(args: readonly GoValue[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0 && typeof args[i] !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += formatValue(args[i]);
  }
  return out;
}

/** fmt.Sprintln: always spaces, trailing newline. */
export function sprintln(args: readonly GoValue[]): string {
  return args.map(formatValue).join(' ') + '\n';
}

function asInt(v: GoValue): number | undefined {
  return typeof v === 'bigint' ? Number(v) : undefined;
}

/** fmt.Sprintf with Go's verbs, flags, width/precision (incl. `*`) and its error notation. */
export function sprintf(format: string, args: readonly GoValue[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const pct = format.indexOf('%', i);
    if (pct < 0) {
      out += format.slice(i);
      break;
    }
    out += format.slice(i, pct);
    i = pct + 1;
    const spec: Spec = { ...PLAIN };
    flags: for (; i < format.length; i++) {
      switch (format[i]) {
        case '-':
          spec.minus = true;
          spec.zero = false;
          break;
        case '+':
          spec.plus = true;
          break;
        case '#':
          spec.sharp = true;
          break;
        case '0':
          spec.zero = !spec.minus;
          break;
        case ' ':
          spec.space = true;
          break;
        default:
          break flags;
      }
    }
    if (format[i] === '*') {
      i++;
      const w = asInt(args[argi++]);
      if (w === undefined) out += '%!(BADWIDTH)';
      else if (w < 0) {
        spec.minus = true;
        spec.width = -w;
      } else spec.width = w;
    } else {
      const m = /^\d+/.exec(format.slice(i));
      if (m) {
        spec.width = Number(m[0]);
        i += m[0].length;
      }
    }
    if (format[i] === '.') {
      i++;
      if (format[i] === '*') {
        i++;
        const p = asInt(args[argi++]);
        if (p === undefined || p < 0) out += '%!(BADPREC)';
        else spec.prec = p;
      } else {
        const m = /^\d+/.exec(format.slice(i));
        spec.prec = m ? Number(m[0]) : 0;
        if (m) i += m[0].length;
      }
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    spec.verb = verb;
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += fmtArg(args[argi++], spec);
  }
  if (argi < args.length) {
    out += '%!(EXTRA ' + args.slice(argi).map((a) => (a === undefined || a === null ? '<nil>' : `${goTypeName(a)}=${formatValue(a)}`)).join(', ') + ')';
  }
  return out;
}
