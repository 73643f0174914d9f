// Loads OpenMetrics parser conformance cases: <case>/metrics, <case>/test.json, optional expected.json.

import fs from 'node:fs';
import path from 'node:path';

/** One family as prometheus/client_python reports it in expected.json. */
export interface ExpectedFamily {
  name: string;
  type: string;
  help: string;
  unit: string;
  samples: ExpectedSample[];
}

/** A JSON number, or "NaN" / "+Inf" / "-Inf". */
export type ExpectedNumber = number | string;

export interface ExpectedSample {
  name: string;
  labels: Record<string, string>;
  value: ExpectedNumber;
  timestamp: number | null;
  exemplar: { labels: Record<string, string>; value: ExpectedNumber; timestamp: number | null } | null;
}

export interface ConformanceCase {
  name: string;
  shouldParse: boolean;
  /** The input bytes: read as binary, since some cases hold NUL bytes or lack the final newline. */
  input: Uint8Array;
  expected: ExpectedFamily[] | undefined;
}

/** Reads every case folder under dir (sorted by name); folders without test.json are skipped. */
export function loadCases(dir: string): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const name of fs.readdirSync(dir).sort()) {
    const caseDir = path.join(dir, name);
    const testFile = path.join(caseDir, 'test.json');
    if (!fs.existsSync(testFile)) continue;
    const test = JSON.parse(fs.readFileSync(testFile, 'utf8')) as { file?: string; shouldParse: boolean };
    const input = new Uint8Array(fs.readFileSync(path.join(caseDir, test.file ?? 'metrics')));
    const expectedFile = path.join(caseDir, 'expected.json');
    const expected = fs.existsSync(expectedFile)
      ? (JSON.parse(fs.readFileSync(expectedFile, 'utf8')) as { families: ExpectedFamily[] }).families
      : undefined;
    cases.push({ name, shouldParse: test.shouldParse, input, expected });
  }
  return cases;
}
