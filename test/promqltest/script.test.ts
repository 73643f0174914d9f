// Tests for the promqltest script parser: commands, expect lines, deprecated forms and their line numbers.
import { describe, expect, it } from 'vitest';
import { labelsKey } from '../../shared/model/labels.ts';
import { isFail, isOrdered, parseScript, ScriptError, type EvalCommand, type LoadCommand } from './script.ts';

function evals(src: string): EvalCommand[] {
  return parseScript(src).filter((c): c is EvalCommand => c.kind === 'eval');
}

describe('parseScript: load and clear', () => {
  it('reads loads with their interval, series, @st lines and flags', () => {
    const cmds = parseScript(`# comment
load 30s
  up{job="a"} 1+1x2
  @st -1s
  c{x="1"}@st _ -5s
  c{x="1"} 1 2
  up{job="a"} 7

clear
load_with_nhcb 1m
  h_bucket{le="1"} 1 2

load 1m
  nh {{schema:0 count:1}}
`);
    expect(cmds.map((c) => c.kind)).toEqual(['load', 'clear', 'load', 'load']);
    const first = cmds[0] as LoadCommand;
    expect(first.line).toBe(2);
    expect(first.intervalMs).toBe(30_000);
    expect(first.defaultStartOffsets).toEqual([-1000]);
    // The later definition of up{job="a"} replaces the first.
    expect(first.series.map((s) => [s.labels, s.values.length, s.startOffsets])).toEqual([
      [{ __name__: 'up', job: 'a' }, 1, undefined],
      [{ __name__: 'c', x: '1' }, 2, [undefined, -5000]],
    ]);
    expect((cmds[2] as LoadCommand).withNhcb).toBe(true);
    expect((cmds[2] as LoadCommand).histograms).toBe(false);
    expect((cmds[3] as LoadCommand).histograms).toBe(true);
  });

  it('rejects malformed loads and unknown commands with the line', () => {
    expect(() => parseScript('load\n')).toThrow('line 1: invalid load command');
    expect(() => parseScript('load 1x\n')).toThrow('line 1: invalid step definition');
    expect(() => parseScript('\nload 1m\n  m{a=1} 1\n')).toThrow(/line 3: expected a quoted label value \(column 5\)/);
    expect(() => parseScript('load 1m\n  a@st 1s\n  b 1\n')).toThrow('line 2: @st metric does not match');
    expect(() => parseScript('load 1m\n  a@st 1s 2s\n  a 1\n')).toThrow('line 2: @st line has 2 values but sample line has 1');
    expect(() => parseScript('frobnicate\n')).toThrow(ScriptError);
  });
});

describe('parseScript: eval', () => {
  it('reads instant evals with expectations and positions', () => {
    const [e] = evals(`load 1m
  m 1

eval instant at 1m30s sum by (a) (m)
  expect no_warn
  expect info msg: PromQL info: x (1:1)
  expect ordered
  {a="2"} 3
  {a="1"} 4
`);
    expect(e.line).toBe(4);
    expect(e.expr).toBe('sum by (a) (m)');
    expect(e.isRange).toBe(false);
    expect(e.evalMs).toBe(90_000);
    expect(e.startMs).toBe(90_000);
    expect(e.endMs).toBe(-Infinity);
    expect(e.expects.no_warn).toHaveLength(1);
    expect(e.expects.info).toEqual([{ message: 'PromQL info: x (1:1)' }]);
    expect(isOrdered(e)).toBe(true);
    expect([...e.expected.values()].map((s) => [s.labels, s.pos])).toEqual([
      [{ a: '2' }, 1],
      [{ a: '1' }, 2],
    ]);
  });

  it('reads range evals', () => {
    const [e] = evals('eval range from 0 to 10m step 5m rate(m[5m])\n  {} 1 _ 3\n');
    expect([e.isRange, e.startMs, e.endMs, e.stepMs, e.expr]).toEqual([true, 0, 600_000, 300_000, 'rate(m[5m])']);
    expect(e.expected.get(labelsKey({}))?.values).toEqual([
      { omitted: false, value: 1 },
      { omitted: true },
      { omitted: false, value: 3 },
    ]);
  });

  it('reads expect fail/regex, range vector and string forms', () => {
    const [a, b, c, d] = evals(`eval instant at 1m ceil(x)
  expect fail regex: vector cannot contain metrics .*|other

eval instant at 1m m[1m]
  expect range vector from 10s to 1m step 10s
  m 1 2 3 4 5 6

eval instant at 50m ("Foo")
  expect string \`Foo\`

eval instant at 0 x
  expect fail msg:vector cannot contain
`);
    expect(isFail(a)).toBe(true);
    expect(a.expects.fail[0].regex?.test('vector cannot contain metrics with the same labelset')).toBe(true);
    expect([b.startMs, b.endMs, b.stepMs, b.evalMs, b.excludeFromRangeQuery]).toEqual([10_000, 60_000, 10_000, 60_000, true]);
    expect(c.expectedString).toBe('Foo');
    expect(c.excludeFromRangeQuery).toBe(true);
    expect(d.expects.fail).toEqual([{ message: 'vector cannot contain' }]);
  });

  it('treats a bare number as an expected scalar and ends the block there', () => {
    const cmds = parseScript('eval instant at 0 1+1\n  2\nclear\n');
    expect(cmds.map((c) => c.kind)).toEqual(['eval', 'clear']);
    const e = cmds[0] as EvalCommand;
    expect([e.expectScalar, e.scalar, e.expected.size]).toEqual([true, 2, 0]);
  });

  it('reads the deprecated eval_* forms and expected_fail_* lines', () => {
    const [a, b, c] = evals(`eval_fail instant at 0 -{job="api"}
  expected_fail_message vector cannot contain metrics with the same labelset

eval_fail range from 0 to 1m step 1m x
  expected_fail_regexp (?i)VECTOR.*

eval_ordered instant at 0 sort(x)
  x 1
`);
    expect(isFail(a)).toBe(true);
    expect(a.expectedFailMessage).toBe('vector cannot contain metrics with the same labelset');
    expect(b.isRange).toBe(true);
    expect(b.expectedFailRegexp?.test('vector x')).toBe(true);
    expect(isOrdered(c)).toBe(true);
  });

  it('marks expectations holding native histograms', () => {
    const [e] = evals('eval instant at 0 h\n  h {{count:1}}\n');
    expect(e.histograms).toBe(true);
  });

  it('rejects invalid evals', () => {
    expect(() => parseScript('eval instant at 0 m\n  m 1 2\n')).toThrow('line 2: expecting multiple values in instant evaluation not allowed');
    expect(() => parseScript('eval range from 2m to 1m step 1m m\n')).toThrow('end timestamp (1m) is before start timestamp (2m)');
    expect(() => parseScript('eval instant at 0 m\n  expect warn\n  expect no_warn\n')).toThrow('warn and no_warn cannot be used together');
    expect(() => parseScript('eval instant at 0 m\n  expect fail\n  expect fail\n')).toThrow('multiple expect fail lines');
    expect(() => parseScript('eval instant at 0 m\n  expect sometimes\n')).toThrow('invalid expect statement');
    expect(() => parseScript('eval instant at 0 m\n  expect string\n')).toThrow('a quoted string literal is required');
    expect(() => parseScript('eval at 0 m\n')).toThrow('invalid evaluation command');
  });
});
