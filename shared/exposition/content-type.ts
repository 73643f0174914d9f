// Content negotiation for scrapes: the Accept header Prometheus 3 sends and Content-Type → parser choice.

import { ExpositionParseError } from './errors.ts';
import type { ExpositionFormat } from './types.ts';

/**
 * The Accept header Prometheus 3.x sends by default (scrape_protocols OpenMetricsText1.0.0,
 * OpenMetricsText0.0.1, PrometheusText1.0.0, PrometheusText0.0.4; metric_name_escaping_scheme
 * allow-utf-8, so the 1.0.0 formats may carry quoted UTF-8 names, which both parsers accept).
 */
export const SCRAPE_ACCEPT_HEADER =
  'application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.6,' +
  'application/openmetrics-text;version=0.0.1;q=0.5,' +
  'text/plain;version=1.0.0;escaping=allow-utf-8;q=0.4,' +
  'text/plain;version=0.0.4;q=0.3,' +
  '*/*;q=0.2';

/** The scrape User-Agent, `Sightline/<version>` (Prometheus sends `Prometheus/<version>`). */
export function userAgent(version: string): string {
  return `Sightline/${version}`;
}

/** What to do with a missing or unknown Content-Type. */
export interface FormatOptions {
  /** Parser for a missing/unknown Content-Type; null rejects it (Prometheus 3 without fallback_scrape_protocol). */
  fallback?: ExpositionFormat | null;
}

/**
 * Chooses the parser for a response Content-Type. Throws ExpositionParseError (line 0) for
 * protobuf, and for a missing or unknown type when fallback is null. Default fallback: Prometheus text.
 */
export function resolveFormat(contentType: string | null | undefined, fallback: ExpositionFormat | null = 'prometheus'): ExpositionFormat {
  const raw = contentType ?? '';
  const semi = raw.indexOf(';');
  const media = (semi === -1 ? raw : raw.slice(0, semi)).trim().toLowerCase();
  if (media === 'application/openmetrics-text') return 'openmetrics';
  if (media === 'text/plain') return 'prometheus';
  if (media === 'application/vnd.google.protobuf') {
    throw new ExpositionParseError(
      'the protobuf exposition format is not supported: the target ignored the Accept header; configure it to serve text',
      0,
    );
  }
  if (fallback === null) {
    throw new ExpositionParseError(
      media === '' ? 'response has no Content-Type and no fallback format is set' : `unsupported Content-Type "${raw}" and no fallback format is set`,
      0,
    );
  }
  return fallback;
}
