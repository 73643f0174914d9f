// Grid editing: moves swap past a neighbour's middle, collisions push down, everything compacts, no result overlaps.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { clampPos, moveItem, nudgeItem, resizeItem, withGridPositions, type GridItem } from './grid.ts';
import { validateDashboard } from './validate.ts';
import type { GridPos } from './model.ts';

const item = (key: string, x: number, y: number, w: number, h: number): GridItem => ({ key, pos: { x, y, w, h } });
const at = (items: GridItem[]) => Object.fromEntries(items.map((i) => [i.key, [i.pos.x, i.pos.y, i.pos.w, i.pos.h]]));
const overlapping = (ps: GridPos[]) => ps.some((a, i) => ps.some((b, j) => i < j && a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h));

describe('clampPos', () => {
  it('keeps panels on the grid', () => {
    expect(clampPos({ x: 20, y: -3, w: 10, h: 0 })).toEqual({ x: 14, y: 0, w: 10, h: 1 });
    expect(clampPos({ x: -2, y: 1.6, w: 40, h: 3.2 })).toEqual({ x: 0, y: 2, w: 24, h: 3 });
  });
});

describe('moveItem', () => {
  const column = [item('a', 0, 0, 12, 6), item('b', 0, 6, 12, 6), item('c', 12, 0, 12, 4)];

  it('swaps with the panel below once past its middle, not before', () => {
    expect(at(moveItem(column, 'a', 0, 2))).toEqual(at(column));
    expect(at(moveItem(column, 'a', 0, 9))).toEqual({ a: [0, 6, 12, 6], b: [0, 0, 12, 6], c: [12, 0, 12, 4] });
  });

  it('moves up over a panel above once above its middle', () => {
    expect(at(moveItem(column, 'b', 0, 3))).toEqual(at(column));
    expect(at(moveItem(column, 'b', 0, 2))).toEqual({ a: [0, 6, 12, 6], b: [0, 0, 12, 6], c: [12, 0, 12, 4] });
  });

  it('moves sideways into free space and compacts what is left', () => {
    expect(at(moveItem(column, 'b', 12, 4))).toEqual({ a: [0, 0, 12, 6], b: [12, 4, 12, 6], c: [12, 0, 12, 4] });
    // Onto c's column at the top: c is pushed below b.
    expect(at(moveItem(column, 'b', 12, 0))).toEqual({ a: [0, 0, 12, 6], b: [12, 0, 12, 6], c: [12, 6, 12, 4] });
  });

  it('clamps to the grid and ignores unknown keys', () => {
    expect(at(moveItem(column, 'c', 30, -5))).toEqual(at(column));
    expect(at(moveItem(column, 'zz', 3, 3))).toEqual(at(column));
  });
});

describe('resizeItem', () => {
  it('pushes what it now covers down, and lets others float up when it shrinks', () => {
    const items = [item('a', 0, 0, 12, 4), item('b', 12, 0, 12, 4), item('c', 12, 4, 12, 4)];
    expect(at(resizeItem(items, 'a', 24, 4))).toEqual({ a: [0, 0, 24, 4], b: [12, 4, 12, 4], c: [12, 8, 12, 4] });
    expect(at(resizeItem(items, 'a', 30, 2))).toEqual({ a: [0, 0, 24, 2], b: [12, 2, 12, 4], c: [12, 6, 12, 4] });
    const tall = [item('a', 0, 0, 12, 8), item('b', 0, 8, 12, 4)];
    expect(at(resizeItem(tall, 'a', 12, 3))).toEqual({ a: [0, 0, 12, 3], b: [0, 3, 12, 4] });
  });
});

describe('nudgeItem', () => {
  it('steps by a column sideways and swaps with a neighbour up or down', () => {
    const items = [item('a', 0, 0, 12, 6), item('b', 0, 6, 12, 6)];
    expect(at(nudgeItem(items, 'a', 1, 0))).toEqual({ a: [1, 0, 12, 6], b: [0, 6, 12, 6] });
    expect(at(nudgeItem(items, 'a', 0, 1))).toEqual({ a: [0, 6, 12, 6], b: [0, 0, 12, 6] });
    expect(at(nudgeItem(items, 'b', 0, -1))).toEqual({ a: [0, 6, 12, 6], b: [0, 0, 12, 6] });
    expect(at(nudgeItem(items, 'a', 0, -1))).toEqual(at(items));
    expect(at(nudgeItem(items, 'b', 0, 1))).toEqual(at(items));
  });
});

