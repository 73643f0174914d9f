// A panel value ready to show: threshold step, colour and formatted text, from the panel's field settings.
import type { PanelCommon, ThresholdStep, Thresholds } from './model.ts';
import { formatValue, type FormattedValue } from './units.ts';

/**
 * The threshold step a value falls in: the last step whose value is ≤ the value (the first step is the base).
 * In `percentage` mode the value is first placed on the min..max range (0..100 when unset) as a percentage.
 */
export function activeThreshold(thresholds: Thresholds, value: number, min?: number, max?: number): ThresholdStep | undefined {
  const steps = thresholds.steps;
  if (steps.length === 0) return undefined;
  let v = value;
  if (thresholds.mode === 'percentage') {
    const lo = min ?? 0;
    const hi = max ?? 100;
    v = hi === lo ? 100 : ((value - lo) / (hi - lo)) * 100;
  }
  let active = steps[0];
  for (const step of steps) {
    if (step.value === null || v >= step.value) active = step;
    else break;
  }
  return active;
}

export interface DisplayValue {
  value: number | null;
  formatted: FormattedValue;
  /** The threshold colour when the panel colours by threshold (or has thresholds and no other colour mode). */
  color?: string;
}

/** Formats a reduced value with the panel's unit/decimals and picks its threshold colour. */
export function displayValue(panel: Pick<PanelCommon, 'unit' | 'decimals' | 'thresholds' | 'min' | 'max' | 'color'>, value: number | null): DisplayValue {
  const formatted = value === null ? { text: 'No data' } : formatValue(value, panel.unit, panel.decimals);
  let color: string | undefined;
  if (panel.color?.mode === 'fixed') color = panel.color.fixedColor;
  else if (value !== null && panel.thresholds && (panel.color === undefined || panel.color.mode === 'thresholds')) {
    color = activeThreshold(panel.thresholds, value, panel.min, panel.max)?.color;
  }
  return { value, formatted, ...(color !== undefined ? { color } : {}) };
}
