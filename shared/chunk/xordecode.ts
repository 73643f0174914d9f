// Fast decoder for xor.ts chunks that writes value bits straight into the output through an integer view.
//
// Optimising JavaScript engines may "silence" a signalling NaN whenever a float passes through an object field or a
// DataView (Chromium 156 does: XorIterator's `v` field and DataView.setFloat64 turn the stale marker
// 0x7ff0000000000002 into 0x7ff8000000000002 once the code is hot). Values here never exist as JS numbers: the
// 64 value bits go from the bit stream into a Uint32Array over the output Float64Array, so NaN payloads survive.
import { ChunkError } from './bits.ts';
import { chunkSampleCount } from './xor.ts';

const TWO_32 = 2 ** 32;

/**
 * Decodes every sample of an XOR chunk into t and v starting at index `at` (the arrays must have room);
 * returns the number of samples. Throws ChunkError for a truncated or malformed chunk.
 */
export function decodeXorInto(bytes: Uint8Array, t: Float64Array, v: Float64Array, at = 0): number {
  const n = chunkSampleCount(bytes);
  if (n === 0) return 0;
  if (t.length < at + n || v.length < at + n) throw new RangeError(`output has room for ${Math.min(t.length, v.length) - at} samples, chunk holds ${n}`);
  const out = new Uint32Array(v.buffer, v.byteOffset, v.length * 2);
  const limit = bytes.length * 8;
  let pos = 16;

  // Reads 1 ≤ count ≤ 32 bits most-significant first, as an unsigned number, from a 32-bit window at pos.
  const bits = (count: number): number => {
    if (pos + count > limit) throw new ChunkError('chunk ends in the middle of a sample');
    const i = pos >>> 3;
    const off = pos & 7;
    let w = ((bytes[i] << 24) | ((bytes[i + 1] ?? 0) << 16) | ((bytes[i + 2] ?? 0) << 8) | (bytes[i + 3] ?? 0)) >>> 0;
    if (off > 0) w = ((w << off) | ((bytes[i + 4] ?? 0) >>> (8 - off))) >>> 0;
    pos += count;
    return count === 32 ? w : w >>> (32 - count);
  };
  const uvarint = (): number => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = bits(8);
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
    throw new ChunkError('varint overflows 64 bits');
  };

  // First sample: signed varint time, raw 64 value bits.
  const u0 = uvarint();
  let time = u0 % 2 === 0 ? u0 / 2 : -(u0 + 1) / 2;
  let hi = bits(32);
  let lo = bits(32);
  t[at] = time;
  out[2 * at] = lo;
  out[2 * at + 1] = hi;
  let delta = 0;
  let leading = 0;
  let trailing = 0;
  for (let i = 1; i < n; i++) {
    if (i === 1) {
      delta = uvarint();
    } else if (bits(1) === 1) {
      let size: number;
      if (bits(1) === 0) size = 14;
      else if (bits(1) === 0) size = 17;
      else if (bits(1) === 0) size = 20;
      else size = 64;
      if (size === 64) {
        const dh = bits(32);
        const dl = bits(32);
        delta += (dh | 0) * TWO_32 + dl;
      } else {
        const raw = bits(size);
        delta += raw > 2 ** (size - 1) ? raw - 2 ** size : raw;
      }
    }
    time += delta;
    // Value: '0' repeats it; '10' reuses the previous window; '11' gives a new one.
    if (bits(1) === 1) {
      if (bits(1) === 1) {
        leading = bits(5);
        let sig = bits(6);
        if (sig === 0) sig = 64;
        trailing = 64 - leading - sig;
      }
      const sig = 64 - leading - trailing;
      let dHi: number;
      let dLo: number;
      if (sig > 32) {
        dHi = bits(sig - 32);
        dLo = bits(32);
      } else {
        dHi = 0;
        dLo = bits(sig);
      }
      if (trailing >= 32) {
        dHi = (dLo << (trailing - 32)) >>> 0;
        dLo = 0;
      } else if (trailing > 0) {
        dHi = ((dHi << trailing) | (dLo >>> (32 - trailing))) >>> 0;
        dLo = (dLo << trailing) >>> 0;
      }
      hi = (hi ^ dHi) >>> 0;
      lo = (lo ^ dLo) >>> 0;
    }
    const k = at + i;
    t[k] = time;
    out[2 * k] = lo;
    out[2 * k + 1] = hi;
  }
  return n;
}

/** Decodes a chunk into new columns (see decodeXorInto for why values never pass through JS numbers). */
export function decodeXorColumns(bytes: Uint8Array): { t: Float64Array; v: Float64Array } {
  const n = chunkSampleCount(bytes);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  decodeXorInto(bytes, t, v);
  return { t, v };
}
