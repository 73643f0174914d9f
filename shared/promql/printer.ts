// PromQL printer: one-line canonical form that re-parses to the same tree, and a promtool-style multi-line prettifier.
import type { AggregateExpr, BinaryExpr, DurationExpr, Expr, LabelMatcher, MatrixSelector, SubqueryExpr, VectorSelector } from './ast.ts';
import { BINARY_PRECEDENCE } from './ast.ts';
import { formatDuration } from './durations.ts';
import { quoteString } from './lexer.ts';

const LEGACY_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const LEGACY_METRIC = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

const DURATION_PREC: Readonly<Record<string, number>> = { '+': 1, '-': 1, '*': 2, '/': 2, '%': 2, '^': 3 };

/** Prints an expression on one line, Prometheus-style; the output parses back to the same tree. */
export function printExpr(expr: Expr): string {
  return render(expr, undefined);
}

// `cache` memoizes subtree strings so prettify stays linear; left-deep binary chains are walked iteratively.
function render(expr: Expr, cache: Map<Expr, string> | undefined): string {
  const hit = cache?.get(expr);
  if (hit !== undefined) return hit;
  let out: string;
  switch (expr.type) {
    case 'NumberLiteral':
      out = expr.duration && Number.isFinite(expr.value) ? printDurationSeconds(expr.value) : formatNumber(expr.value);
      break;
    case 'StringLiteral':
      out = quoteString(expr.value);
      break;
    case 'VectorSelector':
      out = printVectorSelector(expr);
      break;
    case 'MatrixSelector':
      out = printMatrixSelector(expr);
      break;
    case 'SubqueryExpr': {
      const inner = render(expr.expr, cache);
      out = (expr.expr.type === 'BinaryExpr' || expr.expr.type === 'UnaryExpr' ? '(' + inner + ')' : inner) + subquerySuffix(expr);
      break;
    }
    case 'ParenExpr':
      out = '(' + render(expr.expr, cache) + ')';
      break;
    case 'UnaryExpr': {
      const inner = render(expr.expr, cache);
      out = expr.op + (unaryNeedsParens(expr.expr) ? '(' + inner + ')' : inner);
      break;
    }
    case 'BinaryExpr': {
      const spine: BinaryExpr[] = [];
      let cur: Expr = expr;
      while (cur.type === 'BinaryExpr' && !cache?.has(cur)) {
        spine.push(cur);
        cur = cur.lhs;
      }
      let acc = render(cur, cache);
      for (let k = spine.length - 1; k >= 0; k--) {
        const n = spine[k];
        // `+Inf ^ 2` would re-parse as `+(Inf ^ 2)`; the unsigned spelling keeps the tree.
        if (n.op === '^' && n.lhs.type === 'NumberLiteral' && acc.startsWith('+')) acc = acc.slice(1);
        const lhs = binarySideNeedsParens(n, n.lhs, 'lhs', acc) ? '(' + acc + ')' : acc;
        const rhsText = render(n.rhs, cache);
        const rhs = binarySideNeedsParens(n, n.rhs, 'rhs', rhsText) ? '(' + rhsText + ')' : rhsText;
        acc = lhs + ' ' + binaryOperatorString(n) + ' ' + rhs;
        if (k > 0) cache?.set(n, acc);
      }
      out = acc;
      break;
    }
    case 'Call':
      out = expr.func.name + '(' + expr.args.map((a) => render(a, cache)).join(', ') + ')';
      break;
    case 'AggregateExpr':
      out = aggregateHead(expr) + '(' + (expr.param ? render(expr.param, cache) + ', ' : '') + render(expr.expr, cache) + ')';
      break;
  }
  cache?.set(expr, out);
  return out;
}

function unaryNeedsParens(operand: Expr): boolean {
  return operand.type === 'BinaryExpr' && operand.op !== '^';
}

/** Prints a duration expression (`5m`, `1h / 2`, `min_of(step(), 1s)`). */
export function printDurationExpr(d: DurationExpr): string {
  switch (d.type) {
    case 'DurationNumber':
      return d.isDuration && Number.isFinite(d.value) ? printDurationSeconds(d.value) : formatNumber(d.value);
    case 'DurationParen':
      return '(' + printDurationExpr(d.expr) + ')';
    case 'DurationUnary': {
      const inner = printDurationExpr(d.expr);
      return d.op + (d.expr.type === 'DurationBinary' && d.expr.op !== '^' ? '(' + inner + ')' : inner);
    }
    case 'DurationCall':
      return d.func + '(' + d.args.map(printDurationExpr).join(', ') + ')';
    case 'DurationBinary': {
      const p = DURATION_PREC[d.op];
      const side = (c: DurationExpr, right: boolean): string => {
        const s = printDurationExpr(c);
        if (c.type === 'DurationBinary') {
          const cp = DURATION_PREC[c.op];
          const assocRight = d.op === '^';
          if (cp < p || (cp === p && right !== assocRight)) return '(' + s + ')';
        }
        if (!right && d.op === '^' && (c.type === 'DurationUnary' || (c.type === 'DurationNumber' && c.value < 0))) return '(' + s + ')';
        return s;
      };
      return side(d.lhs, false) + ' ' + d.op + ' ' + side(d.rhs, true);
    }
  }
}

