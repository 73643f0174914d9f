// Pins the dashboards hash routes, including repeated var- parameters.
import { describe, expect, it } from 'vitest';
import { formatDashboardsHash, hashParamValues, parseDashboardsHash } from './route.ts';

describe('dashboards routes', () => {
  it('parses the list and a dashboard with its parameters', () => {
    expect(parseDashboardsHash('#/dashboards')).toEqual({ params: {} });
    expect(parseDashboardsHash('#/dashboards/node?from=now-1h&var-job=a')).toEqual({ uid: 'node', params: { from: 'now-1h', 'var-job': 'a' } });
    expect(parseDashboardsHash('#/graph')).toBeNull();
    expect(parseDashboardsHash('#/dashboards/a/b')).toBeNull();
  });

  it('round-trips multi-value variables', () => {
    const hash = formatDashboardsHash('x', { from: 'now-6h', 'var-i': ['a', 'b'] });
    expect(hash).toBe('#/dashboards/x?from=now-6h&var-i=a&var-i=b');
    expect(hashParamValues(hash, 'var-i')).toEqual(['a', 'b']);
  });
});
