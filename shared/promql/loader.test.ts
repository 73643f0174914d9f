// Tests for the streaming OpenMetrics/Prometheus-text loader: parsing, chunk boundaries, errors, and MemoryStore output.
import { describe, expect, it } from 'vitest';
import { LoadError, TextLoader, loadText, parseSeries, parseValue, type SampleSink } from './loader.ts';
import { MemoryStore } from './memstore.ts';
import type { Labels } from '../model/labels.ts';

/** Records what the loader hands to its sink. */
class RecordingSink implements SampleSink {
  series: Labels[] = [];
  samples: Array<[number, number, number]> = [];
  seriesRef(labels: Labels): number {
    this.series.push(labels);
    return this.series.length - 1;
  }
  appendRef(ref: number, t: number, v: number): void {
    this.samples.push([ref, t, v]);
  }
}

const SAMPLE = `# HELP http_requests Total requests.
# TYPE http_requests counter
http_requests_total{code="200",handler="/a"} 10 1700000000.000
http_requests_total{code="200",handler="/a"} 12.5 1700000015.5
# TYPE lone gauge
http_requests_total{code="500",handler="/a"} 1 1700000000
up 1 1700000000.123 # {trace_id="abc"} 1 1700000000
# HELP up late help is fine
{"my.metric",label="x"} NaN 1700000001
weird{v="a}b\\"c\\\\d\\ne"} -Inf 1700000002
# EOF
ignored 1 1
`;

