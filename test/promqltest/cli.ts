// `npm run promqltest -- [files|dirs] [--json FILE]`: runs promqltest scripts against the Sightline engine and reports every case.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine } from '../../shared/promql/engine/index.ts';
import { MemoryStore } from '../../shared/promql/memstore.ts';
import { rewriteWithAt } from './atmodifier.ts';
import { runScript, type EvalOutcome, type RunnerEnv } from './runner.ts';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../..');
const DEFAULT_DIR = resolve(repoRoot, '../shared/conformance/promqltest');
const THRESHOLD_FILE = join(here, 'threshold.json');

interface FileReport {
  file: string;
  passed: number;
  failed: number;
  skipped: number;
  /** The script could not be parsed; counted as one failure. */
  error?: { line: number; message: string };
  evals: EvalOutcome[];
}

function usage(): never {
  console.error('usage: promqltest [--json FILE] [file.test | dir]...');
  process.exit(2);
}

function parseArgs(argv: string[]): { paths: string[]; json?: string } {
  const paths: string[] = [];
  let json: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') json = argv[++i] ?? usage();
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage();
    else paths.push(resolve(a));
  }
  return { paths: paths.length ? paths : [DEFAULT_DIR], json };
}

function testFiles(paths: string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (statSync(p).isDirectory()) {
      for (const f of readdirSync(p).sort()) if (f.endsWith('.test')) out.push(join(p, f));
    } else out.push(p);
  }
  return out;
}

/** One line, at most `max` characters, for the console. */
function short(s: string, max = 400): string {
  const one = s.replace(/\s*\n\s*/g, ' ');
  return one.length > max ? one.slice(0, max - 1) + '…' : one;
}

function readThreshold(): number {
  try {
    const v = (JSON.parse(readFileSync(THRESHOLD_FILE, 'utf8')) as { minFloatPassRate?: unknown }).minFloatPassRate;
    return typeof v === 'number' ? v : 0;
  } catch {
    return 0;
  }
}

async function main(): Promise<void> {
  const { paths, json } = parseArgs(process.argv.slice(2));
  const engine = createEngine();
  const env: RunnerEnv = { engine, newStore: () => new MemoryStore(), rewriteAt: rewriteWithAt };
  const reports: FileReport[] = [];
  for (const file of testFiles(paths)) {
    const outcome = await runScript(readFileSync(file, 'utf8'), env);
    const count = (s: EvalOutcome['status']) => outcome.evals.filter((e) => e.status === s).length;
    const report: FileReport = {
      file: basename(file),
      passed: count('pass'),
      failed: count('fail') + (outcome.error ? 1 : 0),
      skipped: count('skip'),
      evals: outcome.evals,
    };
    if (outcome.error) report.error = outcome.error;
    reports.push(report);
    console.log(`${report.file}: ${report.passed} passed, ${report.failed} failed, ${report.skipped} unsupported`);
  }

  for (const r of reports) {
    if (r.error) console.log(`FAIL ${r.file}:${r.error.line} (script does not parse)\n    ${short(r.error.message)}`);
    for (const e of r.evals) if (e.status === 'fail') console.log(`FAIL ${r.file}:${e.line} ${e.expr}\n    ${short(e.message ?? '')}`);
  }
  for (const r of reports) for (const e of r.evals) if (e.status === 'skip') console.log(`SKIP ${r.file}:${e.line} (${e.skipReason})`);

  const passed = reports.reduce((n, r) => n + r.passed, 0);
  const failed = reports.reduce((n, r) => n + r.failed, 0);
  const skipped = reports.reduce((n, r) => n + r.skipped, 0);
  const rate = passed + failed === 0 ? 1 : passed / (passed + failed);
  const threshold = readThreshold();
  if (json) {
    writeFileSync(json, JSON.stringify({ passed, failed, skipped, floatPassRate: rate, threshold, files: reports }, null, 2) + '\n');
  }
  if (rate < threshold) {
    console.log(`float-only pass rate ${(rate * 100).toFixed(1)}% is below the threshold ${(threshold * 100).toFixed(1)}% (${THRESHOLD_FILE})`);
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
  process.exitCode = rate < threshold ? 1 : 0;
}

await main();
