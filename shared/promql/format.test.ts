// Tests for the Prometheus API JSON writer: float and time rendering, escaping, envelopes (expected bytes taken from Prometheus 2.42).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  formatLabelsJson,
  formatQueryError,
  formatQueryResult,
  formatSampleValue,
  formatScalarValue,
  formatTimestamp,
  jsonString,
} from './format.ts';
import { STALE_NAN } from '../model/stale.ts';

const noAnnotations = { warnings: [], infos: [] };

describe('formatSampleValue (vector and matrix values)', () => {
  it.each([
    [1, '1'],
    [1.5, '1.5'],
    [0.1 + 0.2, '0.30000000000000004'],
    [-0, '-0'],
    [0, '0'],
    [1e21, '1e+21'],
    [1e-7, '1e-07'],
    [1.5e-7, '1.5e-07'],
    [1e-6, '0.000001'],
    [9.99999999999999e-7, '9.99999999999999e-07'],
    [5e-324, '5e-324'],
    [123456789012345680000, '123456789012345680000'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [-2.5e-100, '-2.5e-100'],
    [NaN, 'NaN'],
    [STALE_NAN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ])('%s -> %s', (v, want) => {
    expect(formatSampleValue(v)).toBe(want);
  });

  it('round-trips every finite double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        expect(Object.is(Number(formatSampleValue(v)), v)).toBe(true);
      }),
    );
  });
});

describe('formatScalarValue (scalars: never an exponent)', () => {
  it.each([
    [1e21, '1000000000000000000000'],
    [1e-7, '0.0000001'],
    [-1.25e-8, '-0.0000000125'],
    [1.5e22, '15000000000000000000000'],
    [123456789012345680000, '123456789012345680000'],
    [0.1 + 0.2, '0.30000000000000004'],
    [-0, '-0'],
    [5e-324, '0.' + '0'.repeat(323) + '5'],
    [NaN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
  ])('%s -> %s', (v, want) => {
    expect(formatScalarValue(v)).toBe(want);
  });

  it('round-trips every finite double without an exponent', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const s = formatScalarValue(v);
        expect(s).not.toMatch(/e/);
        expect(Object.is(Number(s), v)).toBe(true);
      }),
    );
  });
});

describe('formatTimestamp', () => {
  it.each([
    [0, '0'],
    [1500, '1.500'],
    [1005, '1.005'],
    [1050, '1.050'],
    [-1005, '-1.005'],
    [-500, '-0.500'],
    [2000, '2'],
    [1435781451781, '1435781451.781'],
    [1700000000000, '1700000000'],
  ])('%s ms -> %s', (ms, want) => {
    expect(formatTimestamp(ms)).toBe(want);
  });
});

describe('jsonString', () => {
  it('escapes like Go with HTML-safe output', () => {
    expect(jsonString('plain')).toBe('"plain"');
    expect(jsonString('a<b>&c')).toBe('"a\\u003cb\\u003e\\u0026c"');
    expect(jsonString('q"b\\')).toBe('"q\\"b\\\\"');
    expect(jsonString('\n\r\t\b\f\x01')).toBe('"\\n\\r\\t\\u0008\\u000c\\u0001"');
    expect(jsonString('\u2028\u2029')).toBe('"\\u2028\\u2029"');
    expect(jsonString('é/\u007f')).toBe('"é/\u007f"');
    expect(jsonString('😀')).toBe('"😀"');
    expect(jsonString('x\ud800y\udc00')).toBe('"x\\ufffdy\\ufffd"');
  });

  it('always produces JSON that parses back to the string (for well-formed strings)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (s) => {
        expect(JSON.parse(jsonString(s))).toBe(s);
      }),
    );
  });
});

describe('formatLabelsJson', () => {
  it('sorts names byte-wise', () => {
    expect(formatLabelsJson({ job: 'j', __name__: 'up', Zeta: 'z', instance: 'i' })).toBe(
      '{"Zeta":"z","__name__":"up","instance":"i","job":"j"}',
    );
    expect(formatLabelsJson({})).toBe('{}');
  });
});

