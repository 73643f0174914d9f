import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readChunkRecord } from '../../../shared/chunk/record.ts';
import { decodeXor } from '../../../shared/chunk/xor.ts';
import { STALE_NAN, isStaleMarker } from '../../../shared/model/stale.ts';
import { flushDelay, flushReason, planWrites } from './flushplan.ts';
import { cutRun, mustCut } from './head.ts';
import { HeadState } from './headstate.ts';
import { CHUNK_RANGE_MS, CHUNK_SAMPLES } from './layout.ts';
import { combineRuns, type Run } from './runs.ts';
import { DEFAULT_FLUSH_POLICY } from './types.ts';

const T0 = 1_700_000_000_000 - (1_700_000_000_000 % CHUNK_RANGE_MS); // an aligned bucket start
const up = { __name__: 'up', job: 'a' };

function ramp(from: number, count: number, step: number, v0 = 0): { t: Float64Array; v: Float64Array } {
  const t = new Float64Array(count);
  const v = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    t[i] = from + i * step;
    v[i] = v0 + i;
  }
  return { t, v };
}

/** Everything the state holds for the only series, as plain arrays. */
function held(h: HeadState): { t: number[]; v: number[] } {
  const e = [...h.entries()][0];
  const r = combineRuns(h.memoryRuns(e));
  return { t: Array.from(r.t), v: Array.from(r.v) };
}

describe('cut rule', () => {
  it('cuts at 120 samples and at aligned 2 h boundaries', () => {
    expect(mustCut(T0, CHUNK_SAMPLES, T0 + 1)).toBe(true);
    expect(mustCut(T0, 5, T0 + CHUNK_RANGE_MS - 1)).toBe(false);
    expect(mustCut(T0 + 10, 5, T0 + CHUNK_RANGE_MS)).toBe(true);
    const { sealed, last } = cutRun(ramp(T0 + CHUNK_RANGE_MS - 60_000, 300, 1000));
    // 60 samples before the boundary, then full chunks; the last piece stays open.
    expect(sealed.map((c) => c.run.t.length)).toEqual([60, 120]);
    expect(last.t.length).toBe(120);
    for (const c of sealed) expect(Math.floor(c.mint / CHUNK_RANGE_MS)).toBe(Math.floor(c.maxt / CHUNK_RANGE_MS));
  });
});

