import { describe, expect, it } from 'vitest';
import { parseOpenMetrics } from '../../../shared/exposition/index.ts';
import { STALE_NAN } from '../../../shared/model/stale.ts';
import { familyFor, familyLines, formatSeconds, sampleLines, seriesText } from './openmetrics.ts';
import type { MetricMetadata } from './types.ts';

const meta = new Map<string, MetricMetadata>([
  ['http_requests', { type: 'counter', help: 'Requests.', unit: '' }],
  ['rpc_duration_seconds', { type: 'histogram', help: 'Latency.', unit: 'seconds' }],
  ['temp', { type: 'gauge', help: 'Temp', unit: '' }],
  ['jobs_total', { type: 'counter', help: 'Prometheus-text style family name.', unit: '' }],
  ['odd', { type: 'counter', help: 'A counter stored under a name without _total.', unit: '' }],
]);

describe('OpenMetrics export helpers', () => {
  it('finds the family of each stored metric name from the metadata', () => {
    expect(familyFor('http_requests_total', meta)).toMatchObject({ family: 'http_requests', type: 'counter' });
    expect(familyFor('rpc_duration_seconds_bucket', meta)).toMatchObject({ family: 'rpc_duration_seconds', type: 'histogram' });
    expect(familyFor('rpc_duration_seconds_sum', meta).family).toBe('rpc_duration_seconds');
    expect(familyFor('temp', meta)).toMatchObject({ family: 'temp', type: 'gauge', help: 'Temp' });
    expect(familyFor('jobs_total', meta)).toMatchObject({ family: 'jobs', type: 'counter' });
    // Metadata that cannot be written validly becomes an unknown family of its own, keeping the HELP.
    expect(familyFor('odd', meta)).toMatchObject({ family: 'odd', type: 'unknown', help: meta.get('odd')!.help });
    expect(familyFor('nothing_known', meta)).toEqual({ family: 'nothing_known', type: 'unknown', help: '', unit: '' });
  });

  it('writes timestamps as exact seconds', () => {
    expect(formatSeconds(1_704_067_200_000)).toBe('1704067200');
    expect(formatSeconds(1_704_067_200_015)).toBe('1704067200.015');
    expect(formatSeconds(1_704_067_200_500)).toBe('1704067200.5');
    expect(formatSeconds(-1500)).toBe('-1.5');
    expect(formatSeconds(7)).toBe('0.007');
  });

  it('quotes names outside the legacy character set and escapes values', () => {
    expect(seriesText({ __name__: 'up', job: 'a"b\\c\nd' })).toBe('up{job="a\\"b\\\\c\\nd"}');
    expect(seriesText({ __name__: 'up' })).toBe('up');
    expect(seriesText({ __name__: 'my.metric', 'läbel': 'x' })).toBe('{"my.metric","läbel"="x"}');
  });

  it('leaves stale markers out and produces text the OpenMetrics parser reads back exactly', () => {
    const v = Float64Array.of(1, 0, 2.5, Infinity, NaN);
    v[1] = STALE_NAN;
    const header = familyFor('http_requests_total', meta);
    const text =
      familyLines(header) +
      sampleLines({ __name__: 'http_requests_total', code: '200' }, [1000, 2000, 3000, 4001, 5000], v) +
      familyLines(familyFor('rpc_duration_seconds_bucket', meta)) +
      sampleLines({ __name__: 'rpc_duration_seconds_bucket', le: '+Inf' }, [1000], Float64Array.of(3)) +
      '# EOF\n';
    expect(text).toContain('# UNIT rpc_duration_seconds seconds\n');
    const r = parseOpenMetrics(text);
    const got = Array.from({ length: r.length }, (_, i) => r.sample(i)).map((s) => [s.name, s.timestampMs, String(s.value)]);
    expect(got).toEqual([
      ['http_requests_total', 1000, '1'],
      ['http_requests_total', 3000, '2.5'],
      ['http_requests_total', 4001, 'Infinity'],
      ['http_requests_total', 5000, 'NaN'],
      ['rpc_duration_seconds_bucket', 1000, '3'],
    ]);
    expect(r.families.map((f) => [f.name, f.type, f.help])).toEqual([
      ['http_requests', 'counter', 'Requests.'],
      ['rpc_duration_seconds', 'histogram', 'Latency.'],
    ]);
  });
});
