// Table tests for relabeling: every action, Prometheus's defaults and validation, hashmod and MD5.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { md5 } from './md5.ts';
import { compileRelabelConfigs, relabel, relabelConfig, RelabelConfigError, validateRelabelConfig, type RelabelConfig } from './relabel.ts';
import type { Labels } from './labels.ts';

function run(input: Labels, configs: Partial<RelabelConfig>[], scheme: 'utf8' | 'legacy' = 'utf8'): Labels | null {
  return relabel(input, compileRelabelConfigs(configs.map(relabelConfig), scheme));
}

describe('relabel actions', () => {
  const base = { a: 'foo', b: 'bar', c: 'baz' };
  const cases: { name: string; input: Labels; configs: Partial<RelabelConfig>[]; want: Labels | null }[] = [
    {
      name: 'replace with ${1} twice',
      input: base,
      configs: [{ sourceLabels: ['a'], regex: 'f(.*)', targetLabel: 'd', replacement: 'ch${1}-ch${1}' }],
      want: { ...base, d: 'choo-choo' },
    },
    {
      name: 'replace joins sources with the separator and chains',
      input: base,
      configs: [
        { sourceLabels: ['a', 'b'], regex: 'f(.*);(.*)r', targetLabel: 'a', replacement: 'b${1}${2}m' },
        { sourceLabels: ['c', 'a'], regex: '(b).*b(.*)ba(.*)', targetLabel: 'd', replacement: '$1$2$2$3' },
      ],
      want: { a: 'boobam', b: 'bar', c: 'baz', d: 'boooom' },
    },
    {
      name: 'replace defaults: regex (.*), replacement $1 copies a label',
      input: base,
      configs: [{ sourceLabels: ['b'], targetLabel: 'copy' }],
      want: { ...base, copy: 'bar' },
    },
    {
      name: 'replace with custom separator',
      input: base,
      configs: [{ sourceLabels: ['a', 'b', 'missing'], separator: '/', targetLabel: 'path' }],
      want: { ...base, path: 'foo/bar/' },
    },
    {
      name: 'replace does nothing when the anchored regex does not match',
      input: { a: 'boo' },
      configs: [{ sourceLabels: ['a'], regex: 'o', targetLabel: 'b', replacement: 'bar' }],
      want: { a: 'boo' },
    },
    {
      name: 'replace with an empty result deletes the target label',
      input: { a: 'foo', f: 'baz' },
      configs: [{ sourceLabels: ['a'], regex: '(f).*', targetLabel: '$1', replacement: '$2' }],
      want: { a: 'foo' },
    },
    {
      name: 'replace with templated target label',
      input: { a: 'some-name-value' },
      configs: [{ sourceLabels: ['a'], regex: 'some-([^-]+)-([^,]+)', targetLabel: '${1}', replacement: '${2}' }],
      want: { a: 'some-name-value', name: 'value' },
    },
    {
      name: 'replace skips a target label that expands to nothing',
      input: { a: 'some-name-0' },
      configs: [{ sourceLabels: ['a'], regex: 'some-([^-]+)-([^,]+)', targetLabel: '${3}', replacement: '${1}' }],
      want: { a: 'some-name-0' },
    },
    {
      name: 'replace with a named group',
      input: { a: 'line1\nline2' },
      configs: [{ sourceLabels: ['a'], regex: '(line1).*(?P<second>line2)', targetLabel: 'x_${1}', replacement: 'val_${second}' }],
      want: { a: 'line1\nline2', x_line1: 'val_line2' },
    },
    {
      name: 'replace: $1x names group "1x", which does not exist',
      input: { a: 'foo' },
      configs: [{ sourceLabels: ['a'], regex: '(f)oo', targetLabel: 'b', replacement: '$1x' }],
      want: { a: 'foo' },
    },
    {
      name: 'replace: dot matches newline',
      input: { a: 'line1\nline2' },
      configs: [{ sourceLabels: ['a'], regex: 'line1.*line2', targetLabel: 'd', replacement: 'match${1}' }],
      want: { a: 'line1\nline2', d: 'match' },
    },
    {
      name: 'replace sets a constant when the source is empty',
      input: { a: 'foo' },
      configs: [{ targetLabel: 'env', replacement: 'prod' }],
      want: { a: 'foo', env: 'prod' },
    },
    {
      name: 'replace writes __address__ from a host and port pair',
      input: { __meta_host: 'h1', __meta_port: '9100' },
      configs: [{ sourceLabels: ['__meta_host', '__meta_port'], separator: ':', targetLabel: '__address__' }],
      want: { __address__: 'h1:9100', __meta_host: 'h1', __meta_port: '9100' },
    },
    { name: 'drop on match', input: { a: 'foo', b: 'bar' }, configs: [{ sourceLabels: ['a'], regex: '.*o.*', action: 'drop' }], want: null },
    { name: 'drop keeps on no match', input: { a: 'foo' }, configs: [{ sourceLabels: ['a'], regex: 'f|o', action: 'drop' }], want: { a: 'foo' } },
    { name: 'drop stops later steps', input: { a: 'foo' }, configs: [{ sourceLabels: ['a'], regex: 'foo', action: 'drop' }, { targetLabel: 'x', replacement: 'y' }], want: null },
    { name: 'keep on match', input: { a: 'foo' }, configs: [{ sourceLabels: ['a'], regex: 'f.*', action: 'keep' }], want: { a: 'foo' } },
    { name: 'keep drops on no match', input: { a: 'foo' }, configs: [{ sourceLabels: ['a'], regex: 'no-match', action: 'keep' }], want: null },
    { name: 'keep matches the empty value of a missing label', input: { a: 'foo' }, configs: [{ sourceLabels: ['nope'], regex: '', action: 'keep' }], want: { a: 'foo' } },
    {
      name: 'keepequal keeps when equal',
      input: { __tmp_port: '1234', __port1: '1234', __port2: '5678' },
      configs: [{ sourceLabels: ['__tmp_port'], targetLabel: '__port1', action: 'keepequal' }],
      want: { __port1: '1234', __port2: '5678', __tmp_port: '1234' },
    },
    { name: 'keepequal drops when different', input: { p: '1', q: '2' }, configs: [{ sourceLabels: ['p'], targetLabel: 'q', action: 'keepequal' }], want: null },
    { name: 'dropequal drops when equal', input: { p: '1', q: '1' }, configs: [{ sourceLabels: ['p'], targetLabel: 'q', action: 'dropequal' }], want: null },
    { name: 'dropequal keeps when different', input: { p: '1', q: '2' }, configs: [{ sourceLabels: ['p'], targetLabel: 'q', action: 'dropequal' }], want: { p: '1', q: '2' } },
    {
      name: 'hashmod (Prometheus reference value for "baz" % 1000 = 976)',
      input: base,
      configs: [{ sourceLabels: ['c'], targetLabel: 'd', action: 'hashmod', modulus: 1000 }],
      want: { ...base, d: '976' },
    },
    {
      name: 'hashmod (Prometheus reference value for "foo\\nbar" % 1000 = 734)',
      input: { a: 'foo\nbar' },
      configs: [{ sourceLabels: ['a'], targetLabel: 'b', action: 'hashmod', modulus: 1000 }],
      want: { a: 'foo\nbar', b: '734' },
    },
    {
      name: 'labelmap copies matching names',
      input: { a: 'foo', b1: 'bar', b2: 'baz' },
      configs: [{ regex: '(b.*)', replacement: 'bar_${1}', action: 'labelmap' }],
      want: { a: 'foo', b1: 'bar', b2: 'baz', bar_b1: 'bar', bar_b2: 'baz' },
    },
    {
      name: 'labelmap strips a meta prefix',
      input: { a: 'foo', __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc' },
      configs: [{ regex: '__meta_(my.*)', replacement: '${1}', action: 'labelmap' }],
      want: { __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc', a: 'foo', my_bar: 'aaa', my_baz: 'bbb' },
    },
    {
      name: 'labelmap: when two names map to one, the later in label order wins',
      input: { __meta_x_a: '1', __meta_y_a: '2' },
      configs: [{ regex: '__meta_[xy]_(.*)', replacement: '$1', action: 'labelmap' }],
      want: { __meta_x_a: '1', __meta_y_a: '2', a: '2' },
    },
    { name: 'labeldrop', input: { a: 'foo', b1: 'bar', b2: 'baz' }, configs: [{ regex: '(b.*)', action: 'labeldrop' }], want: { a: 'foo' } },
    { name: 'labelkeep', input: { a: 'foo', b1: 'bar', b2: 'baz' }, configs: [{ regex: '(b.*)', action: 'labelkeep' }], want: { b1: 'bar', b2: 'baz' } },
    {
      name: 'labeldrop then replace re-creates the label',
      input: { __meta_port_name: 'foo', __meta_annotation_port: '9091' },
      configs: [
        { regex: '__meta_port_name', action: 'labeldrop' },
        { sourceLabels: ['__meta_annotation_port'], regex: '(.+)', targetLabel: '__meta_port_name', replacement: 'metrics' },
        { sourceLabels: ['__meta_port_name'], regex: 'metrics', action: 'keep' },
      ],
      want: { __meta_annotation_port: '9091', __meta_port_name: 'metrics' },
    },
    {
      name: 'lowercase and uppercase',
      input: { foo: 'bAr123Foo' },
      configs: [
        { sourceLabels: ['foo'], action: 'uppercase', targetLabel: 'foo_uppercase' },
        { sourceLabels: ['foo'], action: 'lowercase', targetLabel: 'foo_lowercase' },
      ],
      want: { foo: 'bAr123Foo', foo_lowercase: 'bar123foo', foo_uppercase: 'BAR123FOO' },
    },
    {
      name: 'uppercase keeps characters without a single-rune upper case (Go strings.ToUpper)',
      input: { s: 'straße' },
      configs: [{ sourceLabels: ['s'], action: 'uppercase', targetLabel: 'u' }],
      want: { s: 'straße', u: 'STRAßE' },
    },
    {
      name: 'UTF-8 source and target label names',
      input: { 'utf-8.label': 'v' },
      configs: [{ sourceLabels: ['utf-8.label'], targetLabel: 'other.label' }],
      want: { 'other.label': 'v', 'utf-8.label': 'v' },
    },
    {
      name: 'case-insensitive regex',
      input: { env: 'PROD' },
      configs: [{ sourceLabels: ['env'], regex: '(?i)prod', action: 'keep' }],
      want: { env: 'PROD' },
    },
  ];
  it.each(cases)('$name', ({ input, configs, want }) => {
    expect(run(input, configs)).toEqual(want);
  });

  it('returns labels sorted by name and does not modify the input', () => {
    const input = { z: '1', a: '2' };
    const out = run(input, [{ targetLabel: 'm', replacement: 'x' }]);
    expect(Object.keys(out ?? {})).toEqual(['a', 'm', 'z']);
    expect(input).toEqual({ z: '1', a: '2' });
  });

  it('under the legacy scheme skips replace targets that expand to invalid names', () => {
    expect(run({ a: 'x-y' }, [{ sourceLabels: ['a'], regex: '(.*)', targetLabel: '${1}', replacement: 'v' }], 'legacy')).toEqual({ a: 'x-y' });
    expect(run({ a: 'x-y' }, [{ sourceLabels: ['a'], regex: '(.*)', targetLabel: '${1}', replacement: 'v' }], 'utf8')).toEqual({ a: 'x-y', 'x-y': 'v' });
  });
});

describe('hashmod uses MD5 exactly', () => {
  it('matches node:crypto MD5 on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 64 }), (s) => {
        expect(Buffer.from(md5(s)).toString('hex')).toBe(createHash('md5').update(s, 'utf8').digest('hex'));
      }),
      { numRuns: 100 },
    );
  });

  it('takes the last 8 digest bytes as a big-endian uint64 modulo N', () => {
    for (const value of ['', 'a', 'instance-1:9100', 'ünïcödé']) {
      const digest = createHash('md5').update(value, 'utf8').digest();
      const want = (digest.readBigUInt64BE(8) % 7919n).toString();
      expect(run({ v: value }, [{ sourceLabels: ['v'], targetLabel: 'h', action: 'hashmod', modulus: 7919 }])?.h).toBe(want);
    }
  });
});

