// Tests for matcher parsing/printing/matching and the fingerprint and SHA-256 hashes.
import { describe, expect, it } from 'vitest';
import { fingerprint, sha256Hex } from './hash.ts';
import { compareMatchers, matches, matchersString, parseMatchers, type Matcher } from './matchers.ts';

const parsed = (s: string): Matcher[] => {
  const r = parseMatchers(s);
  if (!r.ok) throw new Error(r.error);
  return r.matchers;
};

describe('parseMatchers', () => {
  it.each<[string, Matcher[]]>([
    ['foo="bar"', [{ name: 'foo', type: '=', value: 'bar' }]],
    ['foo = bar', [{ name: 'foo', type: '=', value: 'bar' }]],
    ['severity=~"crit|page"', [{ name: 'severity', type: '=~', value: 'crit|page' }]],
    ['{a!="x", b!~"y.*",}', [{ name: 'a', type: '!=', value: 'x' }, { name: 'b', type: '!~', value: 'y.*' }]],
    ['msg="a, \\"quoted\\" value"', [{ name: 'msg', type: '=', value: 'a, "quoted" value' }]],
    ['"odd name"="v"', [{ name: 'odd name', type: '=', value: 'v' }]],
  ])('%s', (input, want) => {
    expect(parsed(input)).toEqual(want);
  });
  it('rejects malformed input', () => {
    expect(parseMatchers('foo')).toEqual({ ok: false, error: 'bad matcher format: foo' });
    expect(parseMatchers('foo=~"("').ok).toBe(false);
    expect(parseMatchers('{a="b"').ok).toBe(false);
  });
});

describe('matching', () => {
  const l = { job: 'api', severity: 'critical' };
  it('anchors regexes and treats missing labels as empty', () => {
    expect(matches({ name: 'severity', type: '=~', value: 'crit' }, l)).toBe(false);
    expect(matches({ name: 'severity', type: '=~', value: 'crit.*' }, l)).toBe(true);
    expect(matches({ name: 'team', type: '=', value: '' }, l)).toBe(true);
    expect(matches({ name: 'team', type: '!~', value: '.+' }, l)).toBe(true);
    expect(matches({ name: 'job', type: '!=', value: 'api' }, l)).toBe(false);
  });
  it('sorts and prints like Alertmanager', () => {
    const ms = parsed('{b="2", a=~"x", a="x"}').sort(compareMatchers);
    expect(matchersString(ms)).toBe('{a="x",a=~"x",b="2"}');
    expect(matchersString([{ name: 'a b', type: '=', value: 'q"\n' }])).toBe('{"a b"="q\\"\\n"}');
  });
});

describe('hashes', () => {
  it('fingerprints label sets with FNV-1a 64 (checked against an independent implementation)', () => {
    expect(fingerprint({})).toBe('cbf29ce484222325');
    expect(fingerprint({ alertname: 'foo' })).toBe('c5a7cb176f0f418a');
    expect(fingerprint({ job: 'api', alertname: 'HighLatency', instance: 'héllo:9090' })).toBe('ef3f99d89a05811b');
  });
  it('computes SHA-256', () => {
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('{}/{team="db"}:{alertname="X"}')).toBe('9dae359ffd547a5c740e3a515395f2e4283b7e95940ac03dac19a71f3b10594d');
    expect(sha256Hex('a'.repeat(200))).toBe('c2a908d98f5df987ade41b5fce213067efbcc21ef2240212a41e54b5e7c28ae5');
  });
});
