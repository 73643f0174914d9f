// Tests for the step-invariance rewrite: which nodes get `@ t`, which queries are left alone.
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../shared/promql/parse-error.ts';
import { rewriteWithAt } from './atmodifier.ts';

describe('rewriteWithAt', () => {
  it('adds @ to selectors, range selectors and subqueries without one', () => {
    expect(rewriteWithAt('sum by (a) (rate(m[5m])) + n', 120_000)).toBe('sum by (a) (rate(m[5m] @ 120.000)) + n @ 120.000');
    expect(rewriteWithAt('m @ 50 + n offset 1m', 1000)).toBe('m @ 50.000 + n @ 1.000 offset 1m');
    expect(rewriteWithAt('m @ start()', 1000)).toBe('m @ 1.000');
  });

  it('leaves everything below a subquery alone, unsafe functions included', () => {
    expect(rewriteWithAt('max_over_time(rate(m[1m])[5m:1m])', 60_000)).toBe('max_over_time(rate(m[1m])[5m:1m] @ 60.000)');
    expect(rewriteWithAt('max_over_time(timestamp(m)[5m:1m])', 60_000)).toBe('max_over_time(timestamp(m)[5m:1m] @ 60.000)');
    expect(rewriteWithAt('max_over_time(m[5m:1m] @ 10)', 60_000)).toBe('max_over_time(m[5m:1m] @ 10.000)');
  });

  it('returns null for queries calling functions whose result depends on the evaluation time', () => {
    expect(rewriteWithAt('time()', 1000)).toBeNull();
    expect(rewriteWithAt('sum(timestamp(m))', 1000)).toBeNull();
    expect(rewriteWithAt('predict_linear(m[5m], 60)', 1000)).toBeNull();
    expect(rewriteWithAt('hour(m) + 1', 1000)).toBeNull();
    expect(rewriteWithAt('start()', 1000)).toBeNull();
    expect(rewriteWithAt('vector(end()) + m', 1000)).toBeNull();
  });

  it('throws the parse error for an invalid query', () => {
    expect(() => rewriteWithAt('sum(', 0)).toThrow(ParseError);
  });
});