describe('loadText', () => {
  it('loads samples, parsing each series once', () => {
    const sink = new RecordingSink();
    const stats = loadText(SAMPLE, sink);
    expect(sink.series).toEqual([
      { __name__: 'http_requests_total', code: '200', handler: '/a' },
      { __name__: 'http_requests_total', code: '500', handler: '/a' },
      { __name__: 'up' },
      { __name__: 'my.metric', label: 'x' },
      { __name__: 'weird', v: 'a}b"c\\d\ne' },
    ]);
    expect(sink.samples.map(([r, t]) => [r, t])).toEqual([
      [0, 1700000000000],
      [0, 1700000015500],
      [1, 1700000000000],
      [2, 1700000000123],
      [3, 1700000001000],
      [4, 1700000002000],
    ]);
    expect(sink.samples.map(([, , v]) => v)).toEqual([10, 12.5, 1, 1, NaN, -Infinity]);
    expect(stats).toEqual({ lines: 11, samples: 6, series: 5, minT: 1700000000000, maxT: 1700000015500 });
  });

  it('truncates fractional milliseconds like Prometheus (int64(ts * 1000))', () => {
    const sink = new RecordingSink();
    loadText('a 1 1704067199.857\nb 1 -1.0005\n', sink);
    expect(sink.samples.map(([, t]) => t)).toEqual([Math.trunc(1704067199.857 * 1000), -1000]);
  });

  it('reads millisecond timestamps in the Prometheus text format', () => {
    const sink = new RecordingSink();
    loadText('a 1 1700000000123\n', sink, { timestampUnit: 'milliseconds' });
    expect(sink.samples).toEqual([[0, 1700000000123, 1]]);
  });

  it('uses the default time for samples without a timestamp, else reports the line', () => {
    const sink = new RecordingSink();
    loadText('a 1\n', sink, { defaultTimeMs: 5 });
    expect(sink.samples).toEqual([[0, 5, 1]]);
    expect(() => loadText('# c\na 1\n', new RecordingSink())).toThrow('2:4: sample has no timestamp');
  });

  it('reports malformed lines with line and column', () => {
    const cases: Array<[string, string]> = [
      ['a{b="c" 1 1\n', '1:2: unclosed label set'],
      ['a{b="c} 1 1\n', '1:5: unterminated quoted string'],
      ['a{b=c} 1 1\n', '1:5: expected a quoted label value'],
      ['a{b="1",b="2"} 1 1\n', '1:11: duplicate label name "b"'],
      ['a x 1\n', '1:3: invalid value "x"'],
      ['a 1 y\n', '1:5: invalid timestamp "y"'],
      ['a 1 2 3\n', '1:7: unexpected text after the timestamp'],
      ['\n  1a 1 2\n', '2:3: invalid metric name "1a"'],
      ['a\n', '1:2: expected a value after the series'],
    ];
    for (const [text, message] of cases) {
      let err: unknown;
      try {
        loadText(text, new RecordingSink());
      } catch (e) {
        err = e;
      }
      expect(err, text).toBeInstanceOf(LoadError);
      expect((err as LoadError).message, text).toBe(message);
    }
  });

  it('gives the same result whatever the chunk boundaries', () => {
    const whole = new RecordingSink();
    loadText(SAMPLE.replace(/\n/g, '\r\n'), whole);
    for (const size of [1, 2, 3, 7, 64]) {
      const sink = new RecordingSink();
      const loader = new TextLoader(sink);
      const text = SAMPLE.replace(/\n/g, '\r\n');
      for (let i = 0; i < text.length; i += size) loader.push(text.slice(i, i + size));
      loader.end();
      expect(sink.series, `chunk ${size}`).toEqual(whole.series);
      expect(sink.samples, `chunk ${size}`).toEqual(whole.samples);
    }
  });

  it('tells apart series whose text starts with the previous line\'s series', () => {
    const sink = new RecordingSink();
    loadText('up 1 1\nup 2 2\nup{a="b"} 3 3\nupper 4 4\nup\t5 5\n', sink);
    expect(sink.series).toEqual([{ __name__: 'up' }, { __name__: 'up', a: 'b' }, { __name__: 'upper' }]);
    expect(sink.samples).toEqual([
      [0, 1000, 1],
      [0, 2000, 2],
      [1, 3000, 3],
      [2, 4000, 4],
      [0, 5000, 5],
    ]);
  });

  it('parses a last line without a newline', () => {
    const sink = new RecordingSink();
    expect(loadText('a 1 1\nb 2 2', sink).samples).toBe(2);
  });

  it('fills a MemoryStore that the engine can select from', async () => {
    const store = new MemoryStore();
    loadText(SAMPLE, store);
    const got = await store.select([{ type: '=', name: '__name__', value: 'http_requests_total' }], {
      start: 0,
      end: 2e12,
    });
    expect(got.map((s) => [s.labels.code, Array.from(s.t), Array.from(s.v)])).toEqual([
      ['200', [1700000000000, 1700000015500], [10, 12.5]],
      ['500', [1700000000000], [1]],
    ]);
  });
});

describe('parseValue', () => {
  it.each([
    ['1', 1],
    ['-1.5e3', -1500],
    ['.5', 0.5],
    ['1.', 1],
    ['+Inf', Infinity],
    ['-inf', -Infinity],
    ['Inf', Infinity],
    ['NaN', NaN],
    ['nan', NaN],
  ])('%s', (s, want) => {
    expect(parseValue(s)).toBe(want);
  });

  it.each(['', 'x', '0x10', '0b1', '1_0', 'one'])('rejects %j', (s) => {
    expect(parseValue(s)).toBeUndefined();
  });
});

describe('parseSeries', () => {
  it('reads names, label sets, trailing commas and quoted label names', () => {
    expect(parseSeries('m', 1, 1)).toEqual({ __name__: 'm' });
    expect(parseSeries('m{}', 1, 1)).toEqual({ __name__: 'm' });
    expect(parseSeries('m{a="1",}', 1, 1)).toEqual({ __name__: 'm', a: '1' });
    expect(parseSeries('{"x", "a.b"="1"}', 1, 1)).toEqual({ 'a.b': '1', __name__: 'x' });
    expect(() => parseSeries('{"a.b"="1", "x"}', 1, 1)).toThrow('1:16: expected "=" after label name "x"');
    expect(parseSeries('m{a="\\t"}', 1, 1)).toEqual({ __name__: 'm', a: '\\t' });
  });
});
