import { describe, expect, it } from 'vitest';
import { naturalLess } from './labelfns.ts';
import { keyOn, keyWithout, labelsHash, labelsString, matchLabels, xxhash64 } from './labelutil.ts';

const bytes = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));

describe('label helpers', () => {
  it('xxhash64 matches the reference vectors (short, mid and ≥32-byte inputs)', () => {
    expect(xxhash64(bytes('')).toString(16)).toBe('ef46db3751d8e999');
    expect(xxhash64(bytes('abc')).toString(16)).toBe('44bc2cf5ad770999');
    expect(xxhash64(bytes('Nobody inspects the spammish repetition')).toString(16)).toBe('fbcea83c8a378bf1');
  });
  it('labelsHash hashes name\\xffvalue\\xff pairs in name order', () => {
    const manual = xxhash64(Uint8Array.from([...bytes('a'), 0xff, ...bytes('1'), 0xff, ...bytes('b'), 0xff, ...bytes('2'), 0xff]));
    expect(labelsHash({ b: '2', a: '1' })).toBe(manual);
  });
  it('labelsString prints like Prometheus Labels.String, quoting odd names', () => {
    expect(labelsString({ __name__: 'up', job: 'a"b' })).toBe('{__name__="up", job="a\\"b"}');
    expect(labelsString({ 'a.b': 'x' })).toBe('{"a.b"="x"}');
  });
  it('matching signatures: on() keeps listed labels, ignoring() drops them and the name', () => {
    const l = { __name__: 'm', a: '1', b: '2' };
    expect(keyOn(l, ['a'])).toBe(keyOn({ a: '1', c: '9' }, ['a']));
    expect(keyWithout(l, ['b'])).toBe(keyWithout({ __name__: 'other', a: '1' }, []));
    expect(matchLabels(l, false, ['b'])).toEqual({ a: '1' });
    expect(matchLabels(l, true, ['b'])).toEqual({ b: '2' });
  });
  it('natural order compares digit runs as numbers (facette/natsort)', () => {
    expect(naturalLess('node2', 'node10')).toBe(true);
    expect(naturalLess('node10', 'node2')).toBe(false);
    expect(naturalLess('a', 'b')).toBe(true);
    expect(naturalLess('x1y', 'x1z')).toBe(true);
  });
});
