// One series' samples in a growable Float64Array; views handed out stay valid because stored samples never move in place.

const INITIAL_CAPACITY = 16;

/**
 * Append-only (in time order) sample storage with trimming of old samples from the front. Timestamps and values share
 * one array (times in [0, capacity), values in [capacity, 2 × capacity)): one allocation per series, not two.
 */
export class SampleBuffer {
  private buf = new Float64Array(2 * INITIAL_CAPACITY);
  private capacity = INITIAL_CAPACITY;
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  /** Timestamp of the newest sample, or -Infinity when empty. */
  get lastT(): number {
    return this.end > this.start ? this.buf[this.end - 1] : -Infinity;
  }

  /** Timestamp of the oldest sample, or +Infinity when empty. */
  get firstT(): number {
    return this.end > this.start ? this.buf[this.start] : Infinity;
  }

  /** Appends a sample; false (and nothing stored) when it is not newer than the last one. */
  append(t: number, v: number): boolean {
    if (this.end > this.start && t <= this.buf[this.end - 1]) return false;
    if (this.end === this.capacity) this.reallocate(Math.max(INITIAL_CAPACITY, this.length * 2));
    this.buf[this.end] = t;
    this.buf[this.capacity + this.end] = v;
    this.end++;
    return true;
  }

  /** Drops samples older than minT; shrinks storage when most of it is dead. */
  trimBefore(minT: number): void {
    const i = this.lowerBound(minT);
    if (i === this.start) return;
    this.start = i;
    if (this.start > this.capacity / 2) this.reallocate(Math.max(INITIAL_CAPACITY, this.length * 2));
  }

  /** Samples with minT <= t <= maxT as views (never mutated afterwards, since storage is copied, not shifted). */
  range(minT: number, maxT: number): { t: Float64Array; v: Float64Array } {
    const from = this.lowerBound(minT);
    let to = this.lowerBound(maxT);
    if (to < this.end && this.buf[to] === maxT) to++;
    const c = this.capacity;
    return { t: this.buf.subarray(from, to), v: this.buf.subarray(c + from, c + to) };
  }

  /** Index of the first sample with t >= minT. */
  private lowerBound(minT: number): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.buf[mid] < minT) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private reallocate(capacity: number): void {
    const buf = new Float64Array(2 * capacity);
    const old = this.capacity;
    buf.set(this.buf.subarray(this.start, this.end));
    buf.set(this.buf.subarray(old + this.start, old + this.end), capacity);
    this.end -= this.start;
    this.start = 0;
    this.buf = buf;
    this.capacity = capacity;
  }
}
