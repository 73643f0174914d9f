// Tests pinning Go's fmt/strconv output, with expected strings taken from Go's documented behaviour.
import { describe, expect, it } from 'vitest';
import { formatFloat, formatGoDuration, formatGoTime, formatValue, goQuote, sprint, sprintf } from './gofmt.ts';
import { GoMap } from './values.ts';

describe('formatFloat', () => {
  it.each<[number, 'e' | 'f' | 'g', number, string]>([
    [1, 'g', -1, '1'],
    [1000000, 'g', -1, '1e+06'],
    [100000, 'g', -1, '100000'],
    [1234567, 'g', -1, '1.234567e+06'],
    [0.0001, 'g', -1, '0.0001'],
    [0.00001, 'g', -1, '1e-05'],
    [0.1 + 0.2, 'g', -1, '0.30000000000000004'],
    [1.048576, 'g', 4, '1.049'],
    [1, 'g', 4, '1'],
    [95.89999999999999, 'g', 4, '95.9'],
    [12.345, 'g', 4, '12.35'],
    [0.125, 'g', 2, '0.12'], // exact tie: half to even
    [0.375, 'g', 2, '0.38'],
    [2.5, 'f', 0, '2'],
    [3.5, 'f', 0, '4'],
    [1234.5678, 'f', 2, '1234.57'],
    [0, 'f', 2, '0.00'],
    [123456, 'e', 2, '1.23e+05'],
    [1e100, 'g', -1, '1e+100'],
    [-0, 'g', -1, '-0'],
    [5e-324, 'g', -1, '5e-324'],
    [1.7976931348623157e308, 'g', 4, '1.798e+308'],
    [9.9999, 'g', 4, '10'],
    [999950, 'g', 4, '1e+06'],
    [NaN, 'g', 4, 'NaN'],
    [Infinity, 'g', -1, '+Inf'],
  ])('%s %s %d → %s', (f, fmt, prec, want) => {
    expect(formatFloat(f, fmt, prec)).toBe(want);
  });
});

describe('sprintf', () => {
  it.each<[string, unknown[], string]>([
    ['%s is %d', ['x', 5n], 'x is 5'],
    ['%.2f', [3.14159], '3.14'],
    ['%5.1f|', [3.14159], '  3.1|'],
    ['%-5d|', [42n], '42   |'],
    ['%05d', [-42n], '-0042'],
    ['%x %X %o %b', [255n, 255n, 8n, 5n], 'ff FF 10 101'],
    ['%x', ['hi'], '6869'],
    ['%q', ['a"b\n'], '"a\\"b\\n"'],
    ['%v %v', [1.5, true], '1.5 true'],
    ['%d', [1.5], '%!d(float64=1.5)'],
    ['%f', [3n], '%!f(int=3)'],
    ['%d %d', [1n], '1 %!d(MISSING)'],
    ['%d', [1n, 'x'], '1%!(EXTRA string=x)'],
    ['100%%', [], '100%'],
    ['%e', [1234.5678], '1.234568e+03'],
    ['%g', [1e21], '1e+21'],
    ['%+d', [5n], '+5'],
    ['%8.3s|', ['abcdef'], '     abc|'],
    ['%t', [false], 'false'],
    ['%c', [65n], 'A'],
  ])('%s', (fmt, args, want) => {
    expect(sprintf(fmt, args as never)).toBe(want);
  });
});

describe('printing', () => {
  it('prints maps sorted, slices spaced', () => {
    expect(formatValue(GoMap.ofStrings({ b: '2', a: '1' }))).toBe('map[a:1 b:2]');
    expect(formatValue(['a', 1n, 2.5])).toBe('[a 1 2.5]');
  });
  it('sprint adds spaces only between non-strings', () => {
    expect(sprint([1n, 2n, 'a', 'b', 3n])).toBe('1 2ab3');
  });
  it('quotes like strconv.Quote', () => {
    expect(goQuote('héllo\t\u0001')).toBe('"héllo\\t\\x01"');
  });
  it('formats time and durations like Go', () => {
    expect(formatGoTime(1643114203000)).toBe('2022-01-25 12:36:43 +0000 UTC');
    expect(formatGoTime(1643114203120)).toBe('2022-01-25 12:36:43.12 +0000 UTC');
    expect(formatGoDuration(5_400_000_000_000n)).toBe('1h30m0s');
    expect(formatGoDuration(1_500_000n)).toBe('1.5ms');
    expect(formatGoDuration(3_500_000_000n)).toBe('3.5s');
    expect(formatGoDuration(0n)).toBe('0s');
  });
});
