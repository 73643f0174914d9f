// Matches OpenMetrics `_created` samples to the samples of their MetricPoint (created timestamps).

import { secondsToMillis } from './numbers.ts';
import { groupKey } from './om-strict.ts';
import type { ParseResult } from './result.ts';
import type { MetricFamily } from './types.ts';

/** The label that does not take part in a sample's group: `le` for buckets, `quantile` for summary quantiles. */
function groupSkip(name: string, family: MetricFamily): string | null {
  if (family.type === 'histogram' && name === family.name + '_bucket') return 'le';
  if (family.type === 'summary' && name === family.name) return 'quantile';
  return null;
}

/**
 * For each sample of result, the created timestamp in ms from the `_created` line of the same
 * counter/histogram/summary family and labels (ignoring `le`/`quantile`), else NaN. The
 * `_created` samples themselves stay ordinary samples, as Prometheus ingests them unless
 * created-timestamp ingestion is on. Builds labels only for families that have `_created` lines.
 */
export function createdTimestamps(result: ParseResult): Float64Array {
  const out = new Float64Array(result.length).fill(NaN);
  const byFamily = new Map<MetricFamily, Map<string, number>>();
  for (let i = 0; i < result.length; i++) {
    const f = result.family(i);
    if (f.type !== 'counter' && f.type !== 'histogram' && f.type !== 'summary') continue;
    if (result.name(i) !== f.name + '_created') continue;
    let groups = byFamily.get(f);
    if (groups === undefined) byFamily.set(f, (groups = new Map()));
    groups.set(groupKey(result.labels(i), null), secondsToMillis(result.values[i]));
  }
  if (byFamily.size === 0) return out;
  for (let i = 0; i < result.length; i++) {
    const f = result.family(i);
    const groups = byFamily.get(f);
    if (groups === undefined) continue;
    const name = result.name(i);
    const ms = groups.get(groupKey(result.labels(i), groupSkip(name, f)));
    if (ms !== undefined) out[i] = ms;
  }
  return out;
}
