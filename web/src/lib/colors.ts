// Series colours: a fixed palette readable on both light and dark backgrounds, repeated by index.

const PALETTE = [
  '#4c7cf3',
  '#16a34a',
  '#f59e0b',
  '#e0457b',
  '#0ea5b7',
  '#8b5cf6',
  '#ef6c2f',
  '#65a30d',
  '#db2777',
  '#64748b',
] as const;

/** Colour of the i-th series of a chart. */
export function seriesColor(i: number): string {
  return PALETTE[((i % PALETTE.length) + PALETTE.length) % PALETTE.length];
}
