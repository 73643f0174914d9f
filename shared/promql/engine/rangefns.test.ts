import { describe, expect, it } from 'vitest';
import { createEngine } from './index.ts';
import { storeOf, vectorOf } from './testkit.ts';

const engine = createEngine();
const at = (store: ReturnType<typeof storeOf>, q: string, t: number) => engine.instantQuery(store, q, t).then(vectorOf);

describe('rate / increase / delta (Prometheus extrapolatedRate)', () => {
  // 1/s counter sampled every 15 s: 0, 15, 30, ...
  const steady = storeOf(`c_total ${Array.from({ length: 20 }, (_, i) => i * 15).join(' ')}`, 15_000);

  it('extrapolates to the window start when the first sample is within 1.1 average intervals', async () => {
    // (60s, 120s] holds 75..120 (increase 45 over 45 s); 15 s to the start < 16.5 s → factor 60/45.
    expect(await at(steady, 'increase(c_total[1m])', 120_000)).toEqual([['{}', 60]]);
    const [[, rate]] = await at(steady, 'rate(c_total[1m])', 120_000);
    expect(rate).toBeCloseTo(1, 12);
  });

  it('adds the pre-reset value at every counter reset', async () => {
    const s = storeOf('c_total 10 20 5 15', 15_000);
    // raw 15-10 = 5, reset adds 20 → 25; window (-15s, 45s] extrapolates 15 s at the start → ×60/45.
    const [[, v]] = await at(s, 'increase(c_total[1m])', 45_000);
    expect(v).toBeCloseTo(33.333333333, 8);
  });

  it('stops extrapolating a counter where it would go below zero', async () => {
    const s = storeOf('c_total _ _ 1 11 21', 15_000);
    // Samples at 30/45/60 s in (0, 60s]: gap to start 30 s ≥ 16.5 s → half an interval (7.5 s), but the zero point
    // is only 30 × 1/20 = 1.5 s before the first sample → factor (30 + 1.5) / 30.
    const [[, v]] = await at(s, 'increase(c_total[1m])', 60_000);
    expect(v).toBeCloseTo(21, 10);
  });

  it('delta() does not clamp at zero and never treats drops as resets', async () => {
    const s = storeOf('g _ _ 1 11 21', 15_000);
    const [[, v]] = await at(s, 'delta(g[1m])', 60_000);
    expect(v).toBeCloseTo(25, 10);
    const d = storeOf('g 10 20 5 15', 15_000);
    const [[, dv]] = await at(d, 'delta(g[1m])', 45_000);
    expect(dv).toBeCloseTo((5 * 60) / 45, 10);
  });

  it('needs two samples in the left-open window (t - range, t]', async () => {
    const s = storeOf('c_total 0 1 2', 60_000);
    // (60s, 120s] holds only the sample at 120 s: the one at exactly 60 s is outside.
    expect(await at(s, 'rate(c_total[1m])', 120_000)).toEqual([]);
  });

  it('annotates counters whose names do not look like counters, at the selector position', async () => {
    const s = storeOf('foo 0 1 2');
    const res = await engine.instantQuery(s, 'rate(foo[5m])', 120_000);
    expect(res.annotations.infos).toEqual([
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "foo" (1:6)',
    ]);
  });
});

describe('irate / idelta use the last two samples', () => {
  it('irate divides the last increase by its interval; after a reset it uses the last value', async () => {
    expect(await at(storeOf('c_total 0 30 90', 15_000), 'irate(c_total[1m])', 30_000)).toEqual([['{}', 4]]);
    expect(await at(storeOf('c_total 0 30 6', 15_000), 'irate(c_total[1m])', 30_000)).toEqual([['{}', 0.4]]);
  });
  it('idelta is the plain last difference', async () => {
    expect(await at(storeOf('g 5 9 3', 15_000), 'idelta(g[1m])', 30_000)).toEqual([['{}', -6]]);
  });
});

describe('*_over_time aggregate the samples of each window', () => {
  const s = storeOf('g 1 5 3 NaN 2 8');
  const q = (f: string) => at(s, `${f}(g[3m])`, 5 * 60_000);
  // (2m, 5m] holds NaN, 2, 8.
  it('sum, count, avg, min, max (NaN only wins when alone)', async () => {
    expect(await q('count_over_time')).toEqual([['{}', 3]]);
    expect((await q('sum_over_time'))[0][1]).toBeNaN();
    expect(await at(s, 'max_over_time(g[2m])', 5 * 60_000)).toEqual([['{}', 8]]);
    expect(await at(s, 'min_over_time(g[3m])', 5 * 60_000)).toEqual([['{}', 2]]);
    expect(await at(s, 'avg_over_time(g[2m])', 5 * 60_000)).toEqual([['{}', 5]]);
  });
  it('first/last keep the metric name, others drop it', async () => {
    expect(await at(s, 'last_over_time(g[3m])', 5 * 60_000)).toEqual([['g', 8]]);
    expect(await at(s, 'first_over_time(g[2m])', 5 * 60_000)).toEqual([['g', 2]]);
    expect(await at(s, 'present_over_time(g[3m])', 5 * 60_000)).toEqual([['{}', 1]]);
  });
  it('ts_of_* report sample times in seconds', async () => {
    expect(await at(s, 'ts_of_max_over_time(g[5m])', 5 * 60_000)).toEqual([['{}', 300]]);
    expect(await at(s, 'ts_of_first_over_time(g[2m])', 5 * 60_000)).toEqual([['{}', 240]]);
  });
  it('quantile, stddev, stdvar and mad over the window', async () => {
    const t = storeOf('g 2 4 4 4 5 5 7 9');
    expect(await at(t, 'stddev_over_time(g[8m])', 7 * 60_000)).toEqual([['{}', 2]]);
    expect(await at(t, 'stdvar_over_time(g[8m])', 7 * 60_000)).toEqual([['{}', 4]]);
    // Sorted 2 4 4 4 5 5 7 9: rank 0.5*7 = 3.5 → 4.5.
    expect(await at(t, 'quantile_over_time(0.5, g[8m])', 7 * 60_000)).toEqual([['{}', 4.5]]);
    // |x - 4.5| = 2.5 .5 .5 .5 .5 .5 2.5 4.5 → median 0.5.
    expect(await at(t, 'mad_over_time(g[8m])', 7 * 60_000)).toEqual([['{}', 0.5]]);
  });
  it('warns about a quantile outside [0, 1] at the parameter position', async () => {
    const res = await engine.instantQuery(s, 'quantile_over_time(2, g[3m])', 5 * 60_000);
    expect(vectorOf(res)).toEqual([['{}', Infinity]]);
    expect(res.annotations.warnings).toEqual(['PromQL warning: quantile value should be between 0 and 1, got 2 (1:20)']);
  });
});

