// Tests for the PromQL parser: every node type, precedence, modifiers, options and Prometheus's error messages.
import { describe, expect, it } from 'vitest';
import type { DurationExpr, Expr, VectorSelector } from './ast.ts';
import { FUNCTIONS } from './ast.ts';
import { ParseError } from './parse-error.ts';
import { PROMETHEUS_DEFAULT_FEATURES, parse, type ParseOptions } from './parser.ts';

/** Renders a tree with every binary/unary node parenthesised, to pin precedence and associativity. */
function shape(e: Expr): string {
  switch (e.type) {
    case 'BinaryExpr':
      return `(${shape(e.lhs)} ${e.op} ${shape(e.rhs)})`;
    case 'UnaryExpr':
      return `(${e.op}${shape(e.expr)})`;
    case 'ParenExpr':
      return `[${shape(e.expr)}]`;
    case 'NumberLiteral':
      return String(e.value);
    case 'VectorSelector':
      return e.name ?? '{}';
    case 'Call':
      return `${e.func.name}(${e.args.map(shape).join(', ')})`;
    case 'AggregateExpr':
      return `${e.op}(${e.param ? shape(e.param) + ', ' : ''}${shape(e.expr)})`;
    case 'SubqueryExpr':
      return `${shape(e.expr)}[sq]`;
    case 'MatrixSelector':
      return `${shape(e.vectorSelector)}[m]`;
    case 'StringLiteral':
      return JSON.stringify(e.value);
  }
}

