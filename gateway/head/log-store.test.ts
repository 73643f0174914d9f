// Tests for head persistence: a restarted head resumes epoch, sequence numbers, series ids and samples within retention.
import { describe, expect, it } from 'vitest';
import { isStaleMarker, STALE_NAN } from '../../shared/model/stale.ts';
import { FakeTime } from '../runtime/fake-time.ts';
import type { LogDir } from '../runtime/ports.ts';
import { Head } from './head.ts';
import { LogHeadStore } from './log-store.ts';

function memoryDir() {
  const files = new Map<string, string>();
  const dir: LogDir = {
    list: async () => [...files.keys()],
    read: async (n) => files.get(n) ?? null,
    append: async (n, t) => void files.set(n, (files.get(n) ?? '') + t),
    replace: async (n, t) => void files.set(n, t),
    remove: async (n) => void files.delete(n),
  };
  return { dir, files };
}

const HOUR = 3_600_000;

describe('LogHeadStore', () => {
  it('restores epoch, next sequence, series ids, samples (stale markers bit-exact), metadata and exemplars', async () => {
    const time = new FakeTime(1_700_000_000_000);
    const { dir, files } = memoryDir();
    const first = new LogHeadStore(dir, { retentionMs: HOUR, clock: time, scheduler: time });
    expect(await first.load()).toBeNull();
    const head = new Head({ epoch: 'ep-1', retentionMs: HOUR });
    first.attach(head, 'ep-1');
    const up = { __name__: 'up', job: 'a' };
    const m = { __name__: 'm', job: 'a' };
    head.append([{ labels: up, t: time.now(), v: 1 }, { labels: m, t: time.now(), v: 2.5 }], time.now(), [['m', { type: 'gauge', help: 'M.', unit: '' }]]);
    await time.advance(10_000);
    head.append(
      [{ labels: up, t: time.now(), v: 0 }, { labels: m, t: time.now(), v: STALE_NAN }],
      time.now(),
      [],
      [{ series: up, labels: { trace_id: 'x' }, value: NaN, timestamp: null }],
    );
    await time.advance(1000);
    await first.close();
    expect([...files.keys()].sort()).toEqual(['head-000000000001.log', 'meta.json']);

    const second = new LogHeadStore(dir, { retentionMs: HOUR, clock: time, scheduler: time });
    const loaded = await second.load();
    expect(loaded?.epoch).toBe('ep-1');
    const restored = new Head({ epoch: loaded?.epoch ?? '', retentionMs: HOUR });
    restored.restore(loaded!.snapshot, time.now());
    expect([restored.nextSeq, restored.oldestSeq, restored.nextSeriesId]).toEqual([3, 1, 3]);
    expect(restored.series(1)?.labels).toEqual(up);
    expect(restored.series(2)?.labels).toEqual(m);
    const b2 = restored.batch(2);
    expect(Array.from(b2?.ids ?? [])).toEqual([1, 2]);
    expect(isStaleMarker(b2?.vals[1] ?? 0)).toBe(true);
    expect(b2?.exemplars.map(([id, l, v]) => [id, l, Number.isNaN(v)])).toEqual([[1, { trace_id: 'x' }, true]]);
    expect(restored.familyMetadata().get('m')).toEqual({ type: 'gauge', help: 'M.', unit: '' });
    const sel = await restored.select([{ type: '=', name: '__name__', value: 'up' }], { start: 0, end: time.now() });
    expect(Array.from(sel[0].v)).toEqual([1, 0]);

    // Numbering continues: a new series and batch never reuse an id or a sequence number.
    second.attach(restored, 'ep-1');
    restored.append([{ labels: { __name__: 'new' }, t: time.now(), v: 1 }], time.now());
    expect(restored.nextSeq).toBe(4);
    expect(restored.series(3)?.labels).toEqual({ __name__: 'new' });
    await second.close();
    const third = await new LogHeadStore(dir, { retentionMs: HOUR, clock: time, scheduler: time }).load();
    expect(third?.snapshot.nextSeq).toBe(4);
    expect(third?.snapshot.batches.map((b) => b.seq)).toEqual([1, 2, 3]);
  });

  it('keeps only what is within retention, deletes old segments, and survives a torn last line', async () => {
    const time = new FakeTime(1_700_000_000_000);
    const { dir, files } = memoryDir();
    const store = new LogHeadStore(dir, { retentionMs: HOUR, clock: time, scheduler: time, segmentMs: 10 * 60_000 });
    const head = new Head({ epoch: 'e', retentionMs: HOUR });
    store.attach(head, 'e');
    for (let i = 0; i < 18; i++) {
      head.append([{ labels: { __name__: 'x' }, t: time.now(), v: i }], time.now());
      await time.advance(10 * 60_000);
    }
    await store.flush();
    const segments = [...files.keys()].filter((n) => n.startsWith('head-'));
    expect(segments.length).toBeLessThanOrEqual(8);
    const newest = segments.sort().at(-1) as string;
    files.set(newest, (files.get(newest) ?? '') + '{"t":"batch","seq":99,"at');
    const loaded = await new LogHeadStore(dir, { retentionMs: HOUR, clock: time, scheduler: time }).load();
    const seqs = loaded?.snapshot.batches.map((b) => b.seq) ?? [];
    expect(seqs).toEqual([13, 14, 15, 16, 17, 18]);
    expect(loaded?.snapshot.nextSeq).toBe(19);
    await store.close();
  });

  it('publishes a batch to streams only once its line is written, batching appends made during a write', async () => {
    const time = new FakeTime(1_700_000_000_000);
    const { dir, files } = memoryDir();
    const appends: string[] = [];
    let release: (() => void) | null = null;
    const gated: LogDir = {
      ...dir,
      append: async (n, t) => {
        appends.push(n);
        await new Promise<void>((r) => (release = r));
        await dir.append(n, t);
      },
    };
    const store = new LogHeadStore(gated, { retentionMs: HOUR, clock: time, scheduler: time });
    const head = new Head({ epoch: 'e', retentionMs: HOUR });
    store.attach(head, 'e');
    let published = 0;
    head.onPublish(() => published++);
    const x = { __name__: 'x' };
    head.append([{ labels: x, t: 1, v: 1 }], time.now());
    await settle();
    expect([head.nextSeq, head.publishedSeq, appends.length]).toEqual([2, 1, 1]);
    for (let i = 2; i <= 4; i++) head.append([{ labels: x, t: i, v: i }], time.now());
    await settle();
    expect([head.publishedSeq, published, appends.length]).toEqual([1, 0, 1]);
    (release as unknown as () => void)();
    await settle();
    expect([head.publishedSeq, published, appends.length]).toEqual([2, 1, 2]);
    expect(files.get('head-000000000001.log')?.split('\n').filter((l) => l.includes('"batch"'))).toHaveLength(1);
    (release as unknown as () => void)();
    await settle();
    expect([head.publishedSeq, published, appends.length]).toEqual([5, 2, 2]);
    expect(files.get('head-000000000001.log')?.split('\n').filter((l) => l.includes('"batch"'))).toHaveLength(4);
  });

  it('after a crash (no close), a restart continues right after the last published batch', async () => {
    const time = new FakeTime(1_700_000_000_000);
    const { dir } = memoryDir();
    const store = new LogHeadStore(dir, { retentionMs: HOUR, clock: time, scheduler: time });
    const head = new Head({ epoch: 'e', retentionMs: HOUR });
    store.attach(head, 'e');
    for (let i = 1; i <= 5; i++) {
      head.append([{ labels: { __name__: 'x' }, t: i, v: i }], time.now());
      await settle();
    }
    expect(head.publishedSeq).toBe(6);
    // kill -9 (no close(), no housekeeping since attach) while batch 6 was being written as the first line of a
    // new segment: only its torn start is on disk, and it was never published.
    await dir.append('head-000000000006.log', '{"t":"batch","seq":6,');
    const second = new LogHeadStore(dir, { retentionMs: HOUR, clock: time, scheduler: time });
    const loaded = await second.load();
    expect(loaded?.epoch).toBe('e');
    const restored = new Head({ epoch: 'e', retentionMs: HOUR });
    restored.restore(loaded!.snapshot, time.now());
    expect([restored.oldestSeq, restored.nextSeq]).toEqual([1, 6]);
    second.attach(restored, 'e');
    restored.append([{ labels: { __name__: 'y' }, t: 6, v: 6 }], time.now());
    await second.close();
    // The torn line was ended, so the new batch 6, appended to that same file, reads back.
    const third = await new LogHeadStore(dir, { retentionMs: HOUR, clock: time, scheduler: time }).load();
    expect(third?.snapshot.batches.map((b) => [b.seq, b.vals[0]])).toEqual([1, 2, 3, 4, 5, 6].map((i) => [i, i]));
    expect(third?.snapshot.nextSeq).toBe(7);
    expect(third?.snapshot.series.get(2)).toEqual({ __name__: 'y' });
  });

  it('on a failed write logs it, publishes everything and removes meta.json so the next start is a new epoch', async () => {
    const time = new FakeTime(1_700_000_000_000);
    const { dir, files } = memoryDir();
    const lines: string[] = [];
    const broken: LogDir = { ...dir, append: async () => Promise.reject(new Error('ENOSPC: no space left on device')) };
    const store = new LogHeadStore(broken, { retentionMs: HOUR, clock: time, scheduler: time, log: (l) => lines.push(l) });
    const head = new Head({ epoch: 'e', retentionMs: HOUR });
    store.attach(head, 'e');
    await settle();
    expect(files.has('meta.json')).toBe(true);
    head.append([{ labels: { __name__: 'x' }, t: 1, v: 1 }], time.now());
    await settle();
    expect(head.publishedSeq).toBe(2);
    head.append([{ labels: { __name__: 'x' }, t: 2, v: 2 }], time.now());
    expect(head.publishedSeq).toBe(3);
    expect(lines).toEqual([expect.stringContaining('cannot write the head log: ENOSPC')]);
    expect(files.has('meta.json')).toBe(false);
    expect(await new LogHeadStore(dir, { retentionMs: HOUR, clock: time, scheduler: time }).load()).toBeNull();
    await store.close();
    expect(time.pending).toBe(0);
  });
});

/** Lets promise chains (the store's writes) run. */
async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
}
