// Behaviour every SampleStore must show, as framework-free cases so the same suite runs in node and in Chromium.
import { isStaleMarker, STALE_NAN } from '../../../shared/model/stale.ts';
import type { Labels } from '../../../shared/model/labels.ts';
import type { LabelMatcher } from '../../../shared/promql/ast.ts';
import type { SeriesSamples } from '../../../shared/promql/queryable.ts';
import type { AppendBatch, SampleStore, SeriesAppend } from './sampleStore.ts';

/** How a contract run obtains stores; `reopen` (when the store is durable) opens the same storage again. */
export interface StoreTarget {
  open(): Promise<SampleStore>;
  reopen?(): Promise<SampleStore>;
}

export interface ContractCase {
  name: string;
  /** Only for durable stores. */
  durable?: boolean;
  run(target: StoreTarget): Promise<void>;
}

/** Thrown when a contract expectation fails; the message says what differed. */
export class ContractFailure extends Error {
  override name = 'ContractFailure';
}

function expectEqual(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new ContractFailure(`${what}: expected ${e}, got ${a}`);
}

function expectTrue(cond: boolean, what: string): void {
  if (!cond) throw new ContractFailure(what);
}

const HOUR = 3_600_000;
const T0 = 1_700_000_000_000;

const up = (job: string, instance: string): Labels => ({ __name__: 'up', job, instance });
const eq = (name: string, value: string): LabelMatcher => ({ type: '=', name, value });

/** A series' samples as plain arrays for comparison. */
function plain(s: SeriesSamples): { labels: Labels; t: number[]; v: number[] } {
  return { labels: s.labels, t: Array.from(s.t), v: Array.from(s.v) };
}

/** A batch from plain arrays (values must not need NaN payloads; see `ramp` and the stale case for those). */
function batch(epoch: string, seq: number, series: Array<{ labels: Labels; t: number[]; v: number[] } | SeriesAppend>): AppendBatch {
  return {
    epoch,
    seq,
    series: series.map((s) => ({ labels: s.labels, t: Float64Array.from(s.t), v: s.v instanceof Float64Array ? s.v : Float64Array.from(s.v) })),
  };
}

/** Samples every `step` ms from `from`, value = index. */
function ramp(labels: Labels, from: number, count: number, step: number): SeriesAppend {
  const t = new Float64Array(count);
  const v = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    t[i] = from + i * step;
    v[i] = i;
  }
  return { labels, t, v };
}

