import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { STALE_NAN } from '../model/stale.ts';
import { ChunkError } from './bits.ts';
import { decodeXorColumns, decodeXorInto } from './xordecode.ts';
import { encodeXor } from './xor.ts';

/** The 64 bits of each value, read through an integer view (never as JS numbers). */
function bits(v: Float64Array): string[] {
  const u = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
  const out: string[] = [];
  for (let i = 0; i < v.length; i++) out.push(u[2 * i + 1].toString(16) + ':' + u[2 * i].toString(16));
  return out;
}

/** Puts the stale marker's bits at index i without passing it through a JS number. */
function setStale(v: Float64Array, i: number): void {
  const u = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
  u[2 * i + 1] = 0x7ff00000;
  u[2 * i] = 2;
}

describe('decodeXorInto', () => {
  it('decodes what xor.ts encodes, bit for bit, for random series (property)', () => {
    const value = fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, Number.MAX_VALUE, Number.MIN_VALUE), fc.integer());
    fc.assert(
      fc.property(
        fc.integer({ min: -1e12, max: 2e12 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 2 ** 40 }), value, fc.boolean()), { minLength: 1, maxLength: 200 }),
        (start, steps) => {
          const t: number[] = [];
          const v = new Float64Array(steps.length);
          let now = start;
          steps.forEach(([dt, x, stale], i) => {
            now += dt;
            t.push(now);
            v[i] = x;
            if (stale) setStale(v, i);
          });
          const got = decodeXorColumns(encodeXor(t, v));
          expect(Array.from(got.t)).toEqual(t);
          expect(bits(got.v)).toEqual(bits(v));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps the stale marker when the decoder is hot', () => {
    const v = new Float64Array(120);
    for (let i = 0; i < 120; i++) v[i] = i * 1.5;
    setStale(v, 7);
    const bytes = encodeXor(Array.from({ length: 120 }, (_, i) => 1000 + i * 15), v);
    const out = new Float64Array(120);
    const ts = new Float64Array(120);
    for (let rep = 0; rep < 20_000; rep++) decodeXorInto(bytes, ts, out);
    expect(bits(out)[7]).toBe(bits(Float64Array.of(STALE_NAN))[0]);
    expect(bits(out)).toEqual(bits(v));
  });

  it('writes at an offset and rejects truncated chunks and short outputs', () => {
    const bytes = encodeXor([10, 20, 30], [1, 2, 3]);
    const t = new Float64Array(5);
    const v = new Float64Array(5);
    expect(decodeXorInto(bytes, t, v, 2)).toBe(3);
    expect(Array.from(t)).toEqual([0, 0, 10, 20, 30]);
    expect(Array.from(v)).toEqual([0, 0, 1, 2, 3]);
    expect(() => decodeXorInto(bytes.subarray(0, bytes.length - 2), t, v)).toThrow(ChunkError);
    expect(() => decodeXorInto(bytes, new Float64Array(2), new Float64Array(2))).toThrow(RangeError);
    expect(decodeXorColumns(Uint8Array.of(0, 0)).t.length).toBe(0);
  });

  it('writes into views at any offset of a shared buffer, switching between buffers', () => {
    const want = Float64Array.of(0.5, 0, -2);
    setStale(want, 1);
    const bytes = encodeXor([5, 10, 15], want);
    const bufA = new Float64Array(16);
    const bufB = new Float64Array(8);
    for (const [buf, from] of [[bufA, 3], [bufB, 2], [bufA, 11], [bufB, 0]] as const) {
      const t = new Float64Array(3);
      const v = buf.subarray(from, from + 3);
      expect(decodeXorInto(bytes, t, v)).toBe(3);
      expect(Array.from(t)).toEqual([5, 10, 15]);
      expect(bits(v)).toEqual(bits(want));
    }
    // Nothing outside the views was written.
    expect(Array.from(bufA).filter((x, i) => !((i >= 3 && i < 6) || (i >= 11 && i < 14)) && x !== 0)).toEqual([]);
    expect(Array.from(bufB).filter((x, i) => i >= 5 && x !== 0)).toEqual([]);
  });
});
