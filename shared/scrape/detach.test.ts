// Tests for detach: the copy has the same text as the substring it was made from, at every length.
import { describe, expect, it } from 'vitest';
import { detach } from './detach.ts';

describe('detach', () => {
  it('returns equal text of every length', () => {
    const body = 'prefix_' + 'x'.repeat(40) + '{a="é😀"} 1\n';
    for (let n = 0; n <= body.length; n += 7) expect(detach(body.slice(3, 3 + n))).toBe(body.slice(3, 3 + n));
    expect(detach('')).toBe('');
  });
});
