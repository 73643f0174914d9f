import { describe, expect, it } from 'vitest';
import { createEngine } from './index.ts';
import { storeOf, vectorOf } from './testkit.ts';

const engine = createEngine();
const s = storeOf(`
  m{job="a", i="1"} 1
  m{job="a", i="2"} 3
  m{job="b", i="1"} 5
  m{job="b", i="2"} 5
  m{job="b", i="3"} NaN
`);
const q = async (expr: string) => vectorOf(await engine.instantQuery(s, expr, 0));
const sorted = async (expr: string) => (await q(expr)).sort((a, b) => (a[0] < b[0] ? -1 : 1));

describe('aggregation operators', () => {
  it('sum, avg, count, min, max, group by job', async () => {
    expect(await sorted('sum by (job) (m{i!="3"})')).toEqual([
      ['{job="a"}', 4],
      ['{job="b"}', 10],
    ]);
    expect(await sorted('avg by (job) (m{i!="3"})')).toEqual([
      ['{job="a"}', 2],
      ['{job="b"}', 5],
    ]);
    expect(await sorted('count without (i) (m)')).toEqual([
      ['{job="a"}', 2],
      ['{job="b"}', 3],
    ]);
    // A NaN never wins min/max unless it is the only value seen so far.
    expect(await sorted('max by (job) (m)')).toEqual([
      ['{job="a"}', 3],
      ['{job="b"}', 5],
    ]);
    expect(await sorted('group by (job) (m)')).toEqual([
      ['{job="a"}', 1],
      ['{job="b"}', 1],
    ]);
  });
  it('stddev / stdvar are population statistics; a NaN input makes them NaN', async () => {
    expect(await sorted('stdvar by (job) (m{i!="3"})')).toEqual([
      ['{job="a"}', 1],
      ['{job="b"}', 0],
    ]);
    const [[, v]] = await q('stddev(m{job="b"})');
    expect(v).toBeNaN();
  });
  it('sum uses Kahan summation', async () => {
    const k = storeOf(`
      f{i="1"} 1e100
      f{i="2"} 1
      f{i="3"} -1e100
    `);
    expect(vectorOf(await engine.instantQuery(k, 'sum(f)', 0))).toEqual([['{}', 1]]);
  });
  it('quantile interpolates between ranks and warns outside [0, 1]', async () => {
    expect(await q('quantile(0.5, m{i!="3"})')).toEqual([['{}', 4]]);
    const res = await engine.instantQuery(s, 'quantile(1.5, m)', 0);
    expect(res.annotations.warnings).toEqual(['PromQL warning: quantile value should be between 0 and 1, got 1.5 (1:10)']);
  });
  it('topk / bottomk keep whole series, ordered, NaN last', async () => {
    // Ties keep the order Prometheus's heap leaves them in: the later series replaced the earlier top.
    expect(await q('topk(2, m)')).toEqual([
      ['m{i="2", job="b"}', 5],
      ['m{i="1", job="b"}', 5],
    ]);
    expect(await q('bottomk(1, m) by (job)')).toEqual([
      ['m{i="1", job="a"}', 1],
      ['m{i="1", job="b"}', 5],
    ]);
    await expect(engine.instantQuery(s, 'topk(NaN, m)', 0)).rejects.toThrow('Parameter value is NaN');
  });
  it('limitk takes the first k series; limit_ratio samples by label hash', async () => {
    expect(await q('limitk(1, m) by (job)')).toHaveLength(2);
    expect((await q('limit_ratio(1, m)')).length).toBe(5);
    const half = await q('limit_ratio(0.5, m)');
    const rest = await q('limit_ratio(-0.5, m)');
    // r and -(1 - r) select complementary sets.
    expect(half.length + rest.length).toBe(5);
    expect(half.filter((h) => rest.some((r) => r[0] === h[0]))).toEqual([]);
  });
  it('count_values counts series per value and label', async () => {
    expect(await sorted('count_values("v", m{i!="3"})')).toEqual([
      ['{v="1"}', 1],
      ['{v="3"}', 1],
      ['{v="5"}', 2],
    ]);
  });
});
