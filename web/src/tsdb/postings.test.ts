import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { Labels } from '../../../shared/model/labels.ts';
import { matchLabelValue, type LabelMatcher } from '../../../shared/promql/ast.ts';
import {
  addPostings,
  intersectPostings,
  literalAlternatives,
  selectPostings,
  subtractPostings,
  unionPostings,
  type Postings,
  type PostingsSource,
} from './postings.ts';

const P = (...ids: number[]): Postings => Uint32Array.from(ids);
const list = (p: Postings): number[] => Array.from(p);

/** An in-memory index over label sets (id = position), counting what the plan reads. */
function memorySource(series: Labels[]): PostingsSource & { reads: string[] } {
  const index = new Map<string, Map<string, number[]>>();
  series.forEach((labels, id) => {
    for (const [n, v] of Object.entries(labels)) {
      if (!index.has(n)) index.set(n, new Map());
      const byValue = index.get(n)!;
      byValue.set(v, [...(byValue.get(v) ?? []), id]);
    }
  });
  const reads: string[] = [];
  return {
    reads,
    async labelValues(name) {
      reads.push(`values ${name}`);
      return [...(index.get(name)?.keys() ?? [])].sort();
    },
    async postings(name, values) {
      reads.push(`postings ${name}=${values.join('|')}`);
      return unionPostings(values.map((v) => Uint32Array.from(index.get(name)?.get(v) ?? [])));
    },
    async all() {
      reads.push('all');
      return Uint32Array.from(series.keys());
    },
  };
}

describe('postings set operations', () => {
  it('intersect, subtract and union sorted id lists', () => {
    expect(list(intersectPostings(P(1, 3, 5, 7), P(2, 3, 4, 7, 9)))).toEqual([3, 7]);
    expect(list(subtractPostings(P(1, 3, 5, 7), P(3, 4, 7)))).toEqual([1, 5]);
    expect(list(unionPostings([P(1, 5), P(), P(2, 5, 9), P(1)]))).toEqual([1, 2, 5, 9]);
    expect(list(addPostings(P(1, 4), [9, 2]))).toEqual([1, 2, 4, 9]);
  });

  it('agree with Set algebra on random lists', () => {
    const sorted = fc.uniqueArray(fc.nat(200)).map((xs) => Uint32Array.from(xs).sort());
    fc.assert(
      fc.property(sorted, sorted, (a, b) => {
        const sb = new Set(b);
        expect(list(intersectPostings(a, b))).toEqual(list(a).filter((x) => sb.has(x)));
        expect(list(subtractPostings(a, b))).toEqual(list(a).filter((x) => !sb.has(x)));
        expect(list(unionPostings([a, b]))).toEqual([...new Set([...a, ...b])].sort((x, y) => x - y));
      }),
    );
  });
});

describe('selectPostings', () => {
  const series: Labels[] = [
    { __name__: 'cpu', job: 'node', mode: 'idle', instance: 'a' },
    { __name__: 'cpu', job: 'node', mode: 'user', instance: 'a' },
    { __name__: 'cpu', job: 'node', mode: 'system', instance: 'b' },
    { __name__: 'cpu', job: 'other', mode: 'idle', instance: 'c' },
    { __name__: 'up', job: 'node', instance: 'a' },
    { __name__: 'up', instance: 'd' },
  ];
  const brute = (ms: LabelMatcher[]) => series.flatMap((l, id) => (ms.every((m) => matchLabelValue(m, l[m.name] ?? '')) ? [id] : []));

  it('finds {job="node", mode=~"idle|user"} from two postings reads, without listing label values or all series', async () => {
    const src = memorySource(series);
    const ms: LabelMatcher[] = [
      { type: '=', name: 'job', value: 'node' },
      { type: '=~', name: 'mode', value: 'idle|user' },
    ];
    expect(list(await selectPostings(src, ms))).toEqual([0, 1]);
    expect(src.reads).toEqual(['postings job=node', 'postings mode=idle|user']);
  });

  it('stops reading once an equality matcher has no postings', async () => {
    const src = memorySource(series);
    expect(list(await selectPostings(src, [{ type: '=', name: 'job', value: 'nope' }, { type: '=~', name: 'mode', value: '.+' }]))).toEqual([]);
    expect(src.reads).toEqual(['postings job=nope']);
  });

  it('treats a missing label as the empty value for every matcher type', async () => {
    const cases: LabelMatcher[][] = [
      [{ type: '!=', name: 'job', value: 'node' }],
      [{ type: '=', name: 'job', value: '' }],
      [{ type: '!=', name: 'mode', value: '' }],
      [{ type: '=~', name: 'mode', value: 'idle|' }],
      [{ type: '!~', name: 'mode', value: 'i.*' }],
      [{ type: '=~', name: 'instance', value: '[ab]' }, { type: '!~', name: 'mode', value: 'user|system' }],
      [{ type: '=', name: '__name__', value: 'up' }, { type: '=~', name: 'job', value: '.*' }],
      [],
    ];
    for (const ms of cases) expect(list(await selectPostings(memorySource(series), ms)), JSON.stringify(ms)).toEqual(brute(ms));
  });

  it('matches brute force on random matcher sets (property)', async () => {
    const name = fc.constantFrom('job', 'mode', 'instance', 'missing');
    const value = fc.constantFrom('', 'node', 'idle', 'a', 'b', 'other', 'x');
    const matcher = fc.oneof(
      fc.record({ type: fc.constantFrom('=' as const, '!=' as const), name, value }),
      fc.record({ type: fc.constantFrom('=~' as const, '!~' as const), name, value: fc.constantFrom('idle|user', 'a|', '.*', '.+', 'n.*', 'x|y') }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(matcher, { maxLength: 4 }), async (ms) => {
        expect(list(await selectPostings(memorySource(series), ms))).toEqual(brute(ms));
      }),
    );
  });

  it('recognises plain alternations only', () => {
    expect(literalAlternatives('idle|user')).toEqual(['idle', 'user']);
    expect(literalAlternatives('a|a|')).toEqual(['a', '']);
    expect(literalAlternatives('10.0.0.1')).toBeNull();
    expect(literalAlternatives('(?i)idle')).toBeNull();
    expect(literalAlternatives('id.e|user')).toBeNull();
  });
});
