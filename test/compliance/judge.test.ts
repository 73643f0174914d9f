import { describe, expect, it } from 'vitest';
import { closeRangeWindows, closeSubqueryWindows, expectedDifference } from './expected-differences.ts';
import { differenceOf, judge } from './run.ts';

const vec = (v: string) => JSON.stringify({ status: 'success', data: { resultType: 'vector', result: [{ metric: { a: 'b' }, value: [10, v] }] } });
const err = JSON.stringify({ status: 'error', errorType: 'bad_data', error: 'boom' });
const plain = { query: 'x', shouldFail: false, skipComparison: false };
const never = () => Promise.reject(new Error('no rerun expected'));

describe('compliance judging', () => {
  it('accepts values within the tester tolerance, NaN equal to NaN', () => {
    expect(differenceOf(plain, vec('1'), vec('1.000001'))).toBeNull();
    expect(differenceOf(plain, vec('NaN'), vec('NaN'))).toBeNull();
    expect(differenceOf(plain, vec('1'), vec('1.0001'))).toMatch(/1 vs 1.0001/);
  });

  it('should_fail needs both sides to fail; otherwise an error on one side is a difference', () => {
    const failing = { ...plain, shouldFail: true };
    expect(differenceOf(failing, err, err)).toBeNull();
    expect(differenceOf(failing, vec('1'), err)).toMatch(/Sightline succeeded, Prometheus failed/);
    expect(differenceOf(plain, err, vec('1'))).toMatch(/Sightline failed: boom/);
    expect(differenceOf(plain, vec('1'), err)).toMatch(/Prometheus failed/);
  });

  it('an undocumented difference fails', async () => {
    expect((await judge(plain, 'instant', vec('1'), vec('2'), never)).status).toBe('fail');
  });

  it('a documented subquery difference counts only if the 2.x rewrite agrees', async () => {
    const q = { ...plain, query: 'max_over_time(x[5m:10s])' };
    let asked = '';
    const agreeing = await judge(q, 'range', vec('1'), vec('2'), async (rewritten) => ((asked = rewritten), vec('2')));
    expect(asked).toBe('max_over_time(x[300001ms:10s])');
    expect(agreeing.status).toBe('expected');
    expect(agreeing.reason).toMatch(/left-open/);
    const disagreeing = await judge(q, 'range', vec('1'), vec('2'), async () => vec('3'));
    expect(disagreeing.status).toBe('fail');
    expect(disagreeing.detail).toMatch(/still differs under 2.x semantics/);
  });

  it('rewrites every subquery range, not range selectors', () => {
    expect(closeSubqueryWindows('avg_over_time(rate(a[1m])[2m:10s]) + max_over_time(b[1h30m:])')).toBe(
      'avg_over_time(rate(a[1m])[120001ms:10s]) + max_over_time(b[5400001ms:])',
    );
    expect(expectedDifference('rate(a[5m])')).toBeNull();
    expect(expectedDifference('rate(a[5m])', true)?.reason).toMatch(/range selectors/);
    expect(closeRangeWindows('rate(a[5m]) + b[1m:10s]')).toBe('rate(a[300001ms]) + b[1m:10s]');
    expect(expectedDifference('label_join(demo_num_cpus, "~invalid", "-", "instance")')).not.toBeNull();
  });
});
