// PromQL abstract syntax tree: node types, the function table and label-matcher helpers (shaped like Prometheus promql/parser/ast.go).

/** Half-open range of 0-based character offsets into the query string. */
export interface PositionRange {
  start: number;
  end: number;
}

/** The four PromQL value types (Prometheus: scalar, instant vector, range vector, string). */
export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

/** Human-readable type name as used in Prometheus error messages. */
export function documentedType(t: ValueType): string {
  switch (t) {
    case 'vector':
      return 'instant vector';
    case 'matrix':
      return 'range vector';
    default:
      return t;
  }
}

// ---------------------------------------------------------------------------
// Label matchers

export type MatchType = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  type: MatchType;
  name: string;
  value: string;
}

// ---------------------------------------------------------------------------
// Duration expressions (experimental in Prometheus 3.x: `[26m+4m]`, `offset (1m*2)`, `step()`, ...).
// Numbers inside them are seconds, as in Prometheus; evaluate with durations.ts.

export type DurationExpr = DurationNumber | DurationUnary | DurationBinary | DurationParen | DurationCall;

/** A number or duration literal inside a duration expression; `value` is in seconds. */
export interface DurationNumber {
  type: 'DurationNumber';
  value: number;
  /** True if written as a duration (`5m`), false if written as a plain number (`300`). */
  isDuration: boolean;
  pos: PositionRange;
}

export interface DurationUnary {
  type: 'DurationUnary';
  op: '-' | '+';
  expr: DurationExpr;
  pos: PositionRange;
}

export type DurationBinaryOp = '+' | '-' | '*' | '/' | '%' | '^';

export interface DurationBinary {
  type: 'DurationBinary';
  op: DurationBinaryOp;
  lhs: DurationExpr;
  rhs: DurationExpr;
  pos: PositionRange;
}

export interface DurationParen {
  type: 'DurationParen';
  expr: DurationExpr;
  pos: PositionRange;
}

/** `step()`, `range()` (query step / range, 0 args) and `min_of(a, b)`, `max_of(a, b)`. */
export interface DurationCall {
  type: 'DurationCall';
  func: 'step' | 'range' | 'min_of' | 'max_of';
  args: DurationExpr[];
  pos: PositionRange;
}

// ---------------------------------------------------------------------------
// Expressions

export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | ParenExpr
  | UnaryExpr
  | BinaryExpr
  | Call
  | AggregateExpr;

/** Any node of the tree, value expressions and duration expressions alike. */
export type Node = Expr | DurationExpr;

export interface NumberLiteral {
  type: 'NumberLiteral';
  value: number;
  /** True if written as a duration (`5m` used as the number 300). */
  duration?: boolean;
  pos: PositionRange;
}

export interface StringLiteral {
  type: 'StringLiteral';
  value: string;
  pos: PositionRange;
}

/** `@ start()` / `@ end()` preprocessor marker. */
export type AtStartOrEnd = 'start' | 'end';

export interface VectorSelector {
  type: 'VectorSelector';
  /**
   * Metric name written outside the braces (`foo{...}`). A quoted name inside them (`{"foo.bar"}`) is, as in
   * Prometheus, only a `__name__` matcher and leaves this unset.
   */
  name?: string;
  /** All matchers; the `__name__` equality matcher implied by `name` comes last. */
  matchers: LabelMatcher[];
  /** Offset in milliseconds (negative = look ahead). 0 if none. */
  offset: number;
  /** Set when the offset is a non-literal duration expression; then `offset` is 0 until evaluated. */
  offsetExpr?: DurationExpr;
  /** `@` timestamp in milliseconds, or null if none (or if `atStart` is set). */
  at: number | null;
  /** Set for `@ start()` / `@ end()`. */
  atStart?: AtStartOrEnd;
  /** Experimental extended range selectors: `foo[5m] anchored`, `foo[5m] smoothed`. */
  anchored?: boolean;
  smoothed?: boolean;
  pos: PositionRange;
}

export interface MatrixSelector {
  type: 'MatrixSelector';
  /** Always a VectorSelector (the parser enforces it); offset / @ live on it. */
  vectorSelector: VectorSelector;
  /** Range in milliseconds (0 while `rangeExpr` is unevaluated). */
  range: number;
  rangeExpr?: DurationExpr;
  pos: PositionRange;
}

