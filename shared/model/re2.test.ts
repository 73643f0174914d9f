// Tests that RE2 patterns translate to JS regexes with Go's matching semantics and Go's errors.
import { describe, expect, it } from 'vitest';
import { compileRegex } from './re2.ts';

function matches(pattern: string, input: string): boolean {
  const res = compileRegex(pattern);
  if (!res.ok) throw new Error(res.error);
  return res.value.regex.test(input);
}

describe('compileRegex matching (anchored, dot matches newline)', () => {
  it.each([
    // [pattern, input, expected]
    ['foo', 'foo', true],
    ['foo', 'foobar', false], // fully anchored
    ['.*foo.*', 'xfoox', true],
    ['a.b', 'a\nb', true], // Prometheus wraps in (?s:…)
    ['(?-s)a.b', 'a\nb', false],
    ['(?i)foo', 'FoO', true],
    ['foo(?i)bar', 'fooBAR', true],
    ['foo(?i)bar', 'FOObar', false],
    ['(?i:a)b', 'Ab', true],
    ['(?i:a)b', 'AB', false],
    ['(?i)k', '\u212a', true], // Kelvin sign folds to k in Go
    ['(?i)[a-c]+', 'AbC', true],
    ['\\d+', '123', true],
    ['\\d', '\u0661', false], // RE2 \d is ASCII only
    ['\\s', '\u00a0', false], // RE2 \s is ASCII only
    ['\\w+', 'a_1', true],
    ['\\w', 'é', false],
    ['\\pL+', 'héllo', true],
    ['\\p{Greek}+', 'αβγ', true],
    ['\\PL', 'a', false],
    ['[[:alpha:]]+', 'abcXYZ', true],
    ['[[:^digit:]]', '5', false],
    ['[^a]', '\n', true],
    ['[]a]+', ']a', true],
    ['a{2,3}', 'aaa', true],
    ['a{2,3}', 'aaaa', false],
    ['a{,3}', 'a{,3}', true], // not a valid repeat: literal in Go
    ['x{2}', 'xx', true],
    ['\\Q.*+\\E', '.*+', true],
    ['\\Q.*+\\E', 'ab', false],
    ['\\x41\\x{42}', 'AB', true],
    ['\\101', 'A', true], // octal
    ['(?m)^a$\\n^b$', 'a\nb', true],
    ['^a$', 'a', true],
    ['(?U)(a+)', 'aaa', true],
    ['.', '😀', true], // one code point, not one UTF-16 unit
    ['a|b', 'b', true],
    ['(|x)', '', true],
    ['', '', true],
    ['', 'x', false],
    ['\\.', '.', true],
    ['[a\\-z]', '-', true],
    ['\\bfoo\\b', 'foo', true],
  ])('%j on %j → %s', (pattern, input, want) => {
    expect(matches(pattern, input)).toBe(want);
  });

  it('records named groups with Go names, including ones JS rejects', () => {
    const res = compileRegex('(?P<first>a)(b)(?<second>c)(?P<1x>d)');
    expect(res.ok && res.value.groupNames).toEqual([undefined, 'first', undefined, 'second', '1x']);
    expect(res.ok && Array.from(res.value.regex.exec('abcd') ?? [])).toEqual(['abcd', 'a', 'b', 'c', 'd']);
  });

  it('can compile unanchored and without dot-all', () => {
    const res = compileRegex('a.c', { anchored: false, dotAll: false });
    expect(res.ok && res.value.regex.test('xxabcxx')).toBe(true);
    expect(res.ok && res.value.regex.test('a\nc')).toBe(false);
  });

  it('keeps ungreedy submatches', () => {
    const res = compileRegex('(?U)(a+)(a*)');
    expect(res.ok && res.value.regex.exec('aaa')?.slice(1)).toEqual(['a', 'aa']);
  });
});

describe('compileRegex errors (Go messages)', () => {
  it.each([
    ['(foo', 'missing closing ): `(foo`'],
    ['foo)', 'unexpected ): `foo)`'],
    ['a**', 'invalid nested repetition operator: `**`'],
    ['a+?*', 'invalid nested repetition operator: `+?*`'],
    ['*a', 'missing argument to repetition operator: `*`'],
    ['a{1001}', 'invalid repeat count: `{1001}`'],
    ['a{3,2}', 'invalid repeat count: `{3,2}`'],
    ['[a', 'missing closing ]: `[a`'],
    ['[z-a]', 'invalid character class range: `z-a`'],
    ['[[:foo:]]', 'invalid character class range: `[:foo:]`'],
    ['\\1', 'invalid escape sequence: `\\1`'],
    ['\\q', 'invalid escape sequence: `\\q`'],
    ['a\\', 'trailing backslash at end of expression: ``'],
    ['(?=a)', 'invalid or unsupported Perl syntax: `(?=`'],
    ['(?!a)', 'invalid or unsupported Perl syntax: `(?!`'],
    ['(?P<a-b>x)', 'invalid named capture: `(?P<a-b>`'],
    ['(?P<a>x)(?P<a>y)', 'duplicate capture group name: `(?P<a>`'],
    ['\\p{Klingon}', 'invalid character class range: `\\p{Klingon}`'],
    ['(?z)', 'invalid or unsupported Perl syntax: `(?z`'],
  ])('%j', (pattern, message) => {
    const res = compileRegex(pattern);
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error).toBe(`error parsing regexp: ${message}`);
  });
});
