// Reusable byte buffers for scrape bodies that arrive in many chunks: a bounded pool shared by all targets.

/** Buffers kept for reuse at most (a scrape holds one only while it reads its body). */
export const POOL_MAX_BUFFERS = 4;
/** Bytes the pool keeps at most, all buffers together; a larger buffer is used once and left to the GC. */
export const POOL_MAX_BYTES = 32 * 1024 * 1024;
/** Smallest buffer handed out. */
const MIN_BYTES = 64 * 1024;

/**
 * Free buffers for reading bodies. Reading a 10 MB body into a buffer reused from the last scrape, instead of
 * concatenating its chunks into a new one, spares V8 10 MB of external memory a scrape: external memory is what
 * starts V8's full garbage collections on a scrape-heavy gateway. At most POOL_MAX_BUFFERS buffers of together at
 * most POOL_MAX_BYTES are kept; buffers in use belong to their reader until it gives them back.
 */
export class BodyPool {
  private readonly free: Buffer[] = [];
  private freeBytes = 0;

  constructor(
    private readonly maxBuffers = POOL_MAX_BUFFERS,
    private readonly maxBytes = POOL_MAX_BYTES,
  ) {}

  /** A buffer of at least `size` bytes (its contents are arbitrary): a pooled one when one is large enough. */
  take(size: number): Buffer {
    let best = -1;
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i];
      if (b.length >= size && (best < 0 || b.length < this.free[best].length)) best = i;
    }
    if (best < 0) return Buffer.allocUnsafeSlow(Math.max(MIN_BYTES, size));
    const [b] = this.free.splice(best, 1);
    this.freeBytes -= b.length;
    return b;
  }

  /**
   * A buffer of at least `size` bytes holding the first `used` bytes of `b` (which is given back): `b` itself when it
   * is large enough, else a larger one (twice the size, so a body read chunk by chunk is copied O(1) times a byte).
   */
  grow(b: Buffer, used: number, size: number): Buffer {
    if (b.length >= size) return b;
    const bigger = this.take(Math.max(size, 2 * b.length));
    b.copy(bigger, 0, 0, used);
    this.give(b);
    return bigger;
  }

  /** Returns a buffer the caller no longer uses; kept if the pool has room, replacing smaller ones if need be. */
  give(b: Buffer): void {
    if (b.length > this.maxBytes) return;
    // Prefer keeping large buffers: small ones are cheap to allocate again.
    this.free.sort((x, y) => x.length - y.length);
    while (this.free.length > 0 && (this.free.length >= this.maxBuffers || this.freeBytes + b.length > this.maxBytes)) {
      if (this.free[0].length >= b.length) return;
      this.freeBytes -= this.free.shift()!.length;
    }
    if (this.free.length >= this.maxBuffers || this.freeBytes + b.length > this.maxBytes) return;
    this.free.push(b);
    this.freeBytes += b.length;
  }

  /** Bytes held by free buffers (tests, memory reports). */
  get retainedBytes(): number {
    return this.freeBytes;
  }

  get retainedBuffers(): number {
    return this.free.length;
  }
}
