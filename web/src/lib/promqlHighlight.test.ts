// Unit tests for static PromQL highlighting.
import { describe, expect, it } from 'vitest';
import { highlightPromQL } from './promqlHighlight.ts';

describe('highlightPromQL', () => {
  it('classes functions, label names, strings, numbers and keywords, covering every character', () => {
    const q = 'sum by (job) (rate(up{job="a"}[5m])) > 0.5';
    const segs = highlightPromQL(q);
    expect(segs.map((s) => s.text).join('')).toBe(q);
    const cls = (text: string): string | undefined => segs.find((s) => s.text === text)?.cls;
    expect(cls('rate')).toBe('pq-function');
    expect(cls('"a"')).toBe('pq-string');
    expect(cls('0.5')).toBe('pq-number');
    expect(cls('by')).toBe('pq-keyword');
    expect(segs.some((s) => s.cls === 'pq-label' && s.text === 'job')).toBe(true);
  });
  it('keeps broken queries as text', () => {
    const q = 'rate(up{job=';
    expect(highlightPromQL(q).map((s) => s.text).join('')).toBe(q);
  });
});
