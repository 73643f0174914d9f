// Tests for SampleBuffer: ordered appends, growth, trimming, and range views that stay valid afterwards.
import { describe, expect, it } from 'vitest';
import { SampleBuffer } from './sample-buffer.ts';

function filled(n: number, from = 0): SampleBuffer {
  const b = new SampleBuffer();
  for (let i = from; i < from + n; i++) expect(b.append(i * 10, i + 0.5)).toBe(true);
  return b;
}

describe('SampleBuffer', () => {
  it('keeps samples in time order and refuses ones not newer than the last', () => {
    const b = filled(3);
    expect(b.append(20, 9)).toBe(false);
    expect(b.append(15, 9)).toBe(false);
    expect([b.length, b.firstT, b.lastT]).toEqual([3, 0, 20]);
    expect(new SampleBuffer().lastT).toBe(-Infinity);
    expect(new SampleBuffer().firstT).toBe(Infinity);
  });

  it('grows past its initial capacity with times and values intact', () => {
    const b = filled(100);
    const { t, v } = b.range(0, 1e9);
    expect(Array.from(t)).toEqual(Array.from({ length: 100 }, (_, i) => i * 10));
    expect(Array.from(v)).toEqual(Array.from({ length: 100 }, (_, i) => i + 0.5));
  });

  it('answers inclusive ranges', () => {
    const { t, v } = filled(10).range(20, 50);
    expect([Array.from(t), Array.from(v)]).toEqual([
      [20, 30, 40, 50],
      [2.5, 3.5, 4.5, 5.5],
    ]);
    expect(filled(10).range(1000, 2000).t.length).toBe(0);
  });

  it('trims old samples, and views handed out before keep their contents', () => {
    const b = filled(40);
    const before = b.range(0, 1e9);
    b.trimBefore(300);
    expect([b.length, b.firstT]).toEqual([10, 300]);
    for (let i = 40; i < 200; i++) b.append(i * 10, -i);
    expect(Array.from(before.t.subarray(0, 3))).toEqual([0, 10, 20]);
    expect(Array.from(before.v.subarray(0, 3))).toEqual([0.5, 1.5, 2.5]);
    const { t, v } = b.range(390, 410);
    expect([Array.from(t), Array.from(v)]).toEqual([
      [390, 400, 410],
      [39.5, -40, -41],
    ]);
  });
});
