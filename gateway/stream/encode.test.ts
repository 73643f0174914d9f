// Tests for per-connection batch encoding: each series defined exactly once (the id watermark), flat shared sample text, resume planning.
import { describe, expect, it } from 'vitest';
import type { Labels } from '../../shared/model/labels.ts';
import type { StoredBatch } from '../head/head.ts';
import { batchCore, ConnectionState, planResume } from './encode.ts';
import { mulberry32 } from '../../shared/model/prng.ts';

function batch(seq: number, ids: number[], exemplarIds: number[] = []): StoredBatch {
  return {
    seq,
    appendedAt: seq,
    ids: Uint32Array.from(ids),
    ts: seq * 1000,
    vals: Float64Array.from(ids, (id) => id / 2),
    meta: [],
    exemplars: exemplarIds.map((id) => [id, { trace: String(id) }, 1, null]),
  };
}

/** The ids a batch message defines. */
function defsOf(text: string): number[] {
  const msg = JSON.parse(text) as { defs?: Array<[number, Labels]> };
  return (msg.defs ?? []).map(([id]) => id);
}


describe('ConnectionState', () => {
  it('defines each series once, also when a replay meets high ids before low ones', () => {
    const live = new Map<number, Labels>([1, 2, 3, 4, 5].map((id) => [id, { __name__: `s${id}` }]));
    const state = new ConnectionState((id) => live.get(id), () => 6);
    expect(defsOf(state.encodeBatch(batch(1, [4, 5])))).toEqual([4, 5]);
    expect(defsOf(state.encodeBatch(batch(2, [1, 4])))).toEqual([1]);
    expect(defsOf(state.encodeBatch(batch(3, [2, 3, 4, 5])))).toEqual([2, 3]);
    expect(defsOf(state.encodeBatch(batch(4, [1, 2, 3, 4, 5])))).toEqual([]);
    live.set(6, { __name__: 's6' });
    const withNew = new ConnectionState((id) => live.get(id), () => 7);
    for (const [seq, ids] of [[1, [1, 2, 3, 4, 5]], [2, [5, 6]]] as const) withNew.encodeBatch(batch(seq, [...ids]));
    expect(defsOf(withNew.encodeBatch(batch(3, [6])))).toEqual([]);
  });

  it('defines series first seen through an exemplar, once', () => {
    const live = new Map<number, Labels>([1, 2].map((id) => [id, { __name__: `s${id}` }]));
    const state = new ConnectionState((id) => live.get(id), () => 3);
    expect(defsOf(state.encodeBatch(batch(1, [1], [2])))).toEqual([1, 2]);
    expect(defsOf(state.encodeBatch(batch(2, [2], [2])))).toEqual([]);
  });

  it('matches a set-based reference on random batches with series created and dropped', () => {
    for (let seed = 1; seed <= 40; seed++) {
      const random = mulberry32(seed);
      const live = new Map<number, Labels>();
      let nextId = 1;
      const state = new ConnectionState((id) => live.get(id), () => nextId);
      const sent = new Set<number>();
      for (let seq = 1; seq <= 200; seq++) {
        // Create a few series, drop a few (ids are never reused), then send a batch of live ones.
        for (let n = Math.floor(random() * 4); n > 0; n--) live.set(nextId, { __name__: `s${nextId++}` });
        for (const id of [...live.keys()]) if (random() < 0.02) live.delete(id);
        const ids = [...live.keys()].filter(() => random() < 0.3);
        const exemplarIds = [...live.keys()].filter(() => random() < 0.02);
        const expected: number[] = [];
        for (const id of [...ids, ...exemplarIds]) {
          if (sent.has(id)) continue;
          sent.add(id);
          expected.push(id);
        }
        expect(defsOf(state.encodeBatch(batch(seq, ids, exemplarIds))), `seed ${seed}, batch ${seq}`).toEqual(expected);
      }
    }
  });
});

describe('batchCore', () => {
  it('encodes ids, timestamps, values (special values as strings) and exemplars as the protocol says, and caches it', () => {
    const b: StoredBatch = {
      seq: 1,
      appendedAt: 0,
      ids: Uint32Array.from([1, 2, 3]),
      ts: Float64Array.from([10, 20, 30]),
      vals: Float64Array.from([1.5, Infinity, NaN]),
      meta: [],
      exemplars: [[2, { trace_id: 'x' }, -Infinity, 15]],
    };
    const text = batchCore(b);
    expect(JSON.parse(`{${text}}`)).toEqual({ ids: [1, 2, 3], ts: [10, 20, 30], vals: [1.5, '+Inf', 'NaN'], exemplars: [[2, { trace_id: 'x' }, '-Inf', 15]] });
    expect(b.wire).toBe(text);
  });
});

describe('planResume', () => {
  const state = { epoch: 'e', oldestSeq: 5, nextSeq: 10 };
  it('continues inside the epoch and the retained range, and announces a gap otherwise', () => {
    expect(planResume(state, { epoch: null, after: null })).toEqual({ hello: { type: 'hello', ...state }, startSeq: 5 });
    expect(planResume(state, { epoch: 'e', after: 4 }).startSeq).toBe(5);
    expect(planResume(state, { epoch: 'e', after: 9 })).toEqual({ hello: { type: 'hello', ...state }, startSeq: 10 });
    expect(planResume(state, { epoch: 'e', after: 2 })).toEqual({
      hello: { type: 'hello', ...state, gap: { epoch: 'e', afterSeq: 2, resumedAtSeq: 5 } },
      startSeq: 5,
    });
    expect(planResume(state, { epoch: 'other', after: 7 }).hello.gap).toEqual({ epoch: 'other', afterSeq: 7, resumedAtSeq: 5 });
  });
});
