import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createExpositionStream, ExpositionParseError, parseOpenMetrics, parsePromText, type ExpositionFormat } from './index.ts';

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
  const r = format === 'openmetrics' ? parseOpenMetrics(text) : parsePromText(text);
  const out: string[] = r.families.map((f) => `family ${f.name}`);
  for (let i = 0; i < r.length; i++) {
    const s = r.sample(i);
    out.push(`${s.line} ${r.seriesText(i)} ${JSON.stringify(s.labels)} ${s.value} ${s.timestampMs} ${JSON.stringify(s.exemplar)} ${s.family.name}`);
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
