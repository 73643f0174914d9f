// Unit formatting for Explore's axes and legend: Grafana's unit formatters (shared/dashboards/units.ts), plus "auto".
import { formatValueText } from '../../../shared/dashboards/units.ts';
import type { UnitId } from './exploreState.ts';
import { formatValue } from './format.ts';

/** Menu labels of the units Explore offers. */
export const UNIT_LABELS: Readonly<Record<UnitId, string>> = {
  auto: 'Auto (k, M, G)',
  short: 'Short (K, Mil, Bil)',
  bytes: 'Bytes (KiB, MiB)',
  percent: 'Percent (0–100)',
  percentunit: 'Percent (0.0–1.0)',
  s: 'Duration (s)',
};

/** A value in a unit; "auto" is the studio's compact SI number, nulls and specials read as Prometheus writes them. */
export function formatUnit(v: number | null | undefined, unit: UnitId): string {
  if (v === null || v === undefined || !Number.isFinite(v) || unit === 'auto') return formatValue(v);
  return formatValueText(v, unit);
}

/**
 * Axis tick labels: all ticks share the decimals the tick spacing needs (Grafana's way), so 0.5, 1.0, 1.5 line up
 * instead of reading 0.500, 1, 1.50.
 */
export function formatTicks(splits: readonly number[], unit: UnitId): string[] {
  if (unit === 'auto') return splits.map((v) => formatValue(v));
  const step = splits.length > 1 ? Math.abs(splits[1] - splits[0]) : 0;
  const scale = unit === 'percentunit' ? 100 : 1;
  const decimals = step > 0 && unit !== 'bytes' && unit !== 's' ? Math.max(0, Math.min(6, -Math.floor(Math.log10(step * scale)))) : undefined;
  return splits.map((v) => formatValueText(v, unit, decimals));
}
