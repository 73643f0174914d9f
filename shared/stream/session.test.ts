// Tests for the client stream session: id table, resume query, epochs, gaps, duplicates, undefined ids.
import { describe, expect, it } from 'vitest';
import { isStaleMarker } from '../model/stale.ts';
import { StreamSession } from './session.ts';

const up = { __name__: 'up', job: 'node' };

describe('StreamSession', () => {
  it('resolves ids through defs and decodes values', () => {
    const s = new StreamSession();
    expect(s.resumeQuery()).toBe('');
    s.apply({ type: 'hello', epoch: 'e1', oldestSeq: 1, nextSeq: 1 });
    const ev = s.apply({ type: 'batch', seq: 1, defs: [[7, up]], ids: [7], ts: 1000, vals: ['stale'] });
    if (ev.type !== 'batch') throw new Error(JSON.stringify(ev));
    expect(ev.batch.labels).toEqual([up]);
    expect(Array.from(ev.batch.ts)).toEqual([1000]);
    expect(isStaleMarker(ev.batch.vals[0])).toBe(true);
    expect(s.resumeQuery()).toBe('epoch=e1&after=1');
    // Later batches may use the id without defs.
    expect(s.apply({ type: 'batch', seq: 2, ids: [7], ts: [2000], vals: [1] }).type).toBe('batch');
  });

  it('reports a batch using an undefined id as an error', () => {
    const s = new StreamSession();
    s.apply({ type: 'hello', epoch: 'e1', oldestSeq: 1, nextSeq: 1 });
    expect(s.apply({ type: 'batch', seq: 1, ids: [3], ts: 1, vals: [1] })).toEqual({
      type: 'error',
      error: 'batch 1 uses series id 3, which was never defined',
    });
  });

  it('skips replayed batches it already applied', () => {
    const s = new StreamSession({ epoch: 'e1', lastSeq: 5 });
    s.apply({ type: 'hello', epoch: 'e1', oldestSeq: 1, nextSeq: 9 });
    expect(s.apply({ type: 'batch', seq: 5, ids: [], ts: 1, vals: [] })).toEqual({ type: 'duplicate', seq: 5 });
  });

  it('forgets ids and position when the epoch changes', () => {
    const s = new StreamSession();
    s.apply({ type: 'hello', epoch: 'e1', oldestSeq: 1, nextSeq: 1 });
    s.apply({ type: 'batch', seq: 1, defs: [[1, up]], ids: [1], ts: 1, vals: [1] });
    const ev = s.apply({ type: 'hello', epoch: 'e2', oldestSeq: 1, nextSeq: 4, gap: { epoch: 'e1', afterSeq: 1, resumedAtSeq: 1 } });
    expect(ev).toMatchObject({ type: 'hello', epochChanged: true });
    expect(s.labelsOf(1)).toBeUndefined();
    expect(s.apply({ type: 'batch', seq: 1, defs: [[1, up]], ids: [1], ts: 1, vals: [1] }).type).toBe('batch');
  });

  it('rejects a batch before any hello', () => {
    expect(new StreamSession().apply({ type: 'batch', seq: 1, ids: [], ts: 1, vals: [] }).type).toBe('error');
  });
});
