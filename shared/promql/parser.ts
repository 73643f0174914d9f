// PromQL parser: recursive descent over lexer tokens, following Prometheus 3.x grammar, precedence and type checks.
import {
  BINARY_PRECEDENCE,
  AGGREGATORS,
  type AggregateExpr,
  compileRegex,
  documentedType,
  getFunction,
  type AggregateOp,
  type AtStartOrEnd,
  type BinaryExpr,
  type BinaryOp,
  type DurationExpr,
  type DurationNumber,
  type Expr,
  type FillValues,
  type LabelMatcher,
  type MatchType,
  type MatrixSelector,
  type NumberLiteral,
  type PositionRange,
  type SubqueryExpr,
  type ValueType,
  type VectorMatching,
  type VectorSelector,
} from './ast.ts';
import { MAX_DURATION_MS, parseDuration, secondsToMs } from './durations.ts';
import { describeToken, lex, quoteString, type Token } from './lexer.ts';
import { ParseError } from './parse-error.ts';

/** Parser feature switches. Each defaults to true, as in Prometheus's own PromQL test harness. */
export interface ParseOptions {
  /** Experimental functions and the `limitk` / `limit_ratio` aggregations. */
  experimentalFunctions?: boolean;
  /** Duration expressions: `[26m+4m]`, `offset (1m*2)`, `step()`, `min_of(..)`. */
  durationExpressions?: boolean;
  /** `anchored` / `smoothed` range selector modifiers. */
  extendedRangeSelectors?: boolean;
  /** `fill(v)`, `fill_left(v)`, `fill_right(v)` binary-operator modifiers. */
  binopFillModifiers?: boolean;
  /** Maximum nesting of parentheses, calls and operators (guards the call stack; trees may be twice as deep). Default 1000. */
  maxDepth?: number;
}

/** Prometheus's defaults with no `--enable-feature` flags: every experimental feature off. */
export const PROMETHEUS_DEFAULT_FEATURES: Readonly<ParseOptions> = Object.freeze({
  experimentalFunctions: false,
  durationExpressions: false,
  extendedRangeSelectors: false,
  binopFillModifiers: false,
});

/**
 * Parses a PromQL expression. Throws ParseError (never anything else for bad input) with Prometheus's message
 * and the offending range; type errors are reported only when the syntax is valid, as in Prometheus.
 */
export function parse(query: string, opts: ParseOptions = {}): Expr {
  try {
    return new Parser(query, opts).parseQuery();
  } catch (e) {
    // The depth limit normally triggers first; a smaller stack (e.g. in a worker) must still yield a ParseError.
    if (e instanceof RangeError && /call stack/i.test(e.message)) {
      throw new ParseError('query is nested too deeply', { start: 0, end: query.length }, query);
    }
    throw e;
  }
}

const POW_PREC = 6;
const COMPARISON_OPS = new Set(['==', '!=', '<', '<=', '>', '>=']);
const SET_OPS = new Set(['and', 'or', 'unless']);
const DURATION_PREC: Readonly<Record<string, number>> = { '+': 1, '-': 1, '*': 2, '/': 2, '%': 2, '^': 3 };
// Keywords that may still name a metric (Prometheus's metric_identifier rule).
const KEYWORD_METRIC_NAMES = new Set(['by', 'without', 'offset', 'anchored', 'smoothed']);
const MAX_INT64 = 9223372036854775807;
const DURATION_EXPECTED = 'number, duration, step(), or range()';

interface BinModifiers {
  returnBool: boolean;
  matching: VectorMatching;
  fill?: FillValues;
  fillStart?: number;
}

class Parser {
  private readonly toks: Token[];
  private i = 0;
  private prevEnd = 0;
  private depth = 0;
  private readonly maxDepth: number;
  private readonly exprDepth = new WeakMap<object, number>();
  private readonly bypassEmptyCheck = new WeakSet<VectorSelector>();
  private readonly experimentalFunctions: boolean;
  private readonly durationExpressions: boolean;
  private readonly extendedRangeSelectors: boolean;
  private readonly binopFillModifiers: boolean;

  constructor(
    private readonly query: string,
    opts: ParseOptions,
  ) {
    this.toks = lex(query);
    this.maxDepth = opts.maxDepth ?? 1000;
    this.experimentalFunctions = opts.experimentalFunctions ?? true;
    this.durationExpressions = opts.durationExpressions ?? true;
    this.extendedRangeSelectors = opts.extendedRangeSelectors ?? true;
    this.binopFillModifiers = opts.binopFillModifiers ?? true;
  }

  parseQuery(): Expr {
    if (this.peek().kind === 'EOF') this.fail('no expression found in input', { start: 0, end: 0 });
    const expr = this.parseExpr(0);
    if (this.peek().kind !== 'EOF') this.unexpected();
    this.check(expr);
    return expr;
  }

  // ---------------------------------------------------------------------------
  // Token helpers

  private peek(): Token {
    return this.toks[this.i];
  }

