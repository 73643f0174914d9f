// /api/v1/parse_query: a parsed PromQL expression as the JSON tree Prometheus 3's UI reads (its translateAST shape).
import type { Expr, LabelMatcher, VectorSelector } from '../../shared/promql/ast.ts';
import { formatScalarValue, jsonString } from '../../shared/promql/format.ts';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The tree of an expression: one object per node, `type` naming it, fields as Prometheus names them. */
export function astJSON(e: Expr): Json {
  switch (e.type) {
    case 'AggregateExpr':
      return { type: 'aggregation', op: e.op, expr: astJSON(e.expr), param: e.param ? astJSON(e.param) : null, grouping: [...e.grouping], without: e.without };
    case 'BinaryExpr':
      return {
        type: 'binaryExpr',
        op: e.op,
        lhs: astJSON(e.lhs),
        rhs: astJSON(e.rhs),
        bool: e.returnBool,
        matching: e.matching
          ? {
              card: e.matching.card,
              labels: [...e.matching.labels],
              on: e.matching.on,
              include: [...e.matching.include],
              fillValues: { lhs: e.fill?.lhs ?? null, rhs: e.fill?.rhs ?? null },
            }
          : null,
      };
    case 'Call':
      return {
        type: 'call',
        func: { name: e.func.name, argTypes: [...e.func.argTypes], variadic: e.func.variadic, returnType: e.func.returnType },
        args: e.args.map(astJSON),
      };
    case 'MatrixSelector':
      return { ...selectorFields(e.vectorSelector), type: 'matrixSelector', range: e.range };
    case 'SubqueryExpr':
      return {
        type: 'subquery',
        expr: astJSON(e.expr),
        range: e.range,
        offset: e.offset,
        step: e.step,
        timestamp: e.at,
        startOrEnd: e.atStart ?? null,
        alignEvalTime: false,
      };
    case 'NumberLiteral':
      return { type: 'numberLiteral', val: formatScalarValue(e.value) };
    case 'ParenExpr':
      return { type: 'parenExpr', expr: astJSON(e.expr) };
    case 'StringLiteral':
      return { type: 'stringLiteral', val: e.value };
    case 'UnaryExpr':
      return { type: 'unaryExpr', op: e.op, expr: astJSON(e.expr) };
    case 'VectorSelector':
      return { ...selectorFields(e), type: 'vectorSelector' };
  }
}

function selectorFields(v: VectorSelector): { [key: string]: Json } {
  return {
    name: v.name ?? '',
    offset: v.offset,
    matchers: v.matchers.map((m: LabelMatcher) => ({ name: m.name, value: m.value, type: m.type })),
    timestamp: v.at,
    startOrEnd: v.atStart ?? null,
    anchored: v.anchored ?? false,
    smoothed: v.smoothed ?? false,
  };
}

/** JSON as Go encodes a map: keys in byte order, strings HTML-safe. */
export function goJSON(v: Json): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'null';
  if (typeof v === 'string') return jsonString(v);
  if (Array.isArray(v)) return '[' + v.map(goJSON).join(',') + ']';
  const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return '{' + keys.map((k) => jsonString(k) + ':' + goJSON(v[k])).join(',') + '}';
}
