// The step-invariance rewrite of promqltest: `@ t` on every selector and subquery that has none (atModifierTestCases).
import type { Expr } from '../../shared/promql/ast.ts';
import { parse } from '../../shared/promql/parser.ts';
import { printExpr } from '../../shared/promql/printer.ts';

/**
 * Functions whose result can change with the evaluation time even when their arguments are step invariant
 * (promql.AtModifierUnsafeFunctions). `start()` and `end()` return the query's own time, so re-running them at
 * other times cannot give the expected value; the suite's `eval instant at 100s start()` needs them listed.
 */
export const AT_MODIFIER_UNSAFE_FUNCTIONS: ReadonlySet<string> = new Set([
  'start',
  'end',
  'days_in_month',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'hour',
  'minute',
  'month',
  'year',
  'predict_linear',
  'time',
  'timestamp',
]);

/**
 * Walks like Prometheus's parser.Inspect: nothing below a subquery is touched (the subquery itself gets or
 * has the `@`), so unsafe functions inside a subquery do not count either. Returns true if an unsafe
 * function was seen.
 */
function setAt(e: Expr, t: number): boolean {
  switch (e.type) {
    case 'VectorSelector':
      if (e.at === null) e.at = t;
      return false;
    case 'MatrixSelector':
      if (e.vectorSelector.at === null) e.vectorSelector.at = t;
      return false;
    case 'SubqueryExpr':
      if (e.at === null) e.at = t;
      return false;
    case 'ParenExpr':
    case 'UnaryExpr':
      return setAt(e.expr, t);
    case 'BinaryExpr': {
      const l = setAt(e.lhs, t);
      const r = setAt(e.rhs, t);
      return l || r;
    }
    case 'Call': {
      let unsafe = AT_MODIFIER_UNSAFE_FUNCTIONS.has(e.func.name);
      for (const a of e.args) unsafe = setAt(a, t) || unsafe;
      return unsafe;
    }
    case 'AggregateExpr': {
      const p = e.param ? setAt(e.param, t) : false;
      return setAt(e.expr, t) || p;
    }
    case 'NumberLiteral':
    case 'StringLiteral':
      return false;
  }
}

/**
 * The query with `@ <t>` (t in ms) on every selector and subquery without one, printed back to text, or null
 * when it calls a function in AtModifierUnsafeFunctions. Throws the parser's ParseError for an invalid query.
 */
export function rewriteWithAt(query: string, t: number): string | null {
  const expr = parse(query);
  return setAt(expr, t) ? null : printExpr(expr);
}
