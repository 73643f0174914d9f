// Tests that template and environment expansion follow Go's regexp.Expand and os.Expand exactly.
import { describe, expect, it } from 'vitest';
import { expandEnv, expandTemplate } from './expand.ts';

function match(re: RegExp, s: string): RegExpExecArray {
  const m = re.exec(s);
  if (!m) throw new Error('test regex did not match');
  return m;
}

describe('expandTemplate (Go regexp.Expand)', () => {
  // Groups: 1 = "ab", 2 = "cd", named "x" (group 3) = "ef"; "1x" is a named group 4 = "gh".
  const m = match(/^(ab)(cd)(ef)(gh)$/, 'abcdefgh');
  const names = [undefined, undefined, undefined, 'x', '1x'];
  it.each([
    ['$1', 'ab'],
    ['${1}', 'ab'],
    ['$2-$1', 'cd-ab'],
    ['${1}x', 'abx'],
    ['$1x', 'gh'], // `1x` is a name in Go, and here a group is called "1x"
    ['$1y', ''], // no group named "1y": empty
    ['$x', 'ef'],
    ['${x}', 'ef'],
    ['$9', ''],
    ['$$1', '$1'],
    ['$', '$'],
    ['a$', 'a$'],
    ['${1', '${1'],
    ['$}', '$}'],
    ['$-', '$-'],
    ['${}', '${}'],
    ['$01', ''], // leading zero: a name, not a number
    ['$0', 'abcdefgh'],
    ['plain', 'plain'],
    ['$1$2', 'abcd'],
    ['$1_suffix', ''], // `1_suffix` is a (missing) name
  ])('%j → %j', (tpl, want) => {
    expect(expandTemplate(tpl, m, names)).toBe(want);
  });

  it('treats unicode letters as name characters', () => {
    const mm = match(/^(a)$/, 'a');
    expect(expandTemplate('$1é', mm, [undefined, undefined])).toBe('');
    expect(expandTemplate('${1}é', mm, [undefined, undefined])).toBe('aé');
  });

  it('yields empty text for a group that did not participate', () => {
    const mm = match(/^(a)|(b)$/, 'a');
    expect(expandTemplate('[$2]', mm, [undefined, undefined, undefined])).toBe('[]');
  });
});

describe('expandEnv (Go os.Expand with Prometheus mapping)', () => {
  const env: Record<string, string> = { HOST: 'h1', REGION: 'eu', A_B: 'ab' };
  const mapping = (name: string): string => (name === '$' ? '$' : (env[name] ?? ''));
  it.each([
    ['${HOST}', 'h1'],
    ['$HOST', 'h1'],
    ['$HOST-$REGION', 'h1-eu'],
    ['${A_B}c', 'abc'],
    ['$A_Bc', ''],
    ['$$HOST', '$HOST'],
    ['cost: 5$', 'cost: 5$'],
    ['${HOST', 'HOST'], // malformed `${` is eaten
    ['${}', ''],
    ['$-x', 'x'], // `$-` is a special variable (empty)
    ['no vars', 'no vars'],
    ['$MISSING!', '!'],
  ])('%j → %j', (input, want) => {
    expect(expandEnv(input, mapping)).toBe(want);
  });
});
