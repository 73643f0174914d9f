// Property tests: arbitrary input never crashes or hangs the parser, generated queries round-trip, parsing is fast.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Expr } from './ast.ts';
import { ParseError } from './parse-error.ts';
import { parse } from './parser.ts';
import { prettify, printExpr } from './printer.ts';

function stripPos(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(stripPos);
  if (x && typeof x === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(x)) if (k !== 'pos') out[k] = stripPos(v);
    return out;
  }
  return x;
}

/** Parses, asserting that only ParseError (with a range inside the query) can escape. */
function tryParse(q: string): Expr | undefined {
  try {
    return parse(q);
  } catch (e) {
    if (!(e instanceof ParseError)) throw new Error(`non-ParseError for ${JSON.stringify(q)}: ${String(e)}`);
    expect(e.positionRange.start).toBeGreaterThanOrEqual(0);
    expect(e.positionRange.start).toBeLessThanOrEqual(q.length);
    expect(e.positionRange.end).toBeLessThanOrEqual(q.length);
    expect(e.toString()).toMatch(/^\d+:\d+: parse error: ./);
    return undefined;
  }
}

const TOKENS = [
  'foo', 'bar', 'sum', 'rate', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'offset',
  'and', 'or', 'unless', 'atan2', 'topk', 'count_values', 'step', 'range', 'start', 'end', 'min_of', 'max', 'fill',
  'fill_left', 'anchored', 'smoothed', 'Inf', 'NaN', '1', '0.5', '0x1f', '1e3', '5m', '1h30m', '"s"', "'t'", '`r`',
  '(', ')', '{', '}', '[', ']', ',', ':', '=', '==', '!=', '=~', '!~', '<', '>', '<=', '>=', '</', '>/', '+', '-',
  '*', '/', '%', '^', '@', '#', '\n', ' ', 'job="a"', '__name__', 'histogram_quantile', 'label_replace', 'info',
];

const tokenSoup = fc.array(fc.constantFrom(...TOKENS), { maxLength: 40 }).chain((toks) =>
  fc.constantFrom(' ', '').map((sep) => toks.join(sep)),
);

/** A generator of syntactically plausible queries (most are valid PromQL). */
const { query } = fc.letrec<{ query: string; vector: string; scalar: string; selector: string; duration: string }>((tie) => ({
  duration: fc.oneof(
    fc.constantFrom('5m', '1h', '30s', '1h30m', '250ms', '90', '1.5'),
    fc.tuple(fc.constantFrom('5m', '1h', 'step()', '2'), fc.constantFrom('+', '*', '-'), fc.constantFrom('1m', '3', 'range()')).map(
      ([a, op, b]) => `${a}${op}${b}`,
    ),
  ),
  selector: fc
    .tuple(
      fc.constantFrom('foo', 'http_requests_total', 'a:b', 'offset', 'by', 'sum', 'step', '{"x.y"}'),
      fc.constantFrom('', '{job="api"}', '{a=~"x.*",b!="c",}', '{"q.l"="v"}'),
      fc.constantFrom('', ' offset 5m', ' offset -1h', ' @ 100', ' @ start()', ' offset step()', ' smoothed'),
    )
    .map(([n, m, mod]) => (n.startsWith('{') && m ? n.slice(0, -1) + ',' + m.slice(1) : n + m) + mod),
  scalar: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom('1', '-2.5', '0x10', 'Inf', '-Inf', 'NaN', '1e3', 'time()', 'pi()'),
    tie('scalar').map((s) => `(${s})`),
    fc.tuple(tie('scalar'), fc.constantFrom('+', '-', '*', '/', '%', '^', '== bool', '< bool', 'atan2'), tie('scalar')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('vector').map((v) => `scalar(${v})`),
  ),
  vector: fc.oneof(
    { depthSize: 'small' },
    tie('selector'),
    fc.tuple(tie('selector'), tie('duration')).map(([s, d]) => `rate(${s.replace(/ (offset|@|smoothed).*$/, '')}[${d}])`),
    tie('vector').map((v) => `-${v}`),
    tie('vector').map((v) => `(${v})`),
    fc
      .tuple(fc.constantFrom('sum', 'avg', 'max', 'count', 'group'), fc.constantFrom('', ' by (job)', ' without (a, "b c")'), tie('vector'))
      .map(([op, g, v]) => `${op}${g}(${v})`),
    fc.tuple(fc.constantFrom('topk', 'quantile', 'limitk'), tie('scalar'), tie('vector')).map(([op, p, v]) => `${op}(${p}, ${v})`),
    fc
      .tuple(
        tie('vector'),
        fc.constantFrom('+', '-', '*', '/', '>', '== bool', 'and', 'or', 'unless', '^', '</'),
        fc.constantFrom('', ' on (job)', ' ignoring (a) group_left (b)', ' on () group_right', ' fill (0)'),
        tie('vector'),
      )
      .map(([a, op, m, b]) => `${a} ${op}${m} ${b}`),
    fc.tuple(tie('vector'), fc.constantFrom('+', '*', '<'), tie('scalar')).map(([a, op, b]) => `${a} ${op} ${b}`),
    fc.tuple(tie('vector'), tie('duration')).map(([v, d]) => `max_over_time((${v})[${d}:])`),
    fc.tuple(fc.constantFrom('abs', 'ceil', 'sort', 'timestamp'), tie('vector')).map(([f, v]) => `${f}(${v})`),
    tie('vector').map((v) => `label_replace(${v}, "dst", "$1", "src", "(.*)")`),
  ),
  query: fc.oneof(tie('vector'), tie('scalar')),
}));

