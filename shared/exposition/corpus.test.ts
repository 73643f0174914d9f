// The textparse sample files from Prometheus (../shared/conformance/textparse) must parse.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ExpositionParseError, parseOpenMetrics, parsePromText, type ParseResult } from './index.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = path.resolve(repoRoot, '../shared/conformance/textparse');
const read = (name: string) => fs.readFileSync(path.join(dir, name), 'utf8');

/** Lines that are samples: neither blank nor comments. */
function sampleLines(text: string): string[] {
  return text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('#'));
}

function rows(r: ParseResult): string[] {
  const out: string[] = [];
  for (let i = 0; i < r.length; i++) out.push(`${r.name(i)} ${JSON.stringify(r.labels(i))} ${r.values[i]}`);
  return out;
}

describe('textparse corpus', () => {
  it('alltypes.237mfs.prom.txt parses as Prometheus text', () => {
    const text = read('alltypes.237mfs.prom.txt');
    const r = parsePromText(text);
    expect(r.length).toBe(sampleLines(text).length);
    expect(r.families.length).toBe(237);
    const types = new Set(r.families.map((f) => f.type));
    expect([...types].sort()).toEqual(['counter', 'gauge', 'histogram', 'summary']);
    // Every sample landed in a family that has its metadata, none fell back to an untyped family.
    for (let i = 0; i < r.length; i++) expect(r.family(i).help).not.toBe('');
  });

  it('the nometa variant has the same samples', () => {
    const opts = { normalizeBucketLabels: false };
    const withMeta = parsePromText(read('alltypes.237mfs.prom.txt'), opts);
    const without = parsePromText(read('alltypes.237mfs.nometa.prom.txt'), opts);
    expect(rows(without)).toEqual(rows(withMeta));
    expect(without.families.every((f) => f.type === 'unknown')).toBe(true);
  });

  it('alltypes.5mfs.om.txt parses as OpenMetrics (as Prometheus accepts it)', () => {
    const text = read('alltypes.5mfs.om.txt');
    const r = parseOpenMetrics(text);
    expect(r.length).toBe(sampleLines(text).length);
    expect(r.families.map((f) => `${f.name}:${f.type}`)).toEqual([
      'go_build_info:gauge',
      'promhttp_metric_handler_errors:counter',
      'rpc_durations_histogram_seconds:histogram',
      'rpc_durations_seconds:summary',
      'rpc_requests:counter',
    ]);
    expect(r.exemplars.size).toBeGreaterThan(0);
    // Its histogram has negative buckets and a _sum, which OpenMetrics 1.0 forbids: strict mode says where.
    try {
      parseOpenMetrics(text, { strict: true });
      throw new Error('strict mode accepted a _sum with negative buckets');
    } catch (e) {
      expect(e).toBeInstanceOf(ExpositionParseError);
      expect((e as ExpositionParseError).message).toMatch(/^line \d+: rpc_durations_histogram_seconds_sum must not be negative/);
    }
  });

  it('1histogram.om.txt parses as OpenMetrics, strictly too', () => {
    const text = read('1histogram.om.txt');
    for (const strict of [false, true]) {
      const r = parseOpenMetrics(text, { strict });
      expect(r.length).toBe(sampleLines(text).length);
      expect(r.families.length).toBe(1);
      expect(r.families[0].type).toBe('histogram');
    }
  });
});
