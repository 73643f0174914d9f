// Tests for the PromQL lexer: token classes, numbers, Go string escapes, bracket mode and error texts.
import { describe, expect, it } from 'vitest';
import { decodeUtf8, describeToken, lex, quoteString, type Token } from './lexer.ts';

const kinds = (q: string): string[] => lex(q).map((t) => (t.word ? `${t.kind}:${t.word}` : t.kind));
const lastError = (q: string): Token => {
  const toks = lex(q);
  const t = toks[toks.length - 1];
  expect(t.kind).toBe('ERROR');
  return t;
};

describe('lex', () => {
  it('classifies words like Prometheus (keywords case-insensitive, inf/nan numbers)', () => {
    expect(kinds('SUM by (job) foo:bar OFFSET Inf nan step ATAN2')).toEqual([
      'AGGREGATOR:sum',
      'KEYWORD:by',
      '(',
      'IDENTIFIER',
      ')',
      'METRIC_IDENTIFIER',
      'KEYWORD:offset',
      'NUMBER',
      'NUMBER',
      'PREPROCESSOR:step',
      'OPERATOR:atan2',
      'EOF',
    ]);
  });

  it('treats fill keywords as identifiers unless a parenthesis follows', () => {
    expect(kinds('fill + fill (0) fill_left')).toEqual(['IDENTIFIER', 'OPERATOR:+', 'KEYWORD:fill', '(', 'NUMBER', ')', 'IDENTIFIER', 'EOF']);
  });

  it('lexes every operator', () => {
    expect(kinds('+ - * / % ^ == != < <= > >= </ >/ @').filter((k) => k !== 'EOF')).toEqual(
      ['+', '-', '*', '/', '%', '^', '==', '!=', '<', '<=', '>', '>=', '</', '>/', '@'].map((o) => 'OPERATOR:' + o),
    );
  });

  it('lexes inside braces without keywords', () => {
    expect(kinds('{by="a", on!~"b", x=~`c`, y!="d"}')).toEqual([
      '{',
      'IDENTIFIER',
      '=',
      'STRING',
      ',',
      'IDENTIFIER',
      'OPERATOR:!~',
      'STRING',
      ',',
      'IDENTIFIER',
      'OPERATOR:=~',
      'STRING',
      ',',
      'IDENTIFIER',
      'OPERATOR:!=',
      'STRING',
      '}',
      'EOF',
    ]);
  });

  it('skips comments and records offsets', () => {
    const toks = lex('foo # comment\n + 1');
    expect(toks.map((t) => [t.kind, t.start, t.end])).toEqual([
      ['IDENTIFIER', 0, 3],
      ['OPERATOR', 15, 16],
      ['NUMBER', 17, 18],
      ['EOF', 18, 18],
    ]);
  });

  it('accepts Prometheus number syntaxes', () => {
    for (const n of ['1', '.5', '5.', '1e3', '1E-3', '12.34e+6', '0x1F', '0X_1f', '1_000', '0755', '1_000.5']) {
      expect(lex(n).map((t) => t.kind), n).toEqual(['NUMBER', 'EOF']);
    }
    for (const d of ['5m', '1h30m', '250ms', '1y', '2w', '1d', '30s']) {
      expect(lex(d).map((t) => t.kind), d).toEqual(['DURATION', 'EOF']);
    }
  });

  it('reports bad numbers with the text Prometheus shows', () => {
    expect(lastError('2.5.').text).toBe('bad number or duration syntax: "2.5."');
    expect(lastError('100..4').text).toBe('bad number or duration syntax: "100.."');
    expect(lastError('0deadbeef').text).toBe('bad number or duration syntax: "0de"');
    expect(lastError('1_').text).toBe('bad number or duration syntax: "1_"');
    expect(lastError('1e').text).toBe('bad number or duration syntax: "1e"');
  });

  it('unquotes strings with Go escapes', () => {
    const value = (q: string): string | undefined => lex(q)[0].value;
    expect(value(`"a\\"b\\\\c\\n\\t"`)).toBe('a"b\\c\n\t');
    expect(value(`'it\\'s "x"'`)).toBe(`it's "x"`);
    expect(value('`raw \\n "x"`')).toBe('raw \\n "x"');
    expect(value(`"\\u00e9\\U0001F600\\x41\\101"`)).toBe('é😀AA');
    expect(value(`"\\xc3\\xa9"`)).toBe('é');
    expect(value(`"\\a\\b\\f\\v\\r"`)).toBe('\x07\b\f\v\r');
  });

  it('keeps invalid UTF-8 bytes as lone surrogates that print back as \\x escapes', () => {
    const v = lex(`"\\xff"`)[0].value as string;
    expect(v).toBe('\udcff');
    expect(quoteString(v)).toBe('"\\xff"');
    expect(decodeUtf8([0xe2, 0x82, 0xac])).toBe('€');
    expect(decodeUtf8([0xc0, 0x80])).toBe('\udcc0\udc80');
  });

  it('reports string errors', () => {
    expect(lastError(`"abc`).text).toBe('unterminated quoted string');
    expect(lastError('"a\nb"').text).toBe('unterminated quoted string');
    expect(lastError('`abc').text).toBe('unterminated raw string');
    expect(lastError(`"\\c"`).text).toBe("unknown escape sequence U+0063 'c'");
    expect(lastError(`"\\x."`).text).toBe("illegal character U+002E '.' in escape sequence");
    expect(lastError(`"\\`).text).toBe('escape sequence not terminated');
    expect(lastError(`"\\ud800"`).text).toBe('escape sequence is an invalid Unicode code point');
    expect(lastError(`"\\'"`).text).toBe("unknown escape sequence U+0027 '''");
    const t = lastError(`sum by ("foo)(x)`);
    expect([t.start, t.end]).toEqual([8, 16]);
  });

  it('reports unexpected characters and unbalanced brackets', () => {
    expect(lastError('.').text).toBe("unexpected character: '.'");
    expect(lastError('a $ b').text).toBe("unexpected character: '$'");
    expect(lastError('1 =~ 1').text).toBe("unexpected character after '=': '~'");
    expect(lastError('1 !~ 1').text).toBe("unexpected character after '!': '~'");
    expect(lastError('(1))').text).toBe("unexpected right parenthesis ')'");
    expect(lastError('(1))').start).toBe(4);
    expect(lastError('((1)').text).toBe('unclosed left parenthesis');
    expect(lastError('foo{').text).toBe('unexpected end of input inside braces');
    expect(lastError('foo{1}').text).toBe("unexpected character inside braces: '1'");
    expect(lastError('foo{a!b}').text).toBe("unexpected character after '!' inside braces: 'b'");
    expect(lastError('foo{{').text).toBe("unexpected left brace '{'");
    expect(lastError('a]').text).toBe("unexpected right bracket ']'");
  });

  it('lexes duration expressions inside brackets', () => {
    expect(kinds('[5m+STEP()*2:min_of(1s, range())]')).toEqual([
      '[',
      'DURATION',
      'OPERATOR:+',
      'PREPROCESSOR:step',
      '(',
      ')',
      'OPERATOR:*',
      'NUMBER',
      ':',
      'IDENTIFIER',
      '(',
      'DURATION',
      ',',
      'PREPROCESSOR:range',
      '(',
      ')',
      ')',
      ']',
      'EOF',
    ]);
    expect(lastError('foo[').text).toBe('unexpected end of input in duration expression');
    expect(lastError('foo[5m').text).toBe('unclosed left bracket');
    expect(lastError('foo["5m"]').text).toBe(`unexpected character in duration expression: '"'`);
    expect(lastError('foo[5s x 5s]').text).toBe("unexpected character: 'x', expected ':'");
    expect(lastError('foo[:5m]').text).toBe('unexpected colon before duration in duration expression');
    expect(lastError('foo[5m::]').text).toBe('unexpected repeated colon in duration expression');
    expect(lastError('foo[5m[').text).toBe("unexpected left bracket '['");
  });
});

