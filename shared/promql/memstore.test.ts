import { describe, expect, it } from 'vitest';
import type { LabelMatcher } from './ast.ts';
import { isStaleMarker, STALE_NAN } from '../model/stale.ts';
import { MemoryStore } from './memstore.ts';

const eq = (name: string, value: string): LabelMatcher => ({ type: '=', name, value });
const hints = (start: number, end: number) => ({ start, end });

function store(): MemoryStore {
  const s = new MemoryStore();
  s.append({ __name__: 'up', job: 'b', instance: '1' }, 0, 1);
  s.append({ __name__: 'up', job: 'a', instance: '2' }, 0, 1);
  s.append({ __name__: 'up', job: 'a', instance: '1' }, 0, 0);
  s.append({ __name__: 'down', job: 'a' }, 0, 5);
  for (let t = 1000; t <= 5000; t += 1000) s.append({ __name__: 'up', job: 'a', instance: '1' }, t, t / 1000);
  return s;
}

describe('MemoryStore', () => {
  it('selects by equality, regex and negative matchers, series in label order', async () => {
    const s = store();
    const names = async (ms: LabelMatcher[]) =>
      (await s.select(ms, hints(0, 10_000))).map((r) => `${r.labels.job}/${r.labels.instance ?? ''}`);
    // Label order compares `instance` before `job`.
    expect(await names([eq('__name__', 'up')])).toEqual(['a/1', 'b/1', 'a/2']);
    expect(await names([eq('__name__', 'up'), { type: '=~', name: 'job', value: 'a|c' }])).toEqual(['a/1', 'a/2']);
    expect(await names([eq('__name__', 'up'), { type: '!=', name: 'instance', value: '1' }])).toEqual(['a/2']);
    expect(await names([{ type: '=~', name: 'job', value: 'a' }, { type: '=', name: 'instance', value: '' }])).toEqual(['a/']);
    expect(await names([eq('__name__', 'nope')])).toEqual([]);
  });

  it('returns only samples in [start, end] as views, and drops series with none', async () => {
    const s = store();
    const [r] = await s.select([eq('__name__', 'up'), eq('instance', '1'), eq('job', 'a')], hints(2000, 4000));
    expect(Array.from(r.t)).toEqual([2000, 3000, 4000]);
    expect(Array.from(r.v)).toEqual([2, 3, 4]);
    expect(r.t).toBeInstanceOf(Float64Array);
    expect(await s.select([eq('job', 'b')], hints(1, 10))).toEqual([]);
  });

  it('keeps samples sorted when appended out of order, replacing a duplicate timestamp', async () => {
    const s = new MemoryStore();
    const l = { __name__: 'x' };
    for (const t of [30, 10, 20, 10]) s.append(l, t, t === 10 ? 7 : t);
    const [r] = await s.select([eq('__name__', 'x')], hints(0, 100));
    expect(Array.from(r.t)).toEqual([10, 20, 30]);
    expect(Array.from(r.v)).toEqual([7, 20, 30]);
  });

  it('stores stale markers bit-exactly', async () => {
    const s = new MemoryStore();
    s.append({ __name__: 'x' }, 0, STALE_NAN);
    const [r] = await s.select([eq('__name__', 'x')], hints(0, 0));
    expect(isStaleMarker(r.v[0])).toBe(true);
  });

  it('appendRef grows past the initial capacity', async () => {
    const s = new MemoryStore();
    const ref = s.seriesRef({ __name__: 'big' });
    for (let i = 0; i < 1000; i++) s.appendRef(ref, i, i);
    const [r] = await s.select([eq('__name__', 'big')], hints(500, 999));
    expect(r.t.length).toBe(500);
    expect(s.sampleCount).toBe(1000);
  });

  it('answers label names and values for matching series with samples in range', async () => {
    const s = store();
    expect(await s.labelNames([eq('job', 'a')], 0, 0)).toEqual(['__name__', 'instance', 'job']);
    expect(await s.labelValues('instance', [], 0, 10_000)).toEqual(['1', '2']);
    expect(await s.labelValues('instance', [], 4000, 10_000)).toEqual(['1']);
  });
});
