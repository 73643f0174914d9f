// Prometheus's staleness marker: one specific NaN bit pattern, distinct from an ordinary NaN value.

const scratch = new DataView(new ArrayBuffer(8));

/** The upper and lower 32 bits of value.StaleNaN (0x7ff0000000000002). */
const STALE_HI = 0x7ff00000;
const STALE_LO = 0x00000002;

scratch.setUint32(0, STALE_HI);
scratch.setUint32(4, STALE_LO);
/**
 * The stale marker as a JS number. Its bits survive in variables, object fields and Float64Arrays,
 * but V8 canonicalises every NaN stored in a plain JS Array of numbers (and arithmetic makes a new
 * NaN): keep sample values in Float64Arrays, and compare with isStaleMarker, never with ===.
 */
export const STALE_NAN: number = scratch.getFloat64(0);

/** True only for the exact stale-marker bit pattern, not for other NaNs. */
export function isStaleMarker(v: number): boolean {
  if (v === v) return false; // fast path: not NaN
  scratch.setFloat64(0, v);
  return scratch.getUint32(0) === STALE_HI && scratch.getUint32(4) === STALE_LO;
}
