import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { STALE_NAN } from '../../../shared/model/stale.ts';
import { decodeXorColumns } from '../../../shared/chunk/xordecode.ts';
import { checkpointDue, flushDelay, flushReason } from './flushplan.ts';
import { cutRun, mustCut } from './head.ts';
import { HeadState, SHARD_SERIES, type SeriesEntry, type SeriesView } from './headstate.ts';
import { CHUNK_RANGE_MS, CHUNK_SAMPLES } from './layout.ts';
import { Replica } from './replica.ts';
import { decodeWal, encodeWal } from './records.ts';
import { combineRuns, type Run } from './runs.ts';
import { DEFAULT_FLUSH_POLICY } from './types.ts';

/** Stale-marker check by bits (through an integer view, which no compiler rewrites). */
function staleAt(v: Float64Array, i: number): boolean {
  const u = new Uint32Array(v.buffer, v.byteOffset + i * 8, 2);
  return u[1] === 0x7ff00000 && u[0] === 2;
}

const R = CHUNK_RANGE_MS;
const T0 = 1_700_000_000_000 - (1_700_000_000_000 % R); // an aligned bucket start
const up = { __name__: 'up', job: 'a' };

function fresh(): HeadState {
  return new HeadState({ nextSid: 1, nextShard: 1, accepted: null, finalized: -Infinity });
}

function ramp(from: number, count: number, step: number, v0 = 0): { t: Float64Array; v: Float64Array } {
  const t = new Float64Array(count);
  const v = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    t[i] = from + i * step;
    v[i] = v0 + i;
  }
  return { t, v };
}

/** The samples a view holds (chunks decoded), late samples winning. */
function runsOf(view: SeriesView): Run {
  const runs: Run[] = [...view.final, ...view.sealed].map((c) => decodeXorColumns(c.xor));
  runs.push({ t: view.head.t.subarray(0, view.headCount), v: view.head.v.subarray(0, view.headCount) });
  runs.push(...view.late);
  return combineRuns(runs);
}

function only(h: HeadState): SeriesEntry {
  return [...h.entries()][0];
}

function held(h: HeadState): { t: number[]; v: number[] } {
  const r = runsOf(h.view(only(h)));
  return { t: Array.from(r.t), v: Array.from(r.v) };
}

describe('cut rule', () => {
  it('cuts at 120 samples and at aligned 2 h boundaries', () => {
    expect(mustCut(T0, CHUNK_SAMPLES, T0 + 1)).toBe(true);
    expect(mustCut(T0, 5, T0 + R - 1)).toBe(false);
    expect(mustCut(T0 + 10, 5, T0 + R)).toBe(true);
    const { sealed, last } = cutRun(ramp(T0 + R - 60_000, 300, 1000));
    // 60 samples before the boundary, then full chunks; the last piece stays open.
    expect(sealed.map((c) => c.run.t.length)).toEqual([60, 120]);
    expect(last.t.length).toBe(120);
    for (const c of sealed) expect(Math.floor(c.mint / R)).toBe(Math.floor(c.maxt / R));
  });
});

