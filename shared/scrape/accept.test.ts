// Tests for the Accept header built from scrape_protocols.
import { describe, expect, it } from 'vitest';
import { scrapeAcceptHeader } from './accept.ts';

describe('scrapeAcceptHeader', () => {
  it('weighs the default protocols like Prometheus', () => {
    expect(scrapeAcceptHeader(['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4'])).toBe(
      'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,' +
        'application/openmetrics-text;version=0.0.1;q=0.5,' +
        'text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,' +
        'text/plain;version=0.0.4;q=0.3,*/*;q=0.2',
    );
  });

  it('skips protobuf but keeps its weight slot, and carries the escaping scheme', () => {
    expect(scrapeAcceptHeader(['PrometheusProto', 'PrometheusText1.0.0'], 'underscores')).toBe(
      'text/plain;version=1.0.0;escaping=underscores;q=0.5,*/*;q=0.4',
    );
  });
});
