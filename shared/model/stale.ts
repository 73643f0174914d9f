// Prometheus's staleness marker: one specific NaN bit pattern, distinct from an ordinary NaN value.

// Typed-array views, not a DataView: Chromium's optimised DataView.setFloat64 can quiet the stale marker's
// signalling-NaN bits in hot code, while stores through a Float64Array keep them.
const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Every engine this runs on is little-endian: word 1 holds the high bits.
const LO = 0;
const HI = 1;

/** The upper and lower 32 bits of value.StaleNaN (0x7ff0000000000002). */
const STALE_HI = 0x7ff00000;
const STALE_LO = 0x00000002;

u32[HI] = STALE_HI;
u32[LO] = STALE_LO;
/**
 * The stale marker as a JS number. Its bits survive in variables, object fields and Float64Arrays,
 * but V8 canonicalises every NaN stored in a plain JS Array of numbers (and arithmetic makes a new
 * NaN): keep sample values in Float64Arrays, and compare with isStaleMarker, never with ===.
 */
export const STALE_NAN: number = f64[0];

/** True only for the exact stale-marker bit pattern, not for other NaNs. */
export function isStaleMarker(v: number): boolean {
  if (v === v) return false; // fast path: not NaN
  f64[0] = v;
  return u32[HI] === STALE_HI && u32[LO] === STALE_LO;
}
