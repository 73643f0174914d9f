// Compiles a parsed Expr into the evaluator's plan: durations and @ start()/end() resolved, step-invariant parts marked.
import type {
  AggregateOp,
  BinaryOp,
  DurationExpr,
  Expr,
  FillValues,
  LabelMatcher,
  PositionRange,
  ValueType,
  VectorMatching,
} from '../ast.ts';
import { valueTypeOf } from '../ast.ts';
import type { SeriesSamples } from '../queryable.ts';
import { QueryError } from '../result.ts';
import { evalDuration } from '../durations.ts';

/** A vector selector with everything resolved; `data` is filled by the fetch phase. */
export interface Selector {
  matchers: LabelMatcher[];
  offset: number;
  at: number | null;
  anchored: boolean;
  smoothed: boolean;
  pos: PositionRange;
  data: SeriesSamples[];
}

interface Base {
  pos: PositionRange;
  type: ValueType;
}

export interface NumberPlan extends Base {
  kind: 'number';
  value: number;
}
export interface StringPlan extends Base {
  kind: 'string';
  value: string;
}
export interface VectorPlan extends Base {
  kind: 'vector';
  sel: Selector;
}
export interface MatrixPlan extends Base {
  kind: 'matrix';
  sel: Selector;
  range: number;
}
export interface SubqueryPlan extends Base {
  kind: 'subquery';
  expr: Plan;
  range: number;
  /** 0 means the engine's default subquery step. */
  step: number;
  offset: number;
  at: number | null;
}
export interface NegPlan extends Base {
  kind: 'neg';
  expr: Plan;
}
export interface BinaryPlan extends Base {
  kind: 'binary';
  op: BinaryOp;
  lhs: Plan;
  rhs: Plan;
  returnBool: boolean;
  matching: VectorMatching | null;
  fill: FillValues | null;
}
export interface CallPlan extends Base {
  kind: 'call';
  name: string;
  args: Plan[];
}
export interface AggPlan extends Base {
  kind: 'agg';
  op: AggregateOp;
  expr: Plan;
  param: Plan | null;
  /** Sorted grouping labels. */
  grouping: string[];
  without: boolean;
}
/** A step-invariant subtree (all selectors pinned with @): evaluated once at the first step and repeated. */
export interface InvariantPlan extends Base {
  kind: 'invariant';
  expr: Plan;
}

export type Plan =
  | NumberPlan
  | StringPlan
  | VectorPlan
  | MatrixPlan
  | SubqueryPlan
  | NegPlan
  | BinaryPlan
  | CallPlan
  | AggPlan
  | InvariantPlan;