export interface SubqueryExpr {
  type: 'SubqueryExpr';
  expr: Expr;
  /** Range in milliseconds. */
  range: number;
  rangeExpr?: DurationExpr;
  /** Step in milliseconds; 0 means the engine default. */
  step: number;
  stepExpr?: DurationExpr;
  offset: number;
  offsetExpr?: DurationExpr;
  at: number | null;
  atStart?: AtStartOrEnd;
  pos: PositionRange;
}

export interface ParenExpr {
  type: 'ParenExpr';
  expr: Expr;
  pos: PositionRange;
}

export interface UnaryExpr {
  type: 'UnaryExpr';
  op: '-' | '+';
  expr: Expr;
  pos: PositionRange;
}

export type ArithmeticOp = '+' | '-' | '*' | '/' | '%' | '^' | 'atan2';
export type ComparisonOp = '==' | '!=' | '>' | '<' | '>=' | '<=';
export type SetOp = 'and' | 'or' | 'unless';
/** Native-histogram trim operators: `</` keeps observations below the threshold, `>/` those above. */
export type TrimOp = '</' | '>/';
export type BinaryOp = ArithmeticOp | ComparisonOp | SetOp | TrimOp;

export type VectorMatchCardinality = 'one-to-one' | 'many-to-one' | 'one-to-many' | 'many-to-many';

export interface VectorMatching {
  card: VectorMatchCardinality;
  /** True for `on(...)`, false for `ignoring(...)` or no clause. */
  on: boolean;
  labels: string[];
  /** Extra labels from `group_left(...)` / `group_right(...)`. */
  include: string[];
}

/** Experimental `fill(v)`, `fill_left(v)`, `fill_right(v)`: value used for a missing side. */
export interface FillValues {
  lhs?: number;
  rhs?: number;
}

export interface BinaryExpr {
  type: 'BinaryExpr';
  op: BinaryOp;
  lhs: Expr;
  rhs: Expr;
  /** `bool` modifier on a comparison. */
  returnBool: boolean;
  /** Present when both sides are instant vectors (set ops get many-to-many). */
  matching?: VectorMatching;
  fill?: FillValues;
  pos: PositionRange;
}

export interface FunctionDef {
  name: string;
  argTypes: ValueType[];
  /** 0: exact arity; n > 0: up to n trailing args optional; -1: last arg type repeats without limit. */
  variadic: number;
  returnType: ValueType;
  experimental: boolean;
}

export interface Call {
  type: 'Call';
  func: FunctionDef;
  args: Expr[];
  pos: PositionRange;
}

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'count'
  | 'min'
  | 'max'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'count_values'
  | 'quantile'
  | 'limitk'
  | 'limit_ratio';

export interface AggregateExpr {
  type: 'AggregateExpr';
  op: AggregateOp;
  expr: Expr;
  /** Parameter for topk, bottomk, quantile, count_values, limitk, limit_ratio. */
  param?: Expr;
  grouping: string[];
  /** True for `without (...)`, false for `by (...)` or none. */
  without: boolean;
  pos: PositionRange;
}

/** Aggregation operators; `param: true` ones take a leading parameter. */
export const AGGREGATORS: Readonly<Record<AggregateOp, { param: boolean; experimental: boolean }>> = {
  sum: { param: false, experimental: false },
  avg: { param: false, experimental: false },
  count: { param: false, experimental: false },
  min: { param: false, experimental: false },
  max: { param: false, experimental: false },
  group: { param: false, experimental: false },
  stddev: { param: false, experimental: false },
  stdvar: { param: false, experimental: false },
  topk: { param: true, experimental: false },
  bottomk: { param: true, experimental: false },
  count_values: { param: true, experimental: false },
  quantile: { param: true, experimental: false },
  limitk: { param: true, experimental: true },
  limit_ratio: { param: true, experimental: true },
};

/** True if `s` names an aggregation operator. */
export function isAggregateOp(s: string): s is AggregateOp {
  return Object.prototype.hasOwnProperty.call(AGGREGATORS, s);
}

// ---------------------------------------------------------------------------
// Function table (Prometheus 3.x promql/parser/functions.go)

function fn(
  name: string,
  argTypes: ValueType[],
  returnType: ValueType,
  variadic = 0,
  experimental = false,
): FunctionDef {
  return { name, argTypes, variadic, returnType, experimental };
}