/** The cases, in the order they should run. */
export const storeContract: ContractCase[] = [
  {
    name: 'an empty store has no position, no series and zero stats',
    async run({ open }) {
      const s = await open();
      expectEqual(await s.position(), null, 'position');
      expectEqual(await s.seriesList([]), [], 'series');
      expectEqual(await s.select([eq('__name__', 'up')], { start: 0, end: Infinity }), [], 'select');
      expectEqual(await s.stats(), { series: 0, samples: 0, oldest: null, newest: null, position: null }, 'stats');
      s.close();
    },
  },
  {
    name: 'select returns the samples of matching series in an inclusive time range, in label order',
    async run({ open }) {
      const s = await open();
      await s.appendBatch(
        batch('e1', 1, [
          { labels: up('b', 'x:1'), t: [T0, T0 + 5000, T0 + 10000], v: [1, 0, 1] },
          { labels: up('a', 'x:1'), t: [T0, T0 + 5000, T0 + 10000], v: [1, 1, 1] },
          { labels: { __name__: 'other', job: 'a' }, t: [T0], v: [42] },
        ]),
      );
      const got = (await s.select([eq('__name__', 'up')], { start: T0 + 5000, end: T0 + 10000 })).map(plain);
      expectEqual(
        got,
        [
          { labels: up('a', 'x:1'), t: [T0 + 5000, T0 + 10000], v: [1, 1] },
          { labels: up('b', 'x:1'), t: [T0 + 5000, T0 + 10000], v: [0, 1] },
        ],
        'selected samples',
      );
      expectEqual(await s.select([eq('__name__', 'up')], { start: T0 + 10001, end: T0 + 20000 }), [], 'range after the data');
      s.close();
    },
  },
  {
    name: 'all four matcher types apply, and a missing label matches the empty string',
    async run({ open }) {
      const s = await open();
      await s.appendBatch(
        batch('e1', 1, [
          { labels: up('api', 'h:1'), t: [T0], v: [1] },
          { labels: up('db', 'h:2'), t: [T0], v: [1] },
          { labels: { __name__: 'up', instance: 'h:3' }, t: [T0], v: [0] },
        ]),
      );
      const jobs = async (ms: LabelMatcher[]) =>
        (await s.select(ms, { start: T0, end: T0 })).map((x) => x.labels.job ?? '');
      expectEqual(await jobs([eq('job', 'api')]), ['api'], '=');
      expectEqual(await jobs([eq('__name__', 'up'), { type: '!=', name: 'job', value: 'api' }]), ['db', ''], '!=');
      expectEqual(await jobs([{ type: '=~', name: 'job', value: 'a.*|db' }]), ['api', 'db'], '=~ is anchored');
      expectEqual(await jobs([eq('__name__', 'up'), { type: '!~', name: 'job', value: 'a.*' }]), ['db', ''], '!~');
      expectEqual(await jobs([eq('__name__', 'up'), eq('job', '')]), [''], 'job=""');
      s.close();
    },
  },
  {
    name: 'the position advances with each batch and replayed batches of the same epoch are ignored',
    async run({ open }) {
      const s = await open();
      await s.appendBatch(batch('e1', 7, [{ labels: up('a', 'h'), t: [T0], v: [1] }]));
      expectEqual(await s.position(), { epoch: 'e1', seq: 7 }, 'position after seq 7');
      await s.appendBatch(batch('e1', 7, [{ labels: up('a', 'h'), t: [T0], v: [99] }]));
      await s.appendBatch(batch('e1', 5, [{ labels: up('a', 'h'), t: [T0 - 1000], v: [99] }]));
      const got = (await s.select([eq('job', 'a')], { start: 0, end: Infinity })).map(plain);
      expectEqual(got, [{ labels: up('a', 'h'), t: [T0], v: [1] }], 'replayed batches left no trace');
      await s.appendBatch(batch('e2', 1, [{ labels: up('a', 'h'), t: [T0 + 5000], v: [1] }]));
      expectEqual(await s.position(), { epoch: 'e2', seq: 1 }, 'a new epoch restarts the sequence');
      expectEqual((await s.stats()).samples, 2, 'samples after the new epoch');
      s.close();
    },
  },
  {
    name: 'stale markers survive storage bit for bit, other NaNs and infinities are kept as they are',
    async run({ open }) {
      const s = await open();
      // Filled element by element: a plain array literal would already lose the stale payload.
      const v = new Float64Array(4);
      v[0] = NaN;
      v[1] = STALE_NAN;
      v[2] = Infinity;
      v[3] = -Infinity;
      await s.appendBatch(batch('e1', 1, [{ labels: up('a', 'h'), t: Float64Array.from([T0, T0 + 1, T0 + 2, T0 + 3]), v }]));
      const [got] = await s.select([eq('job', 'a')], { start: T0, end: T0 + 3 });
      expectTrue(Number.isNaN(got.v[0]) && !isStaleMarker(got.v[0]), 'plain NaN stays a non-stale NaN');
      expectTrue(isStaleMarker(got.v[1]), 'stale marker keeps its bit pattern');
      expectEqual([got.v[2], got.v[3]].map(String), ['Infinity', '-Infinity'], 'infinities');
      s.close();
    },
  },
  {
    name: 'an out-of-order sample is inserted in time order and a repeated timestamp replaces the value',
    async run({ open }) {
      const s = await open();
      await s.appendBatch(batch('e1', 1, [{ labels: up('a', 'h'), t: [T0, T0 + 2000], v: [1, 3] }]));
      await s.appendBatch(batch('e1', 2, [{ labels: up('a', 'h'), t: [T0 + 1000, T0 + 2000], v: [2, 30] }]));
      const got = (await s.select([eq('job', 'a')], { start: 0, end: Infinity })).map(plain);
      expectEqual(got, [{ labels: up('a', 'h'), t: [T0, T0 + 1000, T0 + 2000], v: [1, 2, 30] }], 'merged samples');
      expectEqual((await s.stats()).samples, 3, 'sample count after the replacement');
      s.close();
    },
  },
  {
    name: 'long histories spanning many hours come back complete and ranges cut across hour boundaries',
    async run({ open }) {
      const s = await open();
      const step = 15_000;
      const perBatch = 240; // one hour per batch
      for (let b = 0; b < 6; b++) {
        await s.appendBatch(batch('e1', b + 1, [ramp(up('a', 'h'), T0 + b * HOUR, perBatch, step)]));
      }
      const [all] = await s.select([eq('job', 'a')], { start: 0, end: Infinity });
      expectEqual(all.t.length, 6 * perBatch, 'sample count');
      for (let i = 1; i < all.t.length; i++) if (!(all.t[i] > all.t[i - 1])) throw new ContractFailure(`unsorted at ${i}`);
      const from = T0 + HOUR + 30 * 60_000 + 7;
      const to = T0 + 3 * HOUR + 10 * 60_000;
      const [cut] = await s.select([eq('job', 'a')], { start: from, end: to });
      const expected = Array.from(all.t).filter((t) => t >= from && t <= to);
      expectEqual(Array.from(cut.t), expected, 'range across bucket boundaries');
      const stats = await s.stats();
      expectEqual([stats.oldest, stats.newest], [T0, T0 + 5 * HOUR + (perBatch - 1) * step], 'oldest/newest');
      s.close();
    },
  },
  {
    name: 'seriesList and label values list what is stored; empty label values are dropped as in Prometheus',
    async run({ open }) {
      const s = await open();
      await s.appendBatch(
        batch('e1', 1, [
          { labels: up('b', 'h'), t: [T0], v: [1] },
          { labels: { __name__: 'go_goroutines', job: 'a', env: '' }, t: [T0], v: [12] },
          { labels: up('a', 'h'), t: [T0], v: [1] },
        ]),
      );
      expectEqual(
        await s.seriesList([]),
        [{ __name__: 'go_goroutines', job: 'a' }, up('a', 'h'), up('b', 'h')],
        'all series in label order',
      );
      expectEqual(await s.seriesList([eq('job', 'b')]), [up('b', 'h')], 'filtered');
      if (s.labelValues) {
        expectEqual(await s.labelValues('__name__', [], 0, Infinity), ['go_goroutines', 'up'], 'metric names');
      }
      expectEqual((await s.stats()).series, 3, 'series count');
      s.close();
    },
  },
  {
    name: 'gaps are recorded in order',
    async run({ open }) {
      const s = await open();
      await s.recordGap({ at: 1, epoch: null, afterSeq: 0, resumedEpoch: 'e1', resumedAtSeq: 10 });
      await s.recordGap({ at: 2, epoch: 'e1', afterSeq: 12, resumedEpoch: 'e2', resumedAtSeq: 1 });
      expectEqual(
        (await s.gaps()).map((g) => [g.epoch, g.afterSeq, g.resumedEpoch, g.resumedAtSeq]),
        [
          [null, 0, 'e1', 10],
          ['e1', 12, 'e2', 1],
        ],
        'gaps',
      );
      s.close();
    },
  },
  {
    name: 'samples, series, gaps and the position survive closing and reopening the store',
    durable: true,
    async run({ open, reopen }) {
      const s = await open();
      await s.appendBatch(batch('e9', 3, [ramp(up('a', 'h'), T0, 100, 5000), ramp(up('b', 'h'), T0, 50, 5000)]));
      await s.recordGap({ at: 5, epoch: 'e8', afterSeq: 40, resumedEpoch: 'e9', resumedAtSeq: 1 });
      const before = await s.stats();
      s.close();
      const again = await reopen!();
      expectEqual(await again.stats(), before, 'stats after reopening');
      expectEqual(await again.position(), { epoch: 'e9', seq: 3 }, 'position after reopening');
      expectEqual((await again.gaps()).length, 1, 'gaps after reopening');
      await again.appendBatch(batch('e9', 4, [{ labels: up('a', 'h'), t: [T0 + 100 * 5000], v: [100] }]));
      const [a] = await again.select([eq('job', 'a')], { start: 0, end: Infinity });
      expectEqual(a.t.length, 101, 'appending after reopening extends the same series');
      expectEqual((await again.stats()).series, 2, 'no duplicate series after reopening');
      again.close();
    },
  },
  {
    name: 'two handles on the same storage see each other\'s appends (no stale write caches)',
    durable: true,
    async run({ open, reopen }) {
      const a = await open();
      const b = await reopen!();
      await a.appendBatch(batch('e1', 1, [{ labels: up('a', 'h'), t: [T0], v: [1] }]));
      await a.appendBatch(batch('e1', 2, [{ labels: up('a', 'h'), t: [T0 + 1000], v: [2] }]));
      await b.appendBatch(batch('e1', 3, [{ labels: up('a', 'h'), t: [T0 + 2000], v: [3] }]));
      await a.appendBatch(batch('e1', 4, [{ labels: up('a', 'h'), t: [T0 + 3000], v: [4] }]));
      const [got] = await b.select([eq('job', 'a')], { start: 0, end: Infinity });
      expectEqual(Array.from(got.v), [1, 2, 3, 4], 'values written through both handles');
      expectEqual((await a.stats()).samples, 4, 'sample count');
      a.close();
      b.close();
    },
  },
];