  private peekAt(k: number): Token {
    return this.toks[Math.min(this.i + k, this.toks.length - 1)];
  }

  private next(): Token {
    const t = this.toks[this.i];
    if (t.kind !== 'EOF' && t.kind !== 'ERROR') this.i++;
    this.prevEnd = t.end;
    return t;
  }

  private isKeyword(t: Token, ...words: string[]): boolean {
    return t.kind === 'KEYWORD' && words.includes(t.word as string);
  }

  private isOp(t: Token, ...ops: string[]): boolean {
    return t.kind === 'OPERATOR' && ops.includes(t.word as string);
  }

  private fail(message: string, range: PositionRange): never {
    throw new ParseError(message, { start: range.start, end: range.end }, this.query);
  }

  /** Reports the current token as unexpected, like Prometheus's `unexpected(context, expected)`. */
  private unexpected(context = '', expected = ''): never {
    const t = this.peek();
    if (t.kind === 'ERROR') this.fail(t.text, t);
    let msg = 'unexpected ' + describeToken(t);
    if (context) msg += ' in ' + context;
    if (expected) msg += ', expected ' + expected;
    this.fail(msg, t);
  }

  private expect(kind: Token['kind'], context = '', expected = ''): Token {
    if (this.peek().kind !== kind) this.unexpected(context, expected);
    return this.next();
  }

  private enter(at: PositionRange): void {
    if (++this.depth > this.maxDepth) this.fail(`query is nested too deeply (more than ${this.maxDepth} levels)`, at);
  }

  private leave(): void {
    this.depth--;
  }

  /**
   * Records the nesting depth of a new node and rejects trees deeper than maxDepth. A binary operator's left
   * operand does not add depth: tree walkers iterate along left-deep chains such as `a + b + c + ...`.
   */
  private track<T extends Expr>(node: T, ...children: Array<Expr | undefined>): T {
    let d = 0;
    if (node.type === 'BinaryExpr') {
      d = Math.max((this.exprDepth.get(node.lhs) ?? 1) - 1, this.exprDepth.get(node.rhs) ?? 0);
    } else {
      for (const c of children) if (c) d = Math.max(d, this.exprDepth.get(c) ?? 0);
    }
    // Postfix chains (`x[1m:][1m:]...`) nest without parser recursion, so the tree may be deeper than maxDepth.
    if (d + 1 > 2 * this.maxDepth) this.fail(`query is nested too deeply (more than ${2 * this.maxDepth} levels)`, node.pos);
    this.exprDepth.set(node, d + 1);
    return node;
  }

  // ---------------------------------------------------------------------------
  // Expressions

