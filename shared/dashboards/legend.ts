// Series display names: legendFormat templates (`{{instance}}`) and the default Prometheus-style series name.
import { formatLabels, type Labels } from '../model/labels.ts';

const TEMPLATE = /\{\{\s*(.+?)\s*\}\}/g;

/** Substitutes `{{label}}` with the series' label value; a missing label becomes empty, as in Grafana. */
export function renderLegendFormat(format: string, labels: Labels): string {
  return format.replace(TEMPLATE, (_match, name: string) => labels[name] ?? '');
}

/**
 * A series' display name: the rendered legendFormat when set (Grafana's `__auto` counts as unset), otherwise the
 * series as Prometheus prints it (`up{instance="a", job="b"}`), or the query itself for a result with no labels.
 */
export function seriesDisplayName(labels: Labels, legendFormat: string | undefined, expr: string): string {
  if (legendFormat && legendFormat !== '__auto') return renderLegendFormat(legendFormat, labels);
  return Object.keys(labels).length === 0 ? expr : formatLabels(labels);
}
