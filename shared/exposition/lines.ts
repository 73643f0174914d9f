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
