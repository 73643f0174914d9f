// Layout editing on the 24-column grid: move and resize a panel, pushing others down and compacting upwards as Grafana's grid does.
import { compactLayout } from './layout.ts';
import { GRID_COLUMNS, type Dashboard, type GridPos, type Panel, type Row } from './model.ts';

/** A panel's place in one section of the grid (the top of the dashboard, or one row), by a key the caller chooses. */
export interface GridItem {
  key: string;
  pos: GridPos;
}

/** Tallest panel the editor makes (rows of 30 px). */
export const MAX_PANEL_HEIGHT = 100;

/** The position with width and height at least 1, inside the columns, and y at least 0 (all integers). */
export function clampPos(p: GridPos): GridPos {
  const w = Math.min(GRID_COLUMNS, Math.max(1, Math.round(p.w)));
  const h = Math.min(MAX_PANEL_HEIGHT, Math.max(1, Math.round(p.h)));
  const x = Math.min(GRID_COLUMNS - w, Math.max(0, Math.round(p.x)));
  return { x, y: Math.max(0, Math.round(p.y)), w, h };
}

const overlap = (a: GridPos, b: GridPos): boolean => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h;

/**
 * Places `fixed` and pushes every other item that collides (in y order, cascading) below what it hits, then compacts
 * the section upwards with `fixed` first among equals. Returns items in input order.
 */
function settle(items: readonly GridItem[], key: string, fixed: GridPos, others: readonly GridItem[]): GridItem[] {
  const placed: GridPos[] = [fixed];
  const pushed = new Map<string, GridPos>();
  for (const o of [...others].sort((a, b) => a.pos.y - b.pos.y || a.pos.x - b.pos.x)) {
    const p = { ...o.pos };
    for (let c = placed.find((q) => overlap(p, q)); c; c = placed.find((q) => overlap(p, q))) p.y = c.y + c.h;
    placed.push(p);
    pushed.set(o.key, p);
  }
  const order = [key, ...others.map((o) => o.key)];
  const compacted = compactLayout([fixed, ...others.map((o) => pushed.get(o.key)!)]);
  const byKey = new Map(order.map((k, i) => [k, compacted[i]]));
  return items.map((it) => ({ key: it.key, pos: byKey.get(it.key) ?? it.pos }));
}

/**
 * Moves one item to (x, y). The others first close the hole it leaves; an item the moved one lands on goes below it
 * when the moved item's top is above that item's middle, else the moved item goes below that item (so dragging past
 * half of a neighbour swaps the two). Everything is then compacted upwards. Unknown keys change nothing.
 */
export function moveItem(items: readonly GridItem[], key: string, x: number, y: number): GridItem[] {
  const me = items.find((it) => it.key === key);
  if (!me) return items.map((it) => ({ ...it }));
  const rest = items.filter((it) => it.key !== key);
  const closed = compactLayout(rest.map((it) => it.pos));
  const others = rest.map((it, i) => ({ key: it.key, pos: closed[i] }));
  const target = clampPos({ ...me.pos, x, y });
  for (let c = others.find((o) => overlap(target, o.pos) && target.y >= o.pos.y + o.pos.h / 2); c; c = others.find((o) => overlap(target, o.pos) && target.y >= o.pos.y + o.pos.h / 2)) {
    target.y = c.pos.y + c.pos.h;
  }
  return settle(items, key, target, others);
}

/** Resizes one item (its top-left corner stays), pushing what it now covers down, then compacts. */
export function resizeItem(items: readonly GridItem[], key: string, w: number, h: number): GridItem[] {
  const me = items.find((it) => it.key === key);
  if (!me) return items.map((it) => ({ ...it }));
  const target = clampPos({ x: me.pos.x, y: me.pos.y, w: Math.min(w, GRID_COLUMNS - me.pos.x), h });
  return settle(items, key, target, items.filter((it) => it.key !== key));
}

const samePositions = (a: readonly GridItem[], b: readonly GridItem[]): boolean =>
  a.every((it, i) => it.pos.x === b[i].pos.x && it.pos.y === b[i].pos.y && it.pos.w === b[i].pos.w && it.pos.h === b[i].pos.h);

/**
 * One keyboard step: left/right move one column; up/down move to the nearest y that changes the layout (so the
 * panel swaps with its neighbour instead of bouncing back). Returns the items unchanged at an edge.
 */
export function nudgeItem(items: readonly GridItem[], key: string, dx: -1 | 0 | 1, dy: -1 | 0 | 1): GridItem[] {
  const me = items.find((it) => it.key === key);
  if (!me) return items.map((it) => ({ ...it }));
  if (dy === 0) return moveItem(items, key, me.pos.x + dx, me.pos.y);
  const bottom = Math.max(0, ...items.map((it) => it.pos.y + it.pos.h));
  for (let y = me.pos.y + dy; y >= 0 && y <= bottom; y += dy) {
    const next = moveItem(items, key, me.pos.x + dx, y);
    if (!samePositions(items, next)) return next;
  }
  return items.map((it) => ({ ...it }));
}

/** Whether the editor may move panels in a section: not in a repeated row, and no repeated panel among them. */
export function sectionEditable(panels: readonly Panel[], row?: Row): boolean {
  return row?.repeat === undefined && panels.every((p) => p.repeat === undefined);
}

/**
 * The dashboard with edited panel positions (by panel id) and, when given, each row's collapsed flag (by row index).
 * Panels of sections that are not editable keep theirs, so the result never has panels overlapping in the model.
 */
export function withGridPositions(d: Dashboard, positions: ReadonlyMap<number, GridPos>, collapsed?: readonly boolean[]): Dashboard {
  const place = (panels: readonly Panel[], editable: boolean): Panel[] =>
    panels.map((p) => {
      const pos = editable ? positions.get(p.id) : undefined;
      return pos ? { ...p, gridPos: { ...pos } } : p;
    });
  return {
    ...d,
    panels: place(d.panels, sectionEditable(d.panels)),
    rows: d.rows.map((r, i) => ({ ...r, collapsed: collapsed?.[i] ?? r.collapsed, panels: place(r.panels, sectionEditable(r.panels, r)) })),
  };
}