describe('HeadState appends', () => {
  it('appends in order, sealing full chunks and keeping the rest open', () => {
    const h = fresh();
    const r = ramp(T0, 250, 15_000);
    expect(h.append(up, r.t, r.v, 0)).toBe(250);
    const e = only(h);
    expect(e.sealed.map((c) => c.count)).toEqual([120, 120]);
    expect(e.head.count).toBe(10);
    expect(held(h).t).toEqual(Array.from(r.t));
    expect(decodeXorColumns(e.sealed[1].xor).t[0]).toBe(r.t[120]);
  });

  it('merges a late sample into the open chunk, replacing a repeated timestamp', () => {
    const h = fresh();
    h.append(up, Float64Array.of(T0, T0 + 2000), Float64Array.of(1, 3), 0);
    expect(h.append(up, Float64Array.of(T0 + 1000, T0 + 2000), Float64Array.of(2, 30), 0)).toBe(1);
    expect(held(h)).toEqual({ t: [T0, T0 + 1000, T0 + 2000], v: [1, 2, 30] });
  });

  it('rewrites sealed chunks of the open region for late samples older than the open chunk', () => {
    const h = fresh();
    const r = ramp(T0, 130, 1000);
    h.append(up, r.t, r.v, 0);
    h.claim(1, null, { checkpoint: false, finalizeTo: null });
    h.commit(1);
    expect(h.append(up, Float64Array.of(T0 + 5000, T0 + 5500), Float64Array.of(-1, -2), 0)).toBe(1);
    const all = held(h);
    expect(all.t.length).toBe(131);
    expect(all.v[5]).toBe(-1);
    expect(all.v[6]).toBe(-2);
    expect(only(h).replace).toBe(true);
    const set = h.claim(2, null, { checkpoint: false, finalizeTo: null });
    expect(set.wal.entries.map((e) => [e.mode, e.sealed.length])).toEqual([['replace', 1]]);
  });

  it('queues samples before the finalised boundary for the blocks', () => {
    const h = new HeadState({ nextSid: 1, nextShard: 1, accepted: null, finalized: T0 + R });
    h.append(up, Float64Array.of(T0 + 10, T0 + R + 10), Float64Array.of(1, 2), 0);
    const e = only(h);
    expect(Array.from(e.ooo!.t)).toEqual([T0 + 10]);
    expect(e.head.count).toBe(1);
    const set = h.claim(1, null, { checkpoint: false, finalizeTo: null });
    expect(set.ooo.map((o) => [o.sid, Array.from(o.run.t)])).toEqual([[1, [T0 + 10]]]);
    expect(h.view(e).late.length).toBe(1); // still readable until committed
    h.commit(1);
    expect(h.view(e).late.length).toBe(0);
  });

  it('keeps stale markers bit for bit through appends, rewrites and cuts', () => {
    const h = fresh();
    const v = Float64Array.of(1, 0, 3);
    v[1] = STALE_NAN;
    h.append(up, Float64Array.of(T0, T0 + 2, T0 + 4), v, 0);
    const late = Float64Array.of(0);
    late[0] = STALE_NAN;
    h.append(up, Float64Array.of(T0 + 3), late, 0);
    const r = runsOf(h.view(only(h)));
    expect([staleAt(r.v, 1), staleAt(r.v, 2), staleAt(r.v, 3)]).toEqual([true, true, false]);
    expect(staleAt(decodeXorColumns(only(h).head.bytes()).v, 2)).toBe(true);
  });

  it('resolves equal label sets to one series, dropping empty labels, and groups a metric across targets into shards', () => {
    const h = new HeadState({ nextSid: 7, nextShard: 3, accepted: null, finalized: -Infinity });
    h.append({ __name__: 'up', job: 'a', env: '' }, Float64Array.of(T0), Float64Array.of(1), 0);
    h.append({ job: 'a', __name__: 'up' }, Float64Array.of(T0 + 1), Float64Array.of(1), 0);
    expect([...h.entries()].map((e) => [e.sid, e.shard, e.labels])).toEqual([[7, 3, { __name__: 'up', job: 'a' }]]);
    for (let i = 0; i < SHARD_SERIES + 1; i++) h.append({ __name__: 'cpu', instance: String(i) }, Float64Array.of(T0), Float64Array.of(1), 0);
    h.append({ __name__: 'mem' }, Float64Array.of(T0), Float64Array.of(1), 0);
    const shards = [...h.entries()].map((e) => e.shard);
    expect(shards.filter((s) => s === 4)).toHaveLength(SHARD_SERIES);
    expect(shards.filter((s) => s === 5)).toHaveLength(1);
    expect(shards[shards.length - 1]).toBe(6);
  });

  it('holds exactly the union of appended samples, whatever the order (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: -5, max: 5 })), { maxLength: 60 }), { maxLength: 8 }),
        fc.boolean(),
        (batches, flushBetween) => {
          const h = fresh();
          const want = new Map<number, number>();
          let gen = 0;
          for (const b of batches) {
            // Each append is sorted with unique times (as the port requires); later appends win.
            const m = new Map<number, number>();
            for (const [dt, v] of b) m.set(T0 + dt * 60_000, v);
            const ts = [...m.keys()].sort((x, y) => x - y);
            if (ts.length === 0) continue;
            h.append(up, Float64Array.from(ts), Float64Array.from(ts.map((t) => m.get(t)!)), 0);
            for (const t of ts) want.set(t, m.get(t)!);
            if (flushBetween) {
              h.claim(++gen, null, { checkpoint: false, finalizeTo: h.finalizeTarget() });
              h.commit(gen);
            }
          }
          if (want.size === 0) return;
          const e = only(h);
          // What was finalised went out with its flush set; memory holds exactly the rest.
          const got = runsOf(h.view(e));
          const ts = [...want.keys()].filter((t) => t >= h.finalized).sort((x, y) => x - y);
          expect(Array.from(got.t)).toEqual(ts);
          expect(Array.from(got.v)).toEqual(ts.map((t) => want.get(t)));
          for (const c of e.sealed) expect(c.count).toBeLessThanOrEqual(CHUNK_SAMPLES);
        },
      ),
    );
  });
});

