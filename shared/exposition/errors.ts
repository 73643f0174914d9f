// The single error type the exposition parsers throw: a user-caused problem located by line and column.

/** A malformed exposition, located at a 1-based line and column (UTF-16 units within the line). */
export class ExpositionParseError extends Error {
  override readonly name = 'ExpositionParseError';
  /** 1-based line of the offending input; 0 when the problem is not tied to a line (e.g. Content-Type). */
  readonly line: number;
  /** 1-based column within that line; 0 when unknown. */
  readonly column: number;
  /** The message without the `line N:` prefix, for callers that print `file:line:col: detail`. */
  readonly detail: string;

  constructor(detail: string, line: number, column = 0) {
    super(line > 0 ? `line ${line}: ${detail}` : detail);
    this.line = line;
    this.column = column;
    this.detail = detail;
  }
}
