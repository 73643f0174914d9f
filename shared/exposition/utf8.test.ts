import { describe, expect, it } from 'vitest';
import { ExpositionParseError, validateUtf8 } from './index.ts';

const bytes = (...xs: (string | number)[]) =>
  new Uint8Array(xs.flatMap((x) => (typeof x === 'string' ? Array.from(new TextEncoder().encode(x)) : [x])));

describe('validateUtf8', () => {
  it('accepts well-formed UTF-8', () => {
    expect(() => validateUtf8(bytes('a{x="☃ 𝄞 é"} 1\n# EOF\n'))).not.toThrow();
  });

  it('names the line and column of the first bad byte', () => {
    const cases: [Uint8Array, number, number][] = [
      [bytes('a 1\nb{x="', 0xff, '"} 1\n'), 2, 6],
      [bytes('é', 0xc3), 1, 2], // truncated sequence
      [bytes(0xed, 0xa0, 0x80), 1, 1], // UTF-16 surrogate encoded
      [bytes(0xc0, 0xaf), 1, 1], // overlong
      [bytes('𝄞', 0xf8), 1, 3],
    ];
    for (const [input, line, column] of cases) {
      try {
        validateUtf8(input);
        throw new Error('accepted');
      } catch (e) {
        expect(e).toBeInstanceOf(ExpositionParseError);
        expect([(e as ExpositionParseError).line, (e as ExpositionParseError).column]).toEqual([line, column]);
      }
    }
  });
});