/** Formats a float like Go's strconv.FormatFloat(v, 'f', -1, 64): shortest digits, never an exponent. */
export function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (Object.is(v, -0)) return '-0';
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const neg = s.startsWith('-');
  const mantissa = s.slice(neg ? 1 : 0, e);
  const exp = Number(s.slice(e + 1));
  const [intPart, frac = ''] = mantissa.split('.');
  const digits = intPart + frac;
  const point = intPart.length + exp;
  let out: string;
  if (point <= 0) out = '0.' + '0'.repeat(-point) + digits;
  else if (point >= digits.length) out = digits + '0'.repeat(point - digits.length);
  else out = digits.slice(0, point) + '.' + digits.slice(point);
  return (neg ? '-' : '') + out;
}

function printDurationSeconds(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  return ms < 0 || Object.is(ms, -0) ? '-' + formatDuration(-ms) : formatDuration(ms);
}

function printMatcher(m: LabelMatcher): string {
  const name = LEGACY_LABEL.test(m.name) ? m.name : quoteString(m.name);
  return name + m.type + quoteString(m.value);
}

function printLabelList(labels: string[]): string {
  return labels.map((l) => (LEGACY_LABEL.test(l) ? l : quoteString(l))).join(', ');
}

function atString(at: number | null, atStart: 'start' | 'end' | undefined): string {
  if (at !== null) return ' @ ' + (at / 1000).toFixed(3);
  if (atStart) return ` @ ${atStart}()`;
  return '';
}

function offsetString(offset: number, offsetExpr: DurationExpr | undefined): string {
  if (offsetExpr) {
    // Outside brackets only an atom (literal, call, parenthesised expression) may follow `offset`.
    const s = printDurationExpr(offsetExpr);
    const atom = offsetExpr.type !== 'DurationBinary' && !(offsetExpr.type === 'DurationUnary' && offsetExpr.expr.type === 'DurationBinary');
    return ' offset ' + (atom ? s : '(' + s + ')');
  }
  if (offset > 0) return ' offset ' + formatDuration(offset);
  if (offset < 0) return ' offset -' + formatDuration(-offset);
  return '';
}

function extendedString(vs: VectorSelector): string {
  if (vs.anchored) return ' anchored';
  if (vs.smoothed) return ' smoothed';
  return '';
}

function selectorCore(vs: VectorSelector): string {
  const outsideName = vs.name !== undefined && LEGACY_METRIC.test(vs.name) ? vs.name : '';
  const labels: string[] = [];
  for (const m of vs.matchers) {
    if (outsideName && m.name === '__name__' && m.type === '=' && m.value === vs.name) continue;
    labels.push(printMatcher(m));
  }
  if (vs.name !== undefined && !outsideName && !vs.matchers.some((m) => m.name === '__name__' && m.type === '=' && m.value === vs.name)) {
    labels.unshift(printMatcher({ type: '=', name: '__name__', value: vs.name }));
  }
  if (labels.length === 0 && outsideName) return outsideName;
  return outsideName + '{' + labels.join(',') + '}';
}

function printVectorSelector(vs: VectorSelector): string {
  return selectorCore(vs) + atString(vs.at, vs.atStart) + extendedString(vs) + offsetString(vs.offset, vs.offsetExpr);
}

function printMatrixSelector(ms: MatrixSelector): string {
  const vs = ms.vectorSelector;
  const range = ms.rangeExpr ? printDurationExpr(ms.rangeExpr) : formatDuration(ms.range);
  return selectorCore(vs) + '[' + range + ']' + extendedString(vs) + atString(vs.at, vs.atStart) + offsetString(vs.offset, vs.offsetExpr);
}

function subquerySuffix(sq: SubqueryExpr): string {
  const range = sq.rangeExpr ? printDurationExpr(sq.rangeExpr) : formatDuration(sq.range);
  let step = '';
  if (sq.step !== 0) step = formatDuration(sq.step);
  else if (sq.stepExpr) step = printDurationExpr(sq.stepExpr);
  return '[' + range + ':' + step + ']' + atString(sq.at, sq.atStart) + offsetString(sq.offset, sq.offsetExpr);
}

