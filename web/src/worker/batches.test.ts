// Unit tests for BatchCollector (interning, grouping, ordering, stale markers, metadata, exemplars) and the backoff/URL helpers.
import { describe, expect, it } from 'vitest';
import { isStaleMarker } from '../../../shared/model/stale.ts';
import type { BatchMessage } from '../../../shared/stream/protocol.ts';
import { backoffDelay, streamUrl } from './backoff.ts';
import { BatchCollector, MAX_EXEMPLARS_PER_TAKE } from './batches.ts';

const up = { __name__: 'up', job: 'g' };
const dur = { __name__: 'scrape_duration_seconds', job: 'g' };

describe('BatchCollector', () => {
  it('groups samples of consecutive batches per series and reports the last sequence number', () => {
    const c = new BatchCollector('e1');
    const b1: BatchMessage = { type: 'batch', seq: 4, defs: [[1, up], [2, dur]], ids: [1, 2], ts: 1000, vals: [1, 0.25] };
    const b2: BatchMessage = { type: 'batch', seq: 5, ids: [1, 2], ts: [6000, 6001], vals: ['stale', '+Inf'] };
    expect(c.add(b1)).toEqual([]);
    expect(c.add(b2)).toEqual([]);
    const out = c.take()!;
    expect(out.batch.epoch).toBe('e1');
    expect(out.batch.seq).toBe(5);
    const byName = Object.fromEntries(out.batch.series.map((s) => [s.labels.__name__, s]));
    expect(Array.from(byName.up.t)).toEqual([1000, 6000]);
    expect(byName.up.v[0]).toBe(1);
    expect(isStaleMarker(byName.up.v[1])).toBe(true);
    expect(Array.from(byName.scrape_duration_seconds.v)).toEqual([0.25, Infinity]);
    expect(out.summary).toEqual({ samples: 4, names: ['scrape_duration_seconds', 'up'], minT: 1000, maxT: 6001 });
    expect(c.take()).toBeNull();
  });

  it('keeps interned ids across takes but reports ids the connection never defined', () => {
    const c = new BatchCollector('e1');
    c.add({ type: 'batch', seq: 1, defs: [[7, up]], ids: [7], ts: 1, vals: [1] });
    c.take();
    expect(c.add({ type: 'batch', seq: 2, ids: [7, 8], ts: 2, vals: [1, 5] })).toEqual([
      'batch 2: series id 8 was never defined on this connection',
    ]);
    const out = c.take()!;
    expect(out.batch.series.map((s) => [s.labels, Array.from(s.t)])).toEqual([[up, [2]]]);
  });

  it('sorts a series whose samples arrive out of order, the later of two equal timestamps winning', () => {
    const c = new BatchCollector('e1');
    c.add({ type: 'batch', seq: 1, defs: [[1, up]], ids: [1, 1], ts: [3000, 1000], vals: [3, 1] });
    c.add({ type: 'batch', seq: 2, ids: [1], ts: 1000, vals: [10] });
    const [s] = c.take()!.batch.series;
    expect(Array.from(s.t)).toEqual([1000, 3000]);
    expect(Array.from(s.v)).toEqual([10, 3]);
  });

  it('carries metadata per family (latest wins) and exemplars with their series, to the next take only', () => {
    const c = new BatchCollector('e1');
    const hist = { __name__: 'req_seconds_bucket', le: '0.5' };
    c.add({
      type: 'batch',
      seq: 1,
      defs: [[1, up], [2, hist]],
      ids: [1, 2],
      ts: [1000, 1001],
      vals: [1, 7],
      meta: [['up', { type: 'gauge', help: 'old help', unit: '' }], ['req_seconds', { type: 'histogram', help: 'Latency.', unit: 'seconds' }]],
      exemplars: [[2, { trace_id: 'abc' }, 0.31, null]],
    });
    c.add({
      type: 'batch',
      seq: 2,
      ids: [1, 2],
      ts: 2000,
      vals: [1, 9],
      meta: [['up', { type: 'gauge', help: 'Target health.', unit: '' }]],
      exemplars: [[2, { trace_id: 'def' }, '+Inf', 1990]],
    });
    const { batch } = c.take()!;
    expect(batch.meta).toEqual([
      ['req_seconds', { type: 'histogram', help: 'Latency.', unit: 'seconds' }],
      ['up', { type: 'gauge', help: 'Target health.', unit: '' }],
    ]);
    // An exemplar without its own time takes its series' sample time in that batch.
    expect(batch.exemplars).toEqual([
      { series: hist, labels: { trace_id: 'abc' }, value: 0.31, ts: 1001 },
      { series: hist, labels: { trace_id: 'def' }, value: Infinity, ts: 1990 },
    ]);
    c.add({ type: 'batch', seq: 3, ids: [1], ts: 3000, vals: [1] });
    const next = c.take()!.batch;
    expect(next.meta).toBeUndefined();
    expect(next.exemplars).toBeUndefined();
  });

  it('reports exemplars of undefined series or without any time, and keeps the newest when there are too many', () => {
    const c = new BatchCollector('e1');
    expect(
      c.add({ type: 'batch', seq: 1, defs: [[1, up]], ids: [1], ts: 1000, vals: [1], exemplars: [[9, {}, 1, 5], [1, { a: 'b' }, 1, null]] }),
    ).toEqual([
      'batch 1: exemplar for series id 9, which was never defined on this connection',
    ]);
    expect(c.add({ type: 'batch', seq: 2, defs: [[2, dur]], ids: [1], ts: 2000, vals: [1], exemplars: [[2, {}, 1, null]] })).toEqual([
      'batch 2: exemplar for series id 2 has no timestamp and no sample in the batch',
    ]);
    const many: Array<[number, Record<string, string>, number, number]> = [];
    for (let i = 0; i < MAX_EXEMPLARS_PER_TAKE + 5; i++) many.push([1, {}, i, 10_000 + i]);
    c.add({ type: 'batch', seq: 3, ids: [1], ts: 3000, vals: [1], exemplars: many });
    const ex = c.take()!.batch.exemplars!;
    expect(ex.length).toBe(MAX_EXEMPLARS_PER_TAKE);
    expect(ex[ex.length - 1].value).toBe(MAX_EXEMPLARS_PER_TAKE + 4);
  });
});

describe('backoffDelay', () => {
  it('doubles from the base, stays within [50 %, 100 %] of the step and is capped', () => {
    const opts = { baseMs: 100, maxMs: 1000 };
    expect(backoffDelay(1, 0.999999, opts)).toBe(100);
    expect(backoffDelay(1, 0, opts)).toBe(50);
    expect(backoffDelay(3, 0, opts)).toBe(200);
    expect(backoffDelay(50, 0.999999, opts)).toBe(1000);
  });
});

describe('streamUrl', () => {
  it('adds epoch and after when resuming, and respects a base path', () => {
    expect(streamUrl('http://127.0.0.1:9090', null)).toBe('http://127.0.0.1:9090/api/v1/stream');
    expect(streamUrl('https://gw.example/sl/', { epoch: 'a b', seq: 41 })).toBe(
      'https://gw.example/sl/api/v1/stream?epoch=a+b&after=41',
    );
  });
});
