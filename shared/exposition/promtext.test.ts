import { describe, expect, it } from 'vitest';
import { ExpositionParseError, labelsToRecord, parsePromText, type ParseResult } from './index.ts';

function errorOf(fn: () => unknown): ExpositionParseError {
  try {
    fn();
  } catch (e) {
    if (e instanceof ExpositionParseError) return e;
    throw e;
  }
  throw new Error('expected an ExpositionParseError');
}

function brief(r: ParseResult): string[] {
  return r.samples().map((s) => {
    const labels = [];
    for (let k = 0; k < s.labels.length; k += 2) labels.push(`${s.labels[k]}=${JSON.stringify(s.labels[k + 1])}`);
    return `${s.name}{${labels.join(',')}} ${s.value}${s.timestampMs === undefined ? '' : ' @' + s.timestampMs} [${s.family.name}:${s.family.type}]`;
  });
}

describe('parsePromText', () => {
  it('parses samples, metadata and families', () => {
    const r = parsePromText(
      [
        '# HELP http_requests_total Requests so far.',
        '# TYPE http_requests_total counter',
        'http_requests_total{method="post",code="200"} 1027 1395066363000',
        'http_requests_total{method="post",code="400"}    3 1395066363000',
        '',
        '# A plain comment, ignored',
        'up 1',
        '# TYPE latency histogram',
        'latency_bucket{le="0.5"} 2',
        'latency_bucket{le="+Inf"} 3',
        'latency_sum 1.5',
        'latency_count 3',
        '# TYPE rpc summary',
        'rpc{quantile="0.99"} NaN',
        'rpc_sum -Inf',
        'rpc_count 0',
      ].join('\n'),
    );
    expect(brief(r)).toEqual([
      'http_requests_total{method="post",code="200"} 1027 @1395066363000 [http_requests_total:counter]',
      'http_requests_total{method="post",code="400"} 3 @1395066363000 [http_requests_total:counter]',
      'up{} 1 [up:unknown]',
      'latency_bucket{le="0.5"} 2 [latency:histogram]',
      'latency_bucket{le="+Inf"} 3 [latency:histogram]',
      'latency_sum{} 1.5 [latency:histogram]',
      'latency_count{} 3 [latency:histogram]',
      'rpc{quantile="0.99"} NaN [rpc:summary]',
      'rpc_sum{} -Infinity [rpc:summary]',
      'rpc_count{} 0 [rpc:summary]',
    ]);
    expect(r.families.map((f) => `${f.name}:${f.type}:${f.help}`)).toEqual([
      'http_requests_total:counter:Requests so far.',
      'up:unknown:',
      'latency:histogram:',
      'rpc:summary:',
    ]);
    expect(r.lines[0]).toBe(3);
  });

  it('unescapes label values (\\\\, \\", \\n) and HELP (only \\\\ and \\n)', () => {
    const r = parsePromText('# HELP a x\\\\y\\nz \\" \\t\na{v="q\\"u\\\\o\\nte \\t"} 1\n');
    expect(r.families[0].help).toBe('x\\y\nz \\" \\t');
    expect(r.labels(0)).toEqual(['v', 'q"u\\o\nte \\t']);
  });

  it('tolerates Prometheus text whitespace, trailing commas and a missing final newline', () => {
    const r = parsePromText('  a { x = "1" , y="2", } 1  1000 \n\tb\t2');
    expect(brief(r)).toEqual(['a{x="1",y="2"} 1 @1000 [a:unknown]', 'b{} 2 [b:unknown]']);
  });

  it('reads quoted UTF-8 metric and label names (text format 1.0.0)', () => {
    const r = parsePromText('# TYPE "my.metric" gauge\n{"my.metric", "label.x"="v"} 7\n');
    expect(r.name(0)).toBe('my.metric');
    expect(r.labels(0)).toEqual(['label.x', 'v']);
    expect(r.family(0).type).toBe('gauge');
  });

  it('normalises histogram le and summary quantile as Prometheus 3 does, unless disabled', () => {
    const body = '# TYPE h histogram\nh_bucket{le="1"} 0\nh_bucket{le="1e6"} 0\n# TYPE s summary\ns{quantile="1"} 0\ng{le="1"} 0\n';
    const on = parsePromText(body);
    expect([on.labels(0), on.labels(1), on.labels(2), on.labels(3)]).toEqual([
      ['le', '1.0'],
      ['le', '1e+06'],
      ['quantile', '1.0'],
      ['le', '1'],
    ]);
    const off = parsePromText(body, { normalizeBucketLabels: false });
    expect(off.labels(0)).toEqual(['le', '1']);
  });

  it('shares one label array across consecutive samples of one series', () => {
    const r = parsePromText('a{x="1"} 1 1\na{x="1"} 2 2\na{x="2"} 3 3\n');
    const l0 = r.labels(0);
    const l1 = r.labels(1);
    expect(l1).toBe(l0);
    expect(r.labels(2)).toEqual(['x', '2']);
    expect(r.seriesText(0)).toBe('a{x="1"}');
    expect(labelsToRecord(r.name(0), l0)).toEqual({ __name__: 'a', x: '1' });
    expect(r.seriesText(2)).toBe('a{x="2"}');
  });

  it('reports errors with line and column', () => {
    const cases: [string, number, number, RegExp][] = [
      ['ok 1\n0bad 1\n', 2, 1, /invalid metric name/],
      ['a{x="1",x="2"} 1\n', 1, 9, /duplicate label name "x"/],
      ['a{__name__="b"} 1\n', 1, 3, /__name__/],
      ['a{"__name__"="b"} 1\n', 1, 3, /__name__/],
      ['a 1x\n', 1, 3, /invalid value "1x"/],
      ['a 1 1.5\n', 1, 5, /invalid timestamp "1.5"/],
      ['a 1 -5\n', 1, 5, /invalid timestamp/],
      ['a 1 2 3\n', 1, 7, /unexpected text after timestamp/],
      ['a{x="1} 1\n', 1, 5, /unterminated/],
      ['a{x="1" y="2"} 1\n', 1, 9, /expected "," or "}"/],
      ['a\n', 1, 2, /missing value/],
      ['# TYPE a gaugez\n', 1, 10, /invalid metric type "gaugez"/],
      ['# TYPE a\n', 1, 9, /needs a type/],
      ['a 0x10\n', 1, 3, /invalid value/],
    ];
    for (const [body, line, column, message] of cases) {
      const e = errorOf(() => parsePromText(body));
      expect(e.message, body).toMatch(message);
      expect([e.line, e.column], body).toEqual([line, column]);
      expect(e.message.startsWith(`line ${line}: `)).toBe(true);
    }
  });

  it('maps untyped to unknown and keeps the latest metadata', () => {
    const r = parsePromText('# TYPE a untyped\n# HELP a first\n# HELP a second\na 1\n');
    expect(r.families).toEqual([{ name: 'a', type: 'unknown', help: 'second', unit: '' }]);
  });
});
