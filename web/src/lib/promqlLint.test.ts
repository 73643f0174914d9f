// Unit tests for the editor's inline parse errors.
import { describe, expect, it } from 'vitest';
import { lintPromQL } from './promqlLint.ts';

describe('lintPromQL', () => {
  it('finds nothing wrong with valid or empty queries', () => {
    expect(lintPromQL('sum by (job) (rate(up[5m]))')).toEqual([]);
    expect(lintPromQL('   ')).toEqual([]);
  });
  it("marks the offending range with Prometheus's message", () => {
    const [d] = lintPromQL('up{job=}');
    expect(d.message).toMatch(/^1:\d+: parse error: /);
    expect(d.from).toBeGreaterThan(0);
    expect(d.to).toBeGreaterThan(d.from);
    expect(d.to).toBeLessThanOrEqual(8);
  });
  it('keeps a mark on the last character for errors at the very end', () => {
    const q = 'sum(rate(up[5m])';
    const [d] = lintPromQL(q);
    expect(d.message).toContain('unclosed left parenthesis');
    expect(d.to).toBeLessThanOrEqual(q.length);
    expect(d.to).toBeGreaterThan(d.from);
  });
});
