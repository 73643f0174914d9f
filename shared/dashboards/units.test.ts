// Unit formatting against Grafana's rules: automatic decimals, SI/IEC scaling, humanised durations, custom units.
import { describe, expect, it } from 'vitest';
import { formatValue, formatValueText as f, isKnownUnit, toFixed, UNIT_CATEGORIES } from './units.ts';

describe('toFixed', () => {
  it('picks decimals by magnitude: two significant places below 100, none for integers', () => {
    expect(toFixed(1.5)).toBe('1.50');
    expect(toFixed(2.5)).toBe('2.50');
    expect(toFixed(12.34)).toBe('12.3');
    expect(toFixed(123.4)).toBe('123');
    expect(toFixed(0.01234)).toBe('0.0123');
    expect(toFixed(42)).toBe('42');
    expect(toFixed(-1.5)).toBe('-1.50');
    expect(toFixed(0)).toBe('0');
  });

  it('rounds and pads to explicit decimals', () => {
    expect(toFixed(0.1 + 0.2, 2)).toBe('0.30');
    expect(toFixed(45.6, 0)).toBe('46');
    expect(toFixed(3, 3)).toBe('3.000');
    expect(toFixed(0, 2)).toBe('0.00');
  });

  it('renders non-finite values and exponents as they are', () => {
    expect(toFixed(Infinity)).toBe('∞');
    expect(toFixed(-Infinity)).toBe('-∞');
    expect(toFixed(NaN)).toBe('NaN');
    expect(toFixed(1e21)).toBe('1e+21');
  });
});

describe('units', () => {
  it('short scales by thousands with Grafana suffixes, sishort with SI prefixes', () => {
    expect(f(999, 'short')).toBe('999');
    expect(f(1500, 'short')).toBe('1.50 K');
    expect(f(2_500_000, 'short')).toBe('2.50 Mil');
    expect(f(3e9, 'short')).toBe('3 Bil');
    expect(f(0.5, 'short')).toBe('0.500');
    expect(f(1500, 'sishort')).toBe('1.50 k');
    expect(f(2e9, 'sishort')).toBe('2 G');
    expect(f(0.002, 'sishort')).toBe('2 m');
  });

  it('percent and percentunit', () => {
    expect(f(45.2, 'percent')).toBe('45.2%');
    expect(f(45.6, 'percent', 0)).toBe('46%');
    expect(f(0.452, 'percentunit')).toBe('45.2%');
    expect(f(1, 'percentunit')).toBe('100%');
  });

  it('bytes are IEC, decbytes SI, both scaling below the base too', () => {
    expect(f(0, 'bytes')).toBe('0 B');
    expect(f(1024, 'bytes')).toBe('1 KiB');
    expect(f(1536, 'bytes')).toBe('1.50 KiB');
    expect(f(8 * 1024 ** 3, 'bytes')).toBe('8 GiB');
    expect(f(1500, 'decbytes')).toBe('1.50 kB');
    expect(f(0.5, 'decbytes')).toBe('500 mB');
    expect(f(1, 'kbytes')).toBe('1 KiB');
    expect(f(1536, 'bits')).toBe('1.50 Kib');
  });

  it('data rates and throughput', () => {
    expect(f(1_250_000, 'bps')).toBe('1.25 Mb/s');
    expect(f(2048, 'Bps')).toBe('2.05 kB/s');
    expect(f(2048, 'binBps')).toBe('2 KiB/s');
    expect(f(1500, 'reqps')).toBe('1.50K req/s');
    expect(f(15, 'ops')).toBe('15 ops');
    expect(f(120, 'iops')).toBe('120 io/s');
    expect(f(2.4e9, 'hertz')).toBe('2.40 GHz');
  });

  it('seconds are humanised into the largest fitting unit, pluralised like Grafana', () => {
    expect(f(0, 's')).toBe('0 s');
    expect(f(30, 's')).toBe('30 s');
    expect(f(0.25, 's')).toBe('250 ms');
    expect(f(5e-7, 's')).toBe('500 ns');
    expect(f(2.5e-5, 's')).toBe('25 µs');
    expect(f(90, 's')).toBe('1.50 mins');
    expect(f(90, 's', 1)).toBe('1.5 mins');
    expect(f(60, 's')).toBe('1 min');
    expect(f(7200, 's')).toBe('2 hours');
    expect(f(2 * 86_400, 's')).toBe('2 days');
    expect(f(14 * 86_400, 's')).toBe('2 weeks');
    expect(f(1500, 'ms')).toBe('1.50 s');
    expect(f(5, 'm')).toBe('5 min');
    expect(f(90, 'm')).toBe('1.50 hours');
  });

  it('durations spelled out, hh:mm:ss and d hh:mm:ss', () => {
    expect(f(3661, 'dtdurations')).toBe('1 hour');
    expect(f(3661, 'dtdurations', 2)).toBe('1 hour, 1 minute, 1 second');
    expect(f(2 * 86_400 + 7200, 'dtdurations', 1)).toBe('2 days, 2 hours');
    expect(f(0, 'dtdurations')).toBe('0 seconds');
    expect(f(-120, 'dtdurations')).toBe('2 minutes ago');
    expect(f(1500, 'dtdurationms', 1)).toBe('1 second, 500 milliseconds');
    expect(f(3725, 'dthms')).toBe('01:02:05');
    expect(f(90_061, 'dtdhms')).toBe('1 d 01:01:01');
  });

  it('temperatures, currency and energy', () => {
    expect(f(21.5, 'celsius')).toBe('21.5 °C');
    expect(f(1500, 'currencyUSD')).toBe('$1.50K');
    expect(f(-20, 'currencyEUR')).toBe('-€20');
    expect(f(1500, 'watt')).toBe('1.50 kW');
  });

  it('custom units: prefix:, suffix:, si:, count:, currency:, and unknown ids as suffix', () => {
    expect(f(3, 'prefix:€')).toBe('€3');
    expect(f(3, 'suffix:req')).toBe('3 req');
    expect(f(1500, 'si:mV')).toBe('1.50 V');
    expect(f(1500, 'count:jobs')).toBe('1.50K jobs');
    expect(f(2, 'currency:CHF')).toBe('CHF2');
    expect(f(3, 'widgets')).toBe('3 widgets');
    expect(isKnownUnit('widgets')).toBe(false);
    expect(isKnownUnit('suffix:x')).toBe(true);
    expect(isKnownUnit('bytes')).toBe(true);
  });

  it('null is empty, none is the plain number, parts stay separate', () => {
    expect(formatValue(null, 'bytes')).toEqual({ text: '' });
    expect(f(12.34, 'none')).toBe('12.3');
    expect(f(12.34)).toBe('12.3');
    expect(formatValue(1536, 'bytes')).toEqual({ text: '1.50', suffix: ' KiB' });
    expect(formatValue(Infinity, 'bytes')).toEqual({ text: '∞' });
  });

  it('lists every unit once in the picker categories, each formatting a number', () => {
    const ids = UNIT_CATEGORIES.flatMap((c) => c.units.map((u) => u.id));
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(isKnownUnit(id)).toBe(true);
      expect(f(1234.5, id)).toMatch(/\d/);
    }
  });
});
