// Tests for AppendSample.ref: the head remembers a sample object's series, and never trusts a dropped or foreign one.
import { describe, expect, it } from 'vitest';
import { labelsKey } from '../../shared/model/labels.ts';
import { Head, type AppendSample } from './head.ts';

const labels = { __name__: 'm', job: 'x' };

async function values(head: Head): Promise<Array<[number[], number[]]>> {
  const res = await head.select([{ type: '=', name: '__name__', value: 'm' }], { start: 0, end: 1e12 });
  return res.map((s) => [Array.from(s.t), Array.from(s.v)]);
}

describe('Head append with a reused sample object', () => {
  it('remembers the series on objects that declare ref, and only on those', () => {
    const head = new Head({ epoch: 'e' });
    const reused: AppendSample = { labels, t: 1000, v: 1, key: labelsKey(labels), ref: undefined };
    const plain: AppendSample = { labels: { __name__: 'm', job: 'y' }, t: 1000, v: 1 };
    head.append([reused, plain], 1000);
    expect(reused.ref).toBe(head.series(1));
    expect('ref' in plain).toBe(false);
    reused.t = 2000;
    reused.v = 2;
    head.append([reused], 2000);
    expect(head.stats().series).toBe(2);
  });

  it('stores into a new series when compaction dropped the remembered one', async () => {
    const head = new Head({ epoch: 'e', retentionMs: 10_000 });
    const sample: AppendSample = { labels, t: 1000, v: 1, key: labelsKey(labels), ref: undefined };
    head.append([sample], 1000);
    const first = sample.ref;
    head.compact(100_000);
    expect(head.stats().series).toBe(0);
    sample.t = 100_000;
    sample.v = 7;
    head.append([sample], 100_000);
    expect(sample.ref).not.toBe(first);
    expect(await values(head)).toEqual([[[100_000], [7]]]);
  });

  it('does not write into another head through a series remembered by the first', async () => {
    const one = new Head({ epoch: 'one' });
    const two = new Head({ epoch: 'two' });
    const sample: AppendSample = { labels, t: 1000, v: 1, key: labelsKey(labels), ref: undefined };
    one.append([sample], 1000);
    sample.t = 2000;
    sample.v = 2;
    two.append([sample], 2000);
    expect(await values(one)).toEqual([[[1000], [1]]]);
    expect(await values(two)).toEqual([[[2000], [2]]]);
  });
});
