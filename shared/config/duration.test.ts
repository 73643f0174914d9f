// Tests for Prometheus size parsing (durations are pinned in shared/model/duration.test.ts).
import { describe, expect, it } from 'vitest';
import { parseSize } from './duration.ts';

describe('parseSize', () => {
  it.each([
    ['0', 0],
    ['512B', 512],
    ['1KB', 1024],
    ['10MB', 10 * 2 ** 20],
    ['1GB512MB', 2 ** 30 + 512 * 2 ** 20],
    ['1.5KiB', 1536],
    ['2EB', 2 * 2 ** 60],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it.each(['', '10', '10mb', 'MB', '1 MB', '-1MB'])('rejects %j', (text) => {
    expect(parseSize(text)).toBeNull();
  });
});
