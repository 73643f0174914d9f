import { describe, expect, it } from 'vitest';
import type { LabelMatcher } from '../ast.ts';
import type { Queryable, SelectHints, SeriesSamples } from '../queryable.ts';
import { QueryError } from '../result.ts';
import { createEngine } from './index.ts';
import { matrixOf, storeOf, vectorOf } from './testkit.ts';

const engine = createEngine();
const s = storeOf(`
  m{i="1"} 1 2 3 4 5 6 7 8 9 10
  m{i="2"} 2 4 6 8 10 12 14 16 18 20
`);

async function failure(p: Promise<unknown>): Promise<QueryError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof QueryError) return e;
    throw e;
  }
  throw new Error('expected the query to fail');
}

describe('result shapes', () => {
  it('instant queries return vectors, scalars, strings and range vectors with the evaluation time', async () => {
    const v = await engine.instantQuery(s, 'm{i="1"}', 120_000);
    expect(v.resultType === 'vector' && v.result[0].t).toBe(120_000);
    const sc = await engine.instantQuery(s, '1 + 2', 5_000);
    expect(sc).toMatchObject({ resultType: 'scalar', result: { t: 5_000, v: 3 } });
    const str = await engine.instantQuery(s, '"hi"', 5_000);
    expect(str).toMatchObject({ resultType: 'string', result: { t: 5_000, v: 'hi' } });
    expect(matrixOf(await engine.instantQuery(s, 'm{i="2"}[2m]', 120_000))).toEqual([
      [
        'm{i="2"}',
        [
          [60_000, 4],
          [120_000, 6],
        ],
      ],
    ]);
  });
  it('range queries return series sorted by labels; scalars become one series without labels', async () => {
    const r = await engine.rangeQuery(s, 'm', 0, 120_000, 60_000);
    expect(matrixOf(r).map((x) => x[0])).toEqual(['m{i="1"}', 'm{i="2"}']);
    const sc = await engine.rangeQuery(s, 'time()', 0, 120_000, 60_000);
    expect(matrixOf(sc)).toEqual([
      [
        '{}',
        [
          [0, 0],
          [60_000, 60],
          [120_000, 120],
        ],
      ],
    ]);
  });
  it('evaluate() takes an already parsed expression', async () => {
    const { parse } = await import('../parser.ts');
    const r = await engine.evaluate(s, { expr: parse('sum(m)'), start: 60_000, end: 60_000, step: 0 });
    expect(vectorOf(r)).toEqual([['{}', 6]]);
  });
});

describe('errors a user caused', () => {
  it('a parse error is bad_data with Prometheus’s line:col text and the position', async () => {
    const e = await failure(engine.instantQuery(s, 'sum(m', 0));
    expect(e.errorType).toBe('bad_data');
    expect(e.message).toMatch(/^1:\d+: parse error: /);
    expect(e.position).toBeDefined();
  });
  it('a range query must be a scalar or instant vector', async () => {
    const e = await failure(engine.rangeQuery(s, 'm[5m]', 0, 60_000, 60_000));
    expect(e.errorType).toBe('bad_data');
    expect(e.message).toBe('invalid expression type "range vector" for range query, must be Scalar or instant Vector');
  });
  it('too many samples fails with Prometheus’s text', async () => {
    const e = await failure(engine.rangeQuery(s, 'm', 0, 540_000, 60_000, { maxSamples: 5 }));
    expect(e.errorType).toBe('execution');
    expect(e.message).toBe('query processing would load too many samples into memory in query execution');
    await expect(engine.rangeQuery(s, 'm', 0, 540_000, 60_000, { maxSamples: 100 })).resolves.toBeDefined();
  });
});

describe('cancellation and deadlines', () => {
  it('a canceled query fails as canceled', async () => {
    const e = await failure(engine.instantQuery(s, 'm', 0, { cancel: { aborted: true } }));
    expect(e.errorType).toBe('canceled');
  });
  it('cancellation is noticed during evaluation, not only before it', async () => {
    let reads = 0;
    const cancel = {
      get aborted() {
        return ++reads > 3;
      },
    };
    const e = await failure(engine.rangeQuery(s, 'sum(rate(m[2m])) + sum(m)', 0, 600_000, 1_000, { cancel }));
    expect(e.errorType).toBe('canceled');
    expect(e.message).toBe('query was canceled in expression evaluation');
  });
  it('passing the deadline fails with errorType timeout', async () => {
    let now = 0;
    const slowClock = createEngine({ now: () => (now += 1_000) });
    const e = await failure(slowClock.rangeQuery(s, 'rate(m[2m])', 0, 600_000, 1_000, { deadline: 3_000 }));
    expect(e.errorType).toBe('timeout');
    expect(e.message).toBe('query timed out in expression evaluation');
  });
});

describe('fetch phase', () => {
  it('selects each selector once with the widest time range it needs', async () => {
    const calls: Array<{ matchers: readonly LabelMatcher[]; hints: SelectHints }> = [];
    const spy: Queryable = {
      select(matchers, hints, cancel): Promise<SeriesSamples[]> {
        calls.push({ matchers, hints });
        return s.select(matchers, hints, cancel);
      },
    };
    await engine.rangeQuery(spy, 'rate(m[5m]) / m offset 1m', 600_000, 900_000, 60_000);
    expect(calls).toHaveLength(1);
    // rate needs (start - 5m, end]; `offset 1m` with the 5 m lookback needs (start - 1m - 5m, end - 1m].
    expect(calls[0].hints.start).toBe(600_000 - 360_000 + 1);
    expect(calls[0].hints.end).toBe(900_000);
  });
});

describe('matrix results are columnar underneath', () => {
  it('pointColumns() exposes the samples; points are built on demand and survive JSON', async () => {
    const { pointColumns } = await import('./index.ts');
    const r = await engine.rangeQuery(s, 'm{i="1"}', 0, 120_000, 60_000);
    if (r.resultType !== 'matrix') throw new Error('matrix expected');
    const cols = pointColumns(r.result[0]);
    expect(cols && Array.from(cols.t)).toEqual([0, 60_000, 120_000]);
    expect(cols && Array.from(cols.v)).toEqual([1, 2, 3]);
    expect(JSON.parse(JSON.stringify(r.result[0]))).toEqual({
      labels: { __name__: 'm', i: '1' },
      points: [
        { t: 0, v: 1 },
        { t: 60_000, v: 2 },
        { t: 120_000, v: 3 },
      ],
    });
    r.result[0].points = [{ t: 1, v: 1 }];
    expect(pointColumns(r.result[0])).toBeUndefined();
  });
});