/** Functions whose result depends on the evaluation time even when all inputs are pinned with @. */
const AT_MODIFIER_UNSAFE = new Set([
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

const ANCHORED_SAFE = ['changes', 'delta', 'increase', 'rate', 'resets'];
const SMOOTHED_SAFE = ['delta', 'increase', 'rate'];

/** What plan compilation needs to know about the query. */
export interface PlanContext {
  start: number;
  end: number;
  /** Query step in ms (0 for instant queries). */
  step: number;
}

/** Evaluates a duration expression (numbers are seconds) to milliseconds with the query's step() and range(). */
export function durationMs(expr: DurationExpr, ctx: PlanContext, allowNegative: boolean): number {
  return evalDuration(expr, { step: ctx.step, range: ctx.end - ctx.start }, allowNegative);
}

function unwrapParens(e: Expr): Expr {
  while (e.type === 'ParenExpr') e = e.expr;
  return e;
}

/** Turns the AST into a plan for the query window in `ctx`. Throws QueryError for problems Prometheus reports before evaluating. */
export function compilePlan(expr: Expr, ctx: PlanContext): Plan {
  const plan = convert(expr, ctx);
  const [, wrap] = markInvariant(plan);
  return wrap ? invariant(plan) : plan;
}

function resolveAt(at: number | null, atStart: 'start' | 'end' | undefined, ctx: PlanContext): number | null {
  if (atStart === 'start') return ctx.start;
  if (atStart === 'end') return ctx.end;
  return at;
}

function convert(e: Expr, ctx: PlanContext): Plan {
  switch (e.type) {
    case 'NumberLiteral':
      return { kind: 'number', value: e.value, pos: e.pos, type: 'scalar' };
    case 'StringLiteral':
      return { kind: 'string', value: e.value, pos: e.pos, type: 'string' };
    case 'ParenExpr': {
      const inner = convert(e.expr, ctx);
      return { ...inner, pos: e.pos } as Plan;
    }
    case 'VectorSelector':
      return { kind: 'vector', sel: selector(e, ctx), pos: e.pos, type: 'vector' };
    case 'MatrixSelector': {
      const range = e.rangeExpr ? durationMs(e.rangeExpr, ctx, false) : e.range;
      return { kind: 'matrix', sel: selector(e.vectorSelector, ctx), range, pos: e.pos, type: 'matrix' };
    }
    case 'SubqueryExpr': {
      const range = e.rangeExpr ? durationMs(e.rangeExpr, ctx, false) : e.range;
      const step = e.stepExpr ? durationMs(e.stepExpr, ctx, false) : e.step;
      const offset = e.offsetExpr ? durationMs(e.offsetExpr, ctx, true) : e.offset;
      return {
        kind: 'subquery',
        expr: convert(e.expr, ctx),
        range,
        step,
        offset,
        at: resolveAt(e.at, e.atStart, ctx),
        pos: e.pos,
        type: 'matrix',
      };
    }
    case 'UnaryExpr': {
      const inner = convert(e.expr, ctx);
      if (e.op === '+') return inner;
      return { kind: 'neg', expr: inner, pos: e.pos, type: inner.type };
    }
    case 'BinaryExpr':
      return {
        kind: 'binary',
        op: e.op,
        lhs: convert(e.lhs, ctx),
        rhs: convert(e.rhs, ctx),
        returnBool: e.returnBool,
        matching: e.matching ?? null,
        fill: e.fill ?? null,
        pos: e.pos,
        type: valueTypeOf(e),
      };
    case 'Call': {
      const args = e.args.map((a) => convert(unwrapParens(a), ctx));
      checkModifiers(e.func.name, args);
      return { kind: 'call', name: e.func.name, args, pos: e.pos, type: e.func.returnType };
    }
    case 'AggregateExpr':
      return {
        kind: 'agg',
        op: e.op,
        expr: convert(unwrapParens(e.expr), ctx),
        param: e.param ? convert(unwrapParens(e.param), ctx) : null,
        grouping: [...e.grouping].sort(),
        without: e.without,
        pos: e.pos,
        type: 'vector',
      };
  }
}

function selector(
  vs: Extract<Expr, { type: 'VectorSelector' }>,
  ctx: PlanContext,
): Selector {
  return {
    matchers: vs.matchers,
    offset: vs.offsetExpr ? durationMs(vs.offsetExpr, ctx, true) : vs.offset,
    at: resolveAt(vs.at, vs.atStart, ctx),
    anchored: vs.anchored ?? false,
    smoothed: vs.smoothed ?? false,
    pos: vs.pos,
    data: [],
  };
}

/** Prometheus rejects anchored/smoothed ranges under functions that cannot interpret the extra boundary samples. */
function checkModifiers(name: string, args: Plan[]): void {
  for (const a of args) {
    if (a.kind !== 'matrix') continue;
    if (a.sel.anchored && !ANCHORED_SAFE.includes(name)) {
      throw new QueryError('execution', `anchored modifier can only be used with: ${ANCHORED_SAFE.join(', ')} - not with ${name}`);
    }
    if (a.sel.smoothed && !SMOOTHED_SAFE.includes(name)) {
      throw new QueryError('execution', `smoothed modifier can only be used with: ${SMOOTHED_SAFE.join(', ')} - not with ${name}`);
    }
  }
}

function invariant(p: Plan): InvariantPlan {
  return { kind: 'invariant', expr: p, pos: p.pos, type: p.type };
}

/**
 * Prometheus's preprocessExprHelper: returns [isStepInvariant, shouldWrap] and wraps the highest step-invariant
 * children in place.
 */
function markInvariant(p: Plan): [boolean, boolean] {
  switch (p.kind) {
    case 'vector':
      return [p.sel.at !== null, p.sel.at !== null];
    case 'matrix':
      return [p.sel.at !== null, false];
    case 'agg':
      return markInvariant(p.expr);
    case 'binary': {
      const [li, lw] = markInvariant(p.lhs);
      const [ri, rw] = markInvariant(p.rhs);
      if (li && ri) return [true, true];
      if (lw) p.lhs = invariant(p.lhs);
      if (rw) p.rhs = invariant(p.rhs);
      return [false, false];
    }
    case 'call': {
      let inv = !AT_MODIFIER_UNSAFE.has(p.name);
      const wraps = p.args.map((a) => {
        const [ai, aw] = markInvariant(a);
        inv = inv && ai;
        return aw;
      });
      if (inv) return [true, true];
      p.args = p.args.map((a, i) => (wraps[i] && a.type !== 'matrix' ? invariant(a) : a));
      return [false, false];
    }
    case 'subquery': {
      const [inv] = markInvariant(p.expr);
      if (inv && p.expr.kind !== 'matrix' && p.expr.kind !== 'subquery' && p.expr.kind !== 'string') {
        p.expr = invariant(p.expr);
      }
      return [p.at !== null, p.at !== null];
    }
    case 'neg':
      return markInvariant(p.expr);
    case 'number':
    case 'string':
      return [true, false];
    case 'invariant':
      return [true, false];
  }
}
