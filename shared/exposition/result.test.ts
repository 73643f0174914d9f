// Tests for ParseResult's column reuse: a released result's columns serve a later parse, an unreleased one keeps its own.
import { describe, expect, it } from 'vitest';
import { parsePromText } from './index.ts';

function page(n: number, offset: number): string {
  let s = '# TYPE m gauge\n';
  for (let i = 0; i < n; i++) s += `m{i="${i}"} ${i + offset} ${1000 + i}\n`;
  return s;
}

describe('ParseResult.release', () => {
  it('empties the result; the next parse reuses its columns and reads correctly', () => {
    const a = parsePromText(page(2000, 0));
    const values = a.values;
    expect(a.length).toBe(2000);
    a.release();
    expect(a.length).toBe(0);
    expect(a.values.length).toBe(0);
    a.release(); // twice is harmless
    const b = parsePromText(page(1500, 7));
    // The same storage (a view of it) now holds b's values.
    expect(b.values.buffer).toBe(values.buffer);
    expect(b.length).toBe(1500);
    expect(b.sample(1499)).toMatchObject({ name: 'm', labels: ['i', '1499'], value: 1506, timestampMs: 2499, line: 1501 });
    expect(b.seriesText(3)).toBe('m{i="3"}');
  });

  it('never shares the columns of a result that was not released', () => {
    const a = parsePromText(page(1000, 0));
    const b = parsePromText(page(1000, 5));
    expect(b.values.buffer).not.toBe(a.values.buffer);
    expect([a.values[10], b.values[10]]).toEqual([10, 15]);
  });

  it('a failed parse hands its columns on, and the error still names line and column', () => {
    const good = parsePromText(page(3000, 0));
    good.release();
    expect(() => parsePromText(page(3000, 0) + 'm{i="x" 1\n')).toThrow(expect.objectContaining({ line: 3002, column: 9 }));
    const next = parsePromText(page(3000, 1));
    expect(next.values[2999]).toBe(3000);
  });
});

describe('ParseResult.seriesTextIs', () => {
  it('compares the series as written without cutting it out', () => {
    const r = parsePromText('a{x="1"} 1\na{x="12"} 2\nb 3\n');
    expect([r.seriesTextIs(0, 'a{x="1"}'), r.seriesTextIs(0, 'a{x="12"}'), r.seriesTextIs(1, 'a{x="1"}'), r.seriesTextIs(1, 'a{x="12"}')]).toEqual([
      true,
      false,
      false,
      true,
    ]);
    expect([r.seriesTextIs(2, 'b'), r.seriesTextIs(2, 'b '), r.seriesTextIs(2, '')]).toEqual([true, false, false]);
  });
});
