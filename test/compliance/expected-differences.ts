// Queries where Sightline (Prometheus 3.x semantics) legitimately differs from the reference Prometheus 2.42, each with why.
import { parseDuration } from '../../shared/promql/durations.ts';

export interface ExpectedDifference {
  /** Matches the expanded query text. */
  pattern: RegExp;
  reason: string;
  /**
   * The query under 2.x semantics, written for our engine. When given, the difference only counts as expected if
   * Sightline's result for this rewrite agrees with Prometheus's for the original; otherwise it is a failure.
   */
  as2x?: (query: string) => string;
  /** Relative tolerance for that check (default the suite's). */
  as2xTolerance?: number;
  /** Only with whole-second (--aligned) data; with the default data this difference cannot arise, so it is a failure. */
  alignedOnly?: boolean;
}

/** Widens every subquery range by 1 ms: a 3.x window (t-d-1ms, t] holds the same steps as 2.x's closed [t-d, t]. */
export function closeSubqueryWindows(query: string): string {
  return query.replace(/\[((?:\d+(?:ms|[smhdwy]))+):([^\]]*)\]/g, (_m, range: string, step: string) => `[${parseDuration(range) + 1}ms:${step}]`);
}

/** Widens every range selector (`x[5m]`, not subqueries) by 1 ms, to hold the samples of 2.x's closed window. */
export function closeRangeWindows(query: string): string {
  return query.replace(/\[((?:\d+(?:ms|[smhdwy]))+)\]/g, (_m, range: string) => `[${parseDuration(range) + 1}ms]`);
}

/** Both rewrites: the query as Prometheus 2.x windows would see it. */
export function as2xWindows(query: string): string {
  return closeRangeWindows(closeSubqueryWindows(query));
}

export const EXPECTED_DIFFERENCES: readonly ExpectedDifference[] = [
  {
    pattern: /\[(?:\d+(?:ms|[smhdwy]))+:[^\]]*\]/,
    reason:
      'subquery windows: Prometheus 3.x evaluates a subquery over a left-open window (t-range, t], 2.x over a closed one ' +
      '[t-range, t]; the subquery steps are whole multiples of the step, so 2.x gets one more point at the left edge',
    as2x: as2xWindows,
  },
  {
    pattern: /\[(?:\d+(?:ms|[smhdwy]))+\]/,
    reason:
      'range selectors: Prometheus 3.x selects (t-range, t], 2.x [t-range, t]; with samples on whole seconds (--aligned ' +
      'data) a sample sits on the left edge of whole-second steps, which 2.x includes. The 1 ms wider window also moves ' +
      'the extrapolation of delta/increase by 1 ms, so that check allows a relative 1e-3 (1 ms of a 1 s range)',
    as2x: as2xWindows,
    as2xTolerance: 1e-3,
    alignedOnly: true,
  },
  {
    pattern: /^label_(replace|join)\(.*"~invalid"/,
    reason:
      'label names: Prometheus 3.x accepts any UTF-8 label name, so "~invalid" is a valid destination (3.x fails only ' +
      'on invalid UTF-8, tested by promqltest functions.test); 2.x allows only [a-zA-Z_][a-zA-Z0-9_]*',
  },
];

/** The documented difference that may explain a differing query, or null when the difference is a failure. */
export function expectedDifference(query: string, aligned = false): ExpectedDifference | null {
  return EXPECTED_DIFFERENCES.find((d) => (aligned || !d.alignedOnly) && d.pattern.test(query)) ?? null;
}
