import { describe, expect, it } from 'vitest';
import { parseOpenMetrics } from '../../../shared/exposition/index.ts';
import { STALE_NAN } from '../../../shared/model/stale.ts';
import { allowsExemplars, familyFor, familyLines, formatSeconds, sampleLines, seriesText } from './openmetrics.ts';
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

  it('writes exemplars on counter and bucket samples at or after their time, and the parser reads them back', () => {
    const counter = familyFor('http_requests_total', meta);
    const bucket = familyFor('rpc_duration_seconds_bucket', meta);
    expect(allowsExemplars('http_requests_total', counter)).toBe(true);
    expect(allowsExemplars('rpc_duration_seconds_bucket', bucket)).toBe(true);
    expect(allowsExemplars('rpc_duration_seconds_count', familyFor('rpc_duration_seconds_count', meta))).toBe(false);
    expect(allowsExemplars('temp', familyFor('temp', meta))).toBe(false);
    const v = Float64Array.of(1, 2, 3, 4);
    v[1] = STALE_NAN;
    const dropped = { count: 0 };
    const text =
      familyLines(counter) +
      sampleLines({ __name__: 'http_requests_total' }, [1000, 2000, 3000, 4000], v, [
        // 1500: the stale sample at 2000 is not written, so it rides on 3000 ... together with 2500, which wins.
        { labels: { trace_id: 'a' }, value: 0.5, ts: 1500 },
        { labels: { trace_id: 'b' }, value: 0.25, ts: 2500 },
        { labels: { trace_id: 'c' }, value: 1, ts: 4000 },
        { labels: { trace_id: 'late' }, value: 9, ts: 4500 },
        ], dropped) +
      familyLines(bucket) +
      sampleLines({ __name__: 'rpc_duration_seconds_bucket', le: '+Inf' }, [1000], Float64Array.of(3), [{ labels: { 'x y': 'q"' }, value: 0.125, ts: 1000 }], dropped) +
      '# EOF\n';
    expect(dropped.count).toBe(2);
    expect(text).toContain('http_requests_total 3.0 3 # {trace_id="b"} 0.25 2.5\n');
    const r = parseOpenMetrics(text);
    const got = Array.from({ length: r.length }, (_, i) => r.sample(i)).map((s) => [s.name, s.timestampMs, s.exemplar && { ...s.exemplar, labels: [...s.exemplar.labels] }]);
    expect(got).toEqual([
      ['http_requests_total', 1000, undefined],
      ['http_requests_total', 3000, { labels: ['trace_id', 'b'], value: 0.25, timestampMs: 2500 }],
      ['http_requests_total', 4000, { labels: ['trace_id', 'c'], value: 1, timestampMs: 4000 }],
      ['rpc_duration_seconds_bucket', 1000, { labels: ['x y', 'q"'], value: 0.125, timestampMs: 1000 }],
    ]);
  });

  it('leaves out an exemplar whose labels exceed the 128-character limit', () => {
    const dropped = { count: 0 };
    const line = sampleLines({ __name__: 'http_requests_total' }, [1000], Float64Array.of(1), [{ labels: { trace_id: 'x'.repeat(130) }, value: 1, ts: 1000 }], dropped);
    expect(line).toBe('http_requests_total 1.0 1\n');
    expect(dropped.count).toBe(1);
  });
});
