// PromQL lexer: turns a query into tokens with Prometheus's token classes, error texts and Go string escapes.

export type TokenKind =
  | 'NUMBER'
  | 'DURATION'
  | 'STRING'
  | 'IDENTIFIER'
  | 'METRIC_IDENTIFIER'
  | 'KEYWORD'
  | 'AGGREGATOR'
  | 'OPERATOR'
  | 'PREPROCESSOR'
  | '('
  | ')'
  | '{'
  | '}'
  | '['
  | ']'
  | ','
  | ':'
  | '='
  | 'EOF'
  | 'ERROR';

export interface Token {
  kind: TokenKind;
  /** Source text of the token (for ERROR: the error message). */
  text: string;
  start: number;
  end: number;
  /** Lower-cased word for KEYWORD, AGGREGATOR, PREPROCESSOR and word operators; canonical symbol for OPERATOR. */
  word?: string;
  /** Unquoted value of a STRING. */
  value?: string;
}

const KEYWORDS = new Set([
  'bool',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'offset',
  'smoothed',
  'anchored',
  'fill',
  'fill_left',
  'fill_right',
]);
const WORD_OPERATORS = new Set(['and', 'or', 'unless', 'atan2']);
const AGGREGATOR_WORDS = new Set([
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'limitk',
  'limit_ratio',
]);
const PREPROCESSORS = new Set(['start', 'end', 'step', 'range']);
const DURATION_WORDS = new Set(['step', 'range', 'min', 'max', 'min_of', 'max_of']);

const isDigit = (c: string): boolean => c >= '0' && c <= '9';
const isAlpha = (c: string): boolean => c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
const isAlphaNumeric = (c: string): boolean => isAlpha(c) || isDigit(c);
const isSpace = (c: string): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r';

/** Classifies a word outside braces the way Prometheus's lexer does. */
function classifyWord(word: string, followedByParen: boolean): { kind: TokenKind; word?: string } {
  const lower = word.toLowerCase();
  if (lower === 'inf' || lower === 'nan') return { kind: 'NUMBER' };
  if (KEYWORDS.has(lower)) {
    // fill/fill_left/fill_right stay usable as metric names unless they open a parenthesis.
    if (lower.startsWith('fill') && !followedByParen) return { kind: 'IDENTIFIER' };
    return { kind: 'KEYWORD', word: lower };
  }
  if (WORD_OPERATORS.has(lower)) return { kind: 'OPERATOR', word: lower };
  if (AGGREGATOR_WORDS.has(lower)) return { kind: 'AGGREGATOR', word: lower };
  if (PREPROCESSORS.has(lower)) return { kind: 'PREPROCESSOR', word: lower };
  return { kind: word.includes(':') ? 'METRIC_IDENTIFIER' : 'IDENTIFIER' };
}

class LexError extends Error {
  constructor(
    message: string,
    readonly start: number,
  ) {
    super(message);
  }
}

/**
 * Tokenizes a whole query. Comments are dropped. The list always ends with one EOF or ERROR token;
 * an ERROR token's `text` is the lexer's message and its range runs to the end of the input (as in Prometheus).
 */