describe('HeadState', () => {
  it('appends in order, sealing full chunks and keeping the rest open', () => {
    const h = new HeadState(1, null);
    const r = ramp(T0, 250, 15_000);
    expect(h.append(up, r.t, r.v, 0)).toBe(250);
    const e = [...h.entries()][0];
    expect(e.sealed.map((c) => c.run.t.length)).toEqual([120, 120]);
    expect(e.head.count).toBe(10);
    expect(held(h).t).toEqual(Array.from(r.t));
    expect(decodeXor(e.sealed[1].xor).t[0]).toBe(r.t[120]);
  });

  it('merges a late sample into the open chunk, replacing a repeated timestamp', () => {
    const h = new HeadState(1, null);
    h.append(up, Float64Array.of(T0, T0 + 2000), Float64Array.of(1, 3), 0);
    expect(h.append(up, Float64Array.of(T0 + 1000, T0 + 2000), Float64Array.of(2, 30), 0)).toBe(1);
    expect(held(h)).toEqual({ t: [T0, T0 + 1000, T0 + 2000], v: [1, 2, 30] });
  });

  it('queues samples older than the open chunk for the stored chunks, newer duplicates winning', () => {
    const h = new HeadState(1, null);
    const r = ramp(T0, 130, 1000);
    h.append(up, r.t, r.v, 0);
    h.append(up, Float64Array.of(T0 + 5000, T0 + 5500), Float64Array.of(-1, -2), 0);
    const e = [...h.entries()][0];
    expect(Array.from(e.ooo!.t)).toEqual([T0 + 5000, T0 + 5500]);
    const all = held(h);
    expect(all.t.length).toBe(131);
    expect(all.v[5]).toBe(-1);
    expect(all.v[6]).toBe(-2);
  });

  it('keeps stale markers bit for bit through appends, rewrites and cuts', () => {
    const h = new HeadState(1, null);
    const v = Float64Array.of(1, 0, 3);
    v[1] = STALE_NAN;
    h.append(up, Float64Array.of(T0, T0 + 2, T0 + 4), v, 0);
    const late = Float64Array.of(0);
    late[0] = STALE_NAN;
    h.append(up, Float64Array.of(T0 + 3), late, 0);
    const e = [...h.entries()][0];
    const r = combineRuns(h.memoryRuns(e));
    expect([isStaleMarker(r.v[1]), isStaleMarker(r.v[2]), isStaleMarker(r.v[3])]).toEqual([true, true, false]);
    expect(isStaleMarker(decodeXor(e.head.bytes()).v[2])).toBe(true);
  });

  it('resolves equal label sets to one series, dropping empty labels', () => {
    const h = new HeadState(7, null);
    h.append({ __name__: 'up', job: 'a', env: '' }, Float64Array.of(T0), Float64Array.of(1), 0);
    h.append({ job: 'a', __name__: 'up' }, Float64Array.of(T0 + 1), Float64Array.of(1), 0);
    expect([...h.entries()].map((e) => [e.sid, e.labels])).toEqual([[7, { __name__: 'up', job: 'a' }]]);
    expect(h.nextSid).toBe(8);
  });

  it('claims pending writes for a flush, and a rollback returns them exactly', () => {
    const h = new HeadState(1, null);
    const r = ramp(T0, 125, 1000);
    h.append(up, r.t, r.v, 100);
    h.acceptBatch({ epoch: 'e', seq: 1 }, 100);
    h.addMetadata('up', { type: 'gauge', help: 'h', unit: '' }, 100);
    const set = h.claim(1, null);
    expect(set.position).toEqual({ epoch: 'e', seq: 1 });
    expect(set.newSeries.map((s) => s.sid)).toEqual([1]);
    expect(set.chunks.map((c) => c.chunk.run.t.length)).toEqual([120]);
    expect(set.heads.map((x) => x.count)).toEqual([5]);
    expect(set.samples).toBe(125);
    expect(h.pending()).toEqual({ batches: 0, samples: 0, since: null });
    expect(h.claim(2, null).chunks).toEqual([]);
    h.rollback(2, 0);
    h.rollback(1, 200);
    const again = h.claim(3, null);
    expect(again.chunks.length).toBe(1);
    expect(again.heads.length).toBe(1);
    expect(again.newSeries.length).toBe(1);
    expect(again.metadata).toEqual([['up', { type: 'gauge', help: 'h', unit: '' }]]);
    expect(again.samples).toBe(125);
  });

  it('keeps committed chunks readable from memory until no older read runs', () => {
    const h = new HeadState(1, null);
    const r = ramp(T0, 121, 1000);
    h.append(up, r.t, r.v, 0);
    const set = h.claim(1, null);
    h.commit(1, new Map([[1, 40]]));
    const e = [...h.entries()][0];
    expect(e.stored).toBe(true);
    expect(e.headBytes).toBe(40);
    h.release(0); // a read that began before flush 1 committed still runs
    expect(e.sealed.length).toBe(1);
    h.release(1);
    expect(e.sealed.length).toBe(0);
    expect(set.chunks.length).toBe(1);
  });

  it('lists unstored series matching matchers for reads before their first flush', () => {
    const h = new HeadState(1, null);
    h.append(up, Float64Array.of(T0), Float64Array.of(1), 0);
    h.append({ __name__: 'down' }, Float64Array.of(T0), Float64Array.of(1), 0);
    expect(h.unstoredMatching([{ type: '=', name: 'job', value: 'a' }]).map((e) => e.labels)).toEqual([up]);
    h.claim(1, null);
    expect(h.unstoredMatching([{ type: '=', name: '__name__', value: 'down' }]).length).toBe(1);
    h.commit(1, new Map());
    expect(h.unstoredMatching([])).toEqual([]);
  });

  it('holds exactly the union of appended samples, whatever the order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: -5, max: 5 })), { maxLength: 60 }), { maxLength: 8 }),
        (batches) => {
          const h = new HeadState(1, null);
          const want = new Map<number, number>();
          for (const b of batches) {
            // Each append is sorted with unique times (as the port requires); later appends win.
            const m = new Map<number, number>();
            for (const [dt, v] of b) m.set(T0 + dt * 60_000, v);
            const ts = [...m.keys()].sort((x, y) => x - y);
            if (ts.length === 0) continue;
            h.append(up, Float64Array.from(ts), Float64Array.from(ts.map((t) => m.get(t)!)), 0);
            for (const t of ts) want.set(t, m.get(t)!);
          }
          if (want.size === 0) return;
          const e = [...h.entries()][0];
          const got: Run = combineRuns(h.memoryRuns(e));
          const ts = [...want.keys()].sort((x, y) => x - y);
          expect(Array.from(got.t)).toEqual(ts);
          expect(Array.from(got.v)).toEqual(ts.map((t) => want.get(t)));
          for (const c of e.sealed) expect(c.run.t.length).toBeLessThanOrEqual(CHUNK_SAMPLES);
        },
      ),
    );
  });
});

describe('flush planning', () => {
  it('is due on batch count, sample count or age, whichever comes first', () => {
    const p = DEFAULT_FLUSH_POLICY;
    expect(flushReason({ batches: 0, samples: 0, since: null }, 1e9, p)).toBeNull();
    expect(flushReason({ batches: 1, samples: 10, since: 1000 }, 1000 + p.maxDelayMs - 1, p)).toBeNull();
    expect(flushReason({ batches: 1, samples: 10, since: 1000 }, 1000 + p.maxDelayMs, p)).toBe('age');
    expect(flushReason({ batches: p.maxBatches, samples: 10, since: 1000 }, 1000, p)).toBe('batches');
    expect(flushReason({ batches: 1, samples: p.maxSamples, since: 1000 }, 1000, p)).toBe('samples');
    expect(flushDelay({ batches: 1, samples: 1, since: 1000 }, 3000, p)).toBe(p.maxDelayMs - 2000);
  });

  it('writes each sealed chunk as a record keyed (sid, mint) and each dirty head with its series maxt', () => {
    const h = new HeadState(3, null);
    const r = ramp(T0, 130, 15_000);
    h.append(up, r.t, r.v, 0);
    const w = planWrites(h.claim(1, null));
    expect(w.chunks.map((c) => c.key)).toEqual([[3, T0]]);
    const hdr = readChunkRecord(w.chunks[0].value);
    expect([hdr.mint, hdr.maxt, hdr.count]).toEqual([T0, T0 + 119 * 15_000, 120]);
    expect(w.heads.map((x) => [x.sid, x.value.maxt, decodeXor(x.value.data).t.length])).toEqual([[3, r.t[129], 10]]);
    expect(w.chunks[0].bytes).toBeGreaterThan(w.chunks[0].value.length);
  });
});