function binarySideNeedsParens(parent: BinaryExpr, child: Expr, side: 'lhs' | 'rhs', text: string): boolean {
  const p = BINARY_PRECEDENCE[parent.op];
  if (child.type === 'BinaryExpr') {
    const cp = BINARY_PRECEDENCE[child.op];
    const rightAssoc = parent.op === '^';
    if (cp < p || (cp === p && (side === 'rhs') !== rightAssoc)) return true;
  }
  // `-a ^ b` would parse as `-(a ^ b)`.
  return side === 'lhs' && parent.op === '^' && (child.type === 'UnaryExpr' || (child.type === 'NumberLiteral' && /^[-+]/.test(text)));
}

function binaryOperatorString(e: BinaryExpr): string {
  let s: string = e.op;
  if (e.returnBool) s += ' bool';
  const vm = e.matching;
  if (vm) {
    const grouped = vm.card === 'many-to-one' || vm.card === 'one-to-many';
    if (vm.labels.length > 0 || vm.on || grouped) s += (vm.on ? ' on (' : ' ignoring (') + printLabelList(vm.labels) + ')';
    if (grouped) s += (vm.card === 'many-to-one' ? ' group_left (' : ' group_right (') + printLabelList(vm.include) + ')';
  }
  const f = e.fill;
  if (f && (f.lhs !== undefined || f.rhs !== undefined)) {
    if (f.lhs !== undefined && f.rhs !== undefined && Object.is(f.lhs, f.rhs)) s += ` fill (${fillValue(f.lhs)})`;
    else {
      if (f.lhs !== undefined) s += ` fill_left (${fillValue(f.lhs)})`;
      if (f.rhs !== undefined) s += ` fill_right (${fillValue(f.rhs)})`;
    }
  }
  return s;
}

function fillValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return formatNumber(v);
}

function aggregateHead(e: AggregateExpr): string {
  if (e.without) return `${e.op} without (${printLabelList(e.grouping)}) `;
  if (e.grouping.length > 0) return `${e.op} by (${printLabelList(e.grouping)}) `;
  return e.op;
}

/** Options for prettify. */
export interface PrettifyOptions {
  /** Lines longer than this are split (promtool uses 100). */
  maxWidth?: number;
  /** One indentation step (promtool uses two spaces). */
  indent?: string;
}

/**
 * Formats an expression over several lines like `promtool promql format`: nodes whose one-line form exceeds
 * maxWidth are split, children indented one step. The result parses back to the same tree.
 */
export function prettify(expr: Expr, opts: PrettifyOptions = {}): string {
  const width = opts.maxWidth ?? 100;
  const unit = opts.indent ?? '  ';
  const cache = new Map<Expr, string>();
  const flat = (e: Expr): string => render(e, cache);
  const ind = (level: number): string => unit.repeat(level);
  const paren = (e: Expr): Expr => ({ type: 'ParenExpr', expr: e, pos: e.pos });

  // `depth` bounds recursion; absurdly deep trees fall back to one line.
  const pretty = (e: Expr, level: number, depth: number): string => {
    const line = flat(e);
    if (line.length <= width || depth > 200) return ind(level) + line;
    switch (e.type) {
      case 'AggregateExpr': {
        let s = ind(level) + aggregateHead(e) + '(\n';
        if (e.param) s += pretty(e.param, level + 1, depth + 1) + ',\n';
        return s + pretty(e.expr, level + 1, depth + 1) + '\n' + ind(level) + ')';
      }
      case 'BinaryExpr': {
        const side = (c: Expr, which: 'lhs' | 'rhs'): string => {
          const text = flat(c);
          if (which === 'lhs' && e.op === '^' && c.type === 'NumberLiteral' && text.startsWith('+')) return ind(level + 1) + text.slice(1);
          return pretty(binarySideNeedsParens(e, c, which, text) ? paren(c) : c, level + 1, depth + 1);
        };
        return side(e.lhs, 'lhs') + '\n' + ind(level) + binaryOperatorString(e) + '\n' + side(e.rhs, 'rhs');
      }
      case 'Call':
        if (e.args.length === 0) return ind(level) + line;
        return ind(level) + e.func.name + '(\n' + e.args.map((a) => pretty(a, level + 1, depth + 1)).join(',\n') + '\n' + ind(level) + ')';
      case 'ParenExpr':
        return ind(level) + '(\n' + pretty(e.expr, level + 1, depth + 1) + '\n' + ind(level) + ')';
      case 'UnaryExpr': {
        const inner = pretty(unaryNeedsParens(e.expr) ? paren(e.expr) : e.expr, level, depth + 1).trimStart();
        return ind(level) + e.op + inner;
      }
      case 'SubqueryExpr': {
        const needs = e.expr.type === 'BinaryExpr' || e.expr.type === 'UnaryExpr';
        return pretty(needs ? paren(e.expr) : e.expr, level, depth + 1) + subquerySuffix(e);
      }
      default:
        return ind(level) + line;
    }
  };

  return pretty(expr, 0, 0);
}
