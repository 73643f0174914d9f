import { describe, expect, it } from 'vitest';
import { createdTimestamps, ExpositionParseError, parseOpenMetrics } from './index.ts';

function errorOf(fn: () => unknown): ExpositionParseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ExpositionParseError) return e;
    throw e;
  }
  throw new Error('expected an ExpositionParseError');
}

const HISTOGRAM = [
  '# TYPE rpc_seconds histogram',
  '# HELP rpc_seconds Latency.',
  '# UNIT rpc_seconds seconds',
  'rpc_seconds_bucket{le="0.1"} 1 # {trace_id="abc"} 0.05 1700000000.5',
  'rpc_seconds_bucket{le="+Inf"} 2',
  'rpc_seconds_sum 0.3',
  'rpc_seconds_count 2',
  'rpc_seconds_created 1700000000.001',
].join('\n');

describe('parseOpenMetrics', () => {
  it('parses families, seconds timestamps as ms, exemplars', () => {
    const body = [
      '# TYPE a counter',
      '# HELP a Help \\"quoted\\" \\\\ \\n.',
      'a_total{x="1"} 1 1.001 # {id="e"} 2',
      'a_created{x="1"} 1.5 1.001',
      '# TYPE g gauge',
      'g 1.5e3 1700000000',
      '# EOF',
      '',
    ].join('\n');
    const r = parseOpenMetrics(body, { strict: true });
    expect(r.families).toEqual([
      { name: 'a', type: 'counter', help: 'Help "quoted" \\ \n.', unit: '' },
      { name: 'g', type: 'gauge', help: '', unit: '' },
    ]);
    const s = r.samples();
    expect(s.map((x) => [x.name, x.value, x.timestampMs, x.family.name])).toEqual([
      ['a_total', 1, 1001, 'a'],
      ['a_created', 1.5, 1001, 'a'],
      ['g', 1500, 1700000000000, 'g'],
    ]);
    expect(s[0].exemplar).toEqual({ labels: ['id', 'e'], value: 2, timestampMs: undefined });
  });

  it('matches _created lines to their MetricPoint', () => {
    const r = parseOpenMetrics(HISTOGRAM + '\n# TYPE c counter\nc_total{a="1"} 1\nc_created{a="1"} 5\nc_total{a="2"} 1\n# EOF\n', { strict: true });
    const created = Array.from(createdTimestamps(r));
    expect(created).toEqual([1700000000001, 1700000000001, 1700000000001, 1700000000001, 1700000000001, 5000, 5000, NaN]);
    expect(r.exemplars.get(0)).toEqual({ labels: ['trace_id', 'abc'], value: 0.05, timestampMs: 1700000000500 });
    expect(r.families[0].unit).toBe('seconds');
  });

  it('requires # EOF and nothing after it', () => {
    expect(errorOf(() => parseOpenMetrics('a 1\n')).message).toBe('line 2: missing "# EOF" at the end of the exposition');
    expect(errorOf(() => parseOpenMetrics('')).line).toBe(1);
    expect(errorOf(() => parseOpenMetrics('# EOF\n\n')).message).toMatch(/^line 2: unexpected content after "# EOF"/);
    expect(errorOf(() => parseOpenMetrics('a 1\n\n# EOF\n')).message).toMatch(/^line 2: empty lines/);
    expect(parseOpenMetrics('a 1\n# EOF').length).toBe(1);
  });

  it('enforces the exact OpenMetrics spacing in both modes', () => {
    for (const body of ['a  1\n# EOF\n', 'a 1 \n# EOF\n', ' a 1\n# EOF\n', 'a{x="1"}1\n# EOF\n', 'a{x = "1"} 1\n# EOF\n', '# comment\n# EOF\n']) {
      expect(() => parseOpenMetrics(body), JSON.stringify(body)).toThrow(ExpositionParseError);
    }
  });

  it('lenient mode accepts what Prometheus accepts and strict mode rejects', () => {
    const cases = [
      // Go client: negative buckets with a _sum, negative quantiles.
      '# TYPE h histogram\nh_bucket{le="-1"} 1\nh_bucket{le="+Inf"} 2\nh_sum -3\nh_count 2\n# EOF\n',
      // Backfill: series-major histogram, timestamps restart per bucket.
      '# TYPE h histogram\nh_bucket{le="1"} 1 10\nh_bucket{le="1"} 2 20\nh_bucket{le="+Inf"} 1 10\nh_bucket{le="+Inf"} 2 20\n# EOF\n',
      // A family repeated, metadata after samples.
      '# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# HELP a again\na 2\n# EOF\n',
      // Trailing comma and quoted UTF-8 names (Prometheus 3).
      '{"a.b",c="d",} 1\n# EOF\n',
    ];
    for (const body of cases) {
      expect(() => parseOpenMetrics(body), body).not.toThrow();
      expect(() => parseOpenMetrics(body, { strict: true }), body).toThrow(ExpositionParseError);
    }
  });

  it('resolves repeated families to one in lenient mode', () => {
    const r = parseOpenMetrics('# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\n# HELP a again\na 2\n# EOF\n');
    expect(r.families.map((f) => f.name)).toEqual(['a', 'b']);
    expect(r.family(2)).toBe(r.families[0]);
    expect(r.families[0].help).toBe('again');
  });

  it('drops an exemplar over 128 characters in lenient mode, rejects it in strict mode', () => {
    const long = 'x'.repeat(128);
    const body = `# TYPE a counter\na_total 1 # {i="${long}"} 1\n# EOF\n`;
    const r = parseOpenMetrics(body);
    expect(r.length).toBe(1);
    expect(r.exemplars.size).toBe(0);
    expect(errorOf(() => parseOpenMetrics(body, { strict: true })).message).toMatch(/129 characters/);
  });

  it('reports strict rule violations at the offending line', () => {
    const cases: [string, RegExp, number][] = [
      ['# TYPE a counter\na_total -1\n# EOF\n', /must not be negative/, 2],
      ['# TYPE a gauge\na{x="1"} 1\na{x="2"} 1\na{x="1"} 1\n# EOF\n', /contiguous/, 4],
      ['# TYPE a gauge\na 1 2\na 1 1\n# EOF\n', /go backwards/, 3],
      ['# TYPE a histogram\na_bucket{le="1"} 1\n# EOF\n', /no "\+Inf" bucket/, 2],
      ['# TYPE a histogram\na_bucket{le="+INF"} 1\n# EOF\n', /must be written "\+Inf"/, 2],
      ['# TYPE a stateset\na{a="x"} 2\n# EOF\n', /0 or 1/, 2],
      ['# TYPE a info\na_info 2\n# EOF\n', /info value must be 1/, 2],
      ['# TYPE a gauge\na 1 # {x="y"} 1\n# EOF\n', /exemplars are only allowed/, 2],
      ['# TYPE a counter\na_total 1\n# TYPE a counter\n# EOF\n', /after its samples|second TYPE|appears twice/, 3],
      ['# TYPE a_created gauge\n# TYPE a counter\n# EOF\n', /clashes with family "a_created"/, 2],
      ['# UNIT a_s s\n# TYPE a_s info\n# EOF\n', /must not have a unit/, 2],
    ];
    for (const [body, message, line] of cases) {
      const e = errorOf(() => parseOpenMetrics(body, { strict: true }));
      expect(e.message, body).toMatch(message);
      expect(e.line, body).toBe(line);
    }
  });

  it('checks syntax-level rules in lenient mode too', () => {
    const cases: [string, RegExp][] = [
      ['# TYPE a untyped\n# EOF\n', /invalid metric type "untyped"/],
      ['# UNIT a seconds\n# EOF\n', /not a suffix/],
      ['a{x="1",x="1"} 1\n# EOF\n', /duplicate label name/],
      ['a 1 NaN\n# EOF\n', /invalid timestamp/],
      ['a 1 #{} 1\n# EOF\n', /^line 1: malformed exemplar/],
      ['a 1 1 # {x="y"} 1 \n# EOF\n', /trailing space/],
    ];
    for (const [body, message] of cases) expect(errorOf(() => parseOpenMetrics(body)).message, body).toMatch(message);
    // An exemplar without timestamp directly after the value is fine.
    expect(parseOpenMetrics('# TYPE a counter\na_total 1 # {} 1\n# EOF\n').exemplars.get(0)?.value).toBe(1);
  });
});
