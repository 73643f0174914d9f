// Threshold steps and display values (formatted text and colour) for stat-like panels.
import { describe, expect, it } from 'vitest';
import { activeThreshold, displayValue } from './display.ts';
import type { Thresholds } from './model.ts';

const abs: Thresholds = { mode: 'absolute', steps: [{ value: null, color: 'green' }, { value: 70, color: 'orange' }, { value: 90, color: 'red' }] };

describe('thresholds', () => {
  it('picks the last step at or below the value', () => {
    expect(activeThreshold(abs, -5)?.color).toBe('green');
    expect(activeThreshold(abs, 70)?.color).toBe('orange');
    expect(activeThreshold(abs, 89.9)?.color).toBe('orange');
    expect(activeThreshold(abs, 1000)?.color).toBe('red');
  });

  it('percentage mode places the value on min..max first', () => {
    const pct: Thresholds = { mode: 'percentage', steps: [{ value: null, color: 'green' }, { value: 50, color: 'red' }] };
    expect(activeThreshold(pct, 600, 0, 1000)?.color).toBe('red');
    expect(activeThreshold(pct, 400, 0, 1000)?.color).toBe('green');
    expect(activeThreshold(pct, 60)?.color).toBe('red');
  });

  it('display values: unit text, threshold colour, fixed colour, no data', () => {
    expect(displayValue({ unit: 'percent', thresholds: abs }, 93.25)).toEqual({ value: 93.25, formatted: { text: '93.3', suffix: '%' }, color: 'red' });
    expect(displayValue({ unit: 'percent', thresholds: abs, color: { mode: 'fixed', fixedColor: 'blue' } }, 93)).toMatchObject({ color: 'blue' });
    expect(displayValue({ thresholds: abs, color: { mode: 'palette' } }, 93).color).toBeUndefined();
    expect(displayValue({ unit: 'bytes' }, null)).toEqual({ value: null, formatted: { text: 'No data' } });
  });
});
