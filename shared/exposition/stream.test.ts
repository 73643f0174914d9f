import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createExpositionStream,
  ExpositionParseError,
  parseExposition,
  parseOpenMetrics,
  parsePromText,
  type ExpositionFormat,
  type ParseResult,
} from './index.ts';

const OM = [
  '# TYPE a counter',
  '# HELP a Requests.',
  'a_total{path="/x",code="200"} 10 1700000000 # {trace="t1"} 1',
  'a_total{path="/x",code="200"} 11 1700000015',
  'a_created{path="/x",code="200"} 1699999999',
  '# TYPE h histogram',
  'h_bucket{le="0.5"} 1 1700000000',
  'h_bucket{le="+Inf"} 2 1700000000',
  'h_sum 0.7 1700000000',
  'h_count 2 1700000000',
  '{"utf8.name",q="é"} 3',
  '# EOF',
  '',
].join('\n');

/** Streams text in the given pieces and records what the sink saw. */
function streamed(format: ExpositionFormat, pieces: string[]): string[] {
  const seen: string[] = [];
  const stream = createExpositionStream(format, {
    sample: (c) => seen.push(`${c.line} ${c.seriesText()} ${JSON.stringify(c.labels())} ${c.value} ${c.timestampMs} ${JSON.stringify(c.exemplar)} ${c.family.name}`),
    family: (f) => seen.push(`family ${f.name}`),
  });
  for (const p of pieces) stream.push(p);
  stream.end();
  return seen;
}

function whole(format: ExpositionFormat, text: string): string[] {
  return described(format === 'openmetrics' ? parseOpenMetrics(text) : parsePromText(text));
}

function described(r: ParseResult): string[] {
  const out: string[] = r.families.map((f) => `family ${f.name}`);
  for (let i = 0; i < r.length; i++) {
    const s = r.sample(i);
    out.push(`${s.line} ${r.seriesText(i)} ${JSON.stringify(s.labels)} ${s.value} ${s.timestampMs} ${JSON.stringify(s.exemplar)} ${s.family.name}`);
    if (!r.seriesTextIs(i, r.seriesText(i)) || r.seriesTextIs(i, r.seriesText(i) + ' ')) throw new Error(`seriesTextIs(${i}) disagrees`);
  }
  return out;
}

function split(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
  const pieces: string[] = [];
  let from = 0;
  for (const p of points) {
    pieces.push(text.slice(from, p));
    from = p;
  }
  pieces.push(text.slice(from));
  return pieces;
}

describe('createExpositionStream', () => {
  it('gives the same samples however the input is cut into chunks', () => {
    const want = whole('openmetrics', OM);
    const sorted = (xs: string[]) => [...xs].sort();
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (cuts) => {
        // Families are announced in the same order; compare as multisets to ignore interleaving.
        expect(sorted(streamed('openmetrics', split(OM, cuts)))).toEqual(sorted(want));
      }),
      { numRuns: 300 },
    );
  });

  it('numbers lines across chunks and reports a missing # EOF at the end', () => {
    const stream = createExpositionStream('openmetrics', { sample: () => {} });
    stream.push('a 1\nb');
    stream.push(' 2\nc 3\n');
    try {
      stream.push('d x\n');
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(ExpositionParseError);
      expect((e as ExpositionParseError).line).toBe(4);
    }
    const s2 = createExpositionStream('openmetrics', { sample: () => {} });
    s2.push('a 1\n');
    expect(() => s2.end()).toThrow(/^line 2: missing "# EOF"/);
  });

  it('streams Prometheus text with a final unterminated line', () => {
    expect(streamed('prometheus', ['# TYPE x gauge\nx{a="1"', '} 1\nx{a="2"} 2'])).toEqual(whole('prometheus', '# TYPE x gauge\nx{a="1"} 1\nx{a="2"} 2'));
  });
});

const PROM = ['# HELP x Some x.', '# TYPE x histogram', 'x_bucket{le="1"} 1', 'x_bucket{le="+Inf"} 2', 'x_sum 3', 'x_count 2', 'y{a="é😀"} 1 1700000000', 'z 5'].join('\n');

/** The body cut into pieces at newlines only (as the Node scrape GET cuts it), or anywhere (`anywhere`). */
function pieces(text: string, cuts: number[], anywhere: boolean): string[] {
  if (anywhere) return split(text, cuts);
  const lineEnds = [...text.matchAll(/\n/g)].map((m) => (m.index ?? 0) + 1);
  return split(text, lineEnds.length === 0 ? [] : cuts.map((c) => lineEnds[c % lineEnds.length]));
}

describe('parseExposition over pieces of a body', () => {
  it('gives the same result as over the joined body, cut at newlines or anywhere', () => {
    for (const [format, text, type] of [
      ['openmetrics', OM, 'application/openmetrics-text'],
      ['prometheus', PROM, 'text/plain'],
      ['prometheus', PROM + '\n', 'text/plain'],
    ] as const) {
      const want = whole(format, text);
      fc.assert(
        fc.property(fc.array(fc.nat(), { maxLength: 12 }), fc.boolean(), (cuts, anywhere) => {
          expect(described(parseExposition(pieces(text, cuts, anywhere), type))).toEqual(want);
        }),
        { numRuns: 200 },
      );
    }
  });

  it('reports an error at the same line and column as for the joined body', () => {
    const bad = PROM + '\nw{a="1" 2\n';
    const at = (body: string | string[]): [number, number] => {
      try {
        parseExposition(body, 'text/plain');
      } catch (e) {
        return [(e as ExpositionParseError).line, (e as ExpositionParseError).column];
      }
      throw new Error('accepted');
    };
    const want = at(bad);
    expect(want).toEqual([9, 9]);
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), (cuts, anywhere) => {
        expect(at(pieces(bad, cuts, anywhere))).toEqual(want);
      }),
      { numRuns: 200 },
    );
    expect(() => parseExposition(['a 1\n', 'b 2\n'], 'application/openmetrics-text')).toThrow(/^line 3: missing "# EOF"/);
  });
});
