// Bit-level writer and reader over bytes, for the Gorilla (XOR) chunk codec.

/** Appends bits most-significant first, growing its buffer as needed. */
export class BitWriter {
  private buf: Uint8Array;
  /** Number of bits written. */
  private pos = 0;

  constructor(initialBytes = 128) {
    this.buf = new Uint8Array(initialBytes);
  }

  get bitLength(): number {
    return this.pos;
  }

  /** Writes the low `n` bits (0 ≤ n ≤ 32) of `value`. */
  writeBits(value: number, n: number): void {
    if (n === 0) return;
    this.ensure(n);
    let remaining = n;
    while (remaining > 0) {
      const byteIndex = this.pos >>> 3;
      const free = 8 - (this.pos & 7);
      const take = Math.min(free, remaining);
      const shift = remaining - take;
      const chunk = (value >>> shift) & ((1 << take) - 1);
      this.buf[byteIndex] |= chunk << (free - take);
      this.pos += take;
      remaining -= take;
    }
  }

  /** Writes the low `n` bits (0 ≤ n ≤ 64) of the 64-bit value hi:lo. */
  writeBits64(hi: number, lo: number, n: number): void {
    if (n > 32) {
      this.writeBits(hi >>> 0, n - 32);
      this.writeBits(lo >>> 0, 32);
    } else {
      this.writeBits(n === 32 ? lo >>> 0 : (lo >>> 0) & ((2 ** n - 1) >>> 0), n);
    }
  }

  writeBit(bit: boolean): void {
    this.writeBits(bit ? 1 : 0, 1);
  }

  /** Writes whole bytes; only valid at a byte boundary. */
  writeByte(b: number): void {
    this.writeBits(b & 0xff, 8);
  }

  /** The written bytes (a copy, trimmed). */
  bytes(): Uint8Array {
    return this.buf.slice(0, (this.pos + 7) >>> 3);
  }

  private ensure(n: number): void {
    const needBytes = (this.pos + n + 7) >>> 3;
    if (needBytes <= this.buf.length) return;
    const next = new Uint8Array(Math.max(needBytes, this.buf.length * 2));
    next.set(this.buf);
    this.buf = next;
  }
}

/** Thrown when a chunk's bytes end early or are malformed. */
export class ChunkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ChunkError';
  }
}

/** Reads bits most-significant first. */
export class BitReader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    startByte = 0,
  ) {
    this.pos = startByte * 8;
  }

  /** Reads `n` bits (0 ≤ n ≤ 32) as an unsigned number. */
  readBits(n: number): number {
    if (n === 0) return 0;
    if (this.pos + n > this.buf.length * 8) throw new ChunkError('chunk ends in the middle of a sample');
    let value = 0;
    let remaining = n;
    while (remaining > 0) {
      const byte = this.buf[this.pos >>> 3];
      const avail = 8 - (this.pos & 7);
      const take = Math.min(avail, remaining);
      const chunk = (byte >>> (avail - take)) & ((1 << take) - 1);
      value = value * (1 << take) + chunk; // arithmetic keeps 32-bit results unsigned
      this.pos += take;
      remaining -= take;
    }
    return value;
  }

  readBit(): boolean {
    return this.readBits(1) === 1;
  }

  readByte(): number {
    return this.readBits(8);
  }
}
