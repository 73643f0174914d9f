// Metric metadata lookups: a sample name's HELP/TYPE/UNIT from its family (histogram and counter suffixes stripped).
import type { MetricMetadata } from '../../../shared/stream/protocol.ts';

/** Suffixes a sample name may add to its metric family's name (histograms, summaries, counters, info). */
const FAMILY_SUFFIXES = /(_bucket|_sum|_count|_total|_created|_gcount|_gsum|_info)$/;

/** The metadata of `name`, or of its family when the name carries a sample suffix; undefined when neither is known. */
export function familyMetadata(name: string, meta: Readonly<Record<string, readonly MetricMetadata[]>>): MetricMetadata | undefined {
  return meta[name]?.[0] ?? meta[name.replace(FAMILY_SUFFIXES, '')]?.[0];
}

/** Fills missing type/help/unit of metric summaries from a metadata map (e.g. the gateway's /api/v1/metadata). */
export function withMetadata<T extends { name: string; type?: MetricMetadata['type']; help?: string; unit?: string }>(
  metrics: readonly T[],
  meta: Readonly<Record<string, readonly MetricMetadata[]>>,
): T[] {
  return metrics.map((m) => {
    if (m.type !== undefined) return m;
    const found = familyMetadata(m.name, meta);
    return found ? { ...m, type: found.type, help: found.help, unit: found.unit } : m;
  });
}
