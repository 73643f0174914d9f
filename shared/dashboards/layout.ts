// Dashboard layout for rendering: panel and row repeats per variable value, then Grafana-style vertical compaction.
import type { ScopeValue } from './interpolate.ts';
import { GRID_COLUMNS, type Dashboard, type GridPos, type Panel, type Row } from './model.ts';
import { selectedOptions, type VariableStates } from './variables.ts';

/** A panel instance to draw: repeats give one per value, each with its own variable override. */
export interface LaidOutPanel {
  /** Stable across refreshes: the panel id, plus the repeat value and row instance when repeated. */
  key: string;
  panel: Panel;
  gridPos: GridPos;
  /** Values that override the dashboard's variables inside this instance (the repeat variable). */
  scopedVars: Record<string, ScopeValue>;
}

export interface LaidOutRow {
  key: string;
  row: Row;
  scopedVars: Record<string, ScopeValue>;
  panels: LaidOutPanel[];
}

export interface DashboardLayout {
  panels: LaidOutPanel[];
  rows: LaidOutRow[];
}

/** Expands row and panel repeats for the current variable selection and compacts each section upwards. */
export function layoutDashboard(d: Pick<Dashboard, 'panels' | 'rows'>, states: VariableStates): DashboardLayout {
  const rows: LaidOutRow[] = [];
  d.rows.forEach((row, ri) => {
    const values = row.repeat !== undefined ? repeatValues(row.repeat, states) : undefined;
    if (!values || values.length === 0) {
      rows.push({ key: `row${ri}`, row, scopedVars: {}, panels: layoutSection(row.panels, states, {}, '') });
      return;
    }
    values.forEach((sv, i) => {
      const scopedVars = { [row.repeat!]: sv };
      rows.push({ key: `row${ri}-${i}`, row, scopedVars, panels: layoutSection(row.panels, states, scopedVars, `@row${ri}-${i}`) });
    });
  });
  return { panels: layoutSection(d.panels, states, {}, ''), rows };
}

function repeatValues(name: string, states: VariableStates): ScopeValue[] | undefined {
  const st = states[name];
  if (!st) return undefined;
  const regex = st.multi || st.includeAll;
  return selectedOptions(st).map((o) => ({ value: o.value, text: o.text, regex }));
}

function layoutSection(panels: readonly Panel[], states: VariableStates, rowScope: Record<string, ScopeValue>, keySuffix: string): LaidOutPanel[] {
  const out: LaidOutPanel[] = [];
  for (const panel of panels) {
    const values = panel.repeat ? repeatValues(panel.repeat.variable, states) : undefined;
    if (!panel.repeat || !values || values.length === 0) {
      out.push({ key: `${panel.id}${keySuffix}`, panel, gridPos: { ...panel.gridPos }, scopedVars: { ...rowScope } });
      continue;
    }
    const { h } = panel.gridPos;
    if (panel.repeat.direction === 'v') {
      values.forEach((sv, i) => {
        out.push({ key: `${panel.id}-${i}${keySuffix}`, panel, gridPos: { ...panel.gridPos, y: panel.gridPos.y + i * h }, scopedVars: { ...rowScope, [panel.repeat!.variable]: sv } });
      });
      continue;
    }
    // Grafana fills rows of maxPerRow (default 4) from the left edge, each copy 24/n wide but no narrower than 24/maxPerRow.
    const maxPerRow = panel.repeat.maxPerRow ?? 4;
    const w = Math.max(1, Math.floor(Math.max(GRID_COLUMNS / values.length, GRID_COLUMNS / maxPerRow)));
    let x = 0;
    let y = panel.gridPos.y;
    values.forEach((sv, i) => {
      out.push({ key: `${panel.id}-${i}${keySuffix}`, panel, gridPos: { x, y, w, h }, scopedVars: { ...rowScope, [panel.repeat!.variable]: sv } });
      x += w;
      if (x + w > GRID_COLUMNS) {
        x = 0;
        y += h;
      }
    });
  }
  const positions = compactLayout(out.map((p) => p.gridPos));
  return out.map((p, i) => ({ ...p, gridPos: positions[i] }));
}

/**
 * Resolves overlaps and closes vertical gaps as Grafana's grid does: items in (y, x) order move up while the space
 * above is free, then down past anything they still overlap. Returns new positions in input order.
 */
export function compactLayout(items: readonly GridPos[]): GridPos[] {
  const order = items.map((g, i) => ({ g, i })).sort((a, b) => a.g.y - b.g.y || a.g.x - b.g.x || a.i - b.i);
  const placed: GridPos[] = [];
  const out: GridPos[] = new Array(items.length);
  const collision = (p: GridPos): GridPos | undefined => placed.find((q) => p.x < q.x + q.w && q.x < p.x + p.w && p.y < q.y + q.h && q.y < p.y + p.h);
  for (const { g, i } of order) {
    const p = { ...g };
    while (p.y > 0 && !collision({ ...p, y: p.y - 1 })) p.y--;
    for (let c = collision(p); c; c = collision(p)) p.y = c.y + c.h;
    placed.push(p);
    out[i] = p;
  }
  return out;
}
