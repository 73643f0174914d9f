// Head.restore, as both persisted stores (the Node head log and the Durable Object's SQLite) use it: same epoch numbering, same series ids, same replay log.
import { describe, expect, it } from 'vitest';
import type { Labels } from '../../shared/model/labels.ts';
import { Head, type HeadSnapshot, type PersistedBatch, type StoredBatch } from './head.ts';

const RETENTION = 10 * 60_000;

/** A head that went through 40 scrapes over 200 s, with a series that comes and goes, metadata and an exemplar. */
function recorded(): { head: Head; snap: HeadSnapshot; now: number } {
  const head = new Head({ epoch: 'ep', retentionMs: RETENTION });
  const batches: PersistedBatch[] = [];
  const series = new Map<number, Labels>();
  head.onBatch((b: StoredBatch) => {
    for (const id of b.ids) series.set(id, head.series(id)?.labels as Labels);
    batches.push({ seq: b.seq, appendedAt: b.appendedAt, ids: b.ids.slice(), ts: typeof b.ts === 'number' ? b.ts : b.ts.slice(), vals: b.vals.slice(), meta: b.meta, exemplars: b.exemplars });
  });
  for (let i = 0; i < 40; i++) {
    const t = 1_700_000_000_000 + i * 5000;
    const samples: Array<{ labels: Labels; t: number; v: number }> = [
      { labels: { __name__: 'up', job: 'node' }, t, v: 1 },
      { labels: { __name__: 'node_load1', job: 'node' }, t, v: i / 10 },
    ];
    if (i % 3 === 0) samples.push({ labels: { __name__: 'flappy', job: 'node', n: String(i) }, t: t - 1, v: i });
    const meta: Array<[string, { type: 'gauge'; help: string; unit: string }]> = i === 0 ? [['node_load1', { type: 'gauge', help: 'Load.', unit: '' }]] : [];
    const exemplars = i === 7 ? [{ series: { __name__: 'up', job: 'node' }, labels: { trace_id: 'abc' }, value: 1, timestamp: t }] : [];
    head.append(samples, t + 10, meta, exemplars);
  }
  return { head, snap: { nextSeq: head.nextSeq, nextSeriesId: head.nextSeriesId, series, batches }, now: 1_700_000_000_000 + 39 * 5000 + 10 };
}

function idsByLabels(head: Head, from: number, to: number): Map<string, number> {
  const out = new Map<string, number>();
  for (let seq = from; seq < to; seq++) {
    const b = head.batch(seq);
    if (b) for (const id of b.ids) out.set(JSON.stringify(head.series(id)?.labels), id);
  }
  return out;
}

describe('Head.restore', () => {
  it('rebuilds the replay log, series ids and counters of the previous head', async () => {
    const { head, snap, now } = recorded();
    const restored = new Head({ epoch: 'ep', retentionMs: RETENTION });
    restored.restore(snap, now);
    expect(restored.nextSeq).toBe(head.nextSeq);
    expect(restored.oldestSeq).toBe(head.oldestSeq);
    expect(restored.nextSeriesId).toBe(head.nextSeriesId);
    expect(idsByLabels(restored, 1, restored.nextSeq)).toEqual(idsByLabels(head, 1, head.nextSeq));
    for (let seq = head.oldestSeq; seq < head.nextSeq; seq++) {
      const [a, b] = [head.batch(seq) as StoredBatch, restored.batch(seq) as StoredBatch];
      expect([b.seq, b.appendedAt, Array.from(b.ids), b.ts, Array.from(b.vals), b.meta, b.exemplars]).toEqual([
        a.seq,
        a.appendedAt,
        Array.from(a.ids),
        a.ts,
        Array.from(a.vals),
        a.meta,
        a.exemplars,
      ]);
    }
    const range = { start: 0, end: 2e12 };
    const sel = async (h: Head) => (await h.select([{ type: '=', name: 'job', value: 'node' }], range)).map((s) => [s.labels, Array.from(s.t), Array.from(s.v)]);
    expect(await sel(restored)).toEqual(await sel(head));
    expect(restored.familyMetadata()).toEqual(head.familyMetadata());
  });

  it('continues numbering: the next batch and the next new series get what the old head would have given', () => {
    const { head, snap, now } = recorded();
    const restored = new Head({ epoch: 'ep', retentionMs: RETENTION });
    restored.restore(snap, now);
    const next = (h: Head) => {
      const b = h.append([{ labels: { __name__: 'up', job: 'node' }, t: 1_800_000_000_000, v: 1 }, { labels: { __name__: 'brand_new' }, t: 1_800_000_000_000, v: 2 }], 1_800_000_000_000);
      return { seq: b?.seq, ids: Array.from(b?.ids ?? []) };
    };
    expect(next(restored)).toEqual(next(head));
  });

  it('keeps only the newest run of consecutive batches when the stored log has a hole', () => {
    const { snap, now } = recorded();
    const holed = { ...snap, batches: snap.batches.filter((b) => b.seq !== 20) };
    const restored = new Head({ epoch: 'ep', retentionMs: RETENTION });
    restored.restore(holed, now);
    expect(restored.oldestSeq).toBe(21);
    expect(restored.nextSeq).toBe(snap.nextSeq);
    expect(restored.batch(25)?.seq).toBe(25);
  });

  it('starts an empty head at the stored counters when no batch is left', () => {
    const restored = new Head({ epoch: 'ep' });
    restored.restore({ nextSeq: 500, nextSeriesId: 77, series: new Map(), batches: [] }, 1);
    expect([restored.oldestSeq, restored.nextSeq]).toEqual([500, 500]);
    expect(Array.from(restored.append([{ labels: { __name__: 'x' }, t: 1, v: 1 }], 1)?.ids ?? [])).toEqual([77]);
  });

  it('refuses a head that already holds data', () => {
    const { head, snap, now } = recorded();
    expect(() => head.restore(snap, now)).toThrow(/fresh head/);
  });
});