export function lex(input: string): Token[] {
  const tokens: Token[] = [];
  const n = input.length;
  let pos = 0;
  let parenDepth = 0;
  let braceOpen = false;
  let bracketOpen = false;
  let gotColon = false;
  let gotDuration = false;
  // Prometheus lexes the rest of a bracket with its statement lexer once a number was read; errors differ.
  let afterNumberInBracket = false;

  const push = (kind: TokenKind, start: number, extra?: Partial<Token>): void => {
    tokens.push({ kind, text: input.slice(start, pos), start, end: pos, ...extra });
  };

  try {
    while (true) {
      if (pos >= n) {
        if (braceOpen) throw new LexError('unexpected end of input inside braces', pos);
        if (parenDepth !== 0) throw new LexError('unclosed left parenthesis', pos);
        if (bracketOpen) {
          throw new LexError(afterNumberInBracket ? 'unclosed left bracket' : 'unexpected end of input in duration expression', pos);
        }
        tokens.push({ kind: 'EOF', text: '', start: n, end: n });
        return tokens;
      }
      const c = input[pos];
      const start = pos;
      if (isSpace(c)) {
        pos++;
        continue;
      }
      if (c === '#' && !bracketOpen) {
        while (pos < n && input[pos] !== '\n' && input[pos] !== '\r') pos++;
        continue;
      }
      if (braceOpen) {
        pos++;
        if (isAlpha(c)) {
          while (pos < n && isAlphaNumeric(input[pos])) pos++;
          push('IDENTIFIER', start);
        } else if (c === ',') push(',', start);
        else if (c === '"' || c === "'" || c === '`') push('STRING', start, { value: scanString(c) });
        else if (c === '=') {
          if (input[pos] === '~') {
            pos++;
            push('OPERATOR', start, { word: '=~' });
          } else push('=', start);
        } else if (c === '!') {
          const d = input[pos];
          if (d === '~' || d === '=') {
            pos++;
            push('OPERATOR', start, { word: '!' + d });
          } else {
            throw new LexError(`unexpected character after '!' inside braces: ${quoteRuneAt(input, pos)}`, start);
          }
        } else if (c === '{') throw new LexError(`unexpected left brace '{'`, start);
        else if (c === '}') {
          braceOpen = false;
          push('}', start);
        } else throw new LexError(`unexpected character inside braces: ${quoteRuneAt(input, start)}`, start);
        continue;
      }
      if (bracketOpen) {
        lexInBrackets(c, start);
        continue;
      }
      pos++;
      switch (c) {
        case ',':
          push(',', start);
          continue;
        case '*':
        case '/':
        case '%':
        case '+':
        case '-':
        case '^':
        case '@':
          push('OPERATOR', start, { word: c });
          continue;
        case '=':
          if (input[pos] === '=') {
            pos++;
            push('OPERATOR', start, { word: '==' });
          } else if (input[pos] === '~') {
            throw new LexError(`unexpected character after '=': '~'`, start);
          } else push('=', start);
          continue;
        case '!':
          if (input[pos] !== '=') {
            throw new LexError(`unexpected character after '!': ${quoteRuneAt(input, pos)}`, start);
          }
          pos++;
          push('OPERATOR', start, { word: '!=' });
          continue;
        case '<':
        case '>':
          // `<=`, `>=`, and the histogram trim operators `</`, `>/`.
          if (input[pos] === '=' || input[pos] === '/') pos++;
          push('OPERATOR', start, { word: input.slice(start, pos) });
          continue;
        case '"':
        case "'":
        case '`':
          push('STRING', start, { value: scanString(c) });
          continue;
        case '(':
          parenDepth++;
          push('(', start);
          continue;
        case ')':
          // Prometheus replaces the token itself by the error, positioned just after it.
          if (--parenDepth < 0) throw new LexError(`unexpected right parenthesis ')'`, pos);
          push(')', start);
          continue;
        case '{':
          braceOpen = true;
          push('{', start);
          continue;
        case '[':
          bracketOpen = true;
          gotColon = false;
          gotDuration = false;
          afterNumberInBracket = false;
          push('[', start);
          continue;
        case ']':
          throw new LexError(`unexpected right bracket ']'`, start);
      }
      if (isDigit(c) || (c === '.' && isDigit(input[pos] ?? ''))) {
        pos = start;
        lexNumberOrDuration(start);
        continue;
      }
      if (isAlpha(c) || c === ':') {
        while (pos < n && (isAlphaNumeric(input[pos]) || input[pos] === ':')) pos++;
        const word = input.slice(start, pos);
        const cls = classifyWord(word, nextNonSpaceIs('('));
        push(cls.kind, start, cls.word !== undefined ? { word: cls.word } : undefined);
        continue;
      }
      throw new LexError(`unexpected character: ${quoteRuneAt(input, start)}`, start);
    }
  } catch (e) {
    if (!(e instanceof LexError)) throw e;
    tokens.push({ kind: 'ERROR', text: e.message, start: e.start, end: n });
    return tokens;
  }

  function nextNonSpaceIs(ch: string): boolean {
    let p = pos;
    while (p < n && isSpace(input[p])) p++;
    return input[p] === ch;
  }

  function lexInBrackets(c: string, start: number): void {
    pos++;
    switch (c) {
      case ']':
        bracketOpen = false;
        gotColon = false;
        push(']', start);
        return;
      case ':':
        if (!gotDuration) throw new LexError('unexpected colon before duration in duration expression', start);
        if (gotColon) throw new LexError('unexpected repeated colon in duration expression', start);
        gotColon = true;
        push(':', start);
        return;
      case '(':
        parenDepth++;
        push('(', start);
        return;
      case ')':
        if (--parenDepth < 0) throw new LexError(`unexpected right parenthesis ')'`, pos);
        push(')', start);
        return;
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
      case '^':
        push('OPERATOR', start, { word: c });
        return;
      case ',':
        push(',', start);
        return;
      case '[':
        throw new LexError(`unexpected left bracket '['`, start);
    }
    if (isDigit(c) || (c === '.' && isDigit(input[pos] ?? ''))) {
      pos = start;
      gotDuration = true;
      afterNumberInBracket = true;
      lexNumberOrDuration(start);
      return;
    }
    if (isAlpha(c)) {
      while (pos < n && isAlphaNumeric(input[pos])) pos++;
      const word = input.slice(start, pos);
      if (DURATION_WORDS.has(word.toLowerCase())) {
        gotDuration = true;
        const cls = classifyWord(word, false);
        push(cls.kind, start, cls.word !== undefined ? { word: cls.word } : undefined);
        return;
      }
      if (afterNumberInBracket) throw new LexError(`unexpected character: ${quoteRuneAt(input, start)}, expected ':'`, start);
    }
    throw new LexError(`unexpected character in duration expression: ${quoteRuneAt(input, start)}`, start);
  }

  // Mirrors Prometheus's scanNumber so that the same inputs are accepted and error texts match.
  function scanNumber(): boolean {
    const initial = pos;
    let digits = '0123456789';
    const accept = (valid: string): boolean => {
      if (pos < n && valid.includes(input[pos])) {
        pos++;
        return true;
      }
      return false;
    };
    const is = (valid: string): boolean => pos < n && valid.includes(input[pos]);
    if (accept('0') && accept('xX')) {
      accept('_');
      digits = '0123456789abcdefABCDEF';
    }
    accept('.');
    accept(digits);
    let dotConsumed = false;
    let expConsumed = false;
    while (is(digits + '._eE')) {
      if (is('.') && dotConsumed) {
        accept('.');
        return false;
      }
      if (is('eE') && expConsumed) {
        accept('eE');
        return false;
      }
      if (accept('.')) {
        dotConsumed = true;
        if (accept('_.')) return false;
        if (digits.length > 10) return false;
        continue;
      }
      if (accept('eE')) {
        expConsumed = true;
        accept('+-');
        if (accept('._eE') || pos >= n) return false;
        continue;
      }
      if (accept('_')) {
        if (accept('._eE') || pos >= n) return false;
        continue;
      }
      while (is(digits)) pos++;
    }
    if (pos === initial) return false;
    return pos >= n || !isAlphaNumeric(input[pos]);
  }

  function acceptRemainingDuration(): boolean {
    const accept = (valid: string): boolean => {
      if (pos < n && valid.includes(input[pos])) {
        pos++;
        return true;
      }
      return false;
    };
    if (!accept('smhdwy')) return false;
    accept('s');
    while (accept('0123456789')) {
      while (accept('0123456789'));
      if (!accept('smhdw')) return false;
      accept('s');
    }
    if (pos >= n) return true;
    // Prometheus consumes the offending character, which shows up in its error text.
    if (isAlphaNumeric(input[pos])) {
      pos++;
      return false;
    }
    return true;
  }

  function lexNumberOrDuration(start: number): void {
    if (scanNumber()) {
      push('NUMBER', start);
      return;
    }
    if (acceptRemainingDuration()) {
      push('DURATION', start);
      return;
    }
    throw new LexError(`bad number or duration syntax: ${JSON.stringify(input.slice(start, pos))}`, start);
  }

  // Scans a string whose opening quote is at pos-1 and returns its unquoted value.
  function scanString(quote: string): string {
    const start = pos - 1;
    if (quote === '`') {
      const close = input.indexOf('`', pos);
      if (close < 0) throw new LexError('unterminated raw string', start);
      const raw = input.slice(pos, close);
      if (hasLoneSurrogate(raw)) throw new LexError('invalid UTF-8 rune', start);
      pos = close + 1;
      return raw;
    }
    let out = '';
    let bytes: number[] = [];
    const flush = (): void => {
      if (bytes.length) out += decodeUtf8(bytes);
      bytes = [];
    };
    while (true) {
      if (pos >= n) throw new LexError('unterminated quoted string', start);
      const ch = input[pos];
      if (ch === '\n') throw new LexError('unterminated quoted string', start);
      if (ch === quote) {
        pos++;
        flush();
        return out;
      }
      if (ch !== '\\') {
        const cp = input.codePointAt(pos) as number;
        if (cp >= 0xd800 && cp <= 0xdfff) throw new LexError('invalid UTF-8 rune', start);
        flush();
        const s = String.fromCodePoint(cp);
        out += s;
        pos += s.length;
        continue;
      }
      pos++;
      if (pos >= n) throw new LexError('escape sequence not terminated', start);
      const e = input[pos];
      pos++;
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined || e === quote) {
        flush();
        out += simple ?? quote;
        continue;
      }
      let digitsLeft: number;
      let base: number;
      let max: number;
      let isByte = false;
      if (e >= '0' && e <= '7') {
        pos--;
        digitsLeft = 3;
        base = 8;
        max = 255;
        isByte = true;
      } else if (e === 'x') {
        digitsLeft = 2;
        base = 16;
        max = 255;
        isByte = true;
      } else if (e === 'u') {
        digitsLeft = 4;
        base = 16;
        max = 0x10ffff;
      } else if (e === 'U') {
        digitsLeft = 8;
        base = 16;
        max = 0x10ffff;
      } else {
        throw new LexError(`unknown escape sequence ${formatRuneU(input.codePointAt(pos - 1) as number)}`, start);
      }
      let x = 0;
      while (digitsLeft > 0) {
        if (pos >= n) throw new LexError('escape sequence not terminated', start);
        const d = digitVal(input[pos]);
        if (d >= base) {
          throw new LexError(`illegal character ${formatRuneU(input.codePointAt(pos) as number)} in escape sequence`, start);
        }
        x = x * base + d;
        pos++;
        digitsLeft--;
      }
      if (x > max || (x >= 0xd800 && x < 0xe000)) {
        throw new LexError('escape sequence is an invalid Unicode code point', start);
      }
      if (isByte) bytes.push(x);
      else {
        flush();
        out += String.fromCodePoint(x);
      }
    }
  }
}

