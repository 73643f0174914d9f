// The compliance tester's query list, Sightline's engine vs a real Prometheus 2.42 over the same generated demo data.
import { describe, expect, it } from 'vitest';
import { readThreshold, runCompliance } from '../compliance/run.ts';
import { EXPECTED_DIFFERENCES } from '../compliance/expected-differences.ts';

describe('PromQL compliance queries against Prometheus 2.42', () => {
  it('answers like Prometheus, apart from the documented 2.x/3.x differences', { timeout: 240_000 }, async () => {
    const report = await runCompliance();
    const threshold = readThreshold();
    const failures = report.outcomes.filter((o) => o.status === 'fail').map((o) => `${o.query} (${o.kind}): ${o.detail}`);
    expect(report.prometheusVersion).toMatch(/version 2\.42/);
    // 539 expanded queries, each as a range and an instant query.
    expect(report.outcomes).toHaveLength(1078);
    expect(report.failed, failures.join('\n')).toBeLessThanOrEqual(threshold.maxFailed);
    expect(report.passed).toBeGreaterThanOrEqual(threshold.minPassed);
    // The comparisons are not vacuous: most queries return data, the staleness and histogram ones included.
    expect(report.outcomes.filter((o) => o.points > 0).length).toBeGreaterThanOrEqual(900);
    const points = (q: string) => report.outcomes.find((o) => o.query === q && o.kind === 'range')?.points ?? 0;
    expect(points('demo_intermittent_metric')).toBeGreaterThan(0);
    expect(points('histogram_quantile(0.90, rate(demo_api_request_duration_seconds_bucket[1m]))')).toBeGreaterThan(0);
    // Every expected difference is one of the documented ones.
    const reasons = new Set(EXPECTED_DIFFERENCES.map((d) => d.reason));
    for (const o of report.outcomes.filter((x) => x.status === 'expected')) expect(reasons.has(o.reason ?? '')).toBe(true);
  });

  it('with whole-second scrape times, every window-edge difference is explained by 2.x closed windows', { timeout: 240_000 }, async () => {
    // Each differing query must match Prometheus once re-run with its windows widened by 1 ms (judge() checks).
    const report = await runCompliance({ aligned: true, instant: false });
    const failures = report.outcomes.filter((o) => o.status === 'fail').map((o) => `${o.query} (${o.kind}): ${o.detail}`);
    expect(report.failed, failures.join('\n')).toBe(0);
    expect(report.outcomes.filter((o) => o.status === 'expected' && /range selectors/.test(o.reason ?? '')).length).toBeGreaterThan(50);
    expect(report.passed).toBeGreaterThanOrEqual(400);
  });
});
