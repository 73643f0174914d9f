// Tests for Explore's worker requests: instant queries, Explain counts, label names, metric summaries, storage report.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../../shared/promql/engine/index.ts';
import { MemorySampleStore } from '../store/memoryStore.ts';
import { QueryProblem, explainCounts, labelCardinalities, labelNamesOf, metricSummaries, runInstant, storageReport } from './query.ts';

const engine = createEngine();
const f = (xs: number[]): Float64Array => Float64Array.from(xs);

async function store(): Promise<MemorySampleStore> {
  const s = new MemorySampleStore();
  await s.appendBatch({
    epoch: 'e',
    seq: 1,
    series: [
      { labels: { __name__: 'up', job: 'gateway', instance: 'a' }, t: f([1000, 6000]), v: f([1, 1]) },
      { labels: { __name__: 'up', job: 'node', instance: 'b' }, t: f([1000, 6000]), v: f([1, 0]) },
      { labels: { __name__: 'http_requests_total', code: '200' }, t: f([1000, 6000]), v: f([5, 9]) },
    ],
  });
  return s;
}

describe('runInstant', () => {
  it('returns a vector as one-sample series and a scalar as one series without labels', async () => {
    const s = await store();
    const v = await runInstant(s, engine, { expr: 'up == 1', time: 6000 });
    expect(v.resultType).toBe('vector');
    expect(v.series.map((x) => [x.labels.job, Array.from(x.t), Array.from(x.v)])).toEqual([['gateway', [6000], [1]]]);
    const sc = await runInstant(s, engine, { expr: 'scalar(sum(up))', time: 6000 });
    expect(sc.resultType).toBe('scalar');
    expect(Array.from(sc.series[0].v)).toEqual([1]);
    const str = await runInstant(s, engine, { expr: '"hello"', time: 6000 });
    expect(str).toMatchObject({ resultType: 'string', text: 'hello' });
  });
  it('returns range vectors with every sample and reports syntax errors with a position', async () => {
    const m = await runInstant(await store(), engine, { expr: 'up[10s]', time: 6000 });
    expect(m.resultType).toBe('matrix');
    expect(m.series.map((x) => x.t.length)).toEqual([2, 2]);
    const err = await runInstant(await store(), engine, { expr: 'sum(up', time: 6000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(QueryProblem);
    expect((err as QueryProblem).position).toBeDefined();
  });
});

describe('explainCounts', () => {
  it('counts series, samples and label values per sub-expression, keeping errors per node', async () => {
    const counts = await explainCounts(await store(), engine, ['sum by (job) (up)', 'up', 'up[10s]', '1', 'nope{'], 6000);
    expect(counts.map((c) => [c.resultType, c.series, c.samples])).toEqual([
      ['vector', 2, 2],
      ['vector', 2, 2],
      ['matrix', 2, 4],
      ['scalar', 1, 1],
      [null, 0, 0],
    ]);
    expect(counts[1].labels).toEqual([
      ['instance', 2],
      ['job', 2],
      ['__name__', 1],
    ]);
    expect(counts[4].error).toContain('parse error');
  });
  it('stops when canceled', async () => {
    const err = await explainCounts(await store(), engine, ['up'], 6000, { aborted: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
  });
});

describe('listing helpers', () => {
  it('gathers label names from the series list when the store has no index of its own', async () => {
    const s = await store();
    const plain = { seriesList: s.seriesList.bind(s) };
    expect(await labelNamesOf(plain, [{ type: '=', name: '__name__', value: 'up' }])).toEqual(['__name__', 'instance', 'job']);
  });
  it('summarises metrics with series counts and family metadata when the store keeps it', async () => {
    const s = await store();
    const withMeta = {
      seriesList: s.seriesList.bind(s),
      metadata: async () => ({ http_requests: [{ type: 'counter' as const, help: 'Requests.', unit: '' }] }),
    };
    expect(await metricSummaries(withMeta)).toEqual([
      { name: 'http_requests_total', series: 1, type: 'counter', help: 'Requests.', unit: '' },
      { name: 'up', series: 2 },
    ]);
  });
  it('reports storage figures a store exposes and null for the rest', () => {
    expect(storageReport({})).toEqual({ storedBytes: null, retention: null, state: null, message: null, persisted: null, hasMetadata: false });
    const tsdbLike = {
      status: () => ({ state: 'ok', message: null, storedBytes: 1234, persisted: true }),
      retention: { timeMs: 1000, maxBytes: 2000 },
      metadata: async () => ({}),
    };
    expect(storageReport(tsdbLike)).toEqual({ storedBytes: 1234, retention: { timeMs: 1000, maxBytes: 2000 }, state: 'ok', message: null, persisted: true, hasMetadata: true });
  });
  it('orders label cardinalities by distinct values then name', () => {
    expect(labelCardinalities([{ a: '1', b: 'x' }, { a: '2', b: 'x' }])).toEqual([
      ['a', 2],
      ['b', 1],
    ]);
  });
});
