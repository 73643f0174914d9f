// Tests for the promqltest series notation: expanding values, label sets, @st sequences and Go-style numbers.
import { describe, expect, it } from 'vitest';
import { isStaleMarker } from '../../shared/model/stale.ts';
import {
  NotationError,
  parseGoNumber,
  parseLabels,
  parseSeriesDesc,
  parseStartTimestamps,
  parseValues,
  unquote,
  type SequenceValue,
} from './series.ts';

const nums = (vals: SequenceValue[]) => vals.map((v) => (v.omitted ? '_' : v.value));

describe('parseValues', () => {
  it('expands the documented notations', () => {
    expect(nums(parseValues('1+2x3'))).toEqual([1, 3, 5, 7]);
    expect(nums(parseValues('-2+4x3'))).toEqual([-2, 2, 6, 10]);
    expect(nums(parseValues(' 1-2x4'))).toEqual([1, -1, -3, -5, -7]);
    expect(nums(parseValues(' 1x4'))).toEqual([1, 1, 1, 1, 1]);
    expect(nums(parseValues('0x8'))).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(nums(parseValues(' 1 _x3 _ 5'))).toEqual([1, '_', '_', '_', '_', 5]);
    expect(nums(parseValues('1+1x0'))).toEqual([1]);
    expect(nums(parseValues('1.5e+3 .5 -9.9e-1+1x1'))).toEqual([1500, 0.5, -0.99, 0.010000000000000009]);
  });

  it('adds the step repeatedly like the Go parser (float accumulation)', () => {
    expect(nums(parseValues('0+0.1x3'))).toEqual([0, 0.1, 0.2, 0.30000000000000004]);
  });

  it('reads Inf and NaN in any case, and stale markers', () => {
    const v = parseValues('Inf -Inf +inf NaN nan stale');
    expect(nums(v).slice(0, 5)).toEqual([Infinity, -Infinity, Infinity, NaN, NaN]);
    expect(v[5].omitted).toBe(false);
    expect(isStaleMarker((v[5] as { value: number }).value)).toBe(true);
    expect(isStaleMarker((v[3] as { value: number }).value)).toBe(false);
  });

  it('rejects malformed items with their column', () => {
    expect(() => parseValues('1 foo')).toThrow(NotationError);
    try {
      parseValues('1 2 3x');
    } catch (e) {
      expect((e as NotationError).column).toBe(4);
    }
    expect(() => parseValues('_xa')).toThrow('invalid repetition');
    expect(() => parseValues('1+2')).toThrow('unexpected "1+2"');
  });
});

describe('parseLabels', () => {
  it('reads metric names and label sets', () => {
    expect(parseLabels('up')).toEqual({ __name__: 'up' });
    expect(parseLabels('metric1_total{}')).toEqual({ __name__: 'metric1_total' });
    expect(parseLabels('{}')).toEqual({});
    expect(parseLabels('m:x{a="1", b=\'2\',c=`3\\n`,}')).toEqual({ __name__: 'm:x', a: '1', b: '2', c: '3\\n' });
    expect(parseLabels('{__name__="m", job="j"}')).toEqual({ __name__: 'm', job: 'j' });
    expect(parseLabels('{"utf.8", "a b"="c"}')).toEqual({ __name__: 'utf.8', 'a b': 'c' });
    expect(parseLabels('m{a="x\\"y\\\\z\\n\\u00e9\\x41"}')).toEqual({ __name__: 'm', a: 'x"y\\z\né' + 'A' });
  });

  it('rejects malformed label sets', () => {
    expect(() => parseLabels('m{a=1}')).toThrow('expected a quoted label value');
    expect(() => parseLabels('m{a="1" b="2"}')).toThrow('unexpected "b" in label set');
    expect(() => parseLabels('m{a="1"} x')).toThrow('unexpected text after the label set');
    expect(() => parseLabels('m{a!="1"}')).toThrow('expected "=" after label name "a"');
  });
});

describe('unquote', () => {
  it('decodes Go string literals', () => {
    expect(unquote('"Foo"')).toBe('Foo');
    expect(unquote('`a\\b`')).toBe('a\\b');
    expect(unquote("'it\\'s'")).toBe("it's");
    expect(unquote('"\\101\\t"')).toBe('A\t');
    expect(() => unquote('"x')).toThrow(NotationError);
    expect(() => unquote('"\\q"')).toThrow('unknown escape sequence');
  });
});

describe('parseSeriesDesc', () => {
  it('splits a line into labels and values, even with spaces inside label values', () => {
    const d = parseSeriesDesc('m{a="x y}"}   1 2');
    expect(d.labels).toEqual({ __name__: 'm', a: 'x y}' });
    expect(nums(d.values)).toEqual([1, 2]);
    expect(d.histograms).toBe(false);
  });

  it('flags native-histogram literals without expanding them', () => {
    const d = parseSeriesDesc('h {{schema:1 sum:3 count:22 buckets:[5 10 7]}}x2');
    expect(d).toEqual({ labels: { __name__: 'h' }, values: [], histograms: true });
  });
});

describe('parseStartTimestamps', () => {
  it('expands offsets, gaps and repeats', () => {
    expect(parseStartTimestamps('_ _ -30s-1mx2 -1s')).toEqual([undefined, undefined, -30_000, -90_000, -150_000, -1000]);
    expect(parseStartTimestamps('-1mx2 _x2 * 5s+1sx1')).toEqual([-60_000, -60_000, -60_000, undefined, undefined, -60_000, 5000, 6000]);
    expect(parseStartTimestamps('-59999ms')).toEqual([-59_999]);
  });

  it('rejects bad items', () => {
    expect(() => parseStartTimestamps('_x0')).toThrow('invalid repeat count');
    expect(() => parseStartTimestamps('1m+1m')).toThrow("expected 'x<count>'");
    expect(() => parseStartTimestamps('1q')).toThrow('invalid ST item "1q"');
  });
});

describe('parseGoNumber', () => {
  it('reads what strconv.ParseInt(s, 0, 64) or ParseFloat accept', () => {
    expect(parseGoNumber('1')).toBe(1);
    expect(parseGoNumber('-5')).toBe(-5);
    expect(parseGoNumber('0.00001234')).toBe(0.00001234);
    expect(parseGoNumber('1e3')).toBe(1000);
    expect(parseGoNumber('0x1F')).toBe(31);
    expect(parseGoNumber('017')).toBe(15);
    expect(parseGoNumber('1_000')).toBe(1000);
    expect(parseGoNumber('+Inf')).toBe(Infinity);
    expect(parseGoNumber('-inf')).toBe(-Infinity);
    expect(parseGoNumber('NaN')).toBeNaN();
  });

  it('returns undefined for series lines', () => {
    expect(parseGoNumber('{} 1')).toBeUndefined();
    expect(parseGoNumber('up')).toBeUndefined();
    expect(parseGoNumber('1x3')).toBeUndefined();
  });
});
