// Whether memory is flat once the head window has filled: the peaks and the troughs of the two halves of the
// readings are compared, so V8's collect-then-grow sawtooth does not read as growth while a leak (or a step up) does.

export interface Reading {
  /** Seconds since the start. */
  t: number;
  /** Bytes, or any unit, as long as all readings share it. */
  value: number;
}

export interface HalfRange {
  peak: number;
  trough: number;
  readings: number;
}

export interface Flatness {
  first: HalfRange;
  second: HalfRange;
  /** Growth of the second half's peak over the first half's, in %. */
  peakGrowthPct: number;
  /** Growth of the second half's trough over the first half's, in %. */
  troughGrowthPct: number;
}

/**
 * Splits the readings at the midpoint of their time span and compares the halves' peaks and troughs.
 * A single reading is a point on a sawtooth and says nothing about a trend; the extremes of each half do.
 * Null when either half has fewer than two readings.
 */
export function halvesFlatness(readings: readonly Reading[]): Flatness | null {
  if (readings.length < 4) return null;
  const mid = (readings[0].t + readings[readings.length - 1].t) / 2;
  const first = range(readings.filter((r) => r.t < mid));
  const second = range(readings.filter((r) => r.t >= mid));
  if (first === null || second === null) return null;
  return {
    first,
    second,
    peakGrowthPct: growthPct(first.peak, second.peak),
    troughGrowthPct: growthPct(first.trough, second.trough),
  };
}

function range(rs: readonly Reading[]): HalfRange | null {
  if (rs.length < 2) return null;
  let peak = -Infinity;
  let trough = Infinity;
  for (const r of rs) {
    if (r.value > peak) peak = r.value;
    if (r.value < trough) trough = r.value;
  }
  return { peak, trough, readings: rs.length };
}

function growthPct(from: number, to: number): number {
  return Math.round(((to - from) / from) * 1000) / 10;
}
