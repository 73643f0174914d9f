// The Accept header of a scrape, built from a job's scrape_protocols the way Prometheus weighs them.

/** Media types per scrape protocol Sightline can parse (protobuf is not offered: there is no protobuf parser). */
const PROTOCOL_MEDIA_TYPES: Record<string, string> = {
  'OpenMetricsText1.0.0': 'application/openmetrics-text;version=1.0.0',
  'OpenMetricsText0.0.1': 'application/openmetrics-text;version=0.0.1',
  'PrometheusText1.0.0': 'text/plain;version=1.0.0',
  'PrometheusText0.0.4': 'text/plain;version=0.0.4',
};

/** Prometheus's weight base: one more than the number of protocols it knows (five, protobuf included). */
const WEIGHT_BASE = 6;

/**
 * Accept header for the given protocols in preference order, e.g.
 * `application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,…,*\/*;q=0.2`. The 1.0.0 formats carry
 * the name-escaping scheme; unsupported protocols (PrometheusProto) are skipped but keep their weight slot.
 */
export function scrapeAcceptHeader(protocols: readonly string[], escaping = 'allow-utf-8'): string {
  const parts: string[] = [];
  let weight = WEIGHT_BASE;
  for (const p of protocols) {
    const media = PROTOCOL_MEDIA_TYPES[p];
    if (media !== undefined) {
      const esc = p === 'OpenMetricsText1.0.0' || p === 'PrometheusText1.0.0' ? `;escaping=${escaping}` : '';
      parts.push(`${media}${esc};q=0.${weight}`);
    }
    weight--;
  }
  parts.push(`*/*;q=0.${weight}`);
  return parts.join(',');
}
