// Variable interpolation: Grafana's three syntaxes, its formats, and PromQL escaping checked through the real parser.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { matchLabelValue, type Expr, type LabelMatcher } from '../promql/ast.ts';
import { parse } from '../promql/parser.ts';
import { findReferences, interpolate, promRegexValues, referencedVariables, type Scope } from './interpolate.ts';

const scope: Scope = {
  job: { value: 'node', text: 'node', regex: false },
  instance: { value: ['a:9100', 'b.c:9100'], text: ['a', 'b.c'], regex: true },
  one: { value: ['x.y'], text: ['x.y'], regex: true },
  all: { value: '.*', text: 'All', regex: true, raw: true },
  allList: { value: ['p', 'q'], text: 'All', regex: true },
  quote: { value: 'a"b', text: 'a"b', regex: false },
  matcher: { value: 'job="api"', text: 'job="api"', regex: false },
  __rate_interval: { value: '60s', text: '60s', regex: false },
};

const i = (text: string, fmt: 'promql' | 'text' = 'promql'): string => interpolate(text, scope, fmt).text;

function matcherOf(query: string, label: string): LabelMatcher {
  const expr: Expr = parse(query);
  if (expr.type !== 'VectorSelector') throw new Error(`expected a selector, got ${expr.type}`);
  const m = expr.matchers.find((x) => x.name === label);
  if (!m) throw new Error(`no matcher for ${label}`);
  return m;
}

describe('syntax', () => {
  it('replaces $var, ${var} and [[var]], leaving unknown names as written', () => {
    expect(i('up{job="$job"}')).toBe('up{job="node"}');
    expect(i('up{job="${job}"}')).toBe('up{job="node"}');
    expect(i('up{job="[[job]]"}')).toBe('up{job="node"}');
    const r = interpolate('up{job="$job_name", x="${nope}"}', scope);
    expect(r.text).toBe('up{job="$job_name", x="${nope}"}');
    expect(r.unknown).toEqual(['job_name', 'nope']);
    expect(i('rate(x[$__rate_interval])')).toBe('rate(x[60s])');
  });

  it('finds references with their formats; built-ins are not dependencies', () => {
    expect(findReferences('$a ${b:csv} [[c:pipe]] ${d.path}').map((r) => [r.name, r.format, r.fieldPath])).toEqual([
      ['a', undefined, undefined],
      ['b', 'csv', undefined],
      ['c', 'pipe', undefined],
      ['d', undefined, 'path'],
    ]);
    expect(referencedVariables('rate(x{a="$a"}[$__rate_interval]) / $a')).toEqual(['a']);
  });

  it('treats ${var.field} as unknown (field paths are for data links)', () => {
    expect(interpolate('${job.x}', scope).unknown).toEqual(['job']);
  });
});

describe('PromQL format', () => {
  it('multi-value joins as an escaped alternation that matches exactly the values', () => {
    const q = i('up{instance=~"$instance"}');
    expect(q).toBe(String.raw`up{instance=~"(a:9100|b\\.c:9100)"}`);
    const m = matcherOf(q, 'instance');
    expect(matchLabelValue(m, 'b.c:9100')).toBe(true);
    expect(matchLabelValue(m, 'bxc:9100')).toBe(false);
    expect(matchLabelValue(m, 'a:9100')).toBe(true);
  });

  it('a single regex-escaped value has no parentheses; non-multi values are only string-escaped', () => {
    expect(i('up{i=~"$one"}')).toBe(String.raw`up{i=~"x\\.y"}`);
    const q = i('up{v="$quote"}');
    expect(q).toBe(String.raw`up{v="a\"b"}`);
    expect(matcherOf(q, 'v').value).toBe('a"b');
  });

  it('keeps a value that is itself a label matcher', () => {
    expect(i('up{$matcher}')).toBe('up{job="api"}');
  });

  it('All: the custom all value is raw, otherwise every option', () => {
    expect(i('up{job=~"$all"}')).toBe('up{job=~".*"}');
    expect(i('up{job=~"$allList"}')).toBe('up{job=~"(p|q)"}');
    expect(i('${all:text}')).toBe('All');
  });

  it('escaped alternations round-trip through the parser for arbitrary values', () => {
    const value = fc.string({ minLength: 0, maxLength: 12 }).filter((s) => !/[\n\r]/.test(s));
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 4 }), fc.string({ maxLength: 12 }), (values, other) => {
        const m = matcherOf(`up{l=~"${promRegexValues(values)}"}`, 'l');
        for (const v of values) expect(matchLabelValue(m, v)).toBe(true);
        if (!values.includes(other)) expect(matchLabelValue(m, other)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('named formats', () => {
  it('regex, pipe, csv, raw, glob, json', () => {
    expect(i('${instance:regex}')).toBe(String.raw`(a:9100|b\.c:9100)`);
    expect(i('${instance:pipe}')).toBe('a:9100|b.c:9100');
    expect(i('${instance:csv}')).toBe('a:9100,b.c:9100');
    expect(i('${instance:raw}')).toBe('a:9100,b.c:9100');
    expect(i('[[instance:glob]]')).toBe('{a:9100,b.c:9100}');
    expect(i('${instance:json}')).toBe('["a:9100","b.c:9100"]');
    expect(i('${job:regex}')).toBe('node');
    expect(i('${one:regex}')).toBe(String.raw`x\.y`);
  });

  it('quoting and URL formats', () => {
    expect(i('${instance:singlequote}')).toBe("'a:9100','b.c:9100'");
    expect(i('${instance:doublequote}')).toBe('"a:9100","b.c:9100"');
    expect(i('${quote:sqlstring}')).toBe(`'a"b'`);
    expect(i('${instance:queryparam}')).toBe('var-instance=a%3A9100&var-instance=b.c%3A9100');
    expect(i('${instance:percentencode}')).toBe('%7Ba%3A9100%2Cb.c%3A9100%7D');
  });

  it('text shows what the user picked; unknown formats fall back to glob', () => {
    expect(i('${instance:text}')).toBe('a + b.c');
    expect(i('Host $instance', 'text')).toBe('Host a + b.c');
    expect(i('${instance:bogus}')).toBe('{a:9100,b.c:9100}');
  });
});
