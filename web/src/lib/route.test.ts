// Unit tests for hash route parsing and formatting.
import { describe, expect, it } from 'vitest';
import { formatHash, parseHash } from './route.ts';

describe('hash routes', () => {
  it('parses a page with parameters, decoding PromQL in them', () => {
    expect(parseHash('#/graph?expr=rate(up%7Bjob%3D%22a%22%7D%5B5m%5D)&range=1h')).toEqual({
      page: 'graph',
      params: { expr: 'rate(up{job="a"}[5m])', range: '1h' },
    });
  });

  it('sends empty and unknown paths to the graph page', () => {
    expect(parseHash('')).toEqual({ page: 'graph', params: {} });
    expect(parseHash('#/nope')).toEqual({ page: 'graph', params: {} });
    expect(parseHash('#/status/')).toEqual({ page: 'status', params: {} });
    expect(parseHash('#/explore?expr=up')).toEqual({ page: 'graph', params: { expr: 'up' } });
    expect(parseHash('#/notifications').page).toBe('notifications');
  });

  it('round-trips through formatHash', () => {
    const route = { page: 'graph' as const, params: { range: '15m', expr: 'up{job="x y"}' } };
    expect(formatHash(route)).toBe('#/graph?expr=up%7Bjob%3D%22x+y%22%7D&range=15m');
    expect(parseHash(formatHash(route))).toEqual(route);
  });
});
