// Layout: panel and row repeats per selected value, and vertical compaction like Grafana's grid.
import { describe, expect, it } from 'vitest';
import { defaultOptions, type GridPos, type Panel } from './model.ts';
import { compactLayout, layoutDashboard } from './layout.ts';
import type { VariableState } from './variables.ts';

const stat = (id: number, gridPos: GridPos, extra: Partial<Panel> = {}): Panel => ({ id, type: 'stat', title: `P${id}`, gridPos, targets: [], options: defaultOptions('stat'), ...extra }) as Panel;

function state(name: string, values: string[], all = false, multi = true): VariableState {
  return {
    name,
    type: 'custom',
    options: [{ text: 'All', value: '$__all' }, ...values.map((v) => ({ text: v.toUpperCase(), value: v }))],
    current: all ? { text: ['All'], value: ['$__all'] } : { text: values, value: values },
    multi,
    includeAll: true,
  };
}

describe('compactLayout', () => {
  it('closes vertical gaps and pushes overlapping panels down', () => {
    expect(compactLayout([{ x: 0, y: 5, w: 12, h: 4 }, { x: 12, y: 9, w: 12, h: 2 }])).toEqual([
      { x: 0, y: 0, w: 12, h: 4 },
      { x: 12, y: 0, w: 12, h: 2 },
    ]);
    expect(compactLayout([{ x: 0, y: 0, w: 12, h: 4 }, { x: 6, y: 2, w: 12, h: 4 }, { x: 0, y: 20, w: 24, h: 1 }])).toEqual([
      { x: 0, y: 0, w: 12, h: 4 },
      { x: 6, y: 4, w: 12, h: 4 },
      { x: 0, y: 8, w: 24, h: 1 },
    ]);
  });
});

describe('layoutDashboard', () => {
  it('repeats horizontally: equal widths from the left edge, later panels pushed below', () => {
    const d = {
      panels: [stat(1, { x: 0, y: 0, w: 6, h: 4 }, { repeat: { variable: 'host', direction: 'h' } }), stat(2, { x: 0, y: 4, w: 24, h: 3 })],
      rows: [],
    };
    const l = layoutDashboard(d, { host: state('host', ['a', 'b', 'c']) });
    expect(l.panels.map((p) => [p.key, p.gridPos])).toEqual([
      ['1-0', { x: 0, y: 0, w: 8, h: 4 }],
      ['1-1', { x: 8, y: 0, w: 8, h: 4 }],
      ['1-2', { x: 16, y: 0, w: 8, h: 4 }],
      ['2', { x: 0, y: 4, w: 24, h: 3 }],
    ]);
    expect(l.panels[1].scopedVars.host).toEqual({ value: 'b', text: 'B', regex: true });
    expect(l.panels[3].scopedVars).toEqual({});
  });

  it('wraps after maxPerRow and repeats every option for All', () => {
    const d = { panels: [stat(1, { x: 0, y: 0, w: 6, h: 4 }, { repeat: { variable: 'host', direction: 'h', maxPerRow: 2 } })], rows: [] };
    const l = layoutDashboard(d, { host: state('host', ['a', 'b', 'c'], true) });
    expect(l.panels.map((p) => p.gridPos)).toEqual([
      { x: 0, y: 0, w: 12, h: 4 },
      { x: 12, y: 0, w: 12, h: 4 },
      { x: 0, y: 4, w: 12, h: 4 },
    ]);
  });

  it('repeats vertically and inside repeated rows, with both values in scope', () => {
    const d = {
      panels: [],
      rows: [{ title: 'Disk $dc', collapsed: false, repeat: 'dc', panels: [stat(5, { x: 0, y: 0, w: 12, h: 3 }, { repeat: { variable: 'host', direction: 'v' } }), stat(6, { x: 12, y: 0, w: 12, h: 3 })] }],
    };
    const l = layoutDashboard(d, { dc: state('dc', ['eu', 'us']), host: state('host', ['a', 'b']) });
    expect(l.rows.map((r) => [r.key, r.scopedVars.dc.value])).toEqual([
      ['row0-0', 'eu'],
      ['row0-1', 'us'],
    ]);
    expect(l.rows[1].panels.map((p) => [p.key, p.gridPos.y, p.scopedVars.dc.value, p.scopedVars.host?.value])).toEqual([
      ['5-0@row0-1', 0, 'us', 'a'],
      ['5-1@row0-1', 3, 'us', 'b'],
      ['6@row0-1', 0, 'us', undefined],
    ]);
  });

  it('draws a repeated panel once when its variable is unknown or empty', () => {
    const d = { panels: [stat(1, { x: 0, y: 2, w: 6, h: 4 }, { repeat: { variable: 'gone', direction: 'h' } })], rows: [] };
    expect(layoutDashboard(d, {}).panels.map((p) => [p.key, p.gridPos.y])).toEqual([['1', 0]]);
  });
});
