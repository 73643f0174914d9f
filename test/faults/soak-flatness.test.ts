// Pins the soak's memory-flatness verdict: a GC sawtooth is flat, a slow leak and a step up are growth.
import { describe, expect, it } from 'vitest';
import { halvesFlatness, type Reading } from '../../bench/lib/soak-flatness.ts';

/** Readings every 10 s from t0 for `seconds`, valued by f(t). */
function readings(t0: number, seconds: number, f: (t: number) => number): Reading[] {
  const out: Reading[] = [];
  for (let t = t0; t <= t0 + seconds; t += 10) out.push({ t, value: f(t) });
  return out;
}

describe('halvesFlatness', () => {
  it('reads a collect-then-grow sawtooth as flat, whatever phase the first reading falls on', () => {
    // 1000 MB after a collection, growing 15 MB per 10 s until the next one every 100 s.
    for (const phase of [0, 30, 70]) {
      const f = halvesFlatness(readings(300, 300, (t) => 1000 + 1.5 * ((t + phase) % 100)));
      expect(f).not.toBeNull();
      expect(Math.abs(f!.peakGrowthPct)).toBeLessThan(2);
      expect(Math.abs(f!.troughGrowthPct)).toBeLessThan(2);
    }
  });

  it('sees a slow leak under the same sawtooth', () => {
    // +40 % over five minutes: both the peaks and the troughs move up by ~20 % between the halves.
    const f = halvesFlatness(readings(300, 300, (t) => 1000 * (1 + (0.4 * (t - 300)) / 300) + 1.5 * (t % 100)));
    expect(f!.peakGrowthPct).toBeGreaterThan(10);
    expect(f!.troughGrowthPct).toBeGreaterThan(10);
  });

  it('sees a step up in the second half', () => {
    const f = halvesFlatness(readings(0, 200, (t) => (t < 150 ? 500 : 700)));
    expect(f!.peakGrowthPct).toBe(40);
    expect(f!.first.readings + f!.second.readings).toBe(21);
  });

  it('says nothing with too few readings', () => {
    expect(halvesFlatness(readings(0, 20, () => 1))).toBeNull();
    expect(halvesFlatness([{ t: 0, value: 1 }, { t: 1, value: 1 }, { t: 2, value: 1 }, { t: 100, value: 1 }])).toBeNull();
  });
});