describe('formatQueryResult', () => {
  it('writes a vector', () => {
    const body = formatQueryResult({
      resultType: 'vector',
      result: [
        { labels: { x: '<&>' }, t: -1005, v: 1 },
        { labels: { __name__: 'up', job: 'a' }, t: 1500, v: 1e21 },
      ],
      annotations: noAnnotations,
    });
    expect(body).toBe(
      '{"status":"success","data":{"resultType":"vector","result":[' +
        '{"metric":{"x":"\\u003c\\u0026\\u003e"},"value":[-1.005,"1"]},' +
        '{"metric":{"__name__":"up","job":"a"},"value":[1.500,"1e+21"]}]}}',
    );
  });

  it('writes a matrix', () => {
    const body = formatQueryResult({
      resultType: 'matrix',
      result: [{ labels: {}, points: [{ t: 1000, v: 1e-7 }, { t: 1500, v: 1e-7 }, { t: 2000, v: 1e-7 }] }],
      annotations: noAnnotations,
    });
    expect(body).toBe(
      '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1,"1e-07"],[1.500,"1e-07"],[2,"1e-07"]]}]}}',
    );
  });

  it('writes an empty matrix and vector as empty arrays', () => {
    expect(formatQueryResult({ resultType: 'matrix', result: [], annotations: noAnnotations })).toBe(
      '{"status":"success","data":{"resultType":"matrix","result":[]}}',
    );
    expect(formatQueryResult({ resultType: 'vector', result: [], annotations: noAnnotations })).toBe(
      '{"status":"success","data":{"resultType":"vector","result":[]}}',
    );
  });

  it('writes scalars and strings with float seconds and fixed-notation values', () => {
    expect(formatQueryResult({ resultType: 'scalar', result: { t: 1500, v: 1e21 }, annotations: noAnnotations })).toBe(
      '{"status":"success","data":{"resultType":"scalar","result":[1.5,"1000000000000000000000"]}}',
    );
    expect(formatQueryResult({ resultType: 'scalar', result: { t: 1435781451782, v: -0 }, annotations: noAnnotations })).toBe(
      '{"status":"success","data":{"resultType":"scalar","result":[1435781451.782,"-0"]}}',
    );
    expect(formatQueryResult({ resultType: 'string', result: { t: -1005, v: 'a<b' }, annotations: noAnnotations })).toBe(
      '{"status":"success","data":{"resultType":"string","result":[-1.005,"a\\u003cb"]}}',
    );
  });

  it('adds warnings and infos after data only when present', () => {
    const body = formatQueryResult({
      resultType: 'vector',
      result: [],
      annotations: { warnings: ['PromQL warning: w (1:1)'], infos: ['PromQL info: i (1:2)'] },
    });
    expect(body).toBe(
      '{"status":"success","data":{"resultType":"vector","result":[]},"warnings":["PromQL warning: w (1:1)"],"infos":["PromQL info: i (1:2)"]}',
    );
    const onlyInfo = formatQueryResult({ resultType: 'vector', result: [], annotations: { warnings: [], infos: ['i'] } });
    expect(onlyInfo).toBe('{"status":"success","data":{"resultType":"vector","result":[]},"infos":["i"]}');
  });

  it('produces valid JSON whose values parse back', () => {
    const body = formatQueryResult({
      resultType: 'matrix',
      result: [{ labels: { a: 'b"c' }, points: [{ t: 1, v: NaN }, { t: 2, v: -Infinity }] }],
      annotations: noAnnotations,
    });
    expect(JSON.parse(body)).toEqual({
      status: 'success',
      data: { resultType: 'matrix', result: [{ metric: { a: 'b"c' }, values: [[0.001, 'NaN'], [0.002, '-Inf']] }] },
    });
  });
});

describe('formatQueryError', () => {
  it('writes the error envelope', () => {
    expect(formatQueryError('bad_data', 'invalid parameter "query": 1:5: parse error: unclosed left parenthesis')).toBe(
      '{"status":"error","errorType":"bad_data","error":"invalid parameter \\"query\\": 1:5: parse error: unclosed left parenthesis"}',
    );
  });
});
