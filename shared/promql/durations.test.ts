// Tests for Prometheus duration strings and duration-expression evaluation.
import { describe, expect, it } from 'vitest';
import type { DurationExpr } from './ast.ts';
import { DurationError, evalDuration, evalDurationSeconds, formatDuration, isConstantDuration, parseDuration, secondsToMs } from './durations.ts';
import { parse } from './parser.ts';

/** The range expression of `foo[<d>]`. */
function rangeExpr(d: string): DurationExpr {
  const e = parse(`foo[${d}]`);
  if (e.type !== 'MatrixSelector' || !e.rangeExpr) throw new Error(`no range expression in ${d}`);
  return e.rangeExpr;
}

describe('parseDuration', () => {
  it('parses every unit, combined largest first', () => {
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1s')).toBe(1000);
    expect(parseDuration('5m')).toBe(300_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('2d')).toBe(172_800_000);
    expect(parseDuration('1w')).toBe(604_800_000);
    expect(parseDuration('1y')).toBe(31_536_000_000);
    expect(parseDuration('1y2w3d4h5m6s7ms')).toBe(31_536_000_000 + 1_209_600_000 + 259_200_000 + 14_400_000 + 300_000 + 6000 + 7);
  });
  it('rejects malformed durations with Prometheus messages', () => {
    expect(() => parseDuration('')).toThrow('empty duration string');
    expect(() => parseDuration('5m1h')).toThrow('not a valid duration string: "5m1h"');
    expect(() => parseDuration('5m5m')).toThrow('not a valid duration string: "5m5m"');
    expect(() => parseDuration('1.5h')).toThrow('unknown unit "." in duration "1.5h"');
    expect(() => parseDuration('5y1hs')).toThrow('unknown unit "hs" in duration "5y1hs"');
    expect(() => parseDuration('5')).toThrow('not a valid duration string: "5"');
    expect(() => parseDuration('300y')).toThrow('duration out of range');
  });
});

describe('formatDuration', () => {
  it('formats like model.Duration.String', () => {
    expect(formatDuration(0)).toBe('0s');
    expect(formatDuration(1500)).toBe('1s500ms');
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(90 * 86_400_000)).toBe('90d');
    expect(formatDuration(14 * 86_400_000)).toBe('2w');
    expect(formatDuration(365 * 86_400_000)).toBe('1y');
    expect(formatDuration(366 * 86_400_000)).toBe('366d');
    expect(formatDuration(-60_000)).toBe('-1m');
    for (const ms of [1, 999, 61_001, 3_723_004, 31_536_000_000 * 3]) expect(parseDuration(formatDuration(ms))).toBe(ms);
  });
});

describe('secondsToMs', () => {
  it('truncates like Go but ignores float noise', () => {
    expect(secondsToMs(1.5)).toBe(1500);
    expect(secondsToMs(0.0005)).toBe(0);
    expect(secondsToMs(0.007)).toBe(7);
    expect(secondsToMs(1.0005)).toBe(1000);
    expect(secondsToMs(-2.5)).toBe(-2500);
  });
});

describe('evalDuration', () => {
  const ctx = { step: 5000, range: 10_000 };
  it('evaluates arithmetic in seconds', () => {
    expect(evalDuration(rangeExpr('26m+4m'), ctx, false)).toBe(1_800_000);
    expect(evalDuration(rangeExpr('1h/2'), ctx, false)).toBe(1_800_000);
    expect(evalDuration(rangeExpr('1h30m % 1h'), ctx, false)).toBe(1_800_000);
    expect(evalDuration(rangeExpr('30m1s-30m1s % 1m'), ctx, false)).toBe(1_800_000);
    expect(evalDuration(rangeExpr('24m+((1.5*2m)+2m)'), ctx, false)).toBe(1_740_000);
    expect(evalDuration(rangeExpr('2^3'), ctx, false)).toBe(8000);
    expect(evalDuration(rangeExpr('-5m+35m'), ctx, false)).toBe(1_800_000);
  });
  it('resolves step(), range(), min_of and max_of', () => {
    expect(evalDuration(rangeExpr('step()'), ctx, false)).toBe(5000);
    expect(evalDuration(rangeExpr('step()+1ms'), ctx, false)).toBe(5001);
    expect(evalDuration(rangeExpr('1+(STep()-5)*2'), ctx, false)).toBe(1000);
    expect(evalDuration(rangeExpr('range()'), ctx, false)).toBe(10_000);
    expect(evalDuration(rangeExpr('max_of(min_of(step()+1,1h),1ms)'), ctx, false)).toBe(6000);
    const off = parse('foo offset -(min_of(step(), 2s)-5)');
    if (off.type !== 'VectorSelector' || !off.offsetExpr) throw new Error('no offset expression');
    expect(evalDuration(off.offsetExpr, ctx, true)).toBe(3000);
    expect(evalDurationSeconds(rangeExpr('-step()'), ctx)).toBe(-5);
  });
  it('rejects non-positive ranges, division by zero and overflow', () => {
    expect(() => evalDuration(rangeExpr('5m-5m'), ctx, false)).toThrow('duration must be greater than 0');
    expect(evalDuration(rangeExpr('5m-10m'), ctx, true)).toBe(-300_000);
    expect(() => evalDuration(rangeExpr('1h/0'), ctx, false)).toThrow(DurationError);
    expect(() => evalDuration(rangeExpr('1h/0'), ctx, false)).toThrow('division by zero');
    expect(() => evalDuration(rangeExpr('1h%0'), ctx, false)).toThrow('modulo by zero');
    expect(() => evalDuration(rangeExpr('10^20'), ctx, false)).toThrow('duration is out of range');
    try {
      evalDuration(rangeExpr('5m/(1-1)'), ctx, false);
    } catch (e) {
      expect(e instanceof DurationError && e.pos).toBe(4);
    }
  });
  it('knows which expressions are constant', () => {
    expect(isConstantDuration(rangeExpr('1h/2'))).toBe(true);
    expect(isConstantDuration(rangeExpr('max_of(1h, 2h)'))).toBe(true);
    expect(isConstantDuration(rangeExpr('1h/step()'))).toBe(false);
  });
});
