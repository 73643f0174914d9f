// Public entry of the exposition parsers: pick a parser by Content-Type, parse whole bodies or streams.

import { resolveFormat, type FormatOptions } from './content-type.ts';
import { feedPieces, feedWhole, LineFeeder, type LineParser } from './lines.ts';
import { OpenMetricsParser } from './openmetrics.ts';
import { PromTextParser } from './promtext.ts';
import type { Cursor } from './cursor.ts';
import { ParseResult } from './result.ts';
import type { ExpositionFormat, ExpositionSink, ExpositionText, ParseOptions } from './types.ts';

export { ExpositionParseError } from './errors.ts';
export { SCRAPE_ACCEPT_HEADER, userAgent, resolveFormat, type FormatOptions } from './content-type.ts';
export { formatOpenMetricsFloat } from './numbers.ts';
export { validateUtf8 } from './utf8.ts';
export { labelsToRecord } from './record.ts';
export { createdTimestamps } from './created.ts';
export { ParseResult } from './result.ts';
export type {
  Exemplar,
  ExpositionFormat,
  ExpositionSample,
  ExpositionSink,
  ExpositionText,
  FlatLabels,
  MetricFamily,
  MetricType,
  ParseOptions,
  SampleCursor,
} from './types.ts';

function newParser(format: ExpositionFormat, sink: ExpositionSink, opts: ParseOptions | undefined): LineParser {
  return format === 'openmetrics' ? new OpenMetricsParser(sink, opts) : new PromTextParser(sink, opts);
}

function parseWith(format: ExpositionFormat, body: ExpositionText, opts: ParseOptions | undefined): ParseResult {
  const result = new ParseResult(format, body, opts?.normalizeBucketLabels !== false);
  const sink: ExpositionSink = {
    // Whole-body parsing: the cursor is always the parser's own Cursor over the body or the piece being parsed.
    sample: (c) => result.push(c as Cursor),
    family: (f) => result.addFamily(f),
  };
  try {
    const parser = newParser(format, sink, opts);
    if (typeof body === 'string') feedWhole(parser, body);
    else feedPieces(parser, body);
  } catch (e) {
    // A failed parse's columns go to the next parse.
    result.release();
    throw e;
  }
  result.seal();
  return result;
}

/** Parses a Prometheus text format (0.0.4 / 1.0.0) body. Throws ExpositionParseError. */
export function parsePromText(body: string, opts?: ParseOptions): ParseResult {
  return parseWith('prometheus', body, opts);
}

/** Parses an OpenMetrics 1.0 text body (`# EOF` required). Throws ExpositionParseError. */
export function parseOpenMetrics(body: string, opts?: ParseOptions): ParseResult {
  return parseWith('openmetrics', body, opts);
}

/**
 * Parses a scraped body with the parser its Content-Type names: `application/openmetrics-text` →
 * OpenMetrics, `text/plain` → Prometheus text, missing or unknown → opts.fallback (default
 * Prometheus text; null makes it an error, as Prometheus 3 without fallback_scrape_protocol),
 * protobuf → error. Throws ExpositionParseError only. The body may come as consecutive pieces
 * (normally each ending with a newline): they are parsed as their concatenation, without joining them.
 */
export function parseExposition(
  body: ExpositionText,
  contentType: string | null,
  opts?: ParseOptions & FormatOptions,
): ParseResult {
  return parseWith(resolveFormat(contentType, opts?.fallback), body, opts);
}

/** An incremental parser: feed text chunks as they arrive, then end(). */
export interface ExpositionStream {
  /** Parses every complete line of the chunk (chunks may split lines anywhere). */
  push(chunk: string): void;
  /** Parses the last unterminated line and checks the end (OpenMetrics: `# EOF`). */
  end(): void;
}

/**
 * Streaming parse for large inputs (backfill files): samples go to sink.sample as lines arrive, so
 * nothing but the current chunk is held.
 */
export function createExpositionStream(format: ExpositionFormat, sink: ExpositionSink, opts?: ParseOptions): ExpositionStream {
  return new LineFeeder(newParser(format, sink, opts));
}