const V: ValueType = 'vector';
const M: ValueType = 'matrix';
const S: ValueType = 'scalar';
const STR: ValueType = 'string';

const FUNCTION_LIST: FunctionDef[] = [
  fn('abs', [V], V),
  fn('absent', [V], V),
  fn('absent_over_time', [M], V),
  fn('acos', [V], V),
  fn('acosh', [V], V),
  fn('asin', [V], V),
  fn('asinh', [V], V),
  fn('atan', [V], V),
  fn('atanh', [V], V),
  fn('avg_over_time', [M], V),
  fn('ceil', [V], V),
  fn('changes', [M], V),
  fn('clamp', [V, S, S], V),
  fn('clamp_max', [V, S], V),
  fn('clamp_min', [V, S], V),
  fn('cos', [V], V),
  fn('cosh', [V], V),
  fn('count_over_time', [M], V),
  fn('days_in_month', [V], V, 1),
  fn('day_of_month', [V], V, 1),
  fn('day_of_week', [V], V, 1),
  fn('day_of_year', [V], V, 1),
  fn('deg', [V], V),
  fn('delta', [M], V),
  fn('deriv', [M], V),
  fn('double_exponential_smoothing', [M, S, S], V, 0, true),
  fn('end', [], S, 0, true),
  fn('exp', [V], V),
  fn('first_over_time', [M], V, 0, true),
  fn('floor', [V], V),
  fn('histogram_avg', [V], V),
  fn('histogram_count', [V], V),
  fn('histogram_fraction', [S, S, V], V),
  fn('histogram_quantile', [S, V], V),
  fn('histogram_quantiles', [V, STR, S, S], V, 9, true),
  fn('histogram_stddev', [V], V),
  fn('histogram_stdvar', [V], V),
  fn('histogram_sum', [V], V),
  fn('hour', [V], V, 1),
  fn('idelta', [M], V),
  fn('increase', [M], V),
  fn('info', [V, V], V, 1, true),
  fn('integral', [M, S], V, 1, true),
  fn('irate', [M], V),
  fn('label_join', [V, STR, STR, STR], V, -1),
  fn('label_replace', [V, STR, STR, STR, STR], V),
  fn('last_over_time', [M], V),
  fn('ln', [V], V),
  fn('log10', [V], V),
  fn('log2', [V], V),
  fn('mad_over_time', [M], V, 0, true),
  fn('max_of', [S, S], S, 0, true),
  fn('max_over_time', [M], V),
  fn('min_of', [S, S], S, 0, true),
  fn('min_over_time', [M], V),
  fn('minute', [V], V, 1),
  fn('month', [V], V, 1),
  fn('pi', [], S),
  fn('predict_linear', [M, S], V),
  fn('present_over_time', [M], V),
  fn('quantile_over_time', [S, M], V),
  fn('rad', [V], V),
  fn('range', [], S, 0, true),
  fn('rate', [M], V),
  fn('resets', [M], V),
  fn('round', [V, S], V, 1),
  fn('scalar', [V], S),
  fn('sgn', [V], V),
  fn('sin', [V], V),
  fn('sinh', [V], V),
  fn('sort', [V], V),
  fn('sort_by_label', [V, STR], V, -1, true),
  fn('sort_by_label_desc', [V, STR], V, -1, true),
  fn('sort_desc', [V], V),
  fn('sqrt', [V], V),
  fn('start', [], S, 0, true),
  fn('start_timestamp', [V], V, 0, true),
  fn('step', [], S, 0, true),
  fn('stddev_over_time', [M], V),
  fn('stdvar_over_time', [M], V),
  fn('sum_over_time', [M], V),
  fn('tan', [V], V),
  fn('tanh', [V], V),
  fn('time', [], S),
  fn('timestamp', [V], V),
  fn('ts_of_first_over_time', [M], V, 0, true),
  fn('ts_of_last_over_time', [M], V, 0, true),
  fn('ts_of_max_over_time', [M], V, 0, true),
  fn('ts_of_min_over_time', [M], V, 0, true),
  fn('vector', [S], V),
  fn('year', [V], V, 1),
];

/** Every PromQL function by name. */
export const FUNCTIONS: Readonly<Record<string, FunctionDef>> = Object.freeze(
  Object.fromEntries(FUNCTION_LIST.map((f) => [f.name, Object.freeze(f)])),
);

