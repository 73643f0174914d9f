// UTF-8 validation of raw exposition bytes, reporting the first bad byte by line and column.

import { ExpositionParseError } from './errors.ts';

/** Length of a well-formed UTF-8 sequence starting at i, or 0 if it is malformed there. */
function sequenceLength(b: Uint8Array, i: number): number {
  const c = b[i];
  const cont = (k: number, lo = 0x80, hi = 0xbf): boolean => i + k < b.length && b[i + k] >= lo && b[i + k] <= hi;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if ((c >= 0xe1 && c <= 0xec) || c === 0xee || c === 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/**
 * Throws ExpositionParseError at the first byte that is not well-formed UTF-8 (both formats are
 * UTF-8; decoding leniently would silently turn such bytes into U+FFFD).
 */
export function validateUtf8(bytes: Uint8Array): void {
  let line = 1;
  let column = 1;
  for (let i = 0; i < bytes.length; ) {
    const c = bytes[i];
    if (c < 0x80) {
      i++;
      if (c === 10) {
        line++;
        column = 1;
      } else column++;
      continue;
    }
    const n = sequenceLength(bytes, i);
    if (n === 0) throw new ExpositionParseError(`invalid UTF-8 byte 0x${c.toString(16).padStart(2, '0')}`, line, column);
    i += n;
    column += n === 4 ? 2 : 1; // columns count UTF-16 units, as the parsers do
  }
}