describe('HeadState flush claims', () => {
  it('claims WAL deltas that append only new sealed chunks, and a rollback returns everything', () => {
    const h = fresh();
    const r = ramp(T0, 125, 1000);
    h.append(up, r.t, r.v, 100);
    h.acceptBatch({ epoch: 'e', seq: 1 }, 100);
    h.addMetadata('up', { type: 'gauge', help: 'h', unit: '' }, 100);
    const set = h.claim(1, null, { checkpoint: false, finalizeTo: null });
    expect(set.position).toEqual({ epoch: 'e', seq: 1 });
    expect(set.newSeries.map((s) => [s.sid, s.shard])).toEqual([[1, 1]]);
    expect(set.wal.kind).toBe('delta');
    expect(set.wal.entries.map((e) => [e.mode, e.sealed.map((c) => c.count), 'full' in e.open ? decodeXorColumns(e.open.full).t.length : -1])).toEqual([['append', [120], 5]]);
    expect(set.samples).toBe(125);
    expect(h.pending()).toEqual({ batches: 0, samples: 0, since: null });
    expect(h.claim(2, null, { checkpoint: false, finalizeTo: null }).wal.entries).toEqual([]);
    h.rollback(2, 0);
    h.rollback(1, 200);
    const again = h.claim(3, null, { checkpoint: false, finalizeTo: null });
    expect(again.wal.entries.map((e) => e.sealed.length)).toEqual([1]);
    expect(again.newSeries.length).toBe(1);
    expect(again.metadata).toEqual([['up', { type: 'gauge', help: 'h', unit: '' }]]);
    expect(again.samples).toBe(125);
    h.commit(3);
    h.append(up, Float64Array.of(T0 + 200_000), Float64Array.of(9), 0);
    // The same open chunk grew by one sample: the delta carries only its count and last bytes.
    const grown = h.claim(4, null, { checkpoint: false, finalizeTo: null }).wal.entries;
    expect(grown.map((e) => [e.mode, e.sealed.length, 'count' in e.open ? e.open.count : 'full'])).toEqual([['append', 0, 6]]);
    expect('tail' in grown[0].open && grown[0].open.tail.length).toBeLessThan(8);
  });

  it('moves buckets half a range behind the newest sample into blocks, in a checkpoint flush', () => {
    const h = fresh();
    const r = ramp(T0, 4 * 60 + 1, 60_000); // 4 h at 1 min: buckets T0 and T0+R, newest at T0+4h
    h.append(up, r.t, r.v, 0);
    h.append({ __name__: 'down' }, Float64Array.of(T0 + 5), Float64Array.of(1), 0);
    expect(h.finalizeTarget()).toBe(T0 + R);
    const set = h.claim(1, null, { checkpoint: false, finalizeTo: h.finalizeTarget() });
    expect(set.wal.kind).toBe('checkpoint');
    expect(set.finalize?.from).toBe(-Infinity);
    expect(set.finalize?.to).toBe(T0 + R);
    const blocks = [...set.finalize!.blocks.values()].map((b) => [b.shard, b.bucket, [...b.series].map(([sid, cs]) => [sid, cs.reduce((n, c) => n + c.count, 0)])]);
    expect(blocks).toEqual([
      [1, T0, [[1, 120]]],
      [2, T0, [[2, 1]]],
    ]);
    // Until the flush commits, the moved chunks are still read from memory.
    expect(held(h).t.length).toBe(r.t.length);
    // The checkpoint describes only what stays in the region.
    expect(set.wal.entries.map((e) => e.sid)).toEqual([1]);
    h.commit(1);
    expect(h.finalized).toBe(T0 + R);
    expect(held(h).t[0]).toBe(T0 + R);
  });

  it('returns finalised chunks to the region when the finalising flush fails', () => {
    const h = fresh();
    const r = ramp(T0, 4 * 60 + 1, 60_000);
    h.append(up, r.t, r.v, 0);
    h.claim(1, null, { checkpoint: false, finalizeTo: h.finalizeTarget() });
    h.rollback(1, 0);
    expect(h.finalized).toBe(-Infinity);
    expect(held(h).t).toEqual(Array.from(r.t));
    const retry = h.claim(2, null, { checkpoint: false, finalizeTo: h.finalizeTarget() });
    expect([...retry.finalize!.blocks.values()][0].series.get(1)!.reduce((n, c) => n + c.count, 0)).toBe(120);
  });

  it('lists unstored series matching matchers for reads before their first flush', () => {
    const h = fresh();
    h.append(up, Float64Array.of(T0), Float64Array.of(1), 0);
    h.append({ __name__: 'down' }, Float64Array.of(T0), Float64Array.of(1), 0);
    expect(h.unstoredMatching([{ type: '=', name: 'job', value: 'a' }]).map((e) => e.labels)).toEqual([up]);
    h.claim(1, null, { checkpoint: false, finalizeTo: null });
    expect(h.unstoredMatching([{ type: '=', name: '__name__', value: 'down' }]).length).toBe(1);
    h.commit(1);
    expect(h.unstoredMatching([])).toEqual([]);
  });

  it('rebuilds the same region from its WAL records (writer reload and reader replica alike)', () => {
    const h = fresh();
    const wal: Array<{ key: [number, number]; value: Uint8Array }> = [];
    let gen = 0;
    const flush = (checkpoint = false) => {
      const set = h.claim(++gen, null, { checkpoint, finalizeTo: null });
      wal.push({ key: [gen, set.wal.kind === 'checkpoint' ? 1 : 0], value: encodeWal(set.wal.kind, set.wal.entries) });
      h.commit(gen);
    };
    const r = ramp(T0, 300, 10_000);
    h.append(up, r.t.subarray(0, 100), r.v.subarray(0, 100), 0);
    flush();
    h.append(up, r.t.subarray(100, 250), r.v.subarray(100, 250), 0);
    flush(true);
    h.append(up, r.t.subarray(250, 255), r.v.subarray(250, 255), 0);
    flush(); // the open chunk grew: a tail-only entry
    expect(decodeWal(wal[wal.length - 1].value).entries.map((e) => 'tail' in e.open)).toEqual([true]);
    h.append(up, r.t.subarray(255), r.v.subarray(255), 0);
    h.append(up, Float64Array.of(r.t[3]), Float64Array.of(-7), 0); // late: rewrites sealed chunks
    flush();
    const replay = fresh();
    replay.load(1, up, 1);
    let from = 0;
    wal.forEach((w, i) => {
      if (w.key[1] === 1) from = i;
    });
    for (const w of wal.slice(from)) replay.replay(decodeWal(w.value).entries);
    replay.finishReplay();
    expect(held(replay)).toEqual(held(h));
    const replica = new Replica();
    replica.apply(
      wal.map((w) => w.key),
      wal.map((w) => w.value),
    );
    const rs = replica.get(1)!;
    const fromReplica = combineRuns([...rs.sealed.map((c) => decodeXorColumns(c.xor)), decodeXorColumns(rs.open)]);
    expect(Array.from(fromReplica.t)).toEqual(held(h).t);
    expect(Array.from(fromReplica.v)).toEqual(held(h).v);
    expect(fromReplica.v[3]).toBe(-7);
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
    expect(flushDelay({ batches: 1, samples: 1, since: 1000 }, 1300, p)).toBe(p.maxDelayMs - 300);
    expect(flushDelay({ batches: 1, samples: 1, since: 1000 }, 1000 + p.maxDelayMs + 5, p)).toBe(0);
  });

  it('checkpoints the WAL after many deltas, or once they outweigh the region', () => {
    expect(checkpointDue(2, 10_000_000, 10)).toBe(false);
    expect(checkpointDue(10, 10_000_000, 100_000)).toBe(true);
    expect(checkpointDue(10, 100_000, 100_000)).toBe(false);
    expect(checkpointDue(10, 400_000, 100_000)).toBe(true);
    expect(checkpointDue(48, 0, 0)).toBe(true);
  });
});
