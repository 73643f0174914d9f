// Unit tests for Explore's unit formatting.
import { describe, expect, it } from 'vitest';
import { formatTicks, formatUnit } from './units.ts';

describe('formatUnit', () => {
  it('formats bytes, percentages and durations through Grafana unit ids', () => {
    expect(formatUnit(1536, 'bytes')).toBe('1.50 KiB');
    expect(formatUnit(0.5, 'percentunit')).toBe('50%');
    expect(formatUnit(42, 'percent')).toBe('42%');
    expect(formatUnit(0.25, 's')).toBe('250 ms');
    expect(formatUnit(5400, 's')).toBe('1.50 hours');
    expect(formatUnit(2_000_000, 'short')).toBe('2 Mil');
  });
  it('uses the compact SI form for auto and Prometheus spellings for specials', () => {
    expect(formatUnit(1536, 'auto')).toBe('1.536k');
    expect(formatUnit(NaN, 'bytes')).toBe('NaN');
    expect(formatUnit(Infinity, 's')).toBe('+Inf');
    expect(formatUnit(null, 'percent')).toBe('–');
  });
});

describe('formatTicks', () => {
  it('gives every tick the decimals its spacing needs', () => {
    expect(formatTicks([0, 0.5, 1, 1.5], 'percent')).toEqual(['0.0%', '0.5%', '1.0%', '1.5%']);
    expect(formatTicks([0, 0.25, 0.5], 'percentunit')).toEqual(['0%', '25%', '50%']);
    expect(formatTicks([0, 1024, 2048], 'bytes')).toEqual(['0 B', '1 KiB', '2 KiB']);
    expect(formatTicks([0, 1000, 2000], 'auto')).toEqual(['0', '1k', '2k']);
  });
});
