// Splits input into lines for a line parser, from one string or from chunks of a stream.

/** A parser fed one line at a time. */
export interface LineParser {
  /** Line lineNo is s[start, end), without its newline; terminated says whether a `\n` followed. */
  line(s: string, start: number, end: number, lineNo: number, terminated: boolean): void;
  /** End of input; lineCount lines were fed, the last one terminated or not. */
  finish(lineCount: number, lastTerminated: boolean): void;
}

/** Feeds a whole body to p without copying it into line strings. */
export function feedWhole(p: LineParser, body: string): void {
  const len = body.length;
  let pos = 0;
  let lineNo = 0;
  let terminated = true;
  while (pos < len) {
    const nl = body.indexOf('\n', pos);
    lineNo++;
    if (nl === -1) {
      terminated = false;
      p.line(body, pos, len, lineNo, false);
      break;
    }
    p.line(body, pos, nl, lineNo, true);
    pos = nl + 1;
  }
  p.finish(lineNo, terminated);
}

/**
 * Feeds a body given as consecutive pieces (each normally ending with a `\n`, so no line spans two) without
 * joining them: a large body as pieces of ordinary size costs the engine no large allocation. A piece that does end
 * inside a line has its tail joined with the next piece.
 */
export function feedPieces(p: LineParser, pieces: readonly string[]): void {
  let lineNo = 0;
  let terminated = true;
  let carry = '';
  for (let k = 0; k < pieces.length; k++) {
    const body = carry.length === 0 ? pieces[k] : carry + pieces[k];
    carry = '';
    const len = body.length;
    const last = k === pieces.length - 1;
    let pos = 0;
    while (pos < len) {
      const nl = body.indexOf('\n', pos);
      if (nl === -1) {
        if (!last) {
          carry = body.slice(pos);
          break;
        }
        lineNo++;
        terminated = false;
        p.line(body, pos, len, lineNo, false);
        break;
      }
      lineNo++;
      p.line(body, pos, nl, lineNo, true);
      pos = nl + 1;
    }
  }
  p.finish(lineNo, terminated);
}

/** Incremental feeding: chunks may split lines anywhere; only the unfinished last line is kept. */
export class LineFeeder {
  private rest = '';
  private lineNo = 0;
  private done = false;

  constructor(private readonly parser: LineParser) {}

  /** Feeds the next chunk of text. */
  push(chunk: string): void {
    if (this.done) throw new Error('LineFeeder: push after end');
    const s = this.rest.length === 0 ? chunk : this.rest + chunk;
    let pos = 0;
    for (;;) {
      const nl = s.indexOf('\n', pos);
      if (nl === -1) break;
      this.lineNo++;
      this.parser.line(s, pos, nl, this.lineNo, true);
      pos = nl + 1;
    }
    this.rest = pos === 0 ? s : s.slice(pos);
  }

  /** Feeds the unterminated last line, if any, and finishes the parser. */
  end(): void {
    if (this.done) return;
    this.done = true;
    let terminated = true;
    if (this.rest.length > 0) {
      this.lineNo++;
      terminated = false;
      this.parser.line(this.rest, 0, this.rest.length, this.lineNo, false);
      this.rest = '';
    }
    this.parser.finish(this.lineNo, terminated);
  }
}
