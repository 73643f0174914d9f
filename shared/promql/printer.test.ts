// Tests for the PromQL printer and prettifier: canonical output and parse(print(parse(q))) == parse(q) round trips.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.ts';
import { FUNCTIONS } from './ast.ts';
import { parse } from './parser.ts';
import { formatNumber, prettify, printDurationExpr, printExpr } from './printer.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const promqltestDir = path.resolve(repoRoot, '../shared/conformance/promqltest');

/** Deep copy without `pos`, so trees from differently formatted sources compare equal. */
function stripPos(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripPos);
  if (x && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (k !== 'pos') out[k] = stripPos(v);
    return out;
  }
  return x;
}

function expectRoundTrip(q: string): void {
  const tree = parse(q);
  const printed = printExpr(tree);
  expect(stripPos(parse(printed)), `${q}\n  printed: ${printed}`).toEqual(stripPos(tree));
  // Printing is idempotent.
  expect(printExpr(parse(printed))).toBe(printed);
  const pretty = prettify(tree, { maxWidth: 30 });
  expect(stripPos(parse(pretty)), `${q}\n  prettified:\n${pretty}`).toEqual(stripPos(tree));
}

/** Every query of an `eval` line in the upstream promqltest files. */
function conformanceQueries(): Array<{ file: string; query: string }> {
  const out: Array<{ file: string; query: string }> = [];
  for (const file of readdirSync(promqltestDir).filter((f) => f.endsWith('.test')).sort()) {
    for (const line of readFileSync(path.join(promqltestDir, file), 'utf8').split('\n')) {
      const m = /^eval(?:_\w+)?\s+(?:instant\s+at\s+\S+|range\s+from\s+\S+\s+to\s+\S+\s+step\s+\S+)\s+(.+)$/.exec(line);
      if (m) out.push({ file, query: m[1].trim() });
    }
  }
  return out;
}

describe('formatNumber', () => {
  it('formats like Go strconv.FormatFloat(v, f, -1)', () => {
    expect(formatNumber(1)).toBe('1');
    expect(formatNumber(-2.5)).toBe('-2.5');
    expect(formatNumber(1e21)).toBe('1000000000000000000000');
    expect(formatNumber(1.5e-7)).toBe('0.00000015');
    expect(formatNumber(-1.25e22)).toBe('-12500000000000000000000');
    expect(formatNumber(0.1 + 0.2)).toBe('0.30000000000000004');
    expect(formatNumber(Infinity)).toBe('+Inf');
    expect(formatNumber(-Infinity)).toBe('-Inf');
    expect(formatNumber(NaN)).toBe('NaN');
    expect(formatNumber(-0)).toBe('-0');
  });
});

