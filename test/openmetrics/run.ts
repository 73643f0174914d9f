// Runs one OpenMetrics conformance case against the strict parser and explains any failure.

import { ExpositionParseError, parseOpenMetrics, validateUtf8 } from '../../shared/exposition/index.ts';
import type { ConformanceCase } from './cases.ts';
import { compareToExpected } from './compare.ts';

export interface CaseOutcome {
  pass: boolean;
  /** Why the case failed, or what the parser said (for --verbose). */
  reason: string;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Parses the case's bytes strictly; valid cases must parse (and match expected.json), invalid ones must fail naming a line. */
export function runCase(c: ConformanceCase): CaseOutcome {
  let error: unknown = null;
  let result = null;
  try {
    validateUtf8(c.input);
    // expected.json holds le/quantile as written, so compare without Prometheus 3's normalisation.
    result = parseOpenMetrics(decoder.decode(c.input), { strict: true, normalizeBucketLabels: false });
  } catch (e) {
    error = e;
  }
  if (error !== null && !(error instanceof ExpositionParseError)) {
    return { pass: false, reason: `parser threw something other than ExpositionParseError: ${String(error)}` };
  }
  if (c.shouldParse) {
    if (error instanceof ExpositionParseError) return { pass: false, reason: `rejected valid input: ${error.message}` };
    if (result !== null && c.expected !== undefined) {
      const diff = compareToExpected(result, c.expected);
      if (diff !== null) return { pass: false, reason: `result differs from expected.json: ${diff}` };
    }
    return { pass: true, reason: `parsed ${result?.length ?? 0} samples` };
  }
  if (!(error instanceof ExpositionParseError)) return { pass: false, reason: 'accepted invalid input' };
  if (error.line < 1 || !error.message.startsWith(`line ${error.line}: `)) {
    return { pass: false, reason: `error does not name a line: ${error.message}` };
  }
  return { pass: true, reason: error.message };
}
