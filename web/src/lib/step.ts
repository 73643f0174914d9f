// Evaluation step for a range query: chosen from the time range and the chart's width, or a user override.

/** Prometheus refuses range queries with more points than this per series. */
export const MAX_POINTS = 11_000;

/** Steps a person would pick (ms): what the automatic step rounds up to. */
const NICE_STEPS = [
  1_000, 2_000, 5_000, 10_000, 15_000, 20_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_200_000, 1_800_000,
  3_600_000, 7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
];

/** Pixels per point: about one point every two pixels keeps lines smooth without wasting evaluations. */
const PX_PER_POINT = 2;

/**
 * The step for a graph of `rangeMs` drawn `widthPx` wide: range ÷ (width ÷ 2) rounded up to a nice step, at least
 * 1 s and `minStepMs`, and never more than MAX_POINTS points.
 */
export function autoStep(rangeMs: number, widthPx: number, minStepMs = 1_000): number {
  const points = Math.max(50, Math.floor(widthPx / PX_PER_POINT));
  const raw = Math.max(rangeMs / points, minStepMs, rangeMs / MAX_POINTS, 1);
  const nice = NICE_STEPS.find((s) => s >= raw);
  // Past a day, whole days.
  return nice ?? Math.ceil(raw / 86_400_000) * 86_400_000;
}

/** Why a user's step cannot be used for this range, or null when it can. */
export function stepProblem(stepMs: number, rangeMs: number): string | null {
  if (!Number.isFinite(stepMs) || stepMs <= 0) return 'the step must be a positive duration such as 15s';
  if (rangeMs / stepMs > MAX_POINTS) {
    return `exceeded maximum resolution of ${MAX_POINTS} points per timeseries: try a step of at least ${Math.ceil(rangeMs / MAX_POINTS / 1000)}s`;
  }
  return null;
}
