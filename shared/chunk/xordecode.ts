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
  // Value k of v is at words 2(base + k) (low) and 2(base + k) + 1 (high) of its buffer.
  const out = wordView(v);
  const base = v.byteOffset >>> 3;
  const limit = bytes.length * 8;
  const w = wordsOf(bytes);
  let pos = 16;

  // Reads 1 ≤ count ≤ 32 bits most-significant first, as an unsigned number: two word loads and shifts. Reads do
  // not check the end: past it they see the zero padding, and each sample checks once that it ended in the chunk.
  const bits = (count: number): number => {
    const i = pos >>> 5;
    const off = pos & 31;
    const x = off === 0 ? w[i] : (w[i] << off) | (w[i + 1] >>> (32 - off));
    pos += count;
    return x >>> (32 - count);
  };
  // Reads one bit.
  const bit = (): number => {
    const x = (w[pos >>> 5] >>> (31 - (pos & 31))) & 1;
    pos++;
    return x;
  };
  const uvarint = (): number => {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      const b = bits(8);
      if (pos > limit) throw new ChunkError('chunk ends in the middle of a sample');
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
  if (pos > limit) throw new ChunkError('chunk ends in the middle of a sample');
  t[at] = time;
  out[2 * (base + at)] = lo;
  out[2 * (base + at) + 1] = hi;
  let delta = 0;
  let leading = 0;
  let trailing = 0;
  for (let i = 1; i < n; i++) {
    if (i === 1) {
      delta = uvarint();
    } else if (bit() === 1) {
      let size: number;
      if (bit() === 0) size = 14;
      else if (bit() === 0) size = 17;
      else if (bit() === 0) size = 20;
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
    if (bit() === 1) {
      if (bit() === 1) {
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
    if (pos > limit) throw new ChunkError('chunk ends in the middle of a sample');
    const k = at + i;
    t[k] = time;
    const o = 2 * (base + k);
    out[o] = lo;
    out[o + 1] = hi;
  }
  return n;
}

/** The last value buffer written to and a 32-bit view over all of it (reused while columns come from one slab). */
let viewBuffer: ArrayBufferLike | null = null;
let viewWords: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

/** A Uint32Array over the whole buffer of v (index 2k, 2k+1 are the low and high words of the buffer's k-th float). */
function wordView(v: Float64Array): Uint32Array<ArrayBufferLike> {
  if (v.buffer !== viewBuffer || viewWords.length < (v.byteOffset + v.byteLength) >>> 2) {
    viewBuffer = v.buffer;
    viewWords = new Uint32Array(v.buffer, 0, v.buffer.byteLength >>> 2);
  }
  return viewWords;
}

/** Zero words after a chunk's last: more than one sample's most bits (2 + 64 + 2 + 11 + 64), so no read leaves the array. */
const PAD_WORDS = 6;

/** Scratch for wordsOf, grown as needed and reused by every decode (decoding is synchronous). */
let scratch = new Int32Array(64);

/**
 * The chunk's bytes as big-endian 32-bit words, with zero words after the end so a read never runs off the array
 * (a sample that reads past the chunk's last bit is refused before it is written).
 */
function wordsOf(bytes: Uint8Array): Int32Array {
  const len = bytes.length;
  const need = (len >>> 2) + 1 + PAD_WORDS;
  if (scratch.length < need) scratch = new Int32Array(Math.max(need, scratch.length * 2));
  const w = scratch;
  const whole = len >>> 2;
  let j = 0;
  for (let i = 0; i < whole; i++, j += 4) w[i] = (bytes[j] << 24) | (bytes[j + 1] << 16) | (bytes[j + 2] << 8) | bytes[j + 3];
  let last = 0;
  for (let s = 24; j < len; j++, s -= 8) last |= bytes[j] << s;
  w[whole] = last;
  for (let i = 1; i <= PAD_WORDS; i++) w[whole + i] = 0;
  return w;
}

/** Decodes a chunk into new columns (see decodeXorInto for why values never pass through JS numbers). */
export function decodeXorColumns(bytes: Uint8Array): { t: Float64Array; v: Float64Array } {
  const n = chunkSampleCount(bytes);
  const t = new Float64Array(n);
  const v = new Float64Array(n);
  decodeXorInto(bytes, t, v);
  return { t, v };
}