describe('properties', () => {
  const layout = fc
    .array(fc.record({ x: fc.integer({ min: 0, max: 23 }), y: fc.integer({ min: 0, max: 30 }), w: fc.integer({ min: 1, max: 24 }), h: fc.integer({ min: 1, max: 8 }) }), { minLength: 1, maxLength: 12 })
    .map((ps) => ps.map((p, i) => item(`k${i}`, Math.min(p.x, 24 - p.w), p.y, p.w, p.h)));

  it('every move and resize gives a layout without overlaps, on the grid, sizes kept by moves', () => {
    fc.assert(
      fc.property(layout, fc.nat(), fc.integer({ min: -5, max: 30 }), fc.integer({ min: -5, max: 40 }), (items, k, x, y) => {
        const key = items[k % items.length].key;
        for (const out of [moveItem(items, key, x, y), resizeItem(items, key, x, y), nudgeItem(items, key, 1, 1)]) {
          const ps = out.map((o) => o.pos);
          expect(overlapping(ps)).toBe(false);
          expect(ps.every((p) => p.x >= 0 && p.y >= 0 && p.w >= 1 && p.h >= 1 && p.x + p.w <= 24)).toBe(true);
          expect(out.map((o) => o.key)).toEqual(items.map((i) => i.key));
        }
        const moved = moveItem(items, key, x, y);
        moved.forEach((o, i) => expect([o.pos.w, o.pos.h]).toEqual([items[i].pos.w, items[i].pos.h]));
      }),
      { numRuns: 300 },
    );
  });
});

describe('withGridPositions', () => {
  it('writes positions of editable sections and row collapse flags, and leaves repeated sections alone', () => {
    const r = validateDashboard({
      schemaVersion: 1,
      uid: 'g',
      title: 'G',
      variables: [{ name: 'host', type: 'custom', query: 'a,b', multi: true }],
      panels: [
        { id: 1, type: 'text', title: 'one', gridPos: { x: 0, y: 0, w: 12, h: 4 }, options: { content: 'x' } },
        { id: 2, type: 'text', title: 'two', gridPos: { x: 12, y: 0, w: 12, h: 4 }, options: { content: 'x' } },
      ],
      rows: [
        { title: 'plain', panels: [{ id: 3, type: 'text', title: 'three', gridPos: { x: 0, y: 0, w: 24, h: 4 }, options: { content: 'x' } }] },
        { title: 'repeated', repeat: 'host', panels: [{ id: 4, type: 'text', title: 'four', gridPos: { x: 0, y: 0, w: 24, h: 4 }, options: { content: 'x' } }] },
      ],
    });
    if (!r.dashboard) throw new Error(JSON.stringify(r.errors));
    const d = r.dashboard;
    const moved = new Map<number, GridPos>([
      [1, { x: 0, y: 4, w: 12, h: 4 }],
      [2, { x: 0, y: 0, w: 24, h: 4 }],
      [3, { x: 6, y: 0, w: 6, h: 9 }],
      [4, { x: 3, y: 3, w: 3, h: 3 }],
    ]);
    const out = withGridPositions(d, moved, [true, false]);
    expect(out.panels.map((p) => p.gridPos)).toEqual([moved.get(1), moved.get(2)]);
    expect(out.rows[0]).toMatchObject({ collapsed: true, panels: [{ gridPos: moved.get(3) }] });
    expect(out.rows[1].panels[0].gridPos).toEqual({ x: 0, y: 0, w: 24, h: 4 });
    expect(validateDashboard(JSON.parse(JSON.stringify(out))).errors).toEqual([]);
    expect(d.panels[0].gridPos).toEqual({ x: 0, y: 0, w: 12, h: 4 });
  });
});
