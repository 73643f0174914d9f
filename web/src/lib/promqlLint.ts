// Inline PromQL errors for the editor: our own parser's ParseError as a diagnostic range with Prometheus's message.
import { parse, PROMETHEUS_DEFAULT_FEATURES } from '../../../shared/promql/parser.ts';
import { ParseError } from '../../../shared/promql/parse-error.ts';

export interface PromqlDiagnostic {
  from: number;
  to: number;
  message: string;
}

/** The syntax problem of a query, if any; an empty query is not an error (it just has nothing to run). */
export function lintPromQL(text: string): PromqlDiagnostic[] {
  if (text.trim() === '') return [];
  try {
    parse(text, PROMETHEUS_DEFAULT_FEATURES);
    return [];
  } catch (e) {
    if (!(e instanceof ParseError)) return [{ from: 0, to: text.length, message: e instanceof Error ? e.message : String(e) }];
    const from = Math.max(0, Math.min(text.length, e.positionRange.start));
    // An error at the very end (an unclosed parenthesis) still gets a visible mark on the last character.
    let to = Math.max(from, Math.min(text.length, e.positionRange.end));
    const start = to === from && from === text.length ? Math.max(0, from - 1) : from;
    if (to === start) to = Math.min(text.length, start + 1);
    return [{ from: start, to, message: e.toString() }];
  }
}
