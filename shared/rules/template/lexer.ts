// Lexer for Go text/template syntax: text, {{ actions }}, trim markers {{- -}}, comments, quoted strings, numbers.

export type ItemType =
  | 'error'
  | 'bool'
  | 'char'
  | 'charConstant'
  | 'declare'
  | 'assign'
  | 'eof'
  | 'field'
  | 'identifier'
  | 'leftDelim'
  | 'leftParen'
  | 'number'
  | 'pipe'
  | 'rawString'
  | 'rightDelim'
  | 'rightParen'
  | 'space'
  | 'string'
  | 'text'
  | 'variable'
  | 'variableDot'
  | 'block'
  | 'break'
  | 'continue'
  | 'dot'
  | 'define'
  | 'else'
  | 'end'
  | 'if'
  | 'nil'
  | 'range'
  | 'template'
  | 'with';

/** One token: `pos` is the UTF-16 offset in the source, `line` 1-based. */
export interface Item {
  type: ItemType;
  pos: number;
  val: string;
  line: number;
}

const KEYWORDS: Record<string, ItemType> = {
  '.': 'dot',
  block: 'block',
  break: 'break',
  continue: 'continue',
  define: 'define',
  else: 'else',
  end: 'end',
  if: 'if',
  range: 'range',
  nil: 'nil',
  template: 'template',
  with: 'with',
};

const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const ALNUM_RE = /^[\p{L}\p{Nd}_]$/u;
const isAlphaNumeric = (c: string): boolean => c !== '' && ALNUM_RE.test(c);
const hasLeftTrimMarker = (s: string): boolean => s.length >= 2 && s[0] === '-' && isSpace(s[1]);
const hasRightTrimMarker = (s: string): boolean => s.length >= 2 && isSpace(s[0]) && s[1] === '-';

