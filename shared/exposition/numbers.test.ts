import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatOpenMetricsFloat, parseFloatString, scanDecimal, scanDigits, secondsToMillis } from './numbers.ts';

describe('scanFloat (via parseFloatString)', () => {
  it('accepts decimal floats and the special values', () => {
    const cases: [string, number][] = [
      ['1', 1],
      ['-1.5', -1.5],
      ['+2', 2],
      ['.5', 0.5],
      ['5.', 5],
      ['1e3', 1000],
      ['1E-3', 0.001],
      ['0000000000000000000000000000000000000000001.2e-1', 0.12],
      ['9223372036854775808', 9223372036854775808],
      ['Inf', Infinity],
      ['+inf', Infinity],
      ['-Infinity', -Infinity],
      ['+INF', Infinity],
    ];
    for (const [text, want] of cases) expect(parseFloatString(text), text).toBe(want);
    expect(parseFloatString('NaN')).toBeNaN();
    expect(parseFloatString('nan')).toBeNaN();
    expect(Object.is(parseFloatString('-0'), -0)).toBe(true);
  });

  it('rejects what Go and the OpenMetrics ABNF reject', () => {
    for (const text of ['', '+', '.', 'e5', '1e', '1e+', '1.1.1', '1_2', '0x1', '0x1p-3', '0b1', '0o1', ' 1', '1 ', '+nan', 'infinit', 'a', '1z']) {
      expect(parseFloatString(text), JSON.stringify(text)).toBeUndefined();
    }
  });

  it('agrees with Number() on every printed double', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        const text = String(x).replace('Infinity', 'Inf');
        expect(parseFloatString(text) === x).toBe(true); // String(-0) is "0"
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with Number() on long decimal strings (slow path)', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^-?[0-9]{1,25}(\.[0-9]{1,25})?(e-?[0-9]{1,3})?$/), (text) => {
        expect(parseFloatString(text)).toBe(Number(text));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('scanDecimal with a shift (seconds to milliseconds)', () => {
  const ms = (text: string) => scanDecimal(text, 0, text.length, 3);
  it('shifts in decimal, without float error', () => {
    expect(ms('1.001')).toBe(1001);
    expect(ms('1.1')).toBe(1100);
    expect(ms('1704067200.123')).toBe(1704067200123);
    expect(ms('1.5e3')).toBe(1_500_000);
    expect(ms('0.0000000001')).toBe(1e-7);
    expect(ms('12345678901234567890.1234567890')).toBe(Number('12345678901234567890.1234567890e3'));
    expect(ms('NaN')).toBeUndefined();
  });
});

describe('scanDigits', () => {
  it('parses unsigned integers of up to 19 digits only', () => {
    const d = (t: string) => scanDigits(t, 0, t.length);
    expect(d('1704067200000')).toBe(1704067200000);
    expect(d('0')).toBe(0);
    expect(d('-1')).toBeUndefined();
    expect(d('1.5')).toBeUndefined();
    expect(d('12345678901234567890')).toBeUndefined();
  });
});

describe('formatOpenMetricsFloat', () => {
  it('matches Go strconv.FormatFloat(f, g, -1) plus ".0"', () => {
    const cases: [number, string][] = [
      [1, '1.0'],
      [0, '0.0'],
      [-1, '-1.0'],
      [0.5, '0.5'],
      [2.5, '2.5'],
      [10, '10.0'],
      [100000, '100000.0'],
      [1e6, '1e+06'],
      [1234567, '1.234567e+06'],
      [1e23, '1e+23'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [-1.5e-7, '-1.5e-07'],
      [1.55555555555552e6, '1.55555555555552e+06'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
      [NaN, 'NaN'],
    ];
    for (const [v, want] of cases) expect(formatOpenMetricsFloat(v), String(v)).toBe(want);
  });
});

describe('secondsToMillis', () => {
  it('truncates after a decimal shift', () => {
    expect(secondsToMillis(1.001)).toBe(1001);
    expect(secondsToMillis(1726839813.016397)).toBe(1726839813016);
    expect(secondsToMillis(1e-9)).toBe(0);
    expect(secondsToMillis(NaN)).toBeNaN();
  });
});
