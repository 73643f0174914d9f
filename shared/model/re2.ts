// Translates RE2 (Go regexp) syntax into an equivalent JavaScript RegExp, with Go's error messages.
//
// Prometheus regexes (relabel `regex`, PromQL `=~`) are RE2 and fully anchored with dot matching
// newline. JavaScript differs in ways that silently change results — `\s`/`\d`/`\w` are ASCII in
// RE2, `(?i)`/`(?s)`/`(?m)`/`(?U)` are inline flags scoped to groups, `(?P<name>…)` names, `\Q…\E`,
// POSIX classes, `\pL`/`\p{Greek}` — so the pattern is parsed and re-emitted rather than passed through.
// Case-insensitive parts are expanded into explicit case-fold sets so flags can change mid-pattern.

/** A compiled RE2 pattern: the JS RegExp plus Go's capture-group names (index 0 is the whole match). */
export interface CompiledRegex {
  /** The pattern as written by the user. */
  source: string;
  regex: RegExp;
  /** groupNames[i] is the name of capture group i, or undefined; length is 1 + number of groups. */
  groupNames: (string | undefined)[];
}

export type CompileResult = { ok: true; value: CompiledRegex } | { ok: false; error: string };

export interface CompileOptions {
  /** Wrap as `^(?:…)$` like Prometheus (default true). */
  anchored?: boolean;
  /** Start with `(?s)` so `.` matches `\n`, like Prometheus (default true). */
  dotAll?: boolean;
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

type Range = [number, number];

interface ClassPart {
  ranges: Range[];
  /** Unicode property escapes that cannot be listed as ranges, already in JS syntax. */
  props: string[];
}

class SyntaxErr extends Error {}

const MAX_REPEAT = 1000;
const MAX_DEPTH = 1000;
const SYNTAX_CHARS = new Set('^$\\.*+?()[]{}|/'.split(''));

const PERL_CLASSES: Record<string, Range[]> = {
  d: [[0x30, 0x39]],
  s: [
    [0x09, 0x0a],
    [0x0c, 0x0d],
    [0x20, 0x20],
  ],
  w: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
};

const POSIX_CLASSES: Record<string, Range[]> = {
  alnum: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  alpha: [
    [0x41, 0x5a],
    [0x61, 0x7a],
  ],
  ascii: [[0x00, 0x7f]],
  blank: [
    [0x09, 0x09],
    [0x20, 0x20],
  ],
  cntrl: [
    [0x00, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [[0x30, 0x39]],
  graph: [[0x21, 0x7e]],
  lower: [[0x61, 0x7a]],
  print: [[0x20, 0x7e]],
  punct: [
    [0x21, 0x2f],
    [0x3a, 0x40],
    [0x5b, 0x60],
    [0x7b, 0x7e],
  ],
  space: [
    [0x09, 0x0d],
    [0x20, 0x20],
  ],
  upper: [[0x41, 0x5a]],
  word: [
    [0x30, 0x39],
    [0x41, 0x5a],
    [0x5f, 0x5f],
    [0x61, 0x7a],
  ],
  xdigit: [
    [0x30, 0x39],
    [0x41, 0x46],
    [0x61, 0x66],
  ],
};

// Go's unicode.SimpleFold orbits that toLowerCase/toUpperCase alone do not reveal.
const EXTRA_FOLDS: number[][] = [
  [0x4b, 0x6b, 0x212a],
  [0x53, 0x73, 0x17f],
  [0xc5, 0xe5, 0x212b],
  [0x3a3, 0x3c2, 0x3c3],
  [0x398, 0x3b8, 0x3d1, 0x3f4],
  [0x392, 0x3b2, 0x3d0],
  [0x395, 0x3b5, 0x3f5],
  [0x39a, 0x3ba, 0x3f0],
  [0x3a0, 0x3c0, 0x3d6],
  [0x3a1, 0x3c1, 0x3f1],
  [0x3a6, 0x3c6, 0x3d5],
  [0x399, 0x3b9, 0x345, 0x1fbe],
  [0xb5, 0x39c, 0x3bc],
  [0x1e60, 0x1e61, 0x1e9b],
];
const EXTRA_FOLD_MAP = new Map<number, number[]>();
for (const orbit of EXTRA_FOLDS) for (const cp of orbit) EXTRA_FOLD_MAP.set(cp, orbit);

const foldCache = new Map<number, number[]>();

// The case-fold orbit of a code point (itself included), as Go's (?i) matching sees it.
function foldOrbit(cp: number): number[] {
  const cached = foldCache.get(cp);
  if (cached) return cached;
  const ch = String.fromCodePoint(cp);
  const candidates = new Set<number>([cp]);
  const addSingle = (s: string): void => {
    const cps = Array.from(s);
    if (cps.length === 1) candidates.add(cps[0].codePointAt(0) as number);
  };
  addSingle(ch.toLowerCase());
  addSingle(ch.toUpperCase());
  addSingle(ch.toUpperCase().toLowerCase());
  addSingle(ch.toLowerCase().toUpperCase());
  for (const extra of EXTRA_FOLD_MAP.get(cp) ?? []) candidates.add(extra);
  let orbit = [cp];
  if (candidates.size > 1) {
    const test = new RegExp(`^${hexEscape(cp)}$`, 'iu');
    orbit = [...candidates].filter((c) => c === cp || test.test(String.fromCodePoint(c)) || EXTRA_FOLD_MAP.get(cp)?.includes(c));
    orbit.sort((a, b) => a - b);
  }
  foldCache.set(cp, orbit);
  return orbit;
}

function hexEscape(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

function literalSource(cp: number): string {
  const ch = String.fromCodePoint(cp);
  if (SYNTAX_CHARS.has(ch)) return `\\${ch}`;
  if (cp > 0x20 && cp < 0x7f) return ch;
  return hexEscape(cp);
}

function normalizeRanges(ranges: Range[]): Range[] {
  const sorted = ranges.map((r) => [r[0], r[1]] as Range).sort((a, b) => a[0] - b[0]);
  const out: Range[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

function negateRanges(ranges: Range[]): Range[] {
  const out: Range[] = [];
  let next = 0;
  for (const [lo, hi] of normalizeRanges(ranges)) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= 0x10ffff) out.push([next, 0x10ffff]);
  return out;
}

const FOLD_ENUMERATION_LIMIT = 5000;

function foldRanges(ranges: Range[]): Range[] {
  const out: Range[] = [...ranges];
  for (const [lo, hi] of ranges) {
    if (hi - lo > FOLD_ENUMERATION_LIMIT) continue;
    for (let cp = lo; cp <= hi; cp++) {
      for (const f of foldOrbit(cp)) if (f < lo || f > hi) out.push([f, f]);
    }
  }
  return normalizeRanges(out);
}

function classSource(part: ClassPart, negated: boolean): string {
  const ranges = normalizeRanges(part.ranges);
  if (!negated && part.props.length === 0 && ranges.length === 1 && ranges[0][0] === ranges[0][1]) {
    return literalSource(ranges[0][0]);
  }
  const body = ranges.map(([lo, hi]) => (lo === hi ? hexEscape(lo) : `${hexEscape(lo)}-${hexEscape(hi)}`)).join('') + part.props.join('');
  if (body === '') return negated ? '[^]' : '[]';
  return `[${negated ? '^' : ''}${body}]`;
}

const GENERAL_CATEGORIES = new Set([
  'C', 'Cc', 'Cf', 'Co', 'Cs', 'L', 'Ll', 'Lm', 'Lo', 'Lt', 'Lu', 'M', 'Mc', 'Me', 'Mn', 'N', 'Nd', 'Nl', 'No',
  'P', 'Pc', 'Pd', 'Pe', 'Pf', 'Pi', 'Po', 'Ps', 'S', 'Sc', 'Sk', 'Sm', 'So', 'Z', 'Zl', 'Zp', 'Zs',
]);

// Maps a Go Unicode class name to a JS property escape, or null when JS does not know it.
function unicodeProperty(name: string, negated: boolean): string | null {
  const p = negated ? 'P' : 'p';
  let js: string;
  if (name === 'Any') js = `\\${p}{Any}`;
  else if (GENERAL_CATEGORIES.has(name)) js = `\\${p}{${name}}`;
  else if (/^[A-Z][A-Za-z_]*$/.test(name)) js = `\\${p}{Script=${name}}`;
  else return null;
  try {
    new RegExp(js, 'u');
  } catch {
    return null;
  }
  return js;
}

class Parser {
  private readonly cps: string[];
  private pos = 0;
  private depth = 0;
  readonly groupNames: (string | undefined)[] = [undefined];
  private flags: Flags;

  constructor(
    private readonly pattern: string,
    dotAll: boolean,
  ) {
    this.cps = Array.from(pattern);
    this.flags = { i: false, m: false, s: dotAll, U: false };
  }

  parse(): string {
    const out = this.parseAlternation();
    if (this.pos < this.cps.length) {
      // Only a stray `)` stops the top-level alternation early.
      this.fail('unexpected )', this.pattern);
    }
    return out;
  }

  private fail(code: string, fragment: string): never {
    throw new SyntaxErr(`error parsing regexp: ${code}: \`${fragment}\``);
  }

  private peek(offset = 0): string | undefined {
    return this.cps[this.pos + offset];
  }

  private rest(from = this.pos): string {
    return this.cps.slice(from).join('');
  }

  private parseAlternation(): string {
    const branches = [this.parseConcat()];
    while (this.peek() === '|') {
      this.pos++;
      branches.push(this.parseConcat());
    }
    return branches.join('|');
  }

  private parseConcat(): string {
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === undefined || c === '|' || c === ')') return out;
      if (c === '(' && this.peek(1) === '?' && this.isFlagGroup()) {
        // `(?i)` changes flags for the rest of the enclosing group, emitting nothing.
        continue;
      }
      out += this.parseQuantifiers(this.parseAtom());
    }
  }

  // Handles `(?flags)` in place; returns false (consuming nothing) for any other `(?` group.
  private isFlagGroup(): boolean {
    const start = this.pos;
    const parsed = this.parseFlags(start + 2);
    if (parsed.end === ')') {
      this.flags = parsed.flags;
      this.pos = parsed.next;
      return true;
    }
    return false;
  }

  private parseFlags(from: number): { flags: Flags; end: ':' | ')'; next: number } | { flags: Flags; end: null; next: number } {
    const flags = { ...this.flags };
    let negate = false;
    let sawFlag = false;
    let i = from;
    for (; i < this.cps.length; i++) {
      const c = this.cps[i];
      if (c === 'i' || c === 'm' || c === 's' || c === 'U') {
        flags[c] = !negate;
        sawFlag = true;
      } else if (c === '-') {
        if (negate) break;
        negate = true;
        sawFlag = false;
      } else if (c === ':' || c === ')') {
        if (negate && !sawFlag) break;
        return { flags, end: c, next: i + 1 };
      } else {
        break;
      }
    }
    return { flags, end: null, next: i };
  }

  // Applies at most one repetition operator (plus `?` for laziness); Go rejects stacked ones like `a**`.
  private parseQuantifiers(atom: { src: string; simple: boolean }): string {
    const opStart = this.pos;
    const q = this.readQuantifier();
    if (q === null) return atom.src;
    let lazy = false;
    if (this.peek() === '?') {
      this.pos++;
      lazy = true;
    }
    const opText = this.cps.slice(opStart, this.pos).join('');
    const next = this.peek();
    if (next === '*' || next === '+' || next === '?' || (next === '{' && this.peekRepeat() !== null)) {
      const save = this.pos;
      this.readQuantifier();
      this.fail('invalid nested repetition operator', opText + this.cps.slice(save, this.pos).join(''));
    }
    if (this.flags.U) lazy = !lazy;
    return (atom.simple ? atom.src : `(?:${atom.src})`) + q + (lazy ? '?' : '');
  }

  // Reads `*`, `+`, `?` or a valid `{n}`, `{n,}`, `{n,m}`; returns its JS form or null.
  private readQuantifier(): string | null {
    const c = this.peek();
    if (c === '*' || c === '+' || c === '?') {
      this.pos++;
      return c;
    }
    if (c === '{') {
      const rep = this.peekRepeat();
      if (rep === null) return null;
      const text = this.cps.slice(this.pos, rep.next).join('');
      if (rep.min > MAX_REPEAT || (rep.max !== -1 && (rep.max > MAX_REPEAT || rep.max < rep.min))) {
        this.fail('invalid repeat count', text);
      }
      this.pos = rep.next;
      if (rep.max === -1) return `{${rep.min},}`;
      if (rep.max === rep.min) return `{${rep.min}}`;
      return `{${rep.min},${rep.max}}`;
    }
    return null;
  }

  // Go treats `{` as a literal unless it starts a well-formed repeat.
  private peekRepeat(): { min: number; max: number; next: number } | null {
    let i = this.pos + 1;
    const digits = (): string => {
      let s = '';
      while (i < this.cps.length && /[0-9]/.test(this.cps[i])) s += this.cps[i++];
      return s;
    };
    const minText = digits();
    if (minText === '') return null;
    let max: number;
    if (this.cps[i] === ',') {
      i++;
      const maxText = digits();
      max = maxText === '' ? -1 : Number(maxText);
    } else {
      max = Number(minText);
    }
    if (this.cps[i] !== '}') return null;
    return { min: Number(minText), max, next: i + 1 };
  }

  private parseAtom(): { src: string; simple: boolean } {
    const c = this.peek() as string;
    if (c === '*' || c === '+' || c === '?' || (c === '{' && this.peekRepeat() !== null)) {
      const start = this.pos;
      this.readQuantifier();
      this.fail('missing argument to repetition operator', this.cps.slice(start, this.pos).join(''));
    }
    if (c === '(') return this.parseGroup();
    if (c === '[') return { src: this.parseClass(), simple: true };
    this.pos++;
    if (c === '.') return { src: this.flags.s ? '[^]' : '[^\\n]', simple: true };
    if (c === '^') return { src: this.flags.m ? '(?<![^\\n])' : '^', simple: false };
    if (c === '$') return { src: this.flags.m ? '(?![^\\n])' : '$', simple: false };
    if (c === '\\') return this.parseEscape();
    return { src: this.literal(c.codePointAt(0) as number), simple: true };
  }

  private literal(cp: number): string {
    if (this.flags.i) {
      const orbit = foldOrbit(cp);
      if (orbit.length > 1) return classSource({ ranges: orbit.map((x) => [x, x] as Range), props: [] }, false);
    }
    return literalSource(cp);
  }

  private parseGroup(): { src: string; simple: boolean } {
    const start = this.pos;
    if (++this.depth > MAX_DEPTH) this.fail('expression nests too deeply', this.pattern);
    let open = '(';
    const saved = this.flags;
    if (this.peek(1) === '?') {
      const n2 = this.peek(2);
      if (n2 === 'P' || (n2 === '<' && this.peek(3) !== '=' && this.peek(3) !== '!')) {
        const nameStart = n2 === 'P' ? this.pos + 3 : this.pos + 2;
        if (n2 === 'P' && this.cps[this.pos + 3] !== '<') {
          this.fail('invalid or unsupported Perl syntax', this.cps.slice(start, this.pos + 3).join(''));
        }
        const close = this.cps.indexOf('>', nameStart);
        if (close < 0) this.fail('invalid named capture', this.rest(start));
        const name = this.cps.slice(nameStart + 1, close).join('');
        const text = this.cps.slice(start, close + 1).join('');
        if (!/^[A-Za-z0-9_]+$/.test(name)) this.fail('invalid named capture', text);
        if (this.groupNames.includes(name)) this.fail('duplicate capture group name', text);
        this.groupNames.push(name);
        this.pos = close + 1;
      } else {
        const parsed = this.parseFlags(this.pos + 2);
        if (parsed.end !== ':') {
          this.fail('invalid or unsupported Perl syntax', this.cps.slice(start, Math.min(parsed.next + 1, this.cps.length)).join(''));
        }
        this.flags = parsed.flags;
        this.pos = parsed.next;
        open = '(?:';
      }
    } else {
      this.groupNames.push(undefined);
      this.pos++;
    }
    const body = this.parseAlternation();
    if (this.peek() !== ')') this.fail('missing closing )', this.pattern);
    this.pos++;
    this.flags = saved;
    this.depth--;
    return { src: `${open}${body})`, simple: true };
  }

  private parseEscape(): { src: string; simple: boolean } {
    const escStart = this.pos - 1;
    const c = this.peek();
    if (c === undefined) this.fail('trailing backslash at end of expression', '');
    switch (c) {
      case 'A':
        this.pos++;
        return { src: '^', simple: false };
      case 'z':
        this.pos++;
        return { src: '$', simple: false };
      case 'b':
        this.pos++;
        return { src: '\\b', simple: false };
      case 'B':
        this.pos++;
        return { src: '\\B', simple: false };
      case 'C':
        this.pos++;
        return { src: '[^]', simple: true };
      case 'Q': {
        this.pos++;
        let lit = '';
        while (this.pos < this.cps.length) {
          if (this.cps[this.pos] === '\\' && this.cps[this.pos + 1] === 'E') {
            this.pos += 2;
            return { src: lit === '' ? '(?:)' : `(?:${lit})`, simple: true };
          }
          lit += this.literal(this.cps[this.pos].codePointAt(0) as number);
          this.pos++;
        }
        return { src: lit === '' ? '(?:)' : `(?:${lit})`, simple: true };
      }
    }
    const part = this.parseClassEscape(escStart);
    if (part.kind === 'char') return { src: this.literal(part.cp), simple: true };
    return { src: classSource(this.flags.i ? { ranges: foldRanges(part.part.ranges), props: part.part.props } : part.part, false), simple: true };
  }

  // Escapes valid both inside and outside classes: single characters and Perl/Unicode classes.
  private parseClassEscape(escStart: number): { kind: 'char'; cp: number } | { kind: 'class'; part: ClassPart } {
    const c = this.cps[this.pos++];
    if (c === undefined) this.fail('trailing backslash at end of expression', '');
    const lower = c.toLowerCase();
    if ((lower === 'd' || lower === 's' || lower === 'w') && c.length === 1) {
      const ranges = PERL_CLASSES[lower];
      return { kind: 'class', part: { ranges: c === lower ? ranges : negateRanges(ranges), props: [] } };
    }
    if (c === 'p' || c === 'P') {
      let name: string;
      const textStart = escStart;
      if (this.peek() === '{') {
        const close = this.cps.indexOf('}', this.pos);
        if (close < 0) this.fail('invalid character class range', this.rest(textStart));
        name = this.cps.slice(this.pos + 1, close).join('');
        this.pos = close + 1;
      } else {
        const n = this.cps[this.pos++];
        if (n === undefined) this.fail('invalid character class range', this.rest(textStart));
        name = n;
      }
      let negated = c === 'P';
      if (name.startsWith('^')) {
        negated = !negated;
        name = name.slice(1);
      }
      const prop = unicodeProperty(name, negated);
      if (prop === null) this.fail('invalid character class range', this.cps.slice(textStart, this.pos).join(''));
      return { kind: 'class', part: { ranges: [], props: [prop] } };
    }
    if (c >= '0' && c <= '7') {
      // Go: a single non-zero digit would be a backreference, which RE2 does not support.
      if (c !== '0' && !(this.peek() !== undefined && /[0-7]/.test(this.peek() as string))) {
        this.fail('invalid escape sequence', `\\${c}`);
      }
      let digits = c;
      for (let k = 0; k < 2 && this.peek() !== undefined && /[0-7]/.test(this.peek() as string); k++) digits += this.cps[this.pos++];
      return { kind: 'char', cp: parseInt(digits, 8) };
    }
    if (c === 'x') {
      if (this.peek() === '{') {
        const close = this.cps.indexOf('}', this.pos);
        const hex = close < 0 ? '' : this.cps.slice(this.pos + 1, close).join('');
        if (close < 0 || !/^[0-9A-Fa-f]+$/.test(hex) || parseInt(hex, 16) > 0x10ffff) {
          this.fail('invalid escape sequence', this.cps.slice(escStart, close < 0 ? this.cps.length : close + 1).join(''));
        }
        this.pos = close + 1;
        return { kind: 'char', cp: parseInt(hex, 16) };
      }
      const hex = this.cps.slice(this.pos, this.pos + 2).join('');
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) this.fail('invalid escape sequence', this.cps.slice(escStart, this.pos + 2).join(''));
      this.pos += 2;
      return { kind: 'char', cp: parseInt(hex, 16) };
    }
    const simpleEscapes: Record<string, number> = { a: 7, f: 12, n: 10, r: 13, t: 9, v: 11 };
    if (c in simpleEscapes) return { kind: 'char', cp: simpleEscapes[c] };
    const cp = c.codePointAt(0) as number;
    // Any ASCII punctuation may be escaped to stand for itself.
    if (cp < 0x80 && !/[A-Za-z0-9]/.test(c)) return { kind: 'char', cp };
    this.fail('invalid escape sequence', `\\${c}`);
  }

  private parseClass(): string {
    const start = this.pos;
    this.pos++;
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    const part: ClassPart = { ranges: [], props: [] };
    let first = true;
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail('missing closing ]', this.rest(start));
      if (c === ']' && !first) {
        this.pos++;
        break;
      }
      first = false;
      if (c === '[' && this.peek(1) === ':') {
        const close = this.rest().indexOf(':]', 2);
        if (close >= 0) {
          const text = this.rest().slice(0, close + 2);
          let name = text.slice(2, -2);
          let neg = false;
          if (name.startsWith('^')) {
            neg = true;
            name = name.slice(1);
          }
          const ranges = POSIX_CLASSES[name];
          if (!ranges) this.fail('invalid character class range', text);
          part.ranges.push(...(neg ? negateRanges(ranges) : ranges));
          this.pos += Array.from(text).length;
          continue;
        }
      }
      const itemStart = this.pos;
      const lo = this.classChar(part);
      if (lo === null) continue;
      if (this.peek() === '-' && this.peek(1) !== ']' && this.peek(1) !== undefined) {
        this.pos++;
        const hi = this.classChar(part);
        if (hi === null || hi < lo) this.fail('invalid character class range', this.cps.slice(itemStart, this.pos).join(''));
        part.ranges.push([lo, hi]);
      } else {
        part.ranges.push([lo, lo]);
      }
    }
    const finalPart = this.flags.i ? { ranges: foldRanges(part.ranges), props: part.props } : part;
    return classSource(finalPart, negated);
  }

  // Reads one class member; returns its code point, or null after adding a whole class to `part`.
  private classChar(part: ClassPart): number | null {
    const c = this.cps[this.pos++];
    if (c !== '\\') return c.codePointAt(0) as number;
    const res = this.parseClassEscape(this.pos - 1);
    if (res.kind === 'char') return res.cp;
    part.ranges.push(...res.part.ranges);
    part.props.push(...res.part.props);
    return null;
  }
}

/** Compiles an RE2 pattern into a JS RegExp (anchored and dot-all by default, like Prometheus); errors are Go's messages. */
export function compileRegex(pattern: string, opts: CompileOptions = {}): CompileResult {
  const parser = new Parser(pattern, opts.dotAll ?? true);
  let body: string;
  try {
    body = parser.parse();
  } catch (e) {
    if (e instanceof SyntaxErr) return { ok: false, error: e.message };
    throw e;
  }
  const src = opts.anchored === false ? body : `^(?:${body})$`;
  let regex: RegExp;
  try {
    regex = new RegExp(src, 'u');
  } catch (e) {
    return { ok: false, error: `error parsing regexp: ${(e as Error).message}` };
  }
  return { ok: true, value: { source: pattern, regex, groupNames: parser.groupNames } };
}