describe('printExpr', () => {
  const cases: Array<[string, string]> = [
    ['1', '1'],
    ['0x10', '16'],
    ['1e3', '1000'],
    ['5m', '5m'],
    ['-90m', '-1h30m'],
    ['+Inf', '+Inf'],
    ['-Inf', '-Inf'],
    ['nan', 'NaN'],
    [`'it\\'s'`, '"it\'s"'],
    ['`a\\b`', '"a\\\\b"'],
    ['foo', 'foo'],
    ['foo{ a = "b" , c !~ "d" }', 'foo{a="b",c!~"d"}'],
    ['{"foo.bar", "a.b"="c"}', '{__name__="foo.bar","a.b"="c"}'],
    ['{__name__=~"a|b"}', '{__name__=~"a|b"}'],
    ['foo[300]', 'foo[5m]'],
    ['foo[90m] offset 1d', 'foo[1h30m] offset 1d'],
    ['foo offset -5m', 'foo offset -5m'],
    ['foo offset 1500ms', 'foo offset 1s500ms'],
    ['foo @ 100', 'foo @ 100.000'],
    ['foo offset 1m @ start()', 'foo @ start() offset 1m'],
    ['foo[5m] offset 1m anchored', 'foo[5m] anchored offset 1m'],
    ['foo smoothed @ 5', 'foo @ 5.000 smoothed'],
    ['rate(foo[5m])[30m:1m] @ end() offset 2m', 'rate(foo[5m])[30m:1m] @ end() offset 2m'],
    ['foo[5m:]', 'foo[5m:]'],
    ['foo[26m+4m]', 'foo[26m + 4m]'],
    ['foo[1h/2:step()]', 'foo[1h / 2:step()]'],
    ['foo offset -(min_of(step(), 2s)-5)', 'foo offset -(min_of(step(), 2s) - 5)'],
    ['foo offset min(1s,range())', 'foo offset min_of(1s, range())'],
    ['sum by(job)(x)', 'sum by (job) (x)'],
    ['sum(x) without (a, "b.c")', 'sum without (a, "b.c") (x)'],
    ['sum by () (x)', 'sum(x)'],
    ['topk(5, x)', 'topk(5, x)'],
    ['a+on(b)group_left(c)d', 'a + on (b) group_left (c) d'],
    ['a - ignoring(b) group_right d', 'a - ignoring (b) group_right () d'],
    ['a and on() b', 'a and on () b'],
    ['a > bool 1', 'a > bool 1'],
    ['a + fill(-1) b', 'a + fill (-1) b'],
    ['a + fill_left(1) fill_right(NaN) b', 'a + fill_left (1) fill_right (NaN) b'],
    ['h </ 2', 'h </ 2'],
    ['-(a + b)', '-(a + b)'],
    ['-a ^ b', '-a ^ b'],
    ['(-a) ^ b', '(-a) ^ b'],
    ['a ^ b ^ c', 'a ^ b ^ c'],
    ['(a ^ b) ^ c', '(a ^ b) ^ c'],
    ['a - (b - c)', 'a - (b - c)'],
    ['time()', 'time()'],
    ['label_replace(x, "a", "$1", "b", "(.*)")', 'label_replace(x, "a", "$1", "b", "(.*)")'],
  ];
  for (const [q, want] of cases) {
    it(q, () => {
      expect(printExpr(parse(q))).toBe(want);
      expectRoundTrip(q);
    });
  }

  it('adds the parentheses a hand-built tree needs', () => {
    const n = (value: number): Expr => ({ type: 'NumberLiteral', value, pos: { start: 0, end: 0 } });
    const v = (name: string): Expr => parse(name);
    const bin = (op: '+' | '*' | '^', lhs: Expr, rhs: Expr): Expr => ({ type: 'BinaryExpr', op, lhs, rhs, returnBool: false, pos: { start: 0, end: 0 } });
    expect(printExpr(bin('*', bin('+', v('a'), v('b')), v('c')))).toBe('(a + b) * c');
    expect(printExpr(bin('+', v('a'), bin('+', v('b'), v('c'))))).toBe('a + (b + c)');
    expect(printExpr(bin('^', bin('^', v('a'), v('b')), v('c')))).toBe('(a ^ b) ^ c');
    expect(printExpr(bin('^', n(-1), n(2)))).toBe('(-1) ^ 2');
    expect(printExpr({ type: 'UnaryExpr', op: '-', expr: bin('*', v('a'), v('b')), pos: { start: 0, end: 0 } })).toBe('-(a * b)');
    expect(printExpr({ type: 'SubqueryExpr', expr: bin('+', v('a'), v('b')), range: 60000, step: 0, offset: 0, at: null, pos: { start: 0, end: 0 } })).toBe(
      '(a + b)[1m:]',
    );
    expect(printExpr({ type: 'Call', func: FUNCTIONS.abs, args: [v('x')], pos: { start: 0, end: 0 } })).toBe('abs(x)');
    expect(
      printDurationExpr({
        type: 'DurationBinary',
        op: '*',
        lhs: { type: 'DurationBinary', op: '+', lhs: { type: 'DurationNumber', value: 60, isDuration: true, pos: { start: 0, end: 0 } }, rhs: { type: 'DurationCall', func: 'step', args: [], pos: { start: 0, end: 0 } }, pos: { start: 0, end: 0 } },
        rhs: { type: 'DurationNumber', value: 2, isDuration: false, pos: { start: 0, end: 0 } },
        pos: { start: 0, end: 0 },
      }),
    ).toBe('(1m + step()) * 2');
  });
});

