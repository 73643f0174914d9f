// Tests for the AST helpers: function table, value types and RE2-compatible label matching.
import { describe, expect, it } from 'vitest';
import { AGGREGATORS, childrenOf, compileMatcher, compileRegex, FUNCTIONS, getFunction, isAggregateOp, matchLabelValue, valueTypeOf, documentedType, walkExpr, type Expr } from './ast.ts';
import { parse } from './parser.ts';

describe('FUNCTIONS', () => {
  it('has every Prometheus 3.x function with its signature', () => {
    expect(Object.keys(FUNCTIONS).length).toBeGreaterThanOrEqual(90);
    expect(FUNCTIONS.rate).toEqual({ name: 'rate', argTypes: ['matrix'], variadic: 0, returnType: 'vector', experimental: false });
    expect(FUNCTIONS.label_join).toMatchObject({ argTypes: ['vector', 'string', 'string', 'string'], variadic: -1 });
    expect(FUNCTIONS.round).toMatchObject({ argTypes: ['vector', 'scalar'], variadic: 1 });
    expect(FUNCTIONS.histogram_quantiles).toMatchObject({ variadic: 9, experimental: true });
    expect(FUNCTIONS.scalar.returnType).toBe('scalar');
    for (const name of ['info', 'double_exponential_smoothing', 'sort_by_label', 'mad_over_time', 'ts_of_max_over_time', 'first_over_time', 'step', 'min_of']) {
      expect(FUNCTIONS[name]?.experimental, name).toBe(true);
    }
    for (const [name, f] of Object.entries(FUNCTIONS)) expect(f.name).toBe(name);
  });
  it('looks functions up without inheriting Object.prototype', () => {
    expect(getFunction('abs')?.name).toBe('abs');
    expect(getFunction('constructor')).toBeUndefined();
    expect(getFunction('toString')).toBeUndefined();
    expect(isAggregateOp('topk')).toBe(true);
    expect(isAggregateOp('hasOwnProperty')).toBe(false);
    expect(AGGREGATORS.limit_ratio).toEqual({ param: true, experimental: true });
  });
});

describe('valueTypeOf', () => {
  const cases: Array<[string, string]> = [
    ['1', 'scalar'],
    ['"s"', 'string'],
    ['foo', 'vector'],
    ['foo[5m]', 'matrix'],
    ['rate(foo[5m])[10m:]', 'matrix'],
    ['(1 + 2) * 3', 'scalar'],
    ['1 + foo', 'vector'],
    ['-foo', 'vector'],
    ['scalar(foo)', 'scalar'],
    ['sum(foo)', 'vector'],
    ['time() - 1', 'scalar'],
  ];
  for (const [q, t] of cases) it(q, () => expect(valueTypeOf(parse(q))).toBe(t));
  it('handles very long operator chains', () => {
    expect(valueTypeOf(parse('1' + ' + 1'.repeat(20000)))).toBe('scalar');
    expect(documentedType('matrix')).toBe('range vector');
  });
});

describe('label matching', () => {
  it('anchors regexes and lets . match newlines, as Prometheus does', () => {
    expect(matchLabelValue({ type: '=~', name: 'a', value: 'fo+' }, 'foo')).toBe(true);
    expect(matchLabelValue({ type: '=~', name: 'a', value: 'fo+' }, 'xfoo')).toBe(false);
    expect(matchLabelValue({ type: '=~', name: 'a', value: 'a.b' }, 'a\nb')).toBe(true);
    expect(matchLabelValue({ type: '!~', name: 'a', value: 'x|y' }, 'xy')).toBe(true);
    expect(matchLabelValue({ type: '=', name: 'a', value: '' }, '')).toBe(true);
    expect(matchLabelValue({ type: '!=', name: 'a', value: 'b' }, 'b')).toBe(false);
    expect(compileMatcher({ type: '=~', name: 'job', value: 'api.*' }).matches('api-server')).toBe(true);
  });

  it('translates RE2-only syntax', () => {
    const cases: Array<[string, string, boolean]> = [
      ['.*?(?i:PRO).*', 'production', true],
      ['.*?(?i:PRO).*', 'proDUCTION', true],
      ['.*(?i:DUC).*', 'proDucTion', true],
      ['.*((?i)TION)', 'producTion', true],
      ['(?i)abc', 'ABC', true],
      ['(?i)[a-c]+', 'AbC', true],
      ['[a-c]', 'B', false],
      ['[[:alpha:]]+', 'abc', true],
      ['[[:digit:]]+', 'ab1', false],
      ['\\pL+', 'héllo', true],
      ['\\p{Greek}+', 'αβγ', true],
      ['(?P<x>a)b', 'ab', true],
      ['\\Qa.b\\E', 'a.b', true],
      ['\\Qa.b\\E', 'axb', false],
      ['{foo}', '{foo}', true],
      ['a{2,3}', 'aaa', true],
      ['a\\-b', 'a-b', true],
      ['\\x41\\x{42}', 'AB', true],
      ['x\\z', 'x', true],
      ['.', '😀', true],
      ['\\d+', '123', true],
    ];
    for (const [re, s, want] of cases) expect(compileRegex(re).test(s), `${re} ~ ${s}`).toBe(want);
  });

  it('rejects what RE2 rejects, with Go messages', () => {
    const cases: Array<[string, string]> = [
      ['(.*', 'error parsing regexp: missing closing ): `(.*`'],
      ['a)', 'error parsing regexp: unexpected ): `a)`'],
      ['*a', 'error parsing regexp: missing argument to repetition operator: `*`'],
      ['a**', 'error parsing regexp: invalid nested repetition operator: `**`'],
      ['(?=x)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?=`'],
      ['(?<!x)', 'error parsing regexp: invalid or unsupported Perl syntax: `(?<`'], // as promtool 2.42 prints it
      ['\\1', 'error parsing regexp: invalid escape sequence: `\\1`'],
      ['\\y', 'error parsing regexp: invalid escape sequence: `\\y`'],
      ['[z-a]', 'error parsing regexp: invalid character class range: `z-a`'],
      ['[abc', 'error parsing regexp: missing closing ]: `[abc`'],
      ['a{1001}', 'error parsing regexp: invalid repeat count: `{1001}`'],
    ];
    for (const [re, msg] of cases) expect(() => compileRegex(re), re).toThrow(msg);
  });
});

describe('traversal', () => {
  it('visits nodes depth-first in source order with their ancestors', () => {
    const seen: string[] = [];
    walkExpr(parse('sum by (a) (rate(x[5m])) + topk(2, y)'), (n, path) => {
      seen.push(`${path.length}:${n.type}`);
    });
    expect(seen).toEqual([
      '0:BinaryExpr',
      '1:AggregateExpr',
      '2:Call',
      '3:MatrixSelector',
      '4:VectorSelector',
      '1:AggregateExpr',
      '2:NumberLiteral',
      '2:VectorSelector',
    ]);
  });
  it('can skip subtrees and handles long chains', () => {
    const names: string[] = [];
    walkExpr(parse('a + abs(b) + c'), (n) => {
      if (n.type === 'VectorSelector' && n.name) names.push(n.name);
      return n.type !== 'Call';
    });
    expect(names).toEqual(['a', 'c']);
    let count = 0;
    walkExpr(parse('a' + ' + a'.repeat(20000)), () => {
      count++;
    });
    expect(count).toBe(40001);
    const e: Expr = parse('foo[5m]');
    expect(childrenOf(e).map((c) => c.type)).toEqual(['VectorSelector']);
  });
});