describe('validateRelabelConfig (Prometheus rules)', () => {
  const invalid: [string, Partial<RelabelConfig>, string, Set<keyof RelabelConfig>?][] = [
    ['hashmod without modulus', { action: 'hashmod', targetLabel: 'x' }, 'relabel configuration for hashmod requires non-zero modulus'],
    ['replace without target_label', { action: 'replace' }, "relabel configuration for replace action requires 'target_label' value"],
    ['lowercase without target_label', { action: 'lowercase', sourceLabels: ['a'] }, "relabel configuration for lowercase action requires 'target_label' value"],
    ['keepequal without target_label', { action: 'keepequal', sourceLabels: ['a'] }, "relabel configuration for keepequal action requires 'target_label' value"],
    ['uppercase with replacement', { action: 'uppercase', targetLabel: 'x', replacement: 'y' }, "'replacement' can not be set for uppercase action"],
    ['dropequal with a regex', { action: 'dropequal', targetLabel: 'x', regex: 'a' }, "dropequal action requires only 'source_labels' and `target_label`, and no other fields"],
    [
      'keepequal with an explicit default regex',
      { action: 'keepequal', targetLabel: 'x' },
      "keepequal action requires only 'source_labels' and `target_label`, and no other fields",
      new Set<keyof RelabelConfig>(['regex']),
    ],
    ['labeldrop with source_labels', { action: 'labeldrop', sourceLabels: ['a'] }, "labeldrop action requires only 'regex', and no other fields"],
    ['labelkeep with target_label', { action: 'labelkeep', targetLabel: 'a' }, "labelkeep action requires only 'regex', and no other fields"],
    ['labelkeep with separator', { action: 'labelkeep', separator: ',' }, "labelkeep action requires only 'regex', and no other fields"],
  ];
  it.each(invalid)('%s', (_name, partial, message, explicit) => {
    expect(validateRelabelConfig(relabelConfig(partial), 'utf8', explicit)).toBe(message);
  });

  it('applies the legacy name rules only under the legacy scheme', () => {
    const cfg = relabelConfig({ targetLabel: 'a-b' });
    expect(validateRelabelConfig(cfg, 'utf8')).toBeNull();
    expect(validateRelabelConfig(cfg, 'legacy')).toBe(`"a-b" is invalid 'target_label' for replace action`);
    expect(validateRelabelConfig(relabelConfig({ targetLabel: '${1}_x' }), 'legacy')).toBeNull();
    expect(validateRelabelConfig(relabelConfig({ action: 'labelmap', replacement: 'a.$1' }), 'legacy')).toBe(`"a.$1" is invalid 'replacement' for labelmap action`);
  });

  it('accepts each action in its minimal valid form', () => {
    const valid: Partial<RelabelConfig>[] = [
      { targetLabel: 'x' },
      { action: 'keep' },
      { action: 'drop' },
      { action: 'keepequal', targetLabel: 'x' },
      { action: 'dropequal', targetLabel: 'x' },
      { action: 'hashmod', targetLabel: 'x', modulus: 2 },
      { action: 'labelmap' },
      { action: 'labeldrop' },
      { action: 'labelkeep' },
      { action: 'lowercase', targetLabel: 'x' },
      { action: 'uppercase', targetLabel: 'x' },
    ];
    for (const p of valid) expect(validateRelabelConfig(relabelConfig(p))).toBeNull();
  });

  it('compileRelabelConfigs throws on configs that skipped validation', () => {
    expect(() => compileRelabelConfigs([relabelConfig({ action: 'hashmod', targetLabel: 'x' })])).toThrow(RelabelConfigError);
    expect(() => compileRelabelConfigs([relabelConfig({ targetLabel: 'x', regex: '(' })])).toThrow(/missing closing/);
  });
});