/** Looks up a function definition; undefined if `name` is not a PromQL function. */
export function getFunction(name: string): FunctionDef | undefined {
  return Object.prototype.hasOwnProperty.call(FUNCTIONS, name) ? FUNCTIONS[name] : undefined;
}

// ---------------------------------------------------------------------------
// Types of expressions

/** The value type an expression evaluates to (Prometheus Expr.Type()). */
export function valueTypeOf(expr: Expr): ValueType {
  switch (expr.type) {
    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'VectorSelector':
      return 'vector';
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix';
    case 'ParenExpr':
    case 'UnaryExpr':
      return valueTypeOf(expr.expr);
    case 'BinaryExpr': {
      // Iterative along the left spine: chains like `a + b + c ...` can be thousands deep.
      let cur: Expr = expr;
      while (cur.type === 'BinaryExpr') {
        if (valueTypeOf(cur.rhs) !== 'scalar') return 'vector';
        cur = cur.lhs;
      }
      return valueTypeOf(cur) === 'scalar' ? 'scalar' : 'vector';
    }
    case 'Call':
      return expr.func.returnType;
    case 'AggregateExpr':
      return 'vector';
  }
}

// ---------------------------------------------------------------------------
// Traversal

/** Direct sub-expressions of a node, in source order (duration expressions are not included). */
export function childrenOf(expr: Expr): Expr[] {
  switch (expr.type) {
    case 'MatrixSelector':
      return [expr.vectorSelector];
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
      return [expr.expr];
    case 'BinaryExpr':
      return [expr.lhs, expr.rhs];
    case 'Call':
      return expr.args;
    case 'AggregateExpr':
      return expr.param ? [expr.param, expr.expr] : [expr.expr];
    default:
      return [];
  }
}

/**
 * Visits every node depth-first in source order (Prometheus's parser.Inspect); `path` holds the ancestors.
 * Returning false from `visit` skips the node's children. Iterative, so arbitrarily long operator chains are fine.
 */
export function walkExpr(expr: Expr, visit: (node: Expr, path: readonly Expr[]) => boolean | void): void {
  const stack: Array<{ node: Expr; depth: number }> = [{ node: expr, depth: 0 }];
  const path: Expr[] = [];
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: Expr; depth: number };
    path.length = depth;
    if (visit(node, path) === false) continue;
    path.push(node);
    const kids = childrenOf(node);
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ node: kids[i], depth: depth + 1 });
  }
}

// ---------------------------------------------------------------------------
// Matching label values

/** A label matcher compiled for repeated use. */
export interface CompiledMatcher {
  readonly name: string;
  readonly type: MatchType;
  matches(value: string): boolean;
}

/**
 * Compiles an RE2 (Go regexp) pattern to a JavaScript RegExp, fully anchored with dot-all as Prometheus does
 * (`^(?s:re)$`). RE2-only syntax is translated: inline flags `(?i)` / `(?i:...)`, `(?P<name>`, `\z`, `\A`, `\pL`,
 * `\Q...\E`, `[[:alpha:]]`. Throws an Error with Go's message text for patterns RE2 would reject.
 */
export function compileRegex(re: string): RegExp {
  let src: string;
  let multiline = false;
  try {
    const t = translateRe2(re);
    src = t.source;
    multiline = t.multiline;
  } catch (e) {
    if (e instanceof RegexSyntaxError) throw new Error(`error parsing regexp: ${e.message}`);
    throw e;
  }
  try {
    return new RegExp(`^(?:${src})$`, multiline ? 'sum' : 'su');
  } catch (e) {
    throw goRegexError(re, e instanceof Error ? e.message : String(e));
  }
}

class RegexSyntaxError extends Error {}

const POSIX_CLASSES: Readonly<Record<string, string>> = {
  alnum: '0-9A-Za-z',
  alpha: 'A-Za-z',
  ascii: '\\x00-\\x7F',
  blank: '\\t ',
  cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9',
  graph: '!-~',
  lower: 'a-z',
  print: ' -~',
  punct: '!-\\/:-@\\[-`{-~',
  space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z',
  word: '0-9A-Za-z_',
  xdigit: '0-9A-Fa-f',
};