describe('round trip', () => {
  const queries = [
    'sum by (job) (rate(http_requests_total{job="api",code=~"5.."}[5m])) / ignoring (code) group_left sum by (job) (rate(http_requests_total[5m]))',
    'histogram_quantile(0.99, sum by (le) (rate(x_bucket[5m]))) > bool 0.5',
    'count_values("v", build_info) or on () vector(0)',
    'absent_over_time(up{job="x"}[10m] offset -1h)',
    'max_over_time(deriv(rate(foo[1m])[5m:1m])[1h:5m] @ 1600000000)',
    'quantile(0.9, x) unless without_label',
    'label_join(up, "foo", ",", "job", "instance")',
    'sort_by_label_desc(up, "job", "instance")',
    'a * on (b) group_right (c, d) fill_right (0) e',
    '1 - -1',
    '- - 1',
    '2 ^ -1 ^ 2',
    '-(-1)',
    '"\\u00e9\\x41\\xff"',
    '{"a b"="c", __name__=~"x.+"}',
    'sum without ("a b") (x)',
    'info(rate(http[5m]), {k8s_cluster=~".+"})',
    'foo[-(10s-5s)+20s]',
    'count_over_time(metric1_total[1+(STep()-5)*2])',
    'metric1_total offset -min_of(step(), 1s)^0',
    'metric @ 100 smoothed + 0',
    'rate(x[5m] anchored) + increase(x[5m] smoothed)',
    'a </ 2 * 3 >/ 1',
    'min_of(3, 5) + max_of(1, time())',
    '0.1 + 0.2 + 1e-20 + 1e300 + 0x7fffffff',
    'foo offset 1y2w3d4h5m6s7ms',
  ];
  for (const q of queries) it(q, () => expectRoundTrip(q));

  it('holds for every eval query in the promqltest conformance files', () => {
    const all = conformanceQueries();
    expect(all.length).toBeGreaterThan(1000);
    const failures: string[] = [];
    for (const { file, query } of all) {
      try {
        expectRoundTrip(query);
      } catch (e) {
        failures.push(`${file}: ${query}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('prettify', () => {
  it('splits long expressions like promtool format', () => {
    const q =
      'sum by (job) (rate(http_requests_total{job="api-server",code=~"5.."}[5m])) / sum by (job) (rate(http_requests_total{job="api-server"}[5m])) > 0.05';
    expect(prettify(parse(q))).toBe(
      [
        '    sum by (job) (rate(http_requests_total{job="api-server",code=~"5.."}[5m]))',
        '  /',
        '    sum by (job) (rate(http_requests_total{job="api-server"}[5m]))',
        '>',
        '  0.05',
      ].join('\n'),
    );
    expect(
      prettify(
        parse('histogram_quantile(0.99, sum by (le, service) (rate(http_request_duration_seconds_bucket{service=~"frontend|backend", status!~"5.."}[5m])))'),
      ),
    ).toBe(
      [
        'histogram_quantile(',
        '  0.99,',
        '  sum by (le, service) (',
        '    rate(http_request_duration_seconds_bucket{service=~"frontend|backend",status!~"5.."}[5m])',
        '  )',
        ')',
      ].join('\n'),
    );
  });

  it('keeps short expressions on one line and honours options', () => {
    expect(prettify(parse('sum(rate(x[5m]))'))).toBe('sum(rate(x[5m]))');
    expect(prettify(parse('topk(5, some_long_metric_name)[5m:1m]'), { maxWidth: 20, indent: '\t' })).toBe(
      'topk(\n\t5,\n\tsome_long_metric_name\n)[5m:1m]',
    );
    expect(prettify(parse('-(first_long_metric_name + second_long_metric_name)'), { maxWidth: 30 })).toBe(
      '-(\n    first_long_metric_name\n  +\n    second_long_metric_name\n)',
    );
  });
});
