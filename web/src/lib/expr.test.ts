// Unit tests for leadingMetricName.
import { describe, expect, it } from 'vitest';
import { leadingMetricName } from './expr.ts';

describe('leadingMetricName', () => {
  it('names the metric of a plain selector', () => {
    expect(leadingMetricName('up')).toBe('up');
    expect(leadingMetricName(' node_cpu:rate5m{mode="idle", cpu=~"0|1"} ')).toBe('node_cpu:rate5m');
  });
  it('gives up on anything that is not a plain selector', () => {
    expect(leadingMetricName('rate(up[5m])')).toBeNull();
    expect(leadingMetricName('up + 1')).toBeNull();
    expect(leadingMetricName('{__name__="up"}')).toBeNull();
    expect(leadingMetricName('up offset 5m')).toBeNull();
  });
});
