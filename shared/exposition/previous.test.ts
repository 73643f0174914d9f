// Parsing with the previous scrape's ParseResult as a hint: same samples and same errors as without it.
import { describe, expect, it } from 'vitest';
import { ExpositionParseError, parseOpenMetrics, parsePromText, type ParseResult } from './index.ts';

function errorText(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ExpositionParseError) return e.message;
    throw e;
  }
  return 'no error';
}

const same = (a: ParseResult, b: ParseResult): void => {
  expect(b.samples()).toEqual(a.samples());
  for (let i = 0; i < a.length; i++) expect(b.seriesText(i)).toBe(a.seriesText(i));
};

const PAGE = [
  '# TYPE h histogram',
  'h_bucket{pod="a",le="0.5"} 1',
  'h_bucket{pod="a",le="+Inf"} 2',
  'h_sum{pod="a"} 3',
  'h_count{pod="a"} 2',
  'up 1',
  '{"quoted.name",x="1"} 4',
  'g{a="1", b="x\\"y",} 5 1000',
].join('\n');

describe('parsing with the previous result', () => {
  it('gives the same samples for an unchanged page and for changed values', () => {
    const first = parsePromText(PAGE);
    same(first, parsePromText(PAGE, { previous: first }));
    const changed = PAGE.replace(' 5 1000', ' 6 2000').replace('} 1\n', '} 7\n');
    same(parsePromText(changed), parsePromText(changed, { previous: first }));
  });

  it('gives the same samples when series move, appear or change names', () => {
    const first = parsePromText(PAGE);
    const moved = ['other{pod="a",le="0.5"} 1', 'new{z="9"} 1', PAGE, 'h_bucket{pod="b",le="1"} 3'].join('\n');
    same(parsePromText(moved), parsePromText(moved, { previous: first }));
  });

  it('still rejects a label set that changed into an invalid one, with the same message and position', () => {
    const first = parsePromText(PAGE);
    const bad = [
      PAGE.replace('h_bucket{pod="a",le="0.5"}', 'h_bucket{pod="a",pod="0.5"}'),
      PAGE.replace('h_sum{pod="a"}', 'h_sum{pod="a}'),
      PAGE.replace('g{a="1", b="x\\"y",}', 'g{a="1", __name__="x",}'),
      PAGE.replace('h_count{pod="a"}', 'h_count{pod="a"x}'),
      PAGE.replace('h_count{pod="a"}', 'h_count{pod="a"'),
      PAGE.replace('h_bucket{pod="a",le="+Inf"}', 'h_bucket{pod="a",le="+Inf"}}'),
    ];
    for (const body of bad) {
      const expected = errorText(() => parsePromText(body));
      expect(expected).not.toBe('no error');
      expect(errorText(() => parsePromText(body, { previous: first }))).toBe(expected);
    }
  });

  it('ignores a previous result of another format', () => {
    const om = parseOpenMetrics('a{x="1"} 1\n# EOF\n');
    const body = 'a{x="1",x="2"} 1\n';
    expect(errorText(() => parsePromText(body, { previous: om }))).toBe(errorText(() => parsePromText(body)));
    same(parsePromText('a{x="1"} 2\n'), parsePromText('a{x="1"} 2\n', { previous: om }));
  });
});