const SIMPLE_ESCAPES: Record<string, string> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

function digitVal(c: string): number {
  if (c >= '0' && c <= '9') return c.charCodeAt(0) - 48;
  if (c >= 'a' && c <= 'f') return c.charCodeAt(0) - 87;
  if (c >= 'A' && c <= 'F') return c.charCodeAt(0) - 55;
  return 16;
}

function hasLoneSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        continue;
      }
      return true;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return true;
  }
  return false;
}

/**
 * Decodes bytes from `\x`/octal escapes as UTF-8. Bytes that are not valid UTF-8 become lone surrogates
 * U+DC80..U+DCFF ("surrogateescape"), so a Go string such as "\xff" survives and can be detected as invalid UTF-8.
 */
export function decodeUtf8(bytes: number[]): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    }
    let need = 0;
    let cp = 0;
    let min = 0;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      cp = b & 0x1f;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      cp = b & 0x0f;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      cp = b & 0x07;
      min = 0x10000;
    }
    let ok = need > 0 && i + need < bytes.length;
    for (let k = 1; ok && k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (c & 0x3f);
    }
    if (ok && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
    if (ok) {
      out += String.fromCodePoint(cp);
      i += need + 1;
    } else {
      out += String.fromCharCode(0xdc00 + b);
      i++;
    }
  }
  return out;
}

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