const PERL_CLASS_ESCAPES = new Set(['d', 'D', 's', 'S', 'w', 'W']);
const CONTROL_ESCAPES: Readonly<Record<string, string>> = { a: '\\x07', f: '\\f', t: '\\t', n: '\\n', r: '\\r', v: '\\v' };

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

function isLetter(c: string): boolean {
  return c.toLowerCase() !== c.toUpperCase();
}

/** Emits a literal character for a JS unicode-mode pattern, expanded to both cases when case-insensitive. */
function literal(ch: string, ci: boolean, inClass: boolean): string {
  const esc = (c: string): string => (/[A-Za-z0-9_]/.test(c) || (c.codePointAt(0) as number) > 0x7f ? c : hex(c.codePointAt(0) as number));
  if (ci && isLetter(ch)) {
    const lo = ch.toLowerCase();
    const up = ch.toUpperCase();
    const variants = [...new Set([ch, lo, up])].filter((v) => Array.from(v).length === 1);
    return inClass ? variants.map(esc).join('') : '[' + variants.map(esc).join('') + ']';
  }
  return esc(ch);
}

/** Translates RE2 syntax to an equivalent JavaScript `u`-mode pattern. */
function translateRe2(re: string): { source: string; multiline: boolean } {
  const chars = Array.from(re);
  let i = 0;
  let out = '';
  let multiline = false;
  const flagStack: boolean[] = [];
  let ci = false;
  const fail = (code: string, expr: string): never => {
    throw new RegexSyntaxError(`${code}: \`${expr}\``);
  };

  // Reads an escape starting at chars[i] === '\\'; returns JS source for it (inClass: inside [...]).
  const escape = (inClass: boolean): string => {
    const start = i;
    const c = chars[i + 1];
    if (c === undefined) fail('trailing backslash at end of expression', '');
    i += 2;
    if (PERL_CLASS_ESCAPES.has(c)) return '\\' + c;
    if (CONTROL_ESCAPES[c]) return CONTROL_ESCAPES[c];
    if (c === 'p' || c === 'P') {
      let name: string;
      if (chars[i] === '{') {
        const close = chars.indexOf('}', i);
        if (close < 0) fail('invalid character class range', chars.slice(start).join(''));
        name = chars.slice(i + 1, close).join('');
        i = close + 1;
      } else {
        name = chars[i] ?? '';
        i++;
      }
      let negate = c === 'P';
      if (name.startsWith('^')) {
        negate = !negate;
        name = name.slice(1);
      }
      // RE2 names scripts bare (`\p{Greek}`); JavaScript needs `Script=`. One/two-letter names are categories.
      const prop = /^[A-Z][a-z]?$/.test(name) || name === 'Any' ? name : `Script=${name}`;
      return `\\${negate ? 'P' : 'p'}{${prop}}`;
    }
    if (c === 'x') {
      if (chars[i] === '{') {
        const close = chars.indexOf('}', i);
        const digits = close < 0 ? '' : chars.slice(i + 1, close).join('');
        if (!/^[0-9a-fA-F]{1,6}$/.test(digits)) fail('invalid escape sequence', chars.slice(start, Math.max(close + 1, i)).join(''));
        i = close + 1;
        return literal(String.fromCodePoint(parseInt(digits, 16)), ci, inClass);
      }
      const digits = chars.slice(i, i + 2).join('');
      if (!/^[0-9a-fA-F]{2}$/.test(digits)) fail('invalid escape sequence', chars.slice(start, i + 2).join(''));
      i += 2;
      return literal(String.fromCodePoint(parseInt(digits, 16)), ci, inClass);
    }
    if (c >= '0' && c <= '7') {
      // A single non-zero digit would be a backreference, which RE2 does not support.
      if (c !== '0' && !(chars[i] >= '0' && chars[i] <= '7')) fail('invalid escape sequence', '\\' + c);
      let digits = c;
      while (digits.length < 3 && chars[i] >= '0' && chars[i] <= '7') digits += chars[i++];
      return literal(String.fromCodePoint(parseInt(digits, 8)), ci, inClass);
    }
    if (!inClass) {
      if (c === 'b') return '\\b';
      if (c === 'B') return '\\B';
      if (c === 'z') return '(?![\\s\\S])';
      if (c === 'A') return '(?<![\\s\\S])';
    }
    if (/[A-Za-z0-9]/.test(c)) fail('invalid escape sequence', '\\' + c);
    return literal(c, false, inClass);
  };

  const charClass = (): string => {
    const start = i;
    i++;
    let body = '';
    let negate = false;
    if (chars[i] === '^') {
      negate = true;
      i++;
    }
    let first = true;
    const items: string[] = [];
    for (;;) {
      const c = chars[i];
      if (c === undefined) fail('missing closing ]', chars.slice(start).join(''));
      if (c === ']' && !first) {
        i++;
        break;
      }
      first = false;
      if (c === '[' && chars[i + 1] === ':') {
        const close = chars.indexOf(']', i + 2);
        const m = /^\[:(\^?)([a-z]+):\]$/.exec(chars.slice(i, close + 1).join(''));
        if (m && POSIX_CLASSES[m[2]]) {
          if (m[1]) fail('invalid character class range', m[0]);
          items.push(POSIX_CLASSES[m[2]]);
          i = close + 1;
          continue;
        }
      }
      let lo: string;
      let loLiteral: string | undefined;
      if (c === '\\') {
        const e = escape(true);
        lo = e;
        const single = chars[i - 1];
        loLiteral = e.length === 1 || e.startsWith('\\u{') ? single : undefined;
        if (e.startsWith('\\u{')) loLiteral = String.fromCodePoint(parseInt(e.slice(3, -1), 16));
      } else {
        i++;
        lo = literal(c, false, true);
        loLiteral = c;
      }
      if (chars[i] === '-' && chars[i + 1] !== ']' && chars[i + 1] !== undefined && loLiteral !== undefined) {
        i++;
        let hiLiteral: string;
        let hi: string;
        if (chars[i] === '\\') {
          hi = escape(true);
          hiLiteral = hi.startsWith('\\u{') ? String.fromCodePoint(parseInt(hi.slice(3, -1), 16)) : chars[i - 1];
        } else {
          hiLiteral = chars[i];
          hi = literal(hiLiteral, false, true);
          i++;
        }
        if ((hiLiteral.codePointAt(0) as number) < (loLiteral.codePointAt(0) as number)) {
          fail('invalid character class range', `${loLiteral}-${hiLiteral}`);
        }
        items.push(`${lo}-${hi}`);
        if (ci) items.push(...caseRanges(loLiteral, hiLiteral));
        continue;
      }
      items.push(ci && loLiteral !== undefined ? literal(loLiteral, true, true) : lo);
    }
    body = items.join('');
    return '[' + (negate ? '^' : '') + body + ']';
  };

  while (i < chars.length) {
    const c = chars[i];
    if (c === '\\') {
      if (chars[i + 1] === 'Q') {
        i += 2;
        while (i < chars.length && !(chars[i] === '\\' && chars[i + 1] === 'E')) out += literal(chars[i++], ci, false);
        if (i < chars.length) i += 2;
        continue;
      }
      out += escape(false);
      continue;
    }
    if (c === '[') {
      out += charClass();
      continue;
    }
    if (c === '(') {
      if (chars[i + 1] === '?') {
        const rest = chars.slice(i + 2).join('');
        const flags = /^([imsU]*)(?:-([imsU]*))?([:)])/.exec(rest);
        if (flags && (flags[1] || flags[2] !== undefined)) {
          const on = flags[1];
          const off = flags[2] ?? '';
          const newCi: boolean = on.includes('i') ? true : off.includes('i') ? false : ci;
          if (on.includes('m') && out === '' && flagStack.length === 0) multiline = true;
          i += 2 + flags[0].length;
          if (flags[3] === ')') {
            ci = newCi;
          } else {
            flagStack.push(ci);
            ci = newCi;
            out += '(?:';
          }
          continue;
        }
        if (rest.startsWith('P<')) {
          flagStack.push(ci);
          out += '(?<';
          i += 4;
          continue;
        }
        if (rest.startsWith('<') && !rest.startsWith('<=') && !rest.startsWith('<!')) {
          flagStack.push(ci);
          out += '(?<';
          i += 3;
          continue;
        }
        if (rest.startsWith(':')) {
          flagStack.push(ci);
          out += '(?:';
          i += 3;
          continue;
        }
        const m = /^(<?[=!]?)/.exec(rest);
        fail('invalid or unsupported Perl syntax', '(?' + (m ? m[1] : ''));
      }
      flagStack.push(ci);
      out += '(';
      i++;
      continue;
    }
    if (c === ')') {
      if (flagStack.length === 0) fail('unexpected )', re);
      ci = flagStack.pop() as boolean;
      out += ')';
      i++;
      continue;
    }
    if (c === '{') {
      const q = /^\{(\d+)(,(\d*))?\}/.exec(chars.slice(i, i + 24).join(''));
      if (q && out !== '' && !out.endsWith('(') && !out.endsWith('|')) {
        if (Number(q[1]) > 1000 || (q[3] && Number(q[3]) > 1000)) fail('invalid repeat count', q[0]);
        if (q[3] && Number(q[3]) < Number(q[1])) fail('invalid repeat count', q[0]);
        out += q[0];
        i += q[0].length;
      } else {
        // RE2 reads a brace that does not start a repetition as a literal.
        out += '\\{';
        i++;
      }
      continue;
    }
    if (c === '}') {
      out += '\\}';
      i++;
      continue;
    }
    if ('.^$|*+?'.includes(c)) {
      out += c;
      i++;
      continue;
    }
    out += literal(c, ci, false);
    i++;
  }
  if (flagStack.length > 0) fail('missing closing )', re);
  return { source: out, multiline };
}

