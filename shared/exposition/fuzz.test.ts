// Property test: random and mutated expositions never hang and only ever throw ExpositionParseError.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createdTimestamps, ExpositionParseError, parseOpenMetrics, parsePromText, type ParseResult } from './index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const conformance = path.resolve(repoRoot, '../shared/conformance');

/** Valid inputs to mutate: the conformance cases that should parse, and heads of the textparse files. */
function seeds(): string[] {
  const out: string[] = [];
  const casesDir = path.join(conformance, 'openmetrics/parsers');
  for (const name of fs.readdirSync(casesDir).sort()) {
    const test = path.join(casesDir, name, 'test.json');
    if (!fs.existsSync(test)) continue;
    if ((JSON.parse(fs.readFileSync(test, 'utf8')) as { shouldParse: boolean }).shouldParse) {
      out.push(fs.readFileSync(path.join(casesDir, name, 'metrics'), 'latin1'));
    }
  }
  for (const name of ['alltypes.5mfs.om.txt', 'alltypes.237mfs.prom.txt', '1histogram.om.txt']) {
    out.push(fs.readFileSync(path.join(conformance, 'textparse', name), 'utf8').split('\n').slice(0, 40).join('\n') + '\n');
  }
  out.push('# TYPE "a.b" gauge\n{"a.b","c.d"="x",e="\\"\\\\\\n"} 1 2\n# EOF\n');
  return out;
}

const SPECIAL = [
  ...['"', '{', '}', ',', '=', ' ', '\n', '#', '\\', '\t', '0', '1', 'e', '+', '-', '.', 'a', '_', ':', '\u0000', 'é', '☃', '\ud83d', '\r'],
  ...['# EOF\n', 'Inf', 'NaN', '__name__', '="', '"}', 'le', 'quantile', '_total', '_bucket', '_created', ' # {', '# TYPE a counter\n'],
  ...['# TYPE a histogram\n', '# UNIT a_s s\n', '# HELP a x\n'],
];
const special = fc.constantFrom(...SPECIAL);

type Mutation = { kind: 'replace' | 'insert' | 'delete' | 'dupLine' | 'swapLines'; at: number; len: number; text: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('replace', 'insert', 'delete', 'dupLine', 'swapLines'),
  at: fc.nat(),
  len: fc.integer({ min: 1, max: 8 }),
  text: fc.string({ unit: special, maxLength: 3 }),
});

function mutate(input: string, m: Mutation): string {
  const at = input.length === 0 ? 0 : m.at % input.length;
  switch (m.kind) {
    case 'replace':
      return input.slice(0, at) + m.text + input.slice(at + 1);
    case 'insert':
      return input.slice(0, at) + m.text + input.slice(at);
    case 'delete':
      return input.slice(0, at) + input.slice(at + m.len);
    case 'dupLine':
    case 'swapLines': {
      const lines = input.split('\n');
      const i = m.at % lines.length;
      const j = (m.at + m.len) % lines.length;
      if (m.kind === 'dupLine') lines.splice(i, 0, lines[i]);
      else [lines[i], lines[j]] = [lines[j], lines[i]];
      return lines.join('\n');
    }
  }
}

/** Parses text every way; returns only if every outcome is a result or an ExpositionParseError. */
function exercise(text: string): void {
  const runs: (() => ParseResult)[] = [
    () => parsePromText(text),
    () => parseOpenMetrics(text),
    () => parseOpenMetrics(text, { strict: true }),
  ];
  for (const run of runs) {
    let r: ParseResult;
    try {
      r = run();
    } catch (e) {
      if (!(e instanceof ExpositionParseError)) throw e;
      expect(e.line).toBeGreaterThanOrEqual(1);
      expect(e.message.startsWith(`line ${e.line}: `)).toBe(true);
      continue;
    }
    // Building labels and plain samples of accepted input must not fail either.
    for (let i = 0; i < r.length; i++) r.sample(i);
    createdTimestamps(r);
  }
}

describe('parser fuzzing', () => {
  const inputs = seeds();

  it('mutated valid expositions', () => {
    fc.assert(
      fc.property(fc.nat({ max: inputs.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, muts) => {
        exercise(muts.reduce(mutate, inputs[seed]));
      }),
      { numRuns: 2000 },
    );
  });

  it('random text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.oneof(special, fc.string({ maxLength: 1 })), maxLength: 200 }), (text) => {
        exercise(text);
        exercise(text + '\n# EOF\n');
      }),
      { numRuns: 1000 },
    );
  });

  it('huge or hostile lines stay linear', () => {
    const started = performance.now();
    exercise('a{' + 'b="\\\\",'.repeat(20000) + '} 1\n# EOF\n');
    exercise('a{x="' + '\\"'.repeat(100000) + '"} 1\n');
    exercise('1'.repeat(200000) + ' 1\n');
    exercise('a ' + '9'.repeat(100000) + 'e-99999999999999 1\n# EOF\n');
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