describe('parser robustness', () => {
  it('never throws anything but ParseError on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        tryParse(s);
      }),
      { numRuns: 1500 },
    );
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (s) => {
        tryParse(s);
      }),
      { numRuns: 500 },
    );
  });

  it('never throws anything but ParseError on token soup, and is fast', () => {
    let slowest = 0;
    fc.assert(
      fc.property(tokenSoup, (s) => {
        const t0 = performance.now();
        tryParse(s);
        slowest = Math.max(slowest, performance.now() - t0);
      }),
      { numRuns: 2000 },
    );
    // Generous bound: the machine is shared; a hang or quadratic blow-up would take seconds.
    expect(slowest).toBeLessThan(500);
  });

  it('round-trips generated queries through print and prettify', () => {
    let parsed = 0;
    fc.assert(
      fc.property(query, (q) => {
        const tree = tryParse(q);
        if (!tree) return;
        parsed++;
        const printed = printExpr(tree);
        expect(stripPos(parse(printed)), `${q} -> ${printed}`).toEqual(stripPos(tree));
        expect(stripPos(parse(prettify(tree, { maxWidth: 25 })))).toEqual(stripPos(tree));
      }),
      { numRuns: 1500 },
    );
    // The generator must mostly produce valid PromQL, or the property says little.
    expect(parsed).toBeGreaterThan(1000);
  });
});

describe('parser performance', () => {
  const best = (f: () => void, runs = 7): number => {
    let m = Infinity;
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      f();
      m = Math.min(m, performance.now() - t0);
    }
    return m;
  };

  it('parses a 10 KB query in milliseconds', () => {
    const q = Array.from({ length: 120 }, (_, i) => `sum by (job, instance) (rate(http_requests_total{job="api${i}",code=~"5.."}[5m]))`).join(' + ');
    expect(q.length).toBeGreaterThan(9000);
    const ms = best(() => parse(q));
    expect(ms).toBeLessThan(50);
  });

  it('stays linear on long operator chains and deep subquery stacks', () => {
    const chain = 'a' + ' + a'.repeat(20000);
    const tree = parse(chain);
    expect(printExpr(tree).length).toBe(chain.length);
    // Prometheus's own fuzzing regression: 10000 errors inside, 1000 nested subqueries outside.
    const q = '(' + '-{}-1'.repeat(10000) + ')' + '[1m:]'.repeat(1000);
    const t0 = performance.now();
    expect(() => parse(q)).toThrow('vector selector must contain at least one non-empty matcher');
    expect(performance.now() - t0).toBeLessThan(5000);
  });

  it('reports excessive nesting as a ParseError instead of overflowing the stack', () => {
    for (const q of ['('.repeat(20000) + '1' + ')'.repeat(20000), '-'.repeat(20000) + '1', 'a' + ' ^ a'.repeat(20000), 'abs('.repeat(5000) + 'x' + ')'.repeat(5000)]) {
      expect(() => parse(q)).toThrow(/nested too deeply/);
    }
  });
});
