// `npm run omtest -- [dirs] [--verbose]`: runs OpenMetrics parser conformance cases and enforces threshold.json.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCases } from './cases.ts';
import { runCase } from './run.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const defaultDir = path.resolve(repoRoot, '../shared/conformance/openmetrics/parsers');

interface Thresholds {
  valid: number;
  invalid: number;
}

function main(argv: string[]): number {
  const verbose = argv.includes('--verbose') || argv.includes('-v');
  const dirs = argv.filter((a) => !a.startsWith('-'));
  if (dirs.length === 0) dirs.push(defaultDir);
  const thresholds = JSON.parse(fs.readFileSync(path.join(here, 'threshold.json'), 'utf8')) as Thresholds;

  const tally = { valid: { pass: 0, total: 0 }, invalid: { pass: 0, total: 0 } };
  for (const dir of dirs) {
    let cases;
    try {
      cases = loadCases(path.resolve(dir));
    } catch (e) {
      console.error(`cannot read conformance cases from ${dir}: ${(e as Error).message}`);
      return 2;
    }
    for (const c of cases) {
      const outcome = runCase(c);
      const t = c.shouldParse ? tally.valid : tally.invalid;
      t.total++;
      if (outcome.pass) {
        t.pass++;
        if (verbose) console.log(`PASS ${c.name}: ${outcome.reason}`);
      } else console.log(`FAIL ${c.name}: ${outcome.reason}`);
    }
  }
  const passed = tally.valid.pass + tally.invalid.pass;
  const failed = tally.valid.total + tally.invalid.total - passed;
  const rate = (t: { pass: number; total: number }) => (t.total === 0 ? 1 : t.pass / t.total);
  const below: string[] = [];
  if (rate(tally.valid) < thresholds.valid) below.push(`valid ${tally.valid.pass}/${tally.valid.total} < ${thresholds.valid}`);
  if (rate(tally.invalid) < thresholds.invalid) below.push(`invalid ${tally.invalid.pass}/${tally.invalid.total} < ${thresholds.invalid}`);
  if (passed + failed === 0) below.push('no cases found');
  if (verbose || below.length > 0) {
    console.error(`valid ${tally.valid.pass}/${tally.valid.total}, invalid ${tally.invalid.pass}/${tally.invalid.total}`);
    for (const b of below) console.error(`below threshold: ${b}`);
  }
  console.log(`${passed} passed, ${failed} failed`);
  return below.length > 0 ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
