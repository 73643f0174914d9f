import { describe, expect, it } from 'vitest';
import { createEngine } from './index.ts';
import { storeOf, vectorOf } from './testkit.ts';

const engine = createEngine();
const s = storeOf(`
  req{method="get", code="200"} 10
  req{method="get", code="500"} 2
  req{method="put", code="200"} 4
  lim{method="get"} 100
  lim{method="put"} 50
  x{a="1"} 3
  y{a="1"} 4
  y{a="2"} 5
`);
const q = async (expr: string) => vectorOf(await engine.instantQuery(s, expr, 0)).sort((a, b) => (a[0] < b[0] ? -1 : 1));

describe('vector matching (one-to-one, group_left/right)', () => {
  it('one-to-one on all labels but the name; arithmetic drops the name', async () => {
    expect(await q('x + y')).toEqual([['{a="1"}', 7]]);
    expect(await q('x + on() group_right y')).toEqual([
      ['{a="1"}', 7],
      ['{a="2"}', 8],
    ]);
  });
  it('group_left keeps the many side labels and copies include labels from the one side', async () => {
    expect(await q('req / on(method) group_left lim')).toEqual([
      ['{code="200", method="get"}', 0.1],
      ['{code="200", method="put"}', 0.08],
      ['{code="500", method="get"}', 0.02],
    ]);
  });
  it('rejects many-to-many with Prometheus’s message', async () => {
    await expect(engine.instantQuery(s, 'lim / on(method) req', 0)).rejects.toThrow(
      'found duplicate series for the match group {method="get"} on the right hand-side of the operation: ' +
        '[{__name__="req", code="500", method="get"}, {__name__="req", code="200", method="get"}];many-to-many matching not allowed: matching labels must be unique on one side',
    );
    await expect(engine.instantQuery(s, 'req / on(method) lim', 0)).rejects.toThrow(
      'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)',
    );
  });
  it('comparisons filter and keep the left value and name; bool returns 0/1 without the name', async () => {
    expect(await q('req > 3')).toEqual([
      ['req{code="200", method="get"}', 10],
      ['req{code="200", method="put"}', 4],
    ]);
    expect(await q('3 < req')).toEqual([
      ['req{code="200", method="get"}', 10],
      ['req{code="200", method="put"}', 4],
    ]);
    expect(await q('req > bool 3')).toEqual([
      ['{code="200", method="get"}', 1],
      ['{code="200", method="put"}', 1],
      ['{code="500", method="get"}', 0],
    ]);
  });
  it('fill() supplies a value for a missing side', async () => {
    expect(await q('x + fill(0) y')).toEqual([
      ['{a="1"}', 7],
      ['{a="2"}', 5],
    ]);
    expect(await q('x + fill_right(10) y{a="2"}')).toEqual([
      ['{a="1"}', 13],
    ]);
  });
});

describe('set operators', () => {
  it('and / unless keep left series by signature, or adds unmatched right series', async () => {
    expect(await q('y and x')).toEqual([['y{a="1"}', 4]]);
    expect(await q('y unless x')).toEqual([['y{a="2"}', 5]]);
    expect(await q('x or y')).toEqual([
      ['x{a="1"}', 3],
      ['y{a="2"}', 5],
    ]);
    expect(await q('req and on(method) lim{method="put"}')).toEqual([['req{code="200", method="put"}', 4]]);
  });
});

describe('scalar arithmetic follows Go float semantics', () => {
  it('% is Go math.Mod, ^ is Go math.Pow, atan2 works on scalars', async () => {
    const one = async (expr: string) => {
      const r = await engine.instantQuery(s, expr, 0);
      if (r.resultType !== 'scalar') throw new Error('scalar expected');
      return r.result.v;
    };
    expect(await one('-7 % 3')).toBe(-1);
    expect(await one('1 ^ NaN')).toBe(1);
    expect(await one('(-1) ^ Inf')).toBe(1);
    expect(await one('0 atan2 -1')).toBeCloseTo(Math.PI, 15);
    expect(await one('1 / 0')).toBe(Infinity);
  });
});
