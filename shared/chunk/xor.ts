// Gorilla (XOR) chunk codec in Prometheus's chunkenc layout: delta-of-delta timestamps, XOR-encoded floats.
//
// Layout: 2-byte big-endian sample count; first sample as a signed varint time and 64 raw value bits;
// second as an unsigned varint time delta and an XOR value; later ones as a delta-of-delta bucket
// ('0' | '10'+14 bits | '110'+17 | '1110'+20 | '1111'+64) and an XOR value. Values keep their exact
// bits, so the stale-marker NaN survives.
import { BitReader, BitWriter, ChunkError } from './bits.ts';

export { ChunkError } from './bits.ts';

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Float64Array shares the platform's byte order; every engine we target is little-endian.
const LO = 0;
const HI = 1;

const TWO_32 = 2 ** 32;

function writeVarint(w: BitWriter, v: number): void {
  // zig-zag as Go's binary.PutVarint does, on safe integers
  writeUvarint(w, v >= 0 ? v * 2 : -v * 2 - 1);
}

function writeUvarint(w: BitWriter, v: number): void {
  while (v >= 0x80) {
    w.writeByte((v % 128) | 0x80);
    v = Math.floor(v / 128);
  }
  w.writeByte(v);
}

function readUvarint(r: BitReader): number {
  let result = 0;
  let mul = 1;
  for (let i = 0; i < 10; i++) {
    const b = r.readByte();
    result += (b & 0x7f) * mul;
    if (b < 0x80) return result;
    mul *= 128;
  }
  throw new ChunkError('varint overflows 64 bits');
}

function readVarint(r: BitReader): number {
  const u = readUvarint(r);
  return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
}

