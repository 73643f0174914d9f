// PromQL abstract syntax tree: node types, the function table and label-matcher helpers (shaped like Prometheus promql/parser/ast.go).

import { compileRegex as compileRe2 } from '../model/re2.ts';

/** Binary operator precedence, loosest first (Prometheus's grammar); `^` is right-associative. */
export const BINARY_PRECEDENCE: Readonly<Record<string, number>> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '<': 3,
  '<=': 3,
  '>': 3,
  '>=': 3,
  '</': 3,
  '>/': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
  '^': 6,
};

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
 * (`^(?s:re)$`), through the one RE2 translator in shared/model/re2.ts. Throws an Error with Go's message text
 * for patterns RE2 would reject.
 */
export function compileRegex(re: string): RegExp {
  const compiled = compileRe2(re);
  if (!compiled.ok) throw new Error(compiled.error);
  return compiled.value.regex;
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
