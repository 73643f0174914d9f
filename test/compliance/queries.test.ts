import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { QUERY_FILE } from './run.ts';
import { expandTemplate, readComplianceCases } from './queries.ts';

describe('compliance query expansion', () => {
  it('substitutes every combination, the first argument varying slowest', () => {
    const qs = expandTemplate('{{.extrapolatedRateFunc}}(x[{{.range}}])', ['extrapolatedRateFunc', 'range']);
    expect(qs).toHaveLength(18);
    expect(qs.slice(0, 2)).toEqual(['delta(x[1s])', 'delta(x[15s])']);
    expect(qs[17]).toBe('increase(x[1h])');
  });

  it('rejects unknown arguments and placeholders not named in variant_args', () => {
    expect(() => expandTemplate('{{.nope}}(x)', ['nope'])).toThrow(/unknown variant/);
    expect(() => expandTemplate('{{.range}}', [])).toThrow(/variant_args/);
  });

  it('expands the shared query list into 539 concrete queries', () => {
    const cases = readComplianceCases(readFileSync(QUERY_FILE, 'utf8'));
    expect(cases).toHaveLength(539);
    expect(cases.some((c) => c.query.includes('{{'))).toBe(false);
    expect(cases.filter((c) => c.shouldFail).map((c) => c.query)).toContain('{__name__=~".*"}');
    expect(cases.filter((c) => c.shouldFail)).toHaveLength(5);
    expect(cases.map((c) => c.query)).toContain('demo_memory_usage_bytes offset -10m');
    expect(cases.map((c) => c.query)).toContain('-1 ^ 2');
    expect(cases.map((c) => c.query)).toContain('quantile_over_time(1.5, demo_memory_usage_bytes[1h])');
  });
});
