// Explain view: a parsed query shaped into a tree of sub-expressions, each with a title, a one-line explanation and
// the text the worker evaluates to count its series (PromLens-style).
import { valueTypeOf, type Expr, type ValueType } from '../../../shared/promql/ast.ts';
import { formatDuration } from '../../../shared/promql/durations.ts';
import { printExpr } from '../../../shared/promql/printer.ts';

export interface ExplainNode {
  /** Path from the root ("0", "0.1", …): stable keys for the UI. */
  id: string;
  /** What the node is, e.g. `sum by (job)`, `rate()`, `/ on (instance)`, or the selector itself. */
  title: string;
  /** One sentence about what the node computes. */
  detail: string;
  /** The sub-expression on its own, as the worker evaluates it. */
  expr: string;
  valueType: ValueType;
  /** Character range in the query, for highlighting. */
  pos: { start: number; end: number };
  children: ExplainNode[];
}

const RETURNS: Record<ValueType, string> = { vector: 'an instant vector', matrix: 'a range vector', scalar: 'a scalar', string: 'a string' };

function list(labels: readonly string[]): string {
  return labels.join(', ');
}

function selectorDetail(e: Extract<Expr, { type: 'VectorSelector' }>): string {
  const others = e.matchers.filter((m) => !(m.name === '__name__' && m.type === '=' && m.value === e.name));
  const what = e.name ? `series named ${e.name}` : 'series';
  const filter = others.length > 0 ? ` matching ${others.length} label matcher${others.length === 1 ? '' : 's'}` : '';
  const offset = e.offset !== 0 ? `, shifted ${formatDuration(Math.abs(e.offset))} ${e.offset > 0 ? 'back' : 'ahead'}` : '';
  return `${what}${filter}${offset}`;
}

function describe(e: Expr): { title: string; detail: string } {
  switch (e.type) {
    case 'NumberLiteral':
      return { title: printExpr(e), detail: 'A number (scalar).' };
    case 'StringLiteral':
      return { title: printExpr(e), detail: 'A string.' };
    case 'VectorSelector':
      return { title: printExpr(e), detail: `Latest sample (within the lookback window) of each of the ${selectorDetail(e)}.` };
    case 'MatrixSelector':
      return { title: printExpr(e), detail: `Samples of the last ${formatDuration(e.range)} of each of the ${selectorDetail(e.vectorSelector)}.` };
    case 'SubqueryExpr': {
      const step = e.step > 0 ? formatDuration(e.step) : '';
      return {
        title: `subquery [${formatDuration(e.range)}:${step}]${e.offset !== 0 ? ` offset ${formatDuration(e.offset)}` : ''}`,
        detail: `Evaluates the inner expression every ${step || 'default step'} over the last ${formatDuration(e.range)}.`,
      };
    }
    case 'ParenExpr':
      return { title: '( … )', detail: 'Parentheses: groups the inner expression.' };
    case 'UnaryExpr':
      return { title: `unary ${e.op}`, detail: e.op === '-' ? 'Negates every value.' : 'Leaves the values as they are.' };
    case 'BinaryExpr': {
      let title = e.op + (e.returnBool ? ' bool' : '');
      const m = e.matching;
      if (m && (m.on || m.labels.length > 0)) title += ` ${m.on ? 'on' : 'ignoring'} (${list(m.labels)})`;
      if (m && (m.card === 'many-to-one' || m.card === 'one-to-many')) title += ` ${m.card === 'many-to-one' ? 'group_left' : 'group_right'}${m.include.length > 0 ? ` (${list(m.include)})` : ''}`;
      const sides = `${valueTypeOf(e.lhs)} ${e.op} ${valueTypeOf(e.rhs)}`;
      const how =
        m === undefined
          ? ''
          : m.card === 'many-to-many'
            ? ', set operation on label sets'
            : m.on
              ? `, matching series on (${list(m.labels)})`
              : m.labels.length > 0
                ? `, matching series ignoring (${list(m.labels)})`
                : ', matching series with identical labels';
      return { title, detail: `Binary operation (${sides})${how}${m && m.card !== 'one-to-one' && m.card !== 'many-to-many' ? `, ${m.card}` : ''}.` };
    }
    case 'Call':
      return { title: `${e.func.name}()`, detail: `Function ${e.func.name}, returning ${RETURNS[e.func.returnType]}.` };
    case 'AggregateExpr': {
      const grouping = e.grouping.length > 0 || e.without ? ` ${e.without ? 'without' : 'by'} (${list(e.grouping)})` : '';
      const keep = e.without ? `dropping ${list(e.grouping) || 'no labels'}` : e.grouping.length > 0 ? `grouped by ${list(e.grouping)}` : 'into one series';
      return { title: `${e.op}${grouping}`, detail: `Aggregates with ${e.op} across series, ${keep}.` };
    }
  }
}

/** The tree of sub-expressions under `expr` (children in source order; parameters before the aggregated expression). */
export function explainTree(expr: Expr, id = '0'): ExplainNode {
  const { title, detail } = describe(expr);
  let kids: Expr[];
  switch (expr.type) {
    case 'SubqueryExpr':
    case 'ParenExpr':
    case 'UnaryExpr':
      kids = [expr.expr];
      break;
    case 'BinaryExpr':
      kids = [expr.lhs, expr.rhs];
      break;
    case 'Call':
      kids = expr.args;
      break;
    case 'AggregateExpr':
      kids = expr.param ? [expr.param, expr.expr] : [expr.expr];
      break;
    default:
      // A range selector is shown as one node: its vector selector cannot be evaluated apart from it.
      kids = [];
  }
  return {
    id,
    title,
    detail,
    expr: printExpr(expr),
    valueType: valueTypeOf(expr),
    pos: { start: expr.pos.start, end: expr.pos.end },
    children: kids.map((k, i) => explainTree(k, `${id}.${i}`)),
  };
}

/** Every node, depth first (the order the worker is asked to count them in). */
export function flattenTree(node: ExplainNode): ExplainNode[] {
  const out: ExplainNode[] = [];
  const stack = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    out.push(n);
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
  return out;
}