/** Quotes a string like Go's strconv.Quote (double quotes, Go escapes; escaped invalid bytes come back as `\xNN`). */
export function quoteString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; ) {
    const cp = s.codePointAt(i) as number;
    const ch = String.fromCodePoint(cp);
    i += ch.length;
    out += escapeRune(cp, ch, '"');
  }
  return out + '"';
}

function escapeRune(cp: number, ch: string, quote: string): string {
  if (ch === quote || ch === '\\') return '\\' + ch;
  if (cp >= 0xdc80 && cp <= 0xdcff) return '\\x' + (cp - 0xdc00).toString(16).padStart(2, '0');
  if (cp >= 0xd800 && cp <= 0xdfff) return '\\ufffd';
  if (cp < 0x80 && cp >= 0x20 && cp !== 0x7f) return ch;
  switch (cp) {
    case 7:
      return '\\a';
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 11:
      return '\\v';
  }
  if (cp < 0x20 || cp === 0x7f) return '\\x' + cp.toString(16).padStart(2, '0');
  if (PRINTABLE.test(ch)) return ch;
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

/** Go's %q of the rune at `pos` (`'x'`), or of EOF. */
function quoteRuneAt(input: string, pos: number): string {
  if (pos >= input.length) return `'\\x00'`;
  const cp = input.codePointAt(pos) as number;
  return "'" + escapeRune(cp, String.fromCodePoint(cp), "'") + "'";
}

/** Go's %#U: `U+0071 'q'` (without the quoted rune if not printable). */
function formatRuneU(cp: number): string {
  const hex = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  const ch = String.fromCodePoint(cp);
  return PRINTABLE.test(ch) ? `${hex} '${ch}'` : hex;
}

/** Describes a token the way Prometheus's parser does in "unexpected ..." messages. */
export function describeToken(t: Token): string {
  switch (t.kind) {
    case 'EOF':
      return 'end of input';
    case 'ERROR':
      return t.text;
    case 'IDENTIFIER':
      return `identifier ${JSON.stringify(t.text)}`;
    case 'METRIC_IDENTIFIER':
      return `metric identifier ${JSON.stringify(t.text)}`;
    case 'KEYWORD':
      return `<${t.text}>`;
    case 'OPERATOR':
      return `<op:${t.text}>`;
    case 'AGGREGATOR':
      return `<aggr:${t.text}>`;
    case 'NUMBER':
      return `number ${shortQuote(t.text)}`;
    case 'DURATION':
      return `duration ${shortQuote(t.text)}`;
    case 'STRING':
      return `string ${shortQuote(t.text)}`;
    default:
      return JSON.stringify(t.text);
  }
}

// Go's `%.10q...` for long token texts.
function shortQuote(s: string): string {
  const chars = Array.from(s);
  return chars.length > 10 ? quoteString(chars.slice(0, 10).join('')) + '...' : quoteString(s);
}