  private parseExpr(minPrec: number): Expr {
    this.enter(this.peek());
    let lhs = this.parseUnary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'OPERATOR') break;
      const op = t.word as string;
      const prec = BINARY_PRECEDENCE[op];
      if (prec === undefined || prec < minPrec) break;
      this.next();
      const mods = this.parseBinModifiers();
      const rhs = this.parseExpr(op === '^' ? prec : prec + 1);
      lhs = this.newBinary(lhs, op as BinaryOp, mods, rhs);
    }
    this.leave();
    return lhs;
  }

  private newBinary(lhs: Expr, op: BinaryOp, mods: BinModifiers, rhs: Expr): BinaryExpr {
    const node: BinaryExpr = {
      type: 'BinaryExpr',
      op,
      lhs,
      rhs,
      returnBool: mods.returnBool,
      matching: mods.matching,
      pos: { start: lhs.pos.start, end: rhs.pos.end },
    };
    if (mods.fill) {
      if (!this.binopFillModifiers) this.fail('binop fill modifiers are experimental and not enabled', node.pos);
      node.fill = mods.fill;
    }
    return this.track(node, lhs, rhs);
  }

  private parseBinModifiers(): BinModifiers {
    const mods: BinModifiers = {
      returnBool: false,
      matching: { card: 'one-to-one', on: false, labels: [], include: [] },
    };
    if (this.isKeyword(this.peek(), 'bool')) {
      this.next();
      mods.returnBool = true;
    }
    if (this.isKeyword(this.peek(), 'on', 'ignoring')) {
      mods.matching.on = this.next().word === 'on';
      mods.matching.labels = this.parseGroupingLabels();
      if (this.isKeyword(this.peek(), 'group_left', 'group_right')) {
        mods.matching.card = this.next().word === 'group_left' ? 'many-to-one' : 'one-to-many';
        if (this.peek().kind === '(') mods.matching.include = this.parseGroupingLabels();
      }
    }
    while (this.isKeyword(this.peek(), 'fill', 'fill_left', 'fill_right')) {
      const kw = this.next();
      this.expect('(', 'fill modifier', '"("');
      const v = this.parseSignedNumber('fill modifier', 'number');
      this.expect(')', 'fill modifier', '")"');
      const fill = (mods.fill ??= {});
      if (kw.word !== 'fill_right') {
        if (fill.lhs !== undefined) this.fail(`duplicate ${kw.text} modifier`, kw);
        fill.lhs = v;
      }
      if (kw.word !== 'fill_left') {
        if (fill.rhs !== undefined && kw.word === 'fill_right') this.fail(`duplicate ${kw.text} modifier`, kw);
        fill.rhs = v;
      }
    }
    return mods;
  }

  /** A number with optional sign (used by `@` and fill modifiers); durations count as seconds. */
  private parseSignedNumber(context: string, expected: string): number {
    let sign = 1;
    if (this.isOp(this.peek(), '+', '-')) sign = this.next().word === '-' ? -1 : 1;
    const t = this.peek();
    if (t.kind === 'NUMBER') return sign * this.numberValue(this.next());
    if (t.kind === 'DURATION') return (sign * this.durationMs(this.next())) / 1000;
    this.unexpected(context, expected);
  }

  private parseUnary(): Expr {
    const t = this.peek();
    if (this.isOp(t, '+', '-')) {
      this.next();
      // Unary operators bind like `*`: tighter than everything but `^`.
      const operand = this.parseExpr(POW_PREC);
      if (operand.type === 'NumberLiteral') {
        if (t.word === '-') operand.value = -operand.value;
        operand.pos = { start: t.start, end: operand.pos.end };
        return operand;
      }
      return this.track(
        { type: 'UnaryExpr', op: t.word as '+' | '-', expr: operand, pos: { start: t.start, end: operand.pos.end } },
        operand,
      );
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parsePrimary(): Expr {
    const t = this.peek();
    switch (t.kind) {
      case 'NUMBER':
        this.next();
        return { type: 'NumberLiteral', value: this.numberValue(t), pos: { start: t.start, end: t.end } };
      case 'DURATION':
        this.next();
        return {
          type: 'NumberLiteral',
          value: this.durationMs(t) / 1000,
          duration: true,
          pos: { start: t.start, end: t.end },
        };
      case 'STRING':
        this.next();
        return { type: 'StringLiteral', value: t.value as string, pos: { start: t.start, end: t.end } };
      case '(': {
        this.next();
        const inner = this.parseExpr(0);
        const close = this.expect(')');
        return this.track({ type: 'ParenExpr', expr: inner, pos: { start: t.start, end: close.end } }, inner);
      }
      case '{':
        return this.parseVectorSelector(undefined, t.start);
      case 'AGGREGATOR': {
        const after = this.peekAt(1);
        if (after.kind === '(' || this.isKeyword(after, 'by', 'without')) return this.parseAggregate();
        return this.parseMetricName();
      }
      case 'IDENTIFIER':
      case 'PREPROCESSOR':
        if (this.peekAt(1).kind === '(') return this.parseCall();
        return this.parseMetricName();
      case 'METRIC_IDENTIFIER':
        return this.parseMetricName();
      case 'KEYWORD':
        if (KEYWORD_METRIC_NAMES.has(t.word as string)) return this.parseMetricName();
        break;
      case 'OPERATOR':
        if (t.word === 'and' || t.word === 'or' || t.word === 'unless') return this.parseMetricName();
        break;
    }
    this.unexpected();
  }

  private parseMetricName(): Expr {
    const t = this.next();
    return this.parseVectorSelector(t.text, t.start, t.end);
  }

  // ---------------------------------------------------------------------------
  // Numbers and durations

  /** Parses a NUMBER token like Go's strconv.ParseInt(s, 0, 64) falling back to ParseFloat, as Prometheus does. */
  private numberValue(t: Token): number {
    const s = t.text;
    const lower = s.toLowerCase();
    if (lower === 'inf') return Infinity;
    if (lower === 'nan') return NaN;
    const bad = (why: string): never =>
      this.fail(`error parsing number: strconv.ParseFloat: parsing ${quoteString(s)}: ${why}`, t);
    if (/^0[xX]/.test(s)) {
      if (!/^0[xX]_?[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/.test(s)) bad('invalid syntax');
      const v = parseInt(s.slice(2).replace(/_/g, ''), 16);
      if (v > MAX_INT64) bad('invalid syntax');
      return v;
    }
    if (/(^|[^0-9])_|_($|[^0-9])/.test(s)) bad('invalid syntax');
    const plain = s.replace(/_/g, '');
    if (/^0[0-7]+$/.test(plain)) {
      const v = parseInt(plain, 8);
      if (v <= MAX_INT64) return v;
    }
    const v = Number(plain);
    if (Number.isNaN(v)) bad('invalid syntax');
    if (!Number.isFinite(v)) bad('value out of range');
    return v;
  }

  private durationMs(t: Token): number {
    try {
      return parseDuration(t.text);
    } catch (e) {
      this.fail(e instanceof Error ? e.message : String(e), t);
    }
  }

  /** Full duration expression (inside brackets or parentheses): + - * / % ^ with usual precedence. */
  private parseDurationExpr(minPrec: number, context: string, expected: string): DurationExpr {
    this.enter(this.peek());
    let lhs = this.parseDurationUnary(context, expected);
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'OPERATOR') break;
      const prec = DURATION_PREC[t.word as string];
      if (prec === undefined || prec < minPrec) break;
      this.next();
      const rhs = this.parseDurationExpr(t.word === '^' ? prec : prec + 1, context, expected);
      lhs = {
        type: 'DurationBinary',
        op: t.word as '+',
        lhs,
        rhs,
        pos: { start: lhs.pos.start, end: rhs.pos.end },
      };
    }
    this.leave();
    return lhs;
  }

  private parseDurationUnary(context: string, expected: string): DurationExpr {
    const t = this.peek();
    if (this.isOp(t, '+', '-')) {
      this.next();
      return this.applyDurationSign(t, this.parseDurationExpr(3, context, expected));
    }
    return this.parseDurationAtom(context, expected);
  }

  private applyDurationSign(op: Token, expr: DurationExpr): DurationExpr {
    if (expr.type === 'DurationNumber') {
      const value = op.word === '-' ? -expr.value : expr.value;
      if (Math.abs(value * 1000) > MAX_DURATION_MS) this.fail('duration out of range', op);
      return { ...expr, value, pos: { start: op.start, end: expr.pos.end } };
    }
    // Unary plus on a non-literal is dropped, as Prometheus does.
    if (op.word === '+') return expr;
    return { type: 'DurationUnary', op: '-', expr, pos: { start: op.start, end: expr.pos.end } };
  }

  /** A number, duration, `( expr )`, `step()`, `range()`, `min_of(a, b)` or `max_of(a, b)`. */
  private parseDurationAtom(context: string, expected: string): DurationExpr {
    const t = this.peek();
    if (t.kind === 'NUMBER' || t.kind === 'DURATION') {
      this.next();
      const value = t.kind === 'NUMBER' ? this.numberValue(t) : this.durationMs(t) / 1000;
      const node: DurationNumber = { type: 'DurationNumber', value, isDuration: t.kind === 'DURATION', pos: { start: t.start, end: t.end } };
      return node;
    }
    if (t.kind === '(') {
      this.next();
      const inner = this.parseDurationExpr(0, context, expected);
      const close = this.expect(')');
      return { type: 'DurationParen', expr: inner, pos: { start: t.start, end: close.end } };
    }
    const word = t.kind === 'IDENTIFIER' || t.kind === 'PREPROCESSOR' || t.kind === 'AGGREGATOR' ? t.text.toLowerCase() : '';
    if ((word === 'step' || word === 'range') && this.peekAt(1).kind === '(') {
      this.next();
      this.next();
      const close = this.expect(')', `${word}()`, '")"');
      return { type: 'DurationCall', func: word, args: [], pos: { start: t.start, end: close.end } };
    }
    if ((word === 'min_of' || word === 'max_of' || word === 'min' || word === 'max') && this.peekAt(1).kind === '(') {
      this.next();
      this.next();
      const a = this.parseDurationExpr(0, context, expected);
      this.expect(',', `${word}()`, '","');
      const b = this.parseDurationExpr(0, context, expected);
      const close = this.expect(')', `${word}()`, '")"');
      const func = word === 'min' || word === 'min_of' ? 'min_of' : 'max_of';
      return { type: 'DurationCall', func, args: [a, b], pos: { start: t.start, end: close.end } };
    }
    this.unexpected(context, expected);
  }

  /** Turns a parsed duration into a literal millisecond value, or keeps it as an (experimental) expression. */
  private durationField(d: DurationExpr): { ms: number; expr?: DurationExpr } {
    if (d.type === 'DurationNumber') {
      if (Math.abs(d.value * 1000) > MAX_DURATION_MS) this.fail('duration out of range', d.pos);
      return { ms: secondsToMs(d.value) };
    }
    if (!this.durationExpressions) this.fail('experimental duration expression is not enabled', d.pos);
    return { ms: 0, expr: d };
  }

  // ---------------------------------------------------------------------------
  // Postfix modifiers: [range], [range:step], offset, @, anchored, smoothed

  private parsePostfix(expr: Expr): Expr {
    for (;;) {
      const t = this.peek();
      if (t.kind === '[') expr = this.parseRangeOrSubquery(expr);
      else if (this.isKeyword(t, 'offset')) this.parseOffset(expr);
      else if (this.isOp(t, '@')) this.parseAt(expr);
      else if (this.isKeyword(t, 'anchored', 'smoothed')) this.parseExtendedModifier(expr);
      else return expr;
    }
  }

  private parseRangeOrSubquery(expr: Expr): Expr {
    const lb = this.next();
    const first = this.peek();
    if (first.kind === ']' || first.kind === ':') this.unexpected('subquery or range selector', DURATION_EXPECTED);
    const range = this.parseDurationExpr(0, 'subquery or range selector', DURATION_EXPECTED);
    const t = this.peek();
    if (t.kind === ']') {
      const rb = this.next();
      let err = '';
      if (expr.type !== 'VectorSelector') err = 'ranges only allowed for vector selectors';
      else if (expr.offset !== 0 || expr.offsetExpr) err = 'no offset modifiers allowed before range';
      else if (expr.at !== null || expr.atStart) err = 'no @ modifiers allowed before range';
      if (err) this.fail(err, { start: lb.start, end: rb.end });
      const vs = expr as VectorSelector;
      const f = this.durationField(range);
      if (!f.expr && f.ms <= 0) this.fail('duration must be greater than 0', range.pos);
      const node: MatrixSelector = {
        type: 'MatrixSelector',
        vectorSelector: vs,
        range: f.ms,
        pos: { start: vs.pos.start, end: rb.end },
      };
      if (f.expr) node.rangeExpr = f.expr;
      return this.track(node, vs);
    }
    if (t.kind !== ':') this.unexpected('subquery or range', '":" or "]"');
    this.next();
    let step: { ms: number; expr?: DurationExpr } = { ms: 0 };
    if (this.peek().kind !== ']') {
      const s = this.parseDurationExpr(0, 'subquery selector', DURATION_EXPECTED);
      step = this.durationField(s);
      if (!step.expr && step.ms < 0) this.fail('duration must be greater than 0', s.pos);
    }
    const rb = this.expect(']', 'subquery selector', '"]"');
    const r = this.durationField(range);
    if (!r.expr && r.ms <= 0) this.fail('duration must be greater than 0', range.pos);
    const node: SubqueryExpr = {
      type: 'SubqueryExpr',
      expr,
      range: r.ms,
      step: step.ms,
      offset: 0,
      at: null,
      pos: { start: expr.pos.start, end: rb.end },
    };
    if (r.expr) node.rangeExpr = r.expr;
    if (step.expr) node.stepExpr = step.expr;
    return this.track(node, expr);
  }

  private parseOffset(expr: Expr): void {
    this.next();
    let sign: Token | undefined;
    if (this.isOp(this.peek(), '+', '-')) sign = this.next();
    const t = this.peek();
    let d: DurationExpr;
    if (t.kind === 'NUMBER' || t.kind === 'DURATION' || t.kind === '(' || this.isDurationCallStart(t)) {
      d = this.parseDurationAtom('offset', DURATION_EXPECTED);
    } else {
      this.unexpected('offset', DURATION_EXPECTED);
    }
    if (sign) d = this.applyDurationSign(sign, d);
    const f = this.durationField(d);
    const target = this.modifierTarget(expr, 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery');
    if (target.offset !== 0 || target.offsetExpr) this.fail('offset may not be set multiple times', expr.pos);
    target.offset = f.ms;
    if (f.expr) target.offsetExpr = f.expr;
    expr.pos.end = this.prevEnd;
  }

  private isDurationCallStart(t: Token): boolean {
    if (this.peekAt(1).kind !== '(') return false;
    if (t.kind !== 'IDENTIFIER' && t.kind !== 'PREPROCESSOR' && t.kind !== 'AGGREGATOR') return false;
    return ['step', 'range', 'min_of', 'max_of', 'min', 'max'].includes(t.text.toLowerCase());
  }

  private parseAt(expr: Expr): void {
    this.next();
    const t = this.peek();
    let ts: number | undefined;
    let preproc: AtStartOrEnd | undefined;
    if (t.kind === 'PREPROCESSOR' && (t.word === 'start' || t.word === 'end')) {
      this.next();
      this.expect('(', '@', '"("');
      this.expect(')', '@', '")"');
      preproc = t.word;
    } else {
      ts = this.parseSignedNumber('@', 'timestamp');
      if (!Number.isFinite(ts) || ts >= MAX_INT64 || ts <= -MAX_INT64) {
        this.fail(`timestamp out of bounds for @ modifier: ${formatGoF(ts)}`, expr.pos);
      }
    }
    const target = this.modifierTarget(expr, '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery');
    if (target.at !== null || target.atStart) this.fail('@ <timestamp> may not be set multiple times', expr.pos);
    if (preproc) target.atStart = preproc;
    else target.at = Math.round((ts as number) * 1000);
    expr.pos.end = this.prevEnd;
  }

  /** The node an offset / @ modifier applies to (the vector selector inside a range selector). */
  private modifierTarget(expr: Expr, message: string): VectorSelector | SubqueryExpr {
    switch (expr.type) {
      case 'VectorSelector':
      case 'SubqueryExpr':
        return expr;
      case 'MatrixSelector':
        return expr.vectorSelector;
      default:
        this.fail(message, expr.pos);
    }
  }

  private parseExtendedModifier(expr: Expr): void {
    const kw = this.next();
    const name = kw.word as 'anchored' | 'smoothed';
    if (!this.extendedRangeSelectors) this.fail(`${name} modifier is experimental and not enabled`, expr.pos);
    let vs: VectorSelector;
    if (expr.type === 'VectorSelector') vs = expr;
    else if (expr.type === 'MatrixSelector') vs = expr.vectorSelector;
    else if (expr.type === 'SubqueryExpr') this.fail(`${name} modifier is not supported for subqueries`, expr.pos);
    else this.fail(`${name} modifier not implemented`, expr.pos);
    vs[name] = true;
    if (vs.anchored && vs.smoothed) this.fail('anchored and smoothed modifiers cannot be used together', expr.pos);
    expr.pos.end = kw.end;
  }

  // ---------------------------------------------------------------------------
  // Selectors, calls, aggregations

  private parseVectorSelector(name: string | undefined, start: number, end = start): VectorSelector {
    const matchers: LabelMatcher[] = [];
    if (this.peek().kind === '{') {
      this.next();
      for (;;) {
        if (this.peek().kind === '}') break;
        matchers.push(this.parseLabelMatcher());
        if (this.peek().kind === ',') {
          this.next();
          continue;
        }
        if (this.peek().kind !== '}') this.unexpected('label matching', '"," or "}"');
      }
      end = this.next().end;
    }
    if (name !== undefined) matchers.push({ type: '=', name: '__name__', value: name });
    const vs: VectorSelector = { type: 'VectorSelector', matchers, offset: 0, at: null, pos: { start, end } };
    if (name !== undefined) vs.name = name;
    return this.track(vs);
  }

  private parseLabelMatcher(): LabelMatcher {
    const label = this.peek();
    if (label.kind !== 'IDENTIFIER' && label.kind !== 'STRING') this.unexpected('label matching', 'identifier or "}"');
    this.next();
    const opTok = this.peek();
    let type: MatchType | undefined;
    if (opTok.kind === '=') type = '=';
    else if (this.isOp(opTok, '!=', '=~', '!~')) type = opTok.word as MatchType;
    if (!type) {
      // A lone quoted string inside braces is the metric name (Prometheus 3 UTF-8 names).
      if (label.kind === 'STRING') return { type: '=', name: '__name__', value: label.value as string };
      this.unexpected('label matching', 'label matching operator');
    }
    this.next();
    const value = this.peek();
    if (value.kind !== 'STRING') this.unexpected('label matching', 'string');
    this.next();
    const m: LabelMatcher = { type, name: label.kind === 'STRING' ? (label.value as string) : label.text, value: value.value as string };
    if (type === '=~' || type === '!~') {
      try {
        compileRegex(m.value);
      } catch (e) {
        this.fail(e instanceof Error ? e.message : String(e), { start: label.start, end: value.end });
      }
    }
    return m;
  }

  private parseCall(): Expr {
    const nameTok = this.next();
    const name = nameTok.kind === 'PREPROCESSOR' ? (nameTok.word as string) : nameTok.text;
    const args = this.parseCallArgs();
    const func = getFunction(name);
    if (!func) this.fail(`unknown function with name ${quoteString(name)}`, nameTok);
    if (func.experimental && !this.experimentalFunctions) this.fail(`function ${quoteString(name)} is not enabled`, nameTok);
    return this.track({ type: 'Call', func, args, pos: { start: nameTok.start, end: this.prevEnd } }, ...args);
  }

  /** `( expr, expr, ... )`; the opening parenthesis is the current token. */
  private parseCallArgs(): Expr[] {
    this.next();
    const args: Expr[] = [];
    if (this.peek().kind === ')') {
      this.next();
      return args;
    }
    for (;;) {
      args.push(this.parseExpr(0));
      const t = this.peek();
      if (t.kind === ',') {
        this.next();
        if (this.peek().kind === ')') this.fail('trailing commas not allowed in function call args', t);
        continue;
      }
      if (t.kind === ')') {
        this.next();
        return args;
      }
      this.unexpected();
    }
  }

  private parseAggregate(): Expr {
    const opTok = this.next();
    const op = opTok.word as AggregateOp;
    let grouping: string[] = [];
    let without = false;
    let hasModifier = false;
    if (this.isKeyword(this.peek(), 'by', 'without')) {
      without = this.next().word === 'without';
      grouping = this.parseGroupingLabels();
      hasModifier = true;
    }
    if (this.peek().kind !== '(') this.unexpected();
    const args = this.parseCallArgs();
    if (!hasModifier && this.isKeyword(this.peek(), 'by', 'without')) {
      without = this.next().word === 'without';
      grouping = this.parseGroupingLabels();
    }
    const pos = { start: opTok.start, end: this.prevEnd };
    if (args.length === 0) this.fail('no arguments for aggregate expression provided', pos);
    const def = AGGREGATORS[op];
    if (def.param && def.experimental && !this.experimentalFunctions) {
      this.fail(`${op}() is experimental and must be enabled with --enable-feature=promql-experimental-functions`, pos);
    }
    const want = def.param ? 2 : 1;
    if (args.length !== want) {
      this.fail(`wrong number of arguments for aggregate expression provided, expected ${want}, got ${args.length}`, pos);
    }
    const node: AggregateExpr = { type: 'AggregateExpr', op, expr: args[want - 1], grouping, without, pos };
    if (def.param) node.param = args[0];
    return this.track(node, ...args);
  }

  /** `( label, ... )` after by / without / on / ignoring / group_left / group_right. */
  private parseGroupingLabels(): string[] {
    if (this.peek().kind !== '(') this.unexpected('grouping opts', '"("');
    this.next();
    const labels: string[] = [];
    for (;;) {
      if (this.peek().kind === ')') {
        this.next();
        return labels;
      }
      const t = this.peek();
      let label: string | undefined;
      if (t.kind === 'STRING') {
        label = t.value as string;
        if (label === '' || !isWellFormed(label)) this.fail(`invalid label name for grouping: ${quoteString(label)}`, t);
      } else if (
        t.kind === 'IDENTIFIER' ||
        t.kind === 'KEYWORD' ||
        t.kind === 'AGGREGATOR' ||
        t.kind === 'PREPROCESSOR' ||
        (t.kind === 'OPERATOR' && /^[a-z]/.test(t.word as string))
      ) {
        label = t.text;
      }
      if (label === undefined) this.unexpected('grouping opts', 'label');
      this.next();
      labels.push(label);
      if (this.peek().kind === ',') {
        this.next();
        continue;
      }
      if (this.peek().kind !== ')') this.unexpected('grouping opts', '"," or ")"');
    }
  }

  // ---------------------------------------------------------------------------
  // Type checks (Prometheus's checkAST), run once the syntax is valid

  private check(node: Expr): ValueType {
    switch (node.type) {
      case 'NumberLiteral':
        return 'scalar';
      case 'StringLiteral':
        return 'string';
      case 'VectorSelector':
        this.checkVectorSelector(node);
        return 'vector';
      case 'MatrixSelector':
        this.check(node.vectorSelector);
        return 'matrix';
      case 'SubqueryExpr': {
        const t = this.check(node.expr);
        if (t !== 'vector') this.fail(`subquery is only allowed on instant vector, got ${t} instead`, node.pos);
        return 'matrix';
      }
      case 'ParenExpr':
        return this.check(node.expr);
      case 'UnaryExpr': {
        const t = this.check(node.expr);
        if (t !== 'scalar' && t !== 'vector') {
          this.fail(`unary expression only allowed on expressions of type scalar or instant vector, got ${quoteString(documentedType(t))}`, node.pos);
        }
        return t;
      }
      case 'BinaryExpr': {
        // Iterate down the left spine so that long `a + b + c ...` chains do not exhaust the stack.
        const spine: BinaryExpr[] = [];
        let cur: Expr = node;
        while (cur.type === 'BinaryExpr') {
          spine.push(cur);
          cur = cur.lhs;
        }
        let t = this.check(cur);
        for (let k = spine.length - 1; k >= 0; k--) t = this.checkBinary(spine[k], t);
        return t;
      }
      case 'Call':
        return this.checkCall(node);
      case 'AggregateExpr':
        this.expectType(node.expr, 'vector', 'aggregation expression');
        if (node.param) {
          this.expectType(node.param, node.op === 'count_values' ? 'string' : 'scalar', 'aggregation parameter');
        }
        return 'vector';
    }
  }

  private expectType(node: Expr, want: ValueType, context: string): void {
    const t = this.check(node);
    if (t !== want) this.fail(`expected type ${documentedType(want)} in ${context}, got ${documentedType(t)}`, node.pos);
  }

  private checkVectorSelector(vs: VectorSelector): void {
    if (vs.name !== undefined) {
      for (const m of vs.matchers.slice(0, -1)) {
        if (m.name === '__name__') {
          this.fail(`metric name must not be set twice: ${quoteString(vs.name)} or ${quoteString(m.value)}`, vs.pos);
        }
      }
      return;
    }
    if (this.bypassEmptyCheck.has(vs)) return;
    const nonEmpty = vs.matchers.some((m) => !matchesEmpty(m));
    if (!nonEmpty) this.fail('vector selector must contain at least one non-empty matcher', vs.pos);
  }

  /** Checks one binary node whose left operand (of type `lt`) was already checked. */
  private checkBinary(n: BinaryExpr, lt: ValueType): ValueType {
    const rt = this.check(n.rhs);
    const opRange = (): PositionRange => {
      let start = n.lhs.pos.end;
      while (start < this.query.length && isSpaceChar(this.query[start])) start++;
      let end = n.rhs.pos.start - 1;
      while (end > 0 && isSpaceChar(this.query[end])) end--;
      return { start, end };
    };
    const isComparison = COMPARISON_OPS.has(n.op);
    const isSet = SET_OPS.has(n.op);
    if (n.returnBool && !isComparison) this.fail('bool modifier can only be used on comparison operators', opRange());
    if (isComparison && !n.returnBool && lt === 'scalar' && rt === 'scalar') {
      this.fail('comparisons between scalars must use BOOL modifier', opRange());
    }
    const vm = n.matching;
    if (vm) {
      if (isSet && vm.card === 'one-to-one') vm.card = 'many-to-many';
      if (vm.on) {
        for (const l of vm.labels) {
          if (vm.include.includes(l)) this.fail(`label ${quoteString(l)} must not occur in ON and GROUP clause at once`, opRange());
        }
      }
    }
    if (lt !== 'scalar' && lt !== 'vector') this.fail('binary expression must contain only scalar and instant vector types', n.lhs.pos);
    if (rt !== 'scalar' && rt !== 'vector') this.fail('binary expression must contain only scalar and instant vector types', n.rhs.pos);
    if ((lt !== 'vector' || rt !== 'vector') && vm) {
      if (vm.labels.length > 0) this.fail('vector matching only allowed between instant vectors', n.pos);
      if (n.fill) this.fail('filling in missing series only allowed between instant vectors', n.pos);
      delete n.matching;
    } else if (isSet && vm) {
      if (vm.card === 'one-to-many' || vm.card === 'many-to-one') this.fail(`no grouping allowed for ${quoteString(n.op)} operation`, n.pos);
      if (vm.card !== 'many-to-many') this.fail('set operations must always be many-to-many', n.pos);
      if (n.fill) this.fail('filling in missing series not allowed for set operators', n.pos);
    }
    if ((lt === 'scalar' || rt === 'scalar') && isSet) {
      this.fail(`set operator ${quoteString(n.op)} not allowed in binary scalar expression`, n.pos);
    }
    return lt === 'scalar' && rt === 'scalar' ? 'scalar' : 'vector';
  }

  private checkCall(n: Extract<Expr, { type: 'Call' }>): ValueType {
    const f = n.func;
    const nargs = f.argTypes.length;
    const name = quoteString(f.name);
    if (f.variadic === 0) {
      if (nargs !== n.args.length) this.fail(`expected ${nargs} argument(s) in call to ${name}, got ${n.args.length}`, n.pos);
    } else {
      const min = nargs - 1;
      if (min > n.args.length) {
        this.fail(`expected at least ${min} argument(s) in call to ${name}, got ${n.args.length}`, n.pos);
      } else if (f.variadic > 0 && min + f.variadic < n.args.length) {
        this.fail(`expected at most ${min + f.variadic} argument(s) in call to ${name}, got ${n.args.length}`, n.pos);
      }
    }
    if (f.name === 'info' && n.args.length > 1) {
      const sel = n.args[1];
      // The type is taken without checking the subtree first, as Prometheus does.
      if (sel.type !== 'VectorSelector' && shallowType(sel) !== 'vector') {
        this.fail(`expected type instant vector in call to function ${name}, got ${documentedType(shallowType(sel))}`, n.pos);
      }
      if (sel.type === 'VectorSelector' && sel.name !== undefined) {
        this.fail('expected label selectors only, got vector selector instead', sel.pos);
      } else if (sel.type === 'VectorSelector') {
        this.bypassEmptyCheck.add(sel);
      } else {
        this.fail('expected label selectors only', sel.pos);
      }
    }
    for (let i = 0; i < n.args.length; i++) {
      let k = i;
      if (k >= nargs) {
        if (f.variadic === 0) break;
        k = nargs - 1;
      }
      const t = this.check(n.args[i]);
      if (t !== f.argTypes[k]) {
        this.fail(`expected type ${documentedType(f.argTypes[k])} in call to function ${name}, got ${documentedType(t)}`, n.args[i].pos);
      }
    }
    return f.returnType;
  }
}

function shallowType(e: Expr): ValueType {
  switch (e.type) {
    case 'NumberLiteral':
      return 'scalar';
    case 'StringLiteral':
      return 'string';
    case 'MatrixSelector':
    case 'SubqueryExpr':
      return 'matrix';
    case 'ParenExpr':
    case 'UnaryExpr':
      return shallowType(e.expr);
    case 'BinaryExpr':
      return shallowType(e.lhs) === 'scalar' && shallowType(e.rhs) === 'scalar' ? 'scalar' : 'vector';
    case 'Call':
      return e.func.returnType;
    default:
      return 'vector';
  }
}

function matchesEmpty(m: LabelMatcher): boolean {
  switch (m.type) {
    case '=':
      return m.value === '';
    case '!=':
      return m.value !== '';
    default: {
      const re = compileRegex(m.value);
      return m.type === '=~' ? re.test('') : !re.test('');
    }
  }
}

function isSpaceChar(c: string): boolean {
  return c === ' ' || c === '\t' || c === '\n' || c === '\r';
}

function isWellFormed(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/** Go's `%f` (six decimals, no exponent; `+Inf`, `-Inf`, `NaN`). */
function formatGoF(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  if (Math.abs(x) < 1e21) return x.toFixed(6);
  return BigInt(x).toString() + '.000000';
}
