// Carves decoded columns for one read out of shared Float64Array slabs: Chromium's typed-array allocations are
// costly one by one (each gets its own zeroed backing store), and a cold read wants a pair per series.

/** Samples per slab column; a request larger than this gets a slab of its own. */
export const SLAB_SAMPLES = 32_768;

/** Hands out zeroed (t, v) column pairs as views into a few large buffers. Views keep their slab alive. */
export class ColumnSlab {
  private t = new Float64Array(0);
  private v = new Float64Array(0);
  private used = 0;

  constructor(private readonly slabSamples = SLAB_SAMPLES) {}

  /** Fresh zeroed columns of n samples each, sharing no element with any other pair handed out. */
  take(n: number): { t: Float64Array; v: Float64Array } {
    if (n > this.t.length - this.used) {
      const size = Math.max(n, this.slabSamples);
      this.t = new Float64Array(size);
      this.v = new Float64Array(size);
      this.used = 0;
    }
    const at = this.used;
    this.used += n;
    return { t: this.t.subarray(at, at + n), v: this.v.subarray(at, at + n) };
  }
}
