// Unit tests for automatic step selection and step validation.
import { describe, expect, it } from 'vitest';
import { MAX_POINTS, autoStep, stepProblem } from './step.ts';

describe('autoStep', () => {
  it('rounds range ÷ (width ÷ 2) up to a nice step', () => {
    // 1 h over 1200 px = 600 points → 6 s → 10 s.
    expect(autoStep(3_600_000, 1200)).toBe(10_000);
    // 5 m over 1200 px → 0.5 s → the 1 s floor.
    expect(autoStep(300_000, 1200)).toBe(1_000);
    // 1 d over 800 px = 400 points → 216 s → 5 m.
    expect(autoStep(86_400_000, 800)).toBe(300_000);
    // 7 d over 1200 px → 1008 s → 20 m.
    expect(autoStep(7 * 86_400_000, 1200)).toBe(1_200_000);
  });
  it('gives fewer points on a narrower chart and honours a minimum step', () => {
    expect(autoStep(3_600_000, 400)).toBeGreaterThan(autoStep(3_600_000, 1600));
    expect(autoStep(300_000, 1200, 15_000)).toBe(15_000);
  });
  it('keeps even huge ranges under the resolution limit', () => {
    const range = 5 * 365 * 86_400_000;
    expect(range / autoStep(range, 100_000)).toBeLessThanOrEqual(MAX_POINTS);
    // Past a day the step is whole days: 5 y over 500 points = 3.65 d → 4 d.
    expect(autoStep(range, 1000)).toBe(4 * 86_400_000);
  });
});

describe('stepProblem', () => {
  it('accepts a step within the resolution limit and explains one beyond it', () => {
    expect(stepProblem(15_000, 3_600_000)).toBeNull();
    expect(stepProblem(0, 3_600_000)).toContain('positive');
    expect(stepProblem(100, 3_600_000)).toBe('exceeded maximum resolution of 11000 points per timeseries: try a step of at least 1s');
  });
});
