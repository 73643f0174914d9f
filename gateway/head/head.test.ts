// Tests for the in-memory head: appends, out-of-order drops, select/label queries, the batch log and retention.
import { describe, expect, it } from 'vitest';
import type { LabelMatcher } from '../../shared/promql/ast.ts';
import { STALE_NAN, isStaleMarker } from '../../shared/model/stale.ts';
import { Head } from './head.ts';

const a = { __name__: 'node_load1', instance: 'a', job: 'node' };
const b = { __name__: 'node_load1', instance: 'b', job: 'node' };
const up = { __name__: 'up', instance: 'a', job: 'node' };
const eq = (name: string, value: string): LabelMatcher => ({ type: '=', name, value });

function filled(): Head {
  const head = new Head({ epoch: 'e', retentionMs: 60_000 });
  for (let i = 0; i < 10; i++) {
    head.append(
      [
        { labels: a, t: 1000 * i, v: i },
        { labels: b, t: 1000 * i, v: 10 * i },
        { labels: up, t: 1000 * i, v: 1 },
      ],
      1000 * i,
    );
  }
  return head;
}

describe('Head', () => {
  it('selects series by matchers with samples in the inclusive range', async () => {
    const head = filled();
    const res = await head.select([eq('__name__', 'node_load1'), { type: '=~', name: 'instance', value: 'b|c' }], { start: 2000, end: 4000 });
    expect(res.map((s) => [s.labels, Array.from(s.t), Array.from(s.v)])).toEqual([[b, [2000, 3000, 4000], [20, 30, 40]]]);
    expect((await head.select([eq('job', 'node')], { start: 0, end: 0 })).length).toBe(3);
    expect(await head.select([eq('__name__', 'missing')], { start: 0, end: 1e9 })).toEqual([]);
  });

  it('answers label names and values for matching series', async () => {
    const head = filled();
    expect(await head.labelNames([], 0, 10_000)).toEqual(['__name__', 'instance', 'job']);
    expect(await head.labelValues('instance', [eq('__name__', 'node_load1')], 0, 10_000)).toEqual(['a', 'b']);
    expect(await head.labelValues('__name__', [], 20_000, 30_000)).toEqual([]);
  });

  it('drops samples not newer than the series last sample, and keeps them out of the batch', () => {
    const head = filled();
    const batch = head.append([{ labels: a, t: 5000, v: 99 }, { labels: a, t: 20_000, v: 1 }], 20_000);
    expect(Array.from(batch?.ids ?? [])).toEqual([head.series(1)?.id]);
    expect(head.stats().outOfOrder).toBe(1);
  });

  it('numbers batches consecutively, stores one timestamp when all agree, and keeps stale markers exact', () => {
    const head = new Head({ epoch: 'e' });
    const b1 = head.append([{ labels: a, t: 1000, v: 1 }, { labels: b, t: 1000, v: 2 }], 1000);
    const b2 = head.append([{ labels: a, t: 2000, v: STALE_NAN }, { labels: up, t: 1500, v: 1 }], 2000);
    expect([b1?.seq, b2?.seq, head.nextSeq, head.oldestSeq]).toEqual([1, 2, 3, 1]);
    expect(b1?.ts).toBe(1000);
    expect(Array.from(b2?.ts as Float64Array)).toEqual([2000, 1500]);
    expect(isStaleMarker(b2?.vals[0] as number)).toBe(true);
    expect(head.batch(2)).toBe(b2);
    expect(head.batch(3)).toBeUndefined();
    expect(head.append([], 3000)).toBeNull();
  });

  it('notifies listeners of new batches until they unsubscribe', () => {
    const head = new Head({ epoch: 'e' });
    const seen: number[] = [];
    const off = head.onBatch((batch) => seen.push(batch.seq));
    head.append([{ labels: a, t: 1, v: 1 }], 1);
    off();
    head.append([{ labels: a, t: 2, v: 1 }], 2);
    expect(seen).toEqual([1]);
  });

  it('forgets samples, batches and then series older than the retention window', async () => {
    const head = new Head({ epoch: 'e', retentionMs: 10_000 });
    head.append([{ labels: a, t: 0, v: 1 }], 0);
    for (let t = 1000; t <= 20_000; t += 1000) head.append([{ labels: b, t, v: 1 }], t);
    head.compact(20_000);
    expect(head.oldestSeq).toBe(11);
    expect(head.batch(10)).toBeUndefined();
    expect(head.batch(11)?.appendedAt).toBe(10_000);
    expect(await head.select([eq('instance', 'a')], { start: 0, end: 1e9 })).toEqual([]);
    expect(head.series(1)).toBeUndefined();
    const rest = await head.select([eq('instance', 'b')], { start: 0, end: 1e9 });
    expect(Array.from(rest[0].t)[0]).toBe(10_000);
    expect(head.stats()).toMatchObject({ series: 1, samples: 11, batches: 11 });
  });

  it('drops the cached wire text of batches more than 30 s old at compaction', () => {
    const head = new Head({ epoch: 'e', retentionMs: 300_000 });
    const batches = [];
    for (let t = 0; t <= 180_000; t += 10_000) {
      const stored = head.append([{ labels: a, t, v: 1 }], t);
      if (stored !== null) {
        stored.wire = `w${t}`;
        batches.push(stored);
      }
    }
    head.compact(180_000);
    expect(batches.filter((b) => b.wire !== undefined).map((b) => b.appendedAt)).toEqual([150_000, 160_000, 170_000, 180_000]);
    expect(head.batch(1)).toBe(batches[0]);
  });

  it('hands out sample views that later appends and compaction do not change', async () => {
    const head = new Head({ epoch: 'e', retentionMs: 5_000 });
    for (let t = 0; t < 40; t++) head.append([{ labels: a, t: t * 100, v: t }], t * 100);
    const [view] = await head.select([], { start: 0, end: 1e9 });
    const before = Array.from(view.v);
    for (let t = 40; t < 400; t++) head.append([{ labels: a, t: t * 100, v: -t }], t * 100);
    head.compact(40_000);
    expect(Array.from(view.v)).toEqual(before);
  });
});