describe('changes, resets, deriv, predict_linear', () => {
  it('counts value changes and decreases (NaN to NaN is no change)', async () => {
    const s = storeOf('g 1 1 2 NaN NaN 1 0');
    expect(await at(s, 'changes(g[10m])', 6 * 60_000)).toEqual([['{}', 4]]);
    expect(await at(s, 'resets(g[10m])', 6 * 60_000)).toEqual([['{}', 1]]);
  });
  it('deriv is the least-squares slope per second', async () => {
    const s = storeOf('g 0 120 240 360');
    expect(await at(s, 'deriv(g[5m])', 3 * 60_000)).toEqual([['{}', 2]]);
  });
  it('predict_linear extrapolates from the fit with intercept at the evaluation time', async () => {
    const s = storeOf('g 0 120 240 360');
    expect(await at(s, 'predict_linear(g[5m], 60)', 3 * 60_000)).toEqual([['{}', 480]]);
  });
  it('double_exponential_smoothing validates its factors', async () => {
    const s = storeOf('g 1 2 3');
    await expect(engine.instantQuery(s, 'double_exponential_smoothing(g[5m], 1, 0.5)', 120_000)).rejects.toThrow(
      'invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000',
    );
    // Linear input with sf = tf = 0.5 keeps the trend: s = 3.
    expect(await at(s, 'double_exponential_smoothing(g[5m], 0.5, 0.5)', 120_000)).toEqual([['{}', 3]]);
  });
});

describe('anchored and smoothed ranges (Prometheus 3 extended range selectors)', () => {
  const s = storeOf('c 1 2 3 4 5');
  it('anchored increase uses the last sample at or before the range start', async () => {
    expect(await at(s, 'increase(c[1m] anchored)', 150_000)).toEqual([['{}', 1]]);
  });
  it('smoothed increase interpolates both boundaries', async () => {
    // Values at 30 s and 90 s interpolate to 1.5 and 2.5.
    expect(await at(s, 'increase(c[1m] smoothed)', 90_000)).toEqual([['{}', 1]]);
  });
  it('is rejected by functions that cannot use the boundary samples', async () => {
    await expect(engine.instantQuery(s, 'max_over_time(c[1m] smoothed)', 60_000)).rejects.toThrow(
      'smoothed modifier can only be used with: delta, increase, rate - not with max_over_time',
    );
  });
});

describe('range queries slide the window along the steps', () => {
  it('gives the same values as instant queries at every step', async () => {
    const s = storeOf(`c_total ${Array.from({ length: 30 }, (_, i) => (i * i) % 17).join(' ')}`, 15_000);
    const range = await engine.rangeQuery(s, 'rate(c_total[1m])', 60_000, 400_000, 20_000);
    if (range.resultType !== 'matrix') throw new Error('matrix expected');
    for (const p of range.result[0].points) {
      const [[, v]] = await at(s, 'rate(c_total[1m])', p.t);
      expect(p.v).toBeCloseTo(v, 12);
    }
    expect(range.result[0].points.length).toBe(18);
  });
});

describe('sliding windows agree with fresh per-step evaluation (property)', () => {
  it('for max/min/sum/count_over_time, rate, changes with NaNs, resets and gaps', async () => {
    const fc = await import('fast-check');
    const value = fc.oneof(fc.integer({ min: -5, max: 20 }), fc.constant(NaN), fc.constant(null));
    await fc.assert(
      fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 40 }), fc.integer({ min: 1, max: 6 }), async (vals, r) => {
        const s = storeOf(`m ${vals.map((v) => (v === null ? '_' : String(v))).join(' ')}`, 10_000);
        for (const f of ['max_over_time', 'min_over_time', 'sum_over_time', 'count_over_time', 'rate', 'changes']) {
          const q = `${f}(m[${r * 10}s])`;
          const range = await engine.rangeQuery(s, q, 0, 400_000, 10_000);
          if (range.resultType !== 'matrix') throw new Error('matrix expected');
          const got = new Map((range.result[0]?.points ?? []).map((p) => [p.t, p.v]));
          for (let t = 0; t <= 400_000; t += 10_000) {
            const inst = await at(s, q, t);
            const want = inst.length ? inst[0][1] : undefined;
            const have = got.get(t);
            if (want === undefined) expect(have).toBeUndefined();
            else if (Number.isNaN(want)) expect(have).toBeNaN();
            else expect(have).toBe(want);
          }
        }
      }),
      { numRuns: 40 },
    );
  });
});
