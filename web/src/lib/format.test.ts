// Unit tests for the display formatters.
import { describe, expect, it } from 'vitest';
import { formatAgo, formatCount, formatDuration, formatValue, parseDuration } from './format.ts';

describe('durations', () => {
  it('formats and parses Prometheus durations', () => {
    expect(formatDuration(5400_000)).toBe('1h30m');
    expect(formatDuration(15_000)).toBe('15s');
    expect(formatDuration(0)).toBe('0s');
    expect(parseDuration('1h30m')).toBe(5400_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('5 minutes')).toBeNull();
    expect(parseDuration('')).toBeNull();
  });
});

describe('formatAgo', () => {
  it('picks a unit by distance', () => {
    expect(formatAgo(1000, 1500)).toBe('just now');
    expect(formatAgo(0, 12_000)).toBe('12 s ago');
    expect(formatAgo(0, 180_000)).toBe('3 min ago');
    expect(formatAgo(0, 7_200_000)).toBe('2 h ago');
    expect(formatAgo(0, 4 * 86_400_000)).toBe('4 d ago');
  });
});

describe('formatValue', () => {
  it('uses k/M/G/T suffixes, plain decimals below 1000, four significant digits and Prometheus names for special values', () => {
    expect(formatValue(0.001234)).toBe('0.001234');
    expect(formatValue(0.04400)).toBe('0.044');
    expect(formatValue(999.94)).toBe('999.9');
    expect(formatValue(0.00001)).toBe('1.00e-5');
    expect(formatValue(1536)).toBe('1.536k');
    expect(formatValue(2_000_000)).toBe('2M');
    expect(formatValue(-42)).toBe('-42');
    expect(formatValue(0)).toBe('0');
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(null)).toBe('–');
    expect(formatValue(1e20)).toBe('1.00e+20');
  });
  it('groups counts by thousands', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatCount(12)).toBe('12');
  });
});
