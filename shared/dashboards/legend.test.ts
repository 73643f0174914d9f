// Series names from legendFormat templates and the Prometheus-style default.
import { describe, expect, it } from 'vitest';
import { renderLegendFormat, seriesDisplayName } from './legend.ts';

const labels = { __name__: 'node_cpu_seconds_total', instance: 'web-1:9100', mode: 'idle' };

describe('legend', () => {
  it('substitutes {{label}} with or without spaces; missing labels become empty', () => {
    expect(renderLegendFormat('{{instance}} {{ mode }}', labels)).toBe('web-1:9100 idle');
    expect(renderLegendFormat('cpu {{cpu}}!', labels)).toBe('cpu !');
    expect(renderLegendFormat('{{__name__}}', labels)).toBe('node_cpu_seconds_total');
  });

  it('defaults to the series labels, or the query for a label-less result', () => {
    expect(seriesDisplayName(labels, undefined, 'x')).toBe('node_cpu_seconds_total{instance="web-1:9100", mode="idle"}');
    expect(seriesDisplayName(labels, '__auto', 'x')).toBe('node_cpu_seconds_total{instance="web-1:9100", mode="idle"}');
    expect(seriesDisplayName({}, '', 'sum(up)')).toBe('sum(up)');
    expect(seriesDisplayName(labels, 'Mode {{mode}}', 'x')).toBe('Mode idle');
  });
});
