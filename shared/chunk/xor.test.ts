import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ChunkError, XorAppender, XorIterator, chunkSampleCount, decodeXor, encodeXor } from './xor.ts';
import { STALE_NAN, isStaleMarker } from '../model/stale.ts';

function bitsOf(v: number): string {
  const dv = new DataView(new ArrayBuffer(8));
  dv.setFloat64(0, v);
  return dv.getBigUint64(0).toString(16);
}

// Values travel in Float64Arrays: a plain JS array would canonicalise NaN payloads (see model/stale.ts).
function bitsList(v: ArrayLike<number>): string[] {
  const out: string[] = [];
  for (let i = 0; i < v.length; i++) out.push(bitsOf(v[i]));
  return out;
}

function expectSameSamples(t: number[], values: Float64Array): void {
  const out = decodeXor(encodeXor(t, values));
  expect(Array.from(out.t)).toEqual(t);
  expect(bitsList(out.v)).toEqual(bitsList(values));
}

describe('XOR chunk codec', () => {
  it('round-trips a regular scrape series in few bytes', () => {
    const t: number[] = [];
    const v: number[] = [];
    for (let i = 0; i < 120; i++) {
      t.push(1_700_000_000_000 + i * 15_000);
      v.push(1000 + i * 3);
    }
    const bytes = encodeXor(t, v);
    expect(chunkSampleCount(bytes)).toBe(120);
    expectSameSamples(t, Float64Array.from(v));
    // regular timestamps cost one bit each; a steady counter's XORs are short
    expect(bytes.length / 120).toBeLessThan(3);
  });

  it('keeps NaN, ±Inf, -0 and the exact stale-marker bits', () => {
    const t = [1, 2, 3, 4, 5, 6, 7];
    const v = new Float64Array(7);
    [NaN, Infinity, -Infinity, -0, 0, 0, 0].forEach((x, i) => (v[i] = x));
    v[4] = STALE_NAN;
    v[6] = STALE_NAN;
    expectSameSamples(t, v);
    const out = decodeXor(encodeXor(t, v));
    expect(isStaleMarker(out.v[4])).toBe(true);
    expect(isStaleMarker(out.v[0])).toBe(false);
  });

  it('uses every delta-of-delta bucket, including negative and 64-bit ones', () => {
    const t = [0, 1000, 2000, 2001, 10_000, 70_000, 600_000, 600_001, 5_000_000_000, 5_000_000_001, 2 ** 52];
    expectSameSamples(t, Float64Array.from(t, (_, i) => i * 0.1));
  });

  it('handles negative timestamps (before the epoch)', () => {
    expectSameSamples([-100_000, -50_000, 0, 50_000], Float64Array.of(1, 2, 3, 4));
  });

  it('rejects out-of-order and duplicate timestamps without corrupting the chunk', () => {
    const a = new XorAppender();
    a.append(10, 1);
    a.append(20, 2);
    expect(() => a.append(20, 3)).toThrow(ChunkError);
    expect(() => a.append(5, 3)).toThrow(/out-of-order/);
    a.append(30, 4);
    const out = decodeXor(a.bytes());
    expect(Array.from(out.t)).toEqual([10, 20, 30]);
    expect(Array.from(out.v)).toEqual([1, 2, 4]);
  });

  it('reports a truncated chunk as a ChunkError', () => {
    const bytes = encodeXor([1, 2, 3, 4], [1.5, 2.25, 3.125, 99.99]);
    expect(() => decodeXor(bytes.subarray(0, bytes.length - 3))).toThrow(ChunkError);
    expect(() => decodeXor(new Uint8Array([0]))).toThrow(ChunkError);
  });

  it('iterates lazily', () => {
    const it = new XorIterator(encodeXor([5, 6], [7, 8]));
    expect(it.next()).toBe(true);
    expect([it.t, it.v]).toEqual([5, 7]);
    expect(it.next()).toBe(true);
    expect([it.t, it.v]).toEqual([6, 8]);
    expect(it.next()).toBe(false);
  });

  it('round-trips random series (property)', () => {
    const special = fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 'stale' as const, Number.MAX_VALUE, Number.MIN_VALUE);
    const value = fc.oneof(fc.double(), special, fc.integer());
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 2e12 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 10_000_000 }), value), { minLength: 1, maxLength: 300 }),
        (start, steps) => {
          const t: number[] = [];
          const v = new Float64Array(steps.length);
          let now = start;
          steps.forEach(([dt, val], i) => {
            now += dt;
            t.push(now);
            v[i] = val === 'stale' ? STALE_NAN : val;
          });
          expectSameSamples(t, v);
        },
      ),
      { numRuns: 300 },
    );
  });
});
