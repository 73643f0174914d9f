import { describe, expect, it } from 'vitest';
import { createEngine } from './index.ts';
import { matrixOf, storeOf, vectorOf } from './testkit.ts';

const engine = createEngine();

describe('instant selectors: lookback and staleness', () => {
  const s = storeOf('up{job="a"} 1 _ _ _ _ _ _ _ 2 stale');
  it('takes the newest sample within the 5 m lookback, exclusive at the far end', async () => {
    expect(vectorOf(await engine.instantQuery(s, 'up', 299_999))).toEqual([['up{job="a"}', 1]]);
    expect(vectorOf(await engine.instantQuery(s, 'up', 300_000))).toEqual([]);
  });
  it('a stale marker ends the series immediately', async () => {
    expect(vectorOf(await engine.instantQuery(s, 'up', 8 * 60_000 + 59_000))).toEqual([['up{job="a"}', 2]]);
    expect(vectorOf(await engine.instantQuery(s, 'up', 9 * 60_000))).toEqual([]);
  });
  it('honours a per-query lookback delta', async () => {
    expect(vectorOf(await engine.instantQuery(s, 'up', 90_000, { lookbackDelta: 60_000 }))).toEqual([]);
    expect(vectorOf(await engine.instantQuery(s, 'up', 50_000, { lookbackDelta: 60_000 }))).toEqual([['up{job="a"}', 1]]);
  });
  it('range queries fill each step from the same rules', async () => {
    const res = await engine.rangeQuery(s, 'up', 0, 10 * 60_000, 2 * 60_000);
    expect(matrixOf(res)).toEqual([
      [
        'up{job="a"}',
        [
          [0, 1],
          [120_000, 1],
          [240_000, 1],
          [480_000, 2],
        ],
      ],
    ]);
  });
  it('stale markers never appear inside range vectors', async () => {
    const res = await engine.instantQuery(s, 'up[10m]', 10 * 60_000);
    expect(matrixOf(res)).toEqual([['up{job="a"}', [[480_000, 2]]]]);
  });
});

describe('offset and @', () => {
  const s = storeOf('m 0 1 2 3 4 5 6');
  it('offset looks back, negative offset looks ahead', async () => {
    expect(vectorOf(await engine.instantQuery(s, 'm offset 2m', 4 * 60_000))).toEqual([['m', 2]]);
    expect(vectorOf(await engine.instantQuery(s, 'm offset -1m', 4 * 60_000))).toEqual([['m', 5]]);
  });
  it('@ pins the evaluation time for every step; start() and end() resolve to the query range', async () => {
    const res = await engine.rangeQuery(s, 'm @ 120', 0, 180_000, 60_000);
    expect(matrixOf(res)).toEqual([
      [
        'm',
        [
          [0, 2],
          [60_000, 2],
          [120_000, 2],
          [180_000, 2],
        ],
      ],
    ]);
    const ends = await engine.rangeQuery(s, 'm @ end() - m @ start()', 60_000, 300_000, 60_000);
    expect(matrixOf(ends)[0][1].map(([, v]) => v)).toEqual([4, 4, 4, 4, 4]);
  });
  it('timestamp() returns the sample time, not the step', async () => {
    expect(vectorOf(await engine.instantQuery(s, 'timestamp(m)', 150_000))).toEqual([['{}', 120]]);
    expect(vectorOf(await engine.instantQuery(s, 'timestamp(m @ 61)', 400_000))).toEqual([['{}', 60]]);
  });
});

describe('subqueries', () => {
  const s = storeOf('m 0 1 2 3 4 5 6 7 8 9 10');
  it('evaluate the inner expression at absolute multiples of the step', async () => {
    // [4m:2m] at 9m: inner steps after 5m that are multiples of 2m → 6m and 8m.
    const res = await engine.instantQuery(s, 'm[4m:2m]', 9 * 60_000);
    expect(matrixOf(res)).toEqual([
      [
        'm',
        [
          [360_000, 6],
          [480_000, 8],
        ],
      ],
    ]);
  });
  it('default to the engine subquery step (1 m) and feed range functions', async () => {
    expect(vectorOf(await engine.instantQuery(s, 'sum_over_time(m[3m:])', 10 * 60_000))).toEqual([['{}', 27]]);
    const fine = createEngine({ subqueryStep: 30_000 });
    expect(vectorOf(await fine.instantQuery(s, 'count_over_time(m[3m:])', 10 * 60_000))).toEqual([['{}', 6]]);
  });
  it('keep the delayed name drop of inner expressions', async () => {
    expect(vectorOf(await engine.instantQuery(s, 'last_over_time(abs(m)[3m:])', 10 * 60_000))).toEqual([['{}', 10]]);
    expect(vectorOf(await engine.instantQuery(s, 'last_over_time(m[3m:])', 10 * 60_000))).toEqual([['m', 10]]);
  });
});

describe('delayed __name__ removal', () => {
  const s = storeOf(`
    a_total{env="1"} 1 2
    b_total{env="1"} 5 6
  `);
  it('keeps the name through aggregation by __name__ and drops it at the end', async () => {
    expect(vectorOf(await engine.instantQuery(s, 'sum by (__name__) (a_total)', 60_000))).toEqual([['a_total', 2]]);
    // Increase 1 over 60 s extrapolated half an interval back (×1.5), per 300 s of range.
    expect(vectorOf(await engine.instantQuery(s, 'sum by (__name__) (rate(a_total[5m]))', 60_000))).toEqual([['{}', 0.005]]);
  });
  it('fails when dropping names makes two series identical', async () => {
    await expect(engine.instantQuery(s, 'ceil({env="1"})', 60_000)).rejects.toThrow(
      'vector cannot contain metrics with the same labelset',
    );
  });
});
