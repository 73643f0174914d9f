// One series' samples in growable Float64Arrays; views handed out stay valid because stored samples never move in place.

const INITIAL_CAPACITY = 16;

/** Append-only (in time order) sample storage with trimming of old samples from the front. */
export class SampleBuffer {
  private t = new Float64Array(INITIAL_CAPACITY);
  private v = new Float64Array(INITIAL_CAPACITY);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  /** Timestamp of the newest sample, or -Infinity when empty. */
  get lastT(): number {
    return this.end > this.start ? this.t[this.end - 1] : -Infinity;
  }

  /** Timestamp of the oldest sample, or +Infinity when empty. */
  get firstT(): number {
    return this.end > this.start ? this.t[this.start] : Infinity;
  }

  /** Appends a sample; false (and nothing stored) when it is not newer than the last one. */
  append(t: number, v: number): boolean {
    if (this.end > this.start && t <= this.t[this.end - 1]) return false;
    if (this.end === this.t.length) this.reallocate(Math.max(INITIAL_CAPACITY, this.length * 2));
    this.t[this.end] = t;
    this.v[this.end] = v;
    this.end++;
    return true;
  }

  /** Drops samples older than minT; shrinks storage when most of it is dead. */
  trimBefore(minT: number): void {
    const i = this.lowerBound(minT);
    if (i === this.start) return;
    this.start = i;
    if (this.start > this.t.length / 2) this.reallocate(Math.max(INITIAL_CAPACITY, this.length * 2));
  }

  /** Samples with minT <= t <= maxT as views (never mutated afterwards, since storage is copied, not shifted). */
  range(minT: number, maxT: number): { t: Float64Array; v: Float64Array } {
    const from = this.lowerBound(minT);
    let to = this.lowerBound(maxT);
    if (to < this.end && this.t[to] === maxT) to++;
    return { t: this.t.subarray(from, to), v: this.v.subarray(from, to) };
  }

  /** Index of the first sample with t >= minT. */
  private lowerBound(minT: number): number {
    let lo = this.start;
    let hi = this.end;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.t[mid] < minT) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private reallocate(capacity: number): void {
    const t = new Float64Array(capacity);
    const v = new Float64Array(capacity);
    t.set(this.t.subarray(this.start, this.end));
    v.set(this.v.subarray(this.start, this.end));
    this.end -= this.start;
    this.start = 0;
    this.t = t;
    this.v = v;
  }
}
