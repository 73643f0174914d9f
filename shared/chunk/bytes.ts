// Byte-aligned writer and reader (LEB128 varints, strings, raw float bits, CRC-32) for chunk records and snapshots.
import { ChunkError } from './bits.ts';

// TextEncoder/TextDecoder are host APIs, not ES2022, so shared/ converts UTF-8 itself.

/** UTF-8 bytes of a string; lone surrogates become U+FFFD as with TextEncoder. */
export function utf8Encode(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 3);
  let k = 0;
  for (let i = 0; i < text.length; i++) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (cp >= 0xd800 && cp <= 0xdfff) cp = 0xfffd;
    if (cp < 0x80) out[k++] = cp;
    else if (cp < 0x800) {
      out[k++] = 0xc0 | (cp >> 6);
      out[k++] = 0x80 | (cp & 63);
    } else if (cp < 0x10000) {
      out[k++] = 0xe0 | (cp >> 12);
      out[k++] = 0x80 | ((cp >> 6) & 63);
      out[k++] = 0x80 | (cp & 63);
    } else {
      out[k++] = 0xf0 | (cp >> 18);
      out[k++] = 0x80 | ((cp >> 12) & 63);
      out[k++] = 0x80 | ((cp >> 6) & 63);
      out[k++] = 0x80 | (cp & 63);
    }
  }
  return out.slice(0, k);
}

/** Decodes strict UTF-8 (no overlongs, surrogates or truncated sequences); throws ChunkError otherwise. */
export function utf8Decode(b: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    if (c < 0x80) {
      // Runs of ASCII are the common case for label text.
      let j = i;
      while (j < b.length && b[j] < 0x80 && j - i < 4096) j++;
      out += String.fromCharCode(...b.subarray(i, j));
      i = j;
      continue;
    }
    const need = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 ? 2 : c >= 0xc2 && c < 0xe0 ? 1 : -1;
    if (need < 0 || i + need >= b.length) {
      throw new ChunkError('string is not valid UTF-8');
    }
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if ((d & 0xc0) !== 0x80) throw new ChunkError('string is not valid UTF-8');
      cp = (cp << 6) | (d & 0x3f);
    }
    const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) throw new ChunkError('string is not valid UTF-8');
    out += String.fromCodePoint(cp);
    i += need + 1;
  }
  return out;
}

/** Appends bytes to a growing buffer. */
export class ByteWriter {
  private buf: Uint8Array;
  private view: DataView;
  private pos = 0;

  constructor(initialBytes = 256) {
    this.buf = new Uint8Array(initialBytes);
    this.view = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.pos;
  }

  /** Unsigned LEB128 of a non-negative safe integer (as Go's binary.PutUvarint). */
  uvarint(v: number): void {
    if (!(v >= 0) || !Number.isSafeInteger(v)) throw new ChunkError(`cannot write ${v} as an unsigned varint`);
    this.ensure(8);
    while (v >= 0x80) {
      this.buf[this.pos++] = (v % 128) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.pos++] = v;
  }

  /** Zig-zag signed varint (as Go's binary.PutVarint) of an integer in [-2^52, 2^52), so the zig-zag form stays a safe integer. */
  varint(v: number): void {
    if (!Number.isInteger(v) || v >= 2 ** 52 || v < -(2 ** 52)) throw new ChunkError(`cannot write ${v} as a varint`);
    this.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b & 0xff;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** A length-prefixed UTF-8 string. */
  string(s: string): void {
    const b = utf8Encode(s);
    this.uvarint(b.length);
    this.bytes(b);
  }

  /** The 64 bits of a float, big-endian: NaN payloads (stale markers) are kept. */
  float64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }

  uint32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v >>> 0);
    this.pos += 4;
  }

  /** The bytes written so far (a trimmed copy). */
  finish(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.pos + n, this.buf.length * 2));
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }
}

/** Reads what ByteWriter wrote; every read past the end or malformed value throws ChunkError. */
export class ByteReader {
  pos: number;
  private readonly view: DataView;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  uvarint(): number {
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      if (this.pos >= this.end) throw new ChunkError('data ends inside a varint');
      const b = this.buf[this.pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        if (!Number.isSafeInteger(result)) throw new ChunkError('varint exceeds 2^53');
        return result;
      }
      mul *= 128;
    }
    throw new ChunkError('varint exceeds 2^53');
  }

  varint(): number {
    const u = this.uvarint();
    return u % 2 === 0 ? u / 2 : -(u + 1) / 2;
  }

  byte(): number {
    if (this.pos >= this.end) throw new ChunkError('data ends early');
    return this.buf[this.pos++];
  }

  /** A view (not a copy) of the next n bytes. */
  bytes(n: number): Uint8Array {
    if (n > this.end - this.pos) throw new ChunkError(`data ends early: ${n} bytes wanted, ${this.end - this.pos} left`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  string(): string {
    return utf8Decode(this.bytes(this.uvarint()));
  }

  float64(): number {
    if (this.end - this.pos < 8) throw new ChunkError('data ends inside a float');
    const v = this.view.getFloat64(this.pos);
    this.pos += 8;
    return v;
  }

  uint32(): number {
    if (this.end - this.pos < 4) throw new ChunkError('data ends inside a 32-bit integer');
    const v = this.view.getUint32(this.pos);
    this.pos += 4;
    return v;
  }
}

let crcTable: Uint32Array | null = null;

/** CRC-32 (IEEE 802.3, as zlib and Go's crc32.ChecksumIEEE) over the parts in order. */
export function crc32(parts: readonly Uint8Array[]): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  const table = crcTable;
  let crc = 0xffffffff;
  for (const p of parts) for (let i = 0; i < p.length; i++) crc = table[(crc ^ p[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
