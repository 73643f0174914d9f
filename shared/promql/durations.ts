// Prometheus duration strings (`1h30m`, `5m`, `250ms`) and evaluation of experimental duration expressions.
import type { DurationExpr } from './ast.ts';
import { MAX_DURATION_MS, parseDuration as parseModelDuration } from '../model/duration.ts';

export { MAX_DURATION_MS, formatDuration } from '../model/duration.ts';

/**
 * Parses a Prometheus duration string (units y w d h m s ms, each at most once, largest first) to milliseconds.
 * Throws Error with Prometheus's message for malformed or out-of-range input.
 */
export function parseDuration(s: string): number {
  const parsed = parseModelDuration(s);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.ms;
}

/** Converts float seconds to whole milliseconds the way Prometheus does (truncating), tolerating float noise. */
export function secondsToMs(seconds: number): number {
  const x = seconds * 1000;
  const r = Math.round(x);
  return Math.abs(x - r) <= 1e-9 * Math.max(1, Math.abs(x)) ? r : Math.trunc(x);
}

/** Query parameters a duration expression may refer to via `step()` and `range()`. */
export interface DurationContext {
  /** Query step in milliseconds (0 for instant queries). */
  step: number;
  /** Query range (end - start) in milliseconds (0 for instant queries). */
  range: number;
}

/** An error raised while evaluating a duration expression; `pos` is the offending node's start offset. */
export class DurationError extends Error {
  constructor(
    message: string,
    readonly pos: number,
  ) {
    super(message);
    this.name = 'DurationError';
  }
}

/** Evaluates a duration expression to float seconds (Prometheus evaluates in seconds, then converts). */
export function evalDurationSeconds(expr: DurationExpr, ctx: DurationContext): number {
  switch (expr.type) {
    case 'DurationNumber':
      return expr.value;
    case 'DurationParen':
      return evalDurationSeconds(expr.expr, ctx);
    case 'DurationUnary': {
      const v = evalDurationSeconds(expr.expr, ctx);
      return expr.op === '-' ? -v : v;
    }
    case 'DurationCall':
      switch (expr.func) {
        case 'step':
          return ctx.step / 1000;
        case 'range':
          return ctx.range / 1000;
        case 'min_of':
          return Math.min(evalDurationSeconds(expr.args[0], ctx), evalDurationSeconds(expr.args[1], ctx));
        case 'max_of':
          return Math.max(evalDurationSeconds(expr.args[0], ctx), evalDurationSeconds(expr.args[1], ctx));
      }
      break;
    case 'DurationBinary': {
      const l = evalDurationSeconds(expr.lhs, ctx);
      const r = evalDurationSeconds(expr.rhs, ctx);
      switch (expr.op) {
        case '+':
          return l + r;
        case '-':
          return l - r;
        case '*':
          return l * r;
        case '/':
          if (r === 0) throw new DurationError('division by zero', expr.pos.start);
          return l / r;
        case '%':
          if (r === 0) throw new DurationError('modulo by zero', expr.pos.start);
          return l % r;
        case '^':
          return Math.pow(l, r);
      }
    }
  }
  throw new DurationError('unknown duration expression', (expr as DurationExpr).pos.start);
}

/**
 * Evaluates a duration expression to milliseconds, as Prometheus's engine does before running a query.
 * Ranges and steps must be positive (`allowNegative` false); offsets may be negative.
 */
export function evalDuration(expr: DurationExpr, ctx: DurationContext, allowNegative: boolean): number {
  const seconds = evalDurationSeconds(expr, ctx);
  if (!(seconds > 0) && !allowNegative) throw new DurationError('duration must be greater than 0', expr.pos.start);
  if (!Number.isFinite(seconds) || Math.abs(seconds * 1000) > MAX_DURATION_MS) {
    throw new DurationError('duration is out of range', expr.pos.start);
  }
  return secondsToMs(seconds);
}

/** True if the expression refers to no query parameter (no `step()` / `range()`), i.e. is a constant. */
export function isConstantDuration(expr: DurationExpr): boolean {
  switch (expr.type) {
    case 'DurationNumber':
      return true;
    case 'DurationParen':
    case 'DurationUnary':
      return isConstantDuration(expr.expr);
    case 'DurationBinary':
      return isConstantDuration(expr.lhs) && isConstantDuration(expr.rhs);
    case 'DurationCall':
      return expr.args.length > 0 && expr.args.every(isConstantDuration);
  }
}
