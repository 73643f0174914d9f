// Unit tests for safe link targets.
import { describe, expect, it } from 'vitest';
import { safeHref } from './safeUrl.ts';

describe('safeHref', () => {
  it('keeps http(s) URLs and refuses script and data URLs or relative text', () => {
    expect(safeHref('http://127.0.0.1:9100/metrics')).toBe('http://127.0.0.1:9100/metrics');
    expect(safeHref('https://example.com/a?b=c')).toBe('https://example.com/a?b=c');
    expect(safeHref('javascript:alert(1)')).toBeNull();
    expect(safeHref(' JAVASCRIPT:alert(1)')).toBeNull();
    expect(safeHref('data:text/html,<script>x</script>')).toBeNull();
    expect(safeHref('/relative')).toBeNull();
  });
});
