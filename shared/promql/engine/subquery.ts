// Subquery step grids: inner steps aligned to absolute multiples of the subquery step, as Prometheus aligns them.
import type { SubqueryPlan } from './plan.ts';
import { makeSteps, type Steps } from './values.ts';

/**
 * The inner evaluation steps of subquery `p` evaluated over outer window [start, end]: from the first multiple of the
 * step after (start - offset - range) to end - offset; `@` pins both ends to the given time.
 */
export function subqueryWindow(p: SubqueryPlan, start: number, end: number, defaultStep: number): Steps {
  const step = p.step > 0 ? p.step : defaultStep;
  const innerEnd = (p.at ?? end) - p.offset;
  const base = (p.at ?? start) - p.offset - p.range;
  let innerStart = step * Math.floor(base / step);
  if (innerStart <= base) innerStart += step;
  return makeSteps(innerStart, innerEnd, step);
}
