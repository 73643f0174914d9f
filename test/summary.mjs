// Sums the test counts of every stage of `npm test` into one closing line; exits non-zero if any stage failed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, ...failedStages] = process.argv.slice(2);
let passed = 0;
let failed = 0;
let skipped = 0;
const conformance = [];
for (const file of readdirSync(dir)) {
  const path = join(dir, file);
  if (file.endsWith('.json')) {
    const r = JSON.parse(readFileSync(path, 'utf8'));
    passed += r.numPassedTests ?? 0;
    failed += r.numFailedTests ?? 0;
    skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
  } else if (file.endsWith('.log') && !existsJson(dir, file)) {
    // Conformance runners end with their own "N passed, N failed[, N skipped]" line.
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    const m = /^(\d+) passed, (\d+) failed(?:, (\d+) skipped)?$/.exec(lines.at(-1) ?? '');
    if (m) conformance.push(`${file.replace(/\.log$/, '')} ${m[1]} passed / ${m[2]} failed / ${m[3] ?? 0} unsupported`);
  }
}
function existsJson(d, logFile) {
  return readdirSync(d).includes(logFile.replace(/\.log$/, '.json'));
}
console.log('');
if (failedStages.length) console.log(`failed stages: ${failedStages.join(', ')}`);
// Conformance runners fail their stage only below the pass-rate thresholds kept in the repo, so their
// case counts are listed apart; the closing line counts test cases of the test runners.
if (conformance.length) console.log(`conformance cases (each runner prints its failures above): ${conformance.join('; ')}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failedStages.length ? 1 : 0);
