// Stacked graph data: each visible series drawn on top of the ones before it (uPlot draws what it is given).
import type { AlignedData } from 'uplot';

/**
 * Cumulative sums of the visible series at every x; a missing value adds nothing but stays missing in its own
 * column (so the line breaks there). Hidden series keep their own values and do not lift the ones after them.
 */
export function stackData(data: AlignedData, hidden: ReadonlySet<number>): AlignedData {
  const [xs, ...ys] = data;
  const acc = new Array<number>(xs.length).fill(0);
  const out: AlignedData[number][] = [xs];
  ys.forEach((col, s) => {
    if (hidden.has(s)) {
      out.push(col);
      return;
    }
    const next: (number | null | undefined)[] = new Array(xs.length);
    for (let i = 0; i < xs.length; i++) {
      const v = col[i];
      if (v === null || v === undefined) next[i] = v;
      else {
        acc[i] += v;
        next[i] = acc[i];
      }
    }
    out.push(next);
  });
  return out as AlignedData;
}