describe('describeToken', () => {
  it('renders tokens like Prometheus error messages', () => {
    const d = (q: string): string => describeToken(lex(q)[0]);
    expect(d('foo')).toBe('identifier "foo"');
    expect(d('a:b')).toBe('metric identifier "a:b"');
    expect(d('by')).toBe('<by>');
    expect(d('+')).toBe('<op:+>');
    expect(d('and')).toBe('<op:and>');
    expect(d('sum')).toBe('<aggr:sum>');
    expect(d('1')).toBe('number "1"');
    expect(d('5m')).toBe('duration "5m"');
    expect(d('"abc"')).toBe('string "\\"abc\\""');
    expect(d('"abcdefghijkl"')).toBe('string "\\"abcdefghi"...');
    expect(d('(')).toBe('"("');
    expect(d('start')).toBe('"start"');
    expect(d('')).toBe('end of input');
  });
});

describe('quoteString', () => {
  it('quotes like Go strconv.Quote', () => {
    expect(quoteString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(quoteString('\x07\b\f\n\r\t\v\x00\x7f')).toBe('"\\a\\b\\f\\n\\r\\t\\v\\x00\\x7f"');
    expect(quoteString('héllo ☺ 😀')).toBe('"héllo ☺ 😀"');
    expect(quoteString('\u00a0\u200b')).toBe('"\\u00a0\\u200b"');
  });
});