function parseError(q: string, opts?: ParseOptions): ParseError {
  try {
    parse(q, opts);
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error(`expected ${JSON.stringify(q)} to fail`);
}

const sel = (name: string, start: number, extra: Partial<VectorSelector> = {}): VectorSelector => ({
  type: 'VectorSelector',
  name,
  matchers: [{ type: '=', name: '__name__', value: name }],
  offset: 0,
  at: null,
  pos: { start, end: start + name.length },
  ...extra,
});

describe('node types', () => {
  it('number literals (folded sign, hex, octal, Inf, NaN, durations)', () => {
    const v = (q: string): number => {
      const e = parse(q);
      if (e.type !== 'NumberLiteral') throw new Error(e.type);
      return e.value;
    };
    expect(v('1')).toBe(1);
    expect(v('.5')).toBe(0.5);
    expect(v('5.')).toBe(5);
    expect(v('5e-3')).toBe(0.005);
    expect(v('0xc')).toBe(12);
    expect(v('0755')).toBe(493);
    expect(v('-0755')).toBe(-493);
    expect(v('09')).toBe(9);
    expect(v('1_000')).toBe(1000);
    expect(v('+Inf')).toBe(Infinity);
    expect(v('-inf')).toBe(-Infinity);
    expect(v('NaN')).toBeNaN();
    expect(v('+5.5e-3')).toBe(0.0055);
    expect(parse('-0755')).toEqual({ type: 'NumberLiteral', value: -493, pos: { start: 0, end: 5 } });
    expect(parse('1h30m')).toEqual({ type: 'NumberLiteral', value: 5400, duration: true, pos: { start: 0, end: 5 } });
  });

  it('string literals', () => {
    expect(parse(`"a\\nb"`)).toEqual({ type: 'StringLiteral', value: 'a\nb', pos: { start: 0, end: 6 } });
    expect(parse('`a\\nb`')).toEqual({ type: 'StringLiteral', value: 'a\\nb', pos: { start: 0, end: 6 } });
  });

  it('vector selectors with matchers, quoted names, keywords as names', () => {
    expect(parse('foo{a="b", c!~"d.*",}')).toEqual({
      type: 'VectorSelector',
      name: 'foo',
      matchers: [
        { type: '=', name: 'a', value: 'b' },
        { type: '!~', name: 'c', value: 'd.*' },
        { type: '=', name: '__name__', value: 'foo' },
      ],
      offset: 0,
      at: null,
      pos: { start: 0, end: 21 },
    });
    expect(parse('{"some.metric", "my.label"=~"x"}')).toEqual({
      type: 'VectorSelector',
      matchers: [
        { type: '=', name: '__name__', value: 'some.metric' },
        { type: '=~', name: 'my.label', value: 'x' },
      ],
      offset: 0,
      at: null,
      pos: { start: 0, end: 32 },
    });
    for (const name of ['offset', 'by', 'without', 'step', 'range', 'start', 'end', 'anchored', 'smoothed', 'sum', 'and', 'fill']) {
      const e = parse(`${name}{job="x"}`);
      expect(e.type === 'VectorSelector' && e.name, name).toBe(name);
    }
    expect(parse('a + sum')).toMatchObject({ rhs: sel('sum', 4) });
    expect(parse('sum(sum)')).toMatchObject({ type: 'AggregateExpr', expr: sel('sum', 4) });
  });

  it('matrix selectors and offsets, @ and extended modifiers', () => {
    expect(parse('foo[5m] offset -1h @ 100.5')).toEqual({
      type: 'MatrixSelector',
      vectorSelector: sel('foo', 0, { offset: -3600000, at: 100500 }),
      range: 300000,
      pos: { start: 0, end: 26 },
    });
    expect(parse('foo @ end() offset 1s')).toEqual(sel('foo', 0, { atStart: 'end', offset: 1000, pos: { start: 0, end: 21 } }));
    expect(parse('foo[1.5]')).toMatchObject({ type: 'MatrixSelector', range: 1500 });
    expect(parse('foo[300]')).toMatchObject({ type: 'MatrixSelector', range: 300000 });
    expect(parse('foo offset 0.5')).toMatchObject({ offset: 500 });
    expect(parse('rate(foo[5m] anchored)')).toMatchObject({ args: [{ vectorSelector: { anchored: true } }] });
    expect(parse('metric offset -100 smoothed')).toMatchObject({ smoothed: true, offset: -100000 });
    expect(parse('metric @ -5')).toMatchObject({ at: -5000 });
    expect(parse('foo offset 1d OFFSET 0s'.replace(' OFFSET 0s', ''))).toMatchObject({ offset: 86400000 });
  });

  it('subqueries', () => {
    expect(parse('rate(foo[1m])[5m:30s] offset 1m @ start()')).toMatchObject({
      type: 'SubqueryExpr',
      range: 300000,
      step: 30000,
      offset: 60000,
      at: null,
      atStart: 'start',
      pos: { start: 0, end: 41 },
    });
    expect(parse('foo[10m:]')).toEqual({
      type: 'SubqueryExpr',
      expr: sel('foo', 0),
      range: 600000,
      step: 0,
      offset: 0,
      at: null,
      pos: { start: 0, end: 9 },
    });
    expect(shape(parse('min_over_time(rate(foo[2s])[5m:])[4m:3s]'))).toBe('min_over_time(rate(foo[m])[sq])[sq]');
  });

  it('duration expressions', () => {
    const range = (q: string): DurationExpr | undefined => {
      const e = parse(q);
      return e.type === 'MatrixSelector' ? e.rangeExpr : undefined;
    };
    expect(range('foo[1h/2]')).toEqual({
      type: 'DurationBinary',
      op: '/',
      lhs: { type: 'DurationNumber', value: 3600, isDuration: true, pos: { start: 4, end: 6 } },
      rhs: { type: 'DurationNumber', value: 2, isDuration: false, pos: { start: 7, end: 8 } },
      pos: { start: 4, end: 8 },
    });
    expect(range('foo[-step()]')).toMatchObject({ type: 'DurationUnary', op: '-', expr: { type: 'DurationCall', func: 'step', args: [] } });
    expect(range('foo[max_of(range(), 5s)]')).toMatchObject({ type: 'DurationCall', func: 'max_of', args: [{ func: 'range' }, { value: 5 }] });
    expect(range('foo[-5m+35m]')).toMatchObject({ op: '+', lhs: { value: -300 }, rhs: { value: 2100 } });
    expect(range('foo[11s+10s-5*2^2]')).toMatchObject({ op: '-', lhs: { op: '+' }, rhs: { op: '*', rhs: { op: '^' } } });
    expect(range('foo[(5m)]')).toMatchObject({ type: 'DurationParen' });
    // `offset` takes a single atom; what follows is an ordinary binary operator.
    expect(shape(parse('foo offset -step()*2'))).toBe('(foo * 2)');
    expect(parse('foo offset -step()*2')).toMatchObject({ lhs: { offsetExpr: { type: 'DurationUnary' } } });
    expect(parse('foo offset (5s-8)')).toMatchObject({ offsetExpr: { type: 'DurationParen', expr: { op: '-' } } });
    expect(parse('foo offset STEP()')).toMatchObject({ offsetExpr: { type: 'DurationCall', func: 'step' } });
    expect(parse('foo[4s+4s:1s*2]')).toMatchObject({ range: 0, rangeExpr: { op: '+' }, step: 0, stepExpr: { op: '*' } });
  });

  it('unary, binary, paren', () => {
    expect(parse('-some_metric')).toEqual({ type: 'UnaryExpr', op: '-', expr: sel('some_metric', 1), pos: { start: 0, end: 12 } });
    expect(parse('(1)')).toEqual({ type: 'ParenExpr', expr: { type: 'NumberLiteral', value: 1, pos: { start: 1, end: 2 } }, pos: { start: 0, end: 3 } });
    expect(parse('foo * on(a, b) group_left(c) bar')).toEqual({
      type: 'BinaryExpr',
      op: '*',
      lhs: sel('foo', 0),
      rhs: sel('bar', 29),
      returnBool: false,
      matching: { card: 'many-to-one', on: true, labels: ['a', 'b'], include: ['c'] },
      pos: { start: 0, end: 32 },
    });
    expect(parse('foo == bool 1')).toMatchObject({ returnBool: true });
    expect('matching' in parse('foo == bool 1')).toBe(false);
    expect(parse('foo and bar')).toMatchObject({ matching: { card: 'many-to-many', on: false, labels: [], include: [] } });
    expect(parse('foo unless ignoring(x) bar')).toMatchObject({ matching: { card: 'many-to-many', labels: ['x'] } });
    expect(parse('a / ignoring(x) group_right b')).toMatchObject({ matching: { card: 'one-to-many', on: false, include: [] } });
    expect(parse('a + fill(0) b')).toMatchObject({ fill: { lhs: 0, rhs: 0 } });
    expect(parse('a + on(x) group_left fill_left(5) fill_right(-Inf) b')).toMatchObject({ fill: { lhs: 5, rhs: -Infinity } });
    expect(parse('fill + fill(0) other')).toMatchObject({ lhs: sel('fill', 0), fill: { lhs: 0, rhs: 0 } });
    expect(parse('h </ 2')).toMatchObject({ op: '</' });
    expect(parse('1 + 2').hasOwnProperty('matching')).toBe(false);
  });

  it('calls and aggregations', () => {
    expect(parse('time()')).toEqual({ type: 'Call', func: FUNCTIONS.time, args: [], pos: { start: 0, end: 6 } });
    expect(parse('round(x, 5)')).toMatchObject({ type: 'Call', func: { name: 'round' }, args: [{}, { value: 5 }] });
    expect(parse('label_join(x, "d", ",", "a", "b", "c")')).toMatchObject({ args: { length: 6 } });
    expect(parse('STEP()')).toMatchObject({ type: 'Call', func: { name: 'step' } });
    expect(parse('sum by (foo)(x)')).toEqual({
      type: 'AggregateExpr',
      op: 'sum',
      expr: sel('x', 13),
      grouping: ['foo'],
      without: false,
      pos: { start: 0, end: 15 },
    });
    expect(parse('sum(x) without (a, "b.c",)')).toMatchObject({ without: true, grouping: ['a', 'b.c'], pos: { start: 0, end: 26 } });
    expect(parse('topk(5, x)')).toMatchObject({ op: 'topk', param: { value: 5 }, expr: { name: 'x' } });
    expect(parse('count_values("v", x)')).toMatchObject({ param: { type: 'StringLiteral', value: 'v' } });
    expect(parse('SUM(x) BY (job)')).toMatchObject({ op: 'sum', grouping: ['job'] });
    expect(parse('sum without(and, by, avg, count, alert, annotations)(x)')).toMatchObject({
      grouping: ['and', 'by', 'avg', 'count', 'alert', 'annotations'],
    });
    expect(parse('limitk by (g) (2, x)')).toMatchObject({ op: 'limitk', grouping: ['g'] });
  });

  it('info() accepts a label-only selector as its second argument', () => {
    expect(parse('info(metric, {__name__!="target_info"})')).toMatchObject({ args: [{}, { matchers: [{ type: '!=' }] }] });
    expect(parse('info(metric)')).toMatchObject({ args: { length: 1 } });
  });

  it('skips comments and whitespace', () => {
    expect(shape(parse('# leading\nfoo # trailing\n  +\tbar\r\n'))).toBe('(foo + bar)');
  });
});

describe('precedence and associativity', () => {
  const cases: Array<[string, string]> = [
    ['a + b * c', '(a + (b * c))'],
    ['a * b + c', '((a * b) + c)'],
    ['a - b - c', '((a - b) - c)'],
    ['a / b % c atan2 d', '(((a / b) % c) atan2 d)'],
    ['a ^ b ^ c', '(a ^ (b ^ c))'],
    ['-a ^ b', '(-(a ^ b))'],
    ['-a * b', '((-a) * b)'],
    ['-1^2', '(-(1 ^ 2))'],
    ['-1*2', '(-1 * 2)'],
    ['-1^-2', '(-(1 ^ -2))'],
    ['+1 + -2 * 1', '(1 + (-2 * 1))'],
    ['a ^ -b ^ c', '(a ^ (-(b ^ c)))'],
    ['a + b > c - d', '((a + b) > (c - d))'],
    ['a > b and c < d', '((a > b) and (c < d))'],
    ['a and b or c unless d', '((a and b) or (c unless d))'],
    ['a or b and c', '(a or (b and c))'],
    ['foo + bar or bla and blub', '((foo + bar) or (bla and blub))'],
    ['a == b != c', '((a == b) != c)'],
    ['a </ 2 * 3', '(a </ (2 * 3))'],
    ['1 - -1', '(1 - -1)'],
    ['- - 1', '1'],
    ['(a + b) * c', '([(a + b)] * c)'],
    ['-foo offset 5m * 2', '((-foo) * 2)'],
    ['-rate(foo[5m:])', '(-rate(foo[sq]))'],
    ['a + b offset 5m', '(a + b)'],
    ['-10^3 * - SUM(x) BY (job) ^ -1', '((-(10 ^ 3)) * (-(sum(x) ^ -1)))'],
  ];
  for (const [q, want] of cases) {
    it(q, () => expect(shape(parse(q))).toBe(want));
  }
});

describe('errors', () => {
  const cases: Array<[string, string, number, number]> = [
    ['', 'no expression found in input', 0, 0],
    ['# just a comment\n\n', 'no expression found in input', 0, 0],
    ['1+', 'unexpected end of input', 2, 2],
    ['.', "unexpected character: '.'", 0, 1],
    ['2.5.', 'bad number or duration syntax: "2.5."', 0, 4],
    ['1 /', 'unexpected end of input', 3, 3],
    ['*1', 'unexpected <op:*>', 0, 1],
    ['@@', 'unexpected <op:@>', 0, 1],
    ['(1))', "unexpected right parenthesis ')'", 4, 4],
    ['((1)', 'unclosed left parenthesis', 4, 4],
    ['(', 'unclosed left parenthesis', 1, 1],
    ['sum(', 'unclosed left parenthesis', 4, 4],
    ['-=', 'unexpected "="', 1, 2],
    ['++-++-+-+-<', 'unexpected <op:<>', 10, 11],
    ['e-+=/(0)', 'unexpected "="', 3, 4],
    ['a>b()', 'unknown function with name "b"', 2, 3],
    ['1 and 1', 'set operator "and" not allowed in binary scalar expression', 0, 7],
    ['1 == 1', 'comparisons between scalars must use BOOL modifier', 2, 3],
    ['1 or 1', 'set operator "or" not allowed in binary scalar expression', 0, 6],
    ['-"string"', 'unary expression only allowed on expressions of type scalar or instant vector, got "string"', 0, 9],
    ['-test[5m]', 'unary expression only allowed on expressions of type scalar or instant vector, got "range vector"', 0, 9],
    ['1 offset 1d', 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery', 0, 1],
    ['foo offset 1s offset 2s', 'offset may not be set multiple times', 0, 13],
    ['a - on(b) ignoring(c) d', 'unexpected <ignoring>', 10, 18],
    ['foo + bool bar', 'bool modifier can only be used on comparison operators', 4, 9],
    ['foo == on(bar) 10', 'vector matching only allowed between instant vectors', 0, 17],
    ['foo and on(bar) group_left(baz) bar', 'no grouping allowed for "and" operation', 0, 35],
    ['foo * on(a) group_left(a) bar', 'label "a" must not occur in ON and GROUP clause at once', 4, 24],
    ['foo and 1', 'set operator "and" not allowed in binary scalar expression', 0, 9],
    ['foo + fill(0) 1', 'filling in missing series only allowed between instant vectors', 0, 15],
    ['foo or fill(0) bar', 'filling in missing series not allowed for set operators', 0, 18],
    ['rate(foo[5m]) + 1 offset 1m', 'offset modifier must be preceded by an instant vector selector or range vector selector or a subquery', 16, 17],
    ['foo[5m] + bar', 'binary expression must contain only scalar and instant vector types', 0, 7],
    ['{}', 'vector selector must contain at least one non-empty matcher', 0, 2],
    ['{x=""}', 'vector selector must contain at least one non-empty matcher', 0, 6],
    ['{x=~".*"}', 'vector selector must contain at least one non-empty matcher', 0, 9],
    ['{x!~".+"}', 'vector selector must contain at least one non-empty matcher', 0, 9],
    ['foo{__name__="bar"}', 'metric name must not be set twice: "foo" or "bar"', 0, 19],
    ['foo{a}', 'unexpected "}" in label matching, expected label matching operator', 5, 6],
    ['foo{a=}', 'unexpected "}" in label matching, expected string', 6, 7],
    ['foo{a="b" c="d"}', 'unexpected identifier "c" in label matching, expected "," or "}"', 10, 11],
    ['foo{=}', 'unexpected "=" in label matching, expected identifier or "}"', 4, 5],
    ['foo{a=~"(.*"}', 'error parsing regexp: missing closing ): `(.*`', 4, 12],
    ['foo[5mm]', 'bad number or duration syntax: "5mm"', 4, 8],
    ['foo[0m]', 'duration must be greater than 0', 4, 6],
    ['foo[-1]', 'duration must be greater than 0', 4, 6],
    ['foo[5y1hs]', 'unknown unit "hs" in duration "5y1hs"', 4, 9],
    ['foo[5m1h]', 'not a valid duration string: "5m1h"', 4, 8],
    ['foo[9.5e10]', 'duration out of range', 4, 10],
    ['foo[]', 'unexpected "]" in subquery or range selector, expected number, duration, step(), or range()', 4, 5],
    ['foo[5m:1m1]', 'bad number or duration syntax: "1m1"', 7, 11],
    ['foo[5s x 5s]', "unexpected character: 'x', expected ':'", 7, 12],
    ['foo{bar="baz"}[', 'unexpected end of input in duration expression', 15, 15],
    ['some_metric[5m] OFFSET', 'unexpected end of input in offset, expected number, duration, step(), or range()', 22, 22],
    ['some_metric[5m] OFFSET 1mm', 'bad number or duration syntax: "1mm"', 23, 26],
    ['some_metric OFFSET 1m[5m]', 'no offset modifiers allowed before range', 21, 25],
    ['some_metric[5m] @', 'unexpected end of input in @, expected timestamp', 17, 17],
    ['some_metric @ 1234 [5m]', 'no @ modifiers allowed before range', 19, 23],
    ['some_metric @ start() [5m]', 'no @ modifiers allowed before range', 22, 26],
    ['some_metric offset step()[5m]', 'no offset modifiers allowed before range', 25, 29],
    ['(foo + bar)[5m]', 'ranges only allowed for vector selectors', 11, 15],
    ['1[5m] smoothed', 'ranges only allowed for vector selectors', 1, 5],
    ['foo @ 1 @ 2', '@ <timestamp> may not be set multiple times', 0, 7],
    ['foo @ +Inf', 'timestamp out of bounds for @ modifier: +Inf', 0, 3],
    ['foo @ 1e25', 'timestamp out of bounds for @ modifier: 10000000000000000905969664.000000', 0, 3],
    ['rate(some_metric[5m]) @ 1234', '@ modifier must be preceded by an instant vector selector or range vector selector or a subquery', 0, 21],
    ['foo[5m:1m][1m]', 'ranges only allowed for vector selectors', 10, 14],
    ['(foo + bar{nm="val"})[5m:][10m:5s]', 'subquery is only allowed on instant vector, got matrix instead', 0, 34],
    ['foo[5m:] anchored', 'anchored modifier is not supported for subqueries', 0, 8],
    ['sum(foo) smoothed', 'smoothed modifier not implemented', 0, 8],
    ['foo anchored smoothed', 'anchored and smoothed modifiers cannot be used together', 0, 12],
    ['sum without(==)(some_metric)', 'unexpected <op:==> in grouping opts, expected label', 12, 14],
    ['sum without(,)(some_metric)', 'unexpected "," in grouping opts, expected label', 12, 13],
    ['sum without(foo,,)(some_metric)', 'unexpected "," in grouping opts, expected label', 16, 17],
    ['sum some_metric by (test)', 'unexpected identifier "some_metric"', 4, 15],
    ['sum (some_metric) by test', 'unexpected identifier "test" in grouping opts, expected "("', 21, 25],
    ['sum () by (test)', 'no arguments for aggregate expression provided', 0, 16],
    ['MIN keep_common (some_metric)', 'unexpected identifier "keep_common"', 4, 15],
    ['MIN (some_metric) keep_common', 'unexpected identifier "keep_common"', 18, 29],
    ['sum (some_metric) without (test) by (test)', 'unexpected <by>', 33, 35],
    ['sum without (test) (some_metric) by (test)', 'unexpected <by>', 33, 35],
    ['topk(some_metric)', 'wrong number of arguments for aggregate expression provided, expected 2, got 1', 0, 17],
    ['topk(some_metric,)', 'trailing commas not allowed in function call args', 16, 17],
    ['topk(some_metric, other_metric)', 'expected type scalar in aggregation parameter, got instant vector', 5, 16],
    ['count_values(5, other_metric)', 'expected type string in aggregation parameter, got scalar', 13, 14],
    ['sum(1)', 'expected type instant vector in aggregation expression, got scalar', 4, 5],
    ['floor()', 'expected 1 argument(s) in call to "floor", got 0', 0, 7],
    ['floor(some_metric, other_metric)', 'expected 1 argument(s) in call to "floor", got 2', 0, 32],
    ['floor(1)', 'expected type instant vector in call to function "floor", got scalar', 6, 7],
    ['hour(some_metric, some_metric, some_metric)', 'expected at most 1 argument(s) in call to "hour", got 3', 0, 43],
    ['label_join(x, "a")', 'expected at least 3 argument(s) in call to "label_join", got 2', 0, 18],
    ['time(some_metric)', 'expected 0 argument(s) in call to "time", got 1', 0, 17],
    ['non_existent_function_far_bar()', 'unknown function with name "non_existent_function_far_bar"', 0, 29],
    ['rate(some_metric)', 'expected type range vector in call to function "rate", got instant vector', 5, 16],
    ['rate(avg)', 'expected type range vector in call to function "rate", got instant vector', 5, 8],
    ['label_replace(x, "a", "b", "c", 1)', 'expected type string in call to function "label_replace", got scalar', 32, 33],
    ['info(rate(x[5m]), target_info{foo="bar"})', 'expected label selectors only, got vector selector instead', 18, 40],
    ['info(x, {foo="bar"} == 1)', 'expected label selectors only', 8, 24],
    ['foo bar', 'unexpected identifier "bar"', 4, 7],
    ['foo + group_left bar', 'unexpected <group_left>', 6, 16],
    ['foo{a="b"}{c="d"}', 'unexpected "{"', 10, 11],
    ['"\\c"', "unknown escape sequence U+0063 'c'", 0, 4],
  ];
  for (const [q, msg, start, end] of cases) {
    it(JSON.stringify(q), () => {
      const err = parseError(q);
      expect(err.message).toBe(msg);
      expect(err.positionRange).toEqual({ start, end });
      expect(err.query).toBe(q);
    });
  }

  it('renders line:col like Prometheus', () => {
    expect(parseError('1 + *').toString()).toBe('1:5: parse error: unexpected <op:*>');
    const multi = parseError('sum(\n  rate(foo[5m])\n) +');
    expect(multi.toString()).toBe('3:4: parse error: unexpected end of input');
    expect([multi.line, multi.column]).toEqual([3, 4]);
    expect(parseError('foo[5m]\n  + bar').toString()).toBe('1:1: parse error: binary expression must contain only scalar and instant vector types');
  });

  it('reports syntax errors before type errors', () => {
    expect(parseError('rate(foo) + (1').message).toBe('unclosed left parenthesis');
  });
});

describe('feature options', () => {
  const off = PROMETHEUS_DEFAULT_FEATURES;
  it('rejects experimental syntax when disabled, with Prometheus messages', () => {
    expect(parseError('foo[1h/2]', off).message).toBe('experimental duration expression is not enabled');
    expect(parseError('foo offset step()', off).message).toBe('experimental duration expression is not enabled');
    expect(parseError('foo[5m] anchored', off).message).toBe('anchored modifier is experimental and not enabled');
    expect(parseError('foo smoothed', off).message).toBe('smoothed modifier is experimental and not enabled');
    expect(parseError('a + fill(0) b', off).message).toBe('binop fill modifiers are experimental and not enabled');
    expect(parseError('sort_by_label(x, "a")', off).message).toBe('function "sort_by_label" is not enabled');
    expect(parseError('limitk(1, x)', off).message).toBe(
      'limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions',
    );
  });
  it('accepts the same syntax when enabled (the default)', () => {
    for (const q of ['foo[1h/2]', 'foo offset step()', 'foo[5m] anchored', 'a + fill(0) b', 'sort_by_label(x, "a")', 'limitk(1, x)']) {
      expect(() => parse(q)).not.toThrow();
    }
    // Plain durations and literal offsets never need the flag.
    expect(() => parse('rate(foo[5m] offset -1m)', off)).not.toThrow();
  });
  it('limits nesting depth with a ParseError', () => {
    expect(parseError('('.repeat(50) + '1' + ')'.repeat(50), { maxDepth: 20 }).message).toMatch(/nested too deeply/);
    expect(() => parse('a' + ' + a'.repeat(5000))).not.toThrow();
  });
});
