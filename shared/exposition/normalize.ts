// Prometheus 3's rewrite of histogram `le` and summary `quantile` label values to canonical float text.

import { normalizeFloatLabel } from './numbers.ts';
import type { SampleScanner } from './scan.ts';
import type { FlatLabels } from './types.ts';

// The same few bucket bounds repeat on every line: remember their canonical text.
const cache = new Map<string, string>();
const CACHE_LIMIT = 4096;

function canonical(value: string): string {
  let c = cache.get(value);
  if (c === undefined) {
    c = normalizeFloatLabel(value);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(value, c);
  }
  return c;
}

/**
 * Returns labels with the value of `key` in canonical float form: the same array when it already
 * is, else a copy (which the scanner then reuses for following lines).
 */
export function normalizeLabel(labels: FlatLabels, key: string, scanner: SampleScanner): FlatLabels {
  for (let k = 0; k < labels.length; k += 2) {
    if (labels[k] !== key) continue;
    const v = labels[k + 1];
    const c = canonical(v);
    if (c === v) return labels;
    const copy = labels.slice();
    copy[k + 1] = c;
    scanner.replacePrevious(copy, k + 1);
    return copy;
  }
  return labels;
}