// For a case-insensitive range like a-f, the other-case range A-F (letters only).
function caseRanges(lo: string, hi: string): string[] {
  const a = lo.codePointAt(0) as number;
  const b = hi.codePointAt(0) as number;
  const out: string[] = [];
  const lowA = Math.max(a, 97);
  const lowB = Math.min(b, 122);
  if (lowA <= lowB) out.push(`${String.fromCharCode(lowA - 32)}-${String.fromCharCode(lowB - 32)}`);
  const upA = Math.max(a, 65);
  const upB = Math.min(b, 90);
  if (upA <= upB) out.push(`${String.fromCharCode(upA + 32)}-${String.fromCharCode(upB + 32)}`);
  return out;
}

function regexError(code: string, expr: string): Error {
  return new Error(`error parsing regexp: ${code}: \`${expr}\``);
}

// Maps V8's message to the RE2 error a Prometheus user would see.
function goRegexError(re: string, jsMessage: string): Error {
  if (/Unterminated group/.test(jsMessage)) return regexError('missing closing )', re);
  if (/Unmatched '\)'/.test(jsMessage)) return regexError('unexpected )', re);
  if (/Nothing to repeat/.test(jsMessage)) {
    const nested = /[*+?][*+]/.exec(re);
    if (nested) return regexError('invalid nested repetition operator', nested[0]);
    const m = /(?:^|[(|])([*+?])/.exec(re);
    return regexError('missing argument to repetition operator', m ? m[1] : re);
  }
  if (/Incomplete quantifier|Lone quantifier brackets/.test(jsMessage)) {
    // RE2 treats a malformed {n,m} as literal text; JS unicode mode rejects it.
    return regexError('invalid repeat count', re);
  }
  if (/numbers out of order/.test(jsMessage)) return regexError('invalid repeat count', re);
  return new Error(`error parsing regexp: ${jsMessage.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '').toLowerCase()}: \`${re}\``);
}

/** Compiles a matcher; throws Error for an invalid regular expression. */
export function compileMatcher(m: LabelMatcher): CompiledMatcher {
  switch (m.type) {
    case '=':
      return { name: m.name, type: m.type, matches: (v) => v === m.value };
    case '!=':
      return { name: m.name, type: m.type, matches: (v) => v !== m.value };
    case '=~': {
      const re = compileRegex(m.value);
      return { name: m.name, type: m.type, matches: (v) => re.test(v) };
    }
    case '!~': {
      const re = compileRegex(m.value);
      return { name: m.name, type: m.type, matches: (v) => !re.test(v) };
    }
  }
}

const matcherCache = new Map<string, CompiledMatcher>();

/** True if label value `value` satisfies matcher `m` (absent labels have value ""). Caches compiled regexes. */
export function matchLabelValue(m: LabelMatcher, value: string): boolean {
  if (m.type === '=') return value === m.value;
  if (m.type === '!=') return value !== m.value;
  const key = m.type + m.value;
  let c = matcherCache.get(key);
  if (!c) {
    if (matcherCache.size > 10000) matcherCache.clear();
    c = compileMatcher(m);
    matcherCache.set(key, c);
  }
  return c.matches(value);
}
