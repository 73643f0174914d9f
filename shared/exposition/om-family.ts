// OpenMetrics family bookkeeping: which sample names (suffixes) each family type owns.

import type { MetricFamily, MetricType } from './types.ts';

/** Sample name suffix kinds; the number indexes SUFFIXES. */
export const BASE = 0;
export const TOTAL = 1;
export const CREATED = 2;
export const BUCKET = 3;
export const COUNT = 4;
export const SUM = 5;
export const GCOUNT = 6;
export const GSUM = 7;
export const INFO = 8;

/** Suffix text per kind. */
export const SUFFIXES: readonly string[] = ['', '_total', '_created', '_bucket', '_count', '_sum', '_gcount', '_gsum', '_info'];

/** The sample kinds each OpenMetrics type owns. */
export const TYPE_KINDS: Readonly<Record<MetricType, readonly number[]>> = {
  counter: [TOTAL, CREATED],
  gauge: [BASE],
  unknown: [BASE],
  stateset: [BASE],
  summary: [BASE, COUNT, SUM, CREATED],
  histogram: [BUCKET, COUNT, SUM, CREATED],
  gaugehistogram: [BUCKET, GCOUNT, GSUM],
  info: [INFO],
};

/** OpenMetrics TYPE keywords (note: no `untyped`). */
export const OM_TYPES: ReadonlySet<string> = new Set(Object.keys(TYPE_KINDS));

/** A family as the OpenMetrics parser tracks it. */
export interface OmFamily {
  readonly meta: MetricFamily;
  kinds: readonly number[];
  hasHelp: boolean;
  hasType: boolean;
  hasUnit: boolean;
  samples: number;
  readonly firstLine: number;
}

/** Creates an untyped (unknown) family. */
export function newOmFamily(name: string, line: number): OmFamily {
  return {
    meta: { name, type: 'unknown', help: '', unit: '' },
    kinds: TYPE_KINDS.unknown,
    hasHelp: false,
    hasType: false,
    hasUnit: false,
    samples: 0,
    firstLine: line,
  };
}

/** The kind of sample `name` within family f, or -1 if f does not own that name. */
export function kindOf(f: OmFamily, name: string): number {
  const base = f.meta.name;
  const extra = name.length - base.length;
  if (extra < 0 || !name.startsWith(base)) return -1;
  const kinds = f.kinds;
  for (let k = 0; k < kinds.length; k++) {
    const suffix = SUFFIXES[kinds[k]];
    if (suffix.length === extra && (extra === 0 || name.endsWith(suffix))) return kinds[k];
  }
  return -1;
}

/** The value of label `name` in flat labels, or undefined. */
export function labelValue(labels: readonly string[], name: string): string | undefined {
  for (let k = 0; k < labels.length; k += 2) if (labels[k] === name) return labels[k + 1];
  return undefined;
}
