// Unit tests for BatchCollector (interning, grouping, ordering, stale markers) and the backoff/URL helpers.
import { describe, expect, it } from 'vitest';
import { isStaleMarker } from '../../../shared/model/stale.ts';
import type { BatchMessage } from '../../../shared/stream/protocol.ts';
import { backoffDelay, streamUrl } from './backoff.ts';
import { BatchCollector } from './batches.ts';

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
