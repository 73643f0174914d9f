// Tests for runQuery: PromQL through the engine, raw selector samples, and errors reported with their position.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../shared/promql/engine/index.ts';
import { MemorySampleStore } from '../store/memoryStore.ts';
import { QueryProblem, runQuery } from './query.ts';

const engine = createEngine();

async function store() {
  const s = new MemorySampleStore();
  const f = (xs: number[]) => Float64Array.from(xs);
  await s.appendBatch({
    epoch: 'e',
    seq: 1,
    series: [
      { labels: { __name__: 'up', job: 'gateway' }, t: f([1000, 6000, 11000]), v: f([1, 1, 0]) },
      { labels: { __name__: 'up', job: 'node' }, t: f([1000]), v: f([1]) },
    ],
  });
  return s;
}

const cols = (r: Awaited<ReturnType<typeof runQuery>>) => r.series.map((s) => [s.labels, Array.from(s.t), Array.from(s.v)]);

describe('runQuery', () => {
  it('evaluates PromQL as a range query at each step', async () => {
    const r = await runQuery(await store(), engine, { expr: 'sum(up)', start: 1000, end: 11000, step: 5000 });
    expect(r.mode).toBe('promql');
    expect(r.step).toBe(5000);
    expect(cols(r)).toEqual([[{}, [1000, 6000, 11000], [2, 2, 1]]]);
  });

  it('returns the stored samples of a selector in raw mode', async () => {
    const r = await runQuery(await store(), engine, { expr: 'up{job="gateway"}', start: 5000, end: 11000, step: 1000, raw: true });
    expect(r.mode).toBe('raw');
    expect(cols(r)).toEqual([[{ __name__: 'up', job: 'gateway' }, [6000, 11000], [1, 0]]]);
  });

  it('reports a syntax error with Prometheus wording and the offending range', async () => {
    const err = await runQuery(await store(), engine, { expr: 'up{job=}', start: 0, end: 1, step: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryProblem);
    expect((err as QueryProblem).message).toMatch(/^1:\d+: parse error: /);
    expect((err as QueryProblem).position!.start).toBeGreaterThan(0);
  });

  it('refuses raw mode for anything but a plain selector, pointing at the expression', async () => {
    const err = await runQuery(await store(), engine, { expr: 'sum(up)', start: 0, end: 1, step: 1, raw: true }).catch((e: unknown) => e);
    expect((err as QueryProblem).message).toContain('plain series selector');
    expect((err as QueryProblem).position).toEqual({ start: 0, end: 7 });
  });
});