function clz64(hi: number, lo: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

function ctz64(hi: number, lo: number): number {
  return lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
}

/** Whether dod fits the n-bit bucket as Prometheus's bitRange defines it. */
function fits(dod: number, n: number): boolean {
  const half = 2 ** (n - 1);
  return -(half - 1) <= dod && dod <= half;
}

/** Appends samples to one chunk; timestamps must strictly increase. */
export class XorAppender {
  private readonly w = new BitWriter();
  private n = 0;
  private t = 0;
  private tDelta = 0;
  private vHi = 0;
  private vLo = 0;
  private leading = 0xff;
  private trailing = 0;

  get count(): number {
    return this.n;
  }

  get lastTime(): number {
    return this.t;
  }

  /** Appends one sample; throws ChunkError for out-of-order or duplicate timestamps. */
  append(t: number, v: number): void {
    if (!Number.isSafeInteger(t)) throw new ChunkError(`timestamp ${t} is not an integer millisecond`);
    if (this.n > 0 && t <= this.t) throw new ChunkError(`out-of-order sample: ${t} after ${this.t}`);
    if (this.n === 0xffff) throw new ChunkError('chunk is full (65535 samples)');
    f64[0] = v;
    const hi = u32[HI];
    const lo = u32[LO];
    if (this.n === 0) {
      writeVarint(this.w, t);
      this.w.writeBits64(hi, lo, 64);
    } else if (this.n === 1) {
      const delta = t - this.t;
      writeUvarint(this.w, delta);
      this.writeValue(hi, lo);
      this.tDelta = delta;
    } else {
      const delta = t - this.t;
      const dod = delta - this.tDelta;
      this.writeDod(dod);
      this.writeValue(hi, lo);
      this.tDelta = delta;
    }
    this.t = t;
    this.vHi = hi;
    this.vLo = lo;
    this.n++;
  }

  /** The encoded chunk: count header plus the bit stream. */
  bytes(): Uint8Array {
    const body = this.w.bytes();
    const out = new Uint8Array(2 + body.length);
    out[0] = this.n >>> 8;
    out[1] = this.n & 0xff;
    out.set(body, 2);
    return out;
  }

  private writeDod(dod: number): void {
    const w = this.w;
    if (dod === 0) {
      w.writeBit(false);
    } else if (fits(dod, 14)) {
      w.writeBits(0b10, 2);
      w.writeBits(dod & 0x3fff, 14);
    } else if (fits(dod, 17)) {
      w.writeBits(0b110, 3);
      w.writeBits(dod & 0x1ffff, 17);
    } else if (fits(dod, 20)) {
      w.writeBits(0b1110, 4);
      w.writeBits(dod & 0xfffff, 20);
    } else {
      w.writeBits(0b1111, 4);
      // two's complement of a safe integer across two 32-bit words
      const hi = Math.floor(dod / TWO_32);
      const lo = dod - hi * TWO_32;
      w.writeBits64(hi >>> 0, lo >>> 0, 64);
    }
  }

  private writeValue(hi: number, lo: number): void {
    const w = this.w;
    const dHi = (hi ^ this.vHi) >>> 0;
    const dLo = (lo ^ this.vLo) >>> 0;
    if (dHi === 0 && dLo === 0) {
      w.writeBit(false);
      return;
    }
    w.writeBit(true);
    let leading = clz64(dHi, dLo);
    const trailing = ctz64(dHi, dLo);
    if (leading >= 32) leading = 31;
    if (this.leading !== 0xff && leading >= this.leading && trailing >= this.trailing) {
      w.writeBit(false);
      writeShifted(w, dHi, dLo, this.trailing, 64 - this.leading - this.trailing);
      return;
    }
    this.leading = leading;
    this.trailing = trailing;
    w.writeBit(true);
    w.writeBits(leading, 5);
    const sig = 64 - leading - trailing;
    w.writeBits(sig & 0x3f, 6); // 64 significant bits are written as 0
    writeShifted(w, dHi, dLo, trailing, sig);
  }
}

/** Writes the n bits of hi:lo above bit `shift`. */
function writeShifted(w: BitWriter, hi: number, lo: number, shift: number, n: number): void {
  let sHi: number;
  let sLo: number;
  if (shift === 0) {
    sHi = hi;
    sLo = lo;
  } else if (shift < 32) {
    sLo = ((lo >>> shift) | (hi << (32 - shift))) >>> 0;
    sHi = hi >>> shift;
  } else {
    sLo = hi >>> (shift - 32);
    sHi = 0;
  }
  if (n > 32) {
    w.writeBits(sHi & ((2 ** (n - 32) - 1) >>> 0), n - 32);
    w.writeBits(sLo, 32);
  } else {
    w.writeBits(n === 32 ? sLo : sLo & ((2 ** n - 1) >>> 0), n);
  }
}

/** Number of samples in an encoded chunk. */
export function chunkSampleCount(bytes: Uint8Array): number {
  if (bytes.length < 2) throw new ChunkError('chunk shorter than its header');
  return (bytes[0] << 8) | bytes[1];
}

/** Decodes every sample of a chunk into columnar arrays. */
export function decodeXor(bytes: Uint8Array): { t: Float64Array; v: Float64Array } {
  const n = chunkSampleCount(bytes);
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  const it = new XorIterator(bytes);
  for (let i = 0; i < n; i++) {
    it.next();
    ts[i] = it.t;
    vs[i] = it.v;
  }
  return { t: ts, v: vs };
}

/** Iterates a chunk sample by sample: call next() then read t and v. */
export class XorIterator {
  t = 0;
  v = 0;
  private readonly r: BitReader;
  private readonly n: number;
  private i = 0;
  private tDelta = 0;
  private vHi = 0;
  private vLo = 0;
  private leading = 0;
  private trailing = 0;

  constructor(bytes: Uint8Array) {
    this.n = chunkSampleCount(bytes);
    this.r = new BitReader(bytes, 2);
  }

  /** Advances; false at the end. */
  next(): boolean {
    if (this.i >= this.n) return false;
    const r = this.r;
    if (this.i === 0) {
      this.t = readVarint(r);
      this.vHi = r.readBits(32);
      this.vLo = r.readBits(32);
    } else if (this.i === 1) {
      this.tDelta = readUvarint(r);
      this.t += this.tDelta;
      this.readValue();
    } else {
      this.tDelta += this.readDod();
      this.t += this.tDelta;
      this.readValue();
    }
    u32[HI] = this.vHi;
    u32[LO] = this.vLo;
    this.v = f64[0];
    this.i++;
    return true;
  }

  private readDod(): number {
    const r = this.r;
    if (!r.readBit()) return 0;
    let size: number;
    if (!r.readBit()) size = 14;
    else if (!r.readBit()) size = 17;
    else if (!r.readBit()) size = 20;
    else size = 64;
    if (size === 64) {
      const hi = r.readBits(32);
      const lo = r.readBits(32);
      return (hi | 0) * TWO_32 + lo;
    }
    const raw = r.readBits(size);
    return raw > 2 ** (size - 1) ? raw - 2 ** size : raw;
  }

  private readValue(): void {
    const r = this.r;
    if (!r.readBit()) return;
    if (r.readBit()) {
      this.leading = r.readBits(5);
      let sig = r.readBits(6);
      if (sig === 0) sig = 64;
      this.trailing = 64 - this.leading - sig;
    }
    const sig = 64 - this.leading - this.trailing;
    let dHi: number;
    let dLo: number;
    if (sig > 32) {
      dHi = r.readBits(sig - 32);
      dLo = r.readBits(32);
    } else {
      dHi = 0;
      dLo = r.readBits(sig);
    }
    // shift left by trailing
    const s = this.trailing;
    if (s >= 32) {
      dHi = (dLo << (s - 32)) >>> 0;
      dLo = 0;
    } else if (s > 0) {
      dHi = ((dHi << s) | (dLo >>> (32 - s))) >>> 0;
      dLo = (dLo << s) >>> 0;
    }
    this.vHi = (this.vHi ^ dHi) >>> 0;
    this.vLo = (this.vLo ^ dLo) >>> 0;
  }
}

/** Encodes columnar samples into one chunk. */
export function encodeXor(t: ArrayLike<number>, v: ArrayLike<number>): Uint8Array {
  const a = new XorAppender();
  for (let i = 0; i < t.length; i++) a.append(t[i], v[i]);
  return a.bytes();
}
