import { describe, expect, it } from 'vitest';
import { STALE_NAN, isStaleMarker } from './stale.ts';

describe('stale marker', () => {
  it('is a NaN with the exact Prometheus bit pattern', () => {
    const dv = new DataView(new ArrayBuffer(8));
    dv.setFloat64(0, STALE_NAN);
    expect(dv.getBigUint64(0).toString(16)).toBe('7ff0000000000002');
    expect(Number.isNaN(STALE_NAN)).toBe(true);
  });
  it('is told apart from an ordinary NaN and from numbers', () => {
    expect(isStaleMarker(STALE_NAN)).toBe(true);
    expect(isStaleMarker(NaN)).toBe(false);
    expect(isStaleMarker(0)).toBe(false);
    expect(isStaleMarker(Infinity)).toBe(false);
  });
  it('survives a Float64Array round trip', () => {
    const a = new Float64Array(1);
    a[0] = STALE_NAN;
    expect(isStaleMarker(a[0])).toBe(true);
  });
});
