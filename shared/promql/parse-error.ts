// ParseError: a user's query was not valid PromQL; carries the offending range and the query for underlining.
import type { PositionRange } from './ast.ts';

/** A PromQL syntax or type error. `message` is the bare reason; `toString()` renders Prometheus's `line:col: parse error: ...`. */
export class ParseError extends Error {
  /** 0-based character offsets of the offending part of `query`. */
  readonly positionRange: PositionRange;
  readonly query: string;

  constructor(message: string, positionRange: PositionRange, query: string) {
    super(message);
    this.name = 'ParseError';
    this.positionRange = positionRange;
    this.query = query;
  }

  /** 1-based line of the error start. */
  get line(): number {
    return lineCol(this.query, this.positionRange.start).line;
  }

  /** 1-based column (in characters) of the error start. */
  get column(): number {
    return lineCol(this.query, this.positionRange.start).col;
  }

  /** Prometheus's rendering, e.g. `1:5: parse error: unexpected <op:+>`. */
  override toString(): string {
    const p = this.positionRange.start;
    if (p < 0 || p > this.query.length) return `invalid position: parse error: ${this.message}`;
    const { line, col } = lineCol(this.query, p);
    return `${line}:${col}: parse error: ${this.message}`;
  }
}

function lineCol(query: string, pos: number): { line: number; col: number } {
  let line = 1;
  let lastBreak = -1;
  const end = Math.min(pos, query.length);
  for (let i = 0; i < end; i++) {
    if (query.charCodeAt(i) === 10) {
      line++;
      lastBreak = i;
    }
  }
  return { line, col: pos - lastBreak };
}