/** Tokenises a whole template up front; an error item ends the stream. */
export function lex(input: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  let start = 0;
  let parenDepth = 0;
  const newlines: number[] = [];
  for (let i = 0; i < input.length; i++) if (input.charCodeAt(i) === 10) newlines.push(i);
  const lineAt = (p: number): number => {
    let lo = 0;
    let hi = newlines.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (newlines[mid] < p) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };

  const emit = (type: ItemType): void => {
    items.push({ type, pos: start, val: input.slice(start, pos), line: lineAt(start) });
    start = pos;
  };
  const ignore = (): void => {
    start = pos;
  };
  const next = (): string => {
    if (pos >= input.length) return '';
    const ch = String.fromCodePoint(input.codePointAt(pos) ?? 0);
    pos += ch.length;
    return ch;
  };
  const peek = (): string => (pos >= input.length ? '' : String.fromCodePoint(input.codePointAt(pos) ?? 0));
  const backup = (ch: string): void => {
    pos -= ch.length;
  };
  const error = (msg: string): false => {
    items.push({ type: 'error', pos: start, val: msg, line: lineAt(start) });
    return false;
  };
  const atRightDelim = (): { delim: boolean; trim: boolean } => {
    const rest = input.slice(pos);
    if (hasRightTrimMarker(rest) && rest.startsWith('}}', 2)) return { delim: true, trim: true };
    return { delim: rest.startsWith('}}'), trim: false };
  };
  const atTerminator = (): boolean => {
    const r = peek();
    if (r === '' || isSpace(r) || '.,|:)('.includes(r)) return true;
    return input.startsWith('}}', pos);
  };
  const leftTrimLength = (s: string): number => s.length - s.replace(/^[ \t\r\n]+/, '').length;
  const rightTrimLength = (s: string): number => s.length - s.replace(/[ \t\r\n]+$/, '').length;
  const accept = (valid: string): boolean => {
    const c = peek();
    if (c !== '' && valid.includes(c)) {
      next();
      return true;
    }
    return false;
  };
  const acceptRun = (valid: string): void => {
    while (accept(valid));
  };

  const lexText = (): boolean => {
    const x = input.indexOf('{{', pos);
    if (x < 0) {
      pos = input.length;
      if (pos > start) emit('text');
      items.push({ type: 'eof', pos, val: '', line: lineAt(pos) });
      return false;
    }
    if (x > start) {
      const trim = hasLeftTrimMarker(input.slice(x + 2)) ? rightTrimLength(input.slice(start, x)) : 0;
      pos = x - trim;
      if (pos > start) emit('text');
      pos = x;
      ignore();
    }
    return lexLeftDelim();
  };

  const lexComment = (): boolean => {
    pos += 2;
    const x = input.indexOf('*/', pos);
    if (x < 0) return error('unclosed comment');
    pos = x + 2;
    const { delim, trim } = atRightDelim();
    if (!delim) return error('comment ends before closing delimiter');
    if (trim) pos += 2;
    pos += 2;
    if (trim) pos += leftTrimLength(input.slice(pos));
    ignore();
    return true;
  };

  const lexLeftDelim = (): boolean => {
    pos += 2;
    const trim = hasLeftTrimMarker(input.slice(pos));
    const after = trim ? 2 : 0;
    if (input.startsWith('/*', pos + after)) {
      pos += after;
      ignore();
      return lexComment();
    }
    emit('leftDelim');
    pos += after;
    ignore();
    parenDepth = 0;
    return lexInsideAction();
  };

  const lexRightDelim = (): boolean => {
    const { trim } = atRightDelim();
    if (trim) {
      pos += 2;
      ignore();
    }
    pos += 2;
    emit('rightDelim');
    if (trim) {
      pos += leftTrimLength(input.slice(pos));
      ignore();
    }
    return true;
  };

  const lexQuoted = (close: string, what: string, rawOk: boolean): boolean => {
    for (;;) {
      const c = next();
      if (c === '\\' && !rawOk) {
        const r = next();
        if (r !== '' && r !== '\n') continue;
        return error(`unterminated ${what}`);
      }
      if (c === '' || (c === '\n' && !rawOk)) return error(`unterminated ${what}`);
      if (c === close) return true;
    }
  };

  const lexFieldOrVariable = (type: 'field' | 'variable'): boolean => {
    if (atTerminator()) {
      emit(type === 'variable' ? 'variable' : 'dot');
      return true;
    }
    let r: string;
    for (;;) {
      r = next();
      if (!isAlphaNumeric(r)) {
        backup(r);
        break;
      }
    }
    if (!atTerminator()) return error(`bad character ${formatRune(peek())}`);
    emit(type);
    return true;
  };

  const scanNumber = (): boolean => {
    accept('+-');
    let digits = '0123456789_';
    if (accept('0')) {
      if (accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (accept('oO')) digits = '01234567_';
      else if (accept('bB')) digits = '01_';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (digits.length === 11 && accept('eE')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    if (digits.length === 23 && accept('pP')) {
      accept('+-');
      acceptRun('0123456789_');
    }
    accept('i');
    if (isAlphaNumeric(peek())) {
      next();
      return false;
    }
    return true;
  };

  const lexInsideAction = (): boolean => {
    for (;;) {
      const { delim } = atRightDelim();
      if (delim) {
        if (parenDepth === 0) {
          lexRightDelim();
          return true;
        }
        return error('unclosed left paren');
      }
      const r = next();
      if (r === '') return error('unclosed action');
      if (isSpace(r)) {
        backup(r);
        let n = 0;
        while (isSpace(peek())) {
          next();
          n++;
        }
        // A space that belongs to a " -}}" closing marker is not a space token.
        if (hasRightTrimMarker(input.slice(pos - 1)) && input.startsWith('}}', pos - 1 + 2)) {
          backup(input[pos - 1]);
          if (n === 1) continue;
        }
        emit('space');
        continue;
      }
      switch (r) {
        case '=':
          emit('assign');
          continue;
        case ':':
          if (next() !== '=') return error('expected :=');
          emit('declare');
          continue;
        case '|':
          emit('pipe');
          continue;
        case '"':
          if (!lexQuoted('"', 'quoted string', false)) return false;
          emit('string');
          continue;
        case '`':
          if (!lexQuoted('`', 'raw quoted string', true)) return false;
          emit('rawString');
          continue;
        case '$':
          if (atTerminator()) {
            emit('variable');
            continue;
          }
          if (!lexFieldOrVariable('variable')) return false;
          continue;
        case "'":
          if (!lexQuoted("'", 'character constant', false)) return false;
          emit('charConstant');
          continue;
        case '(':
          parenDepth++;
          emit('leftParen');
          continue;
        case ')':
          parenDepth--;
          if (parenDepth < 0) return error('unexpected right paren');
          emit('rightParen');
          continue;
      }
      if (r === '.') {
        const c = input[pos];
        if (c === undefined || c < '0' || c > '9') {
          if (!lexFieldOrVariable('field')) return false;
          continue;
        }
      }
      if (r === '.' || r === '+' || r === '-' || (r >= '0' && r <= '9')) {
        backup(r);
        if (!scanNumber()) return error(`bad number syntax: ${JSON.stringify(input.slice(start, pos))}`);
        emit('number');
        continue;
      }
      if (isAlphaNumeric(r)) {
        let c: string;
        for (;;) {
          c = next();
          if (!isAlphaNumeric(c)) {
            backup(c);
            break;
          }
        }
        const word = input.slice(start, pos);
        if (!atTerminator()) return error(`bad character ${formatRune(peek())}`);
        const kw = KEYWORDS[word];
        if (kw !== undefined) emit(kw);
        else if (word === 'true' || word === 'false') emit('bool');
        else emit('identifier');
        continue;
      }
      const cp = r.codePointAt(0) ?? 0;
      if (cp < 0x7f && cp >= 0x20) {
        emit('char');
        continue;
      }
      return error(`unrecognized character in action: ${formatRune(r)}`);
    }
  };

  while (lexText());
  return items;
}

/** Go's %#U: U+0041 'A'. */
function formatRune(r: string): string {
  const cp = r.codePointAt(0) ?? 0;
  const hex = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  return cp >= 0x20 && cp !== 0x7f ? `${hex} '${r}'` : hex;
}
