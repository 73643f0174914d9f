// `npm run promql-compliance -- [--filter RE] [--hours H] [--range-minutes M] [--step S] [--seed N] [--aligned] [--no-instant] [--json FILE]`: Sightline vs Prometheus over the compliance queries.
import { writeFileSync } from 'node:fs';
import { readThreshold, runCompliance, THRESHOLD_FILE, type ComplianceOptions } from './run.ts';

const USAGE = 'usage: promql-compliance [--filter REGEX] [--hours H] [--range-minutes M] [--step SECONDS] [--seed N] [--aligned] [--no-instant] [--json FILE]';

function parseArgs(argv: string[]): { opts: ComplianceOptions; json?: string; defaults: boolean } {
  const opts: ComplianceOptions = {};
  let json: string | undefined;
  let defaults = true;
  const num = (s: string | undefined): number => {
    const n = Number(s);
    if (!Number.isFinite(n) || n <= 0) {
      console.error(USAGE);
      process.exit(2);
    }
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--filter') (opts.filter = new RegExp(argv[++i] ?? '')), (defaults = false);
    else if (a === '--hours') (opts.hours = num(argv[++i])), (defaults = false);
    else if (a === '--range-minutes') (opts.rangeMinutes = num(argv[++i])), (defaults = false);
    else if (a === '--step') (opts.stepSeconds = num(argv[++i])), (defaults = false);
    else if (a === '--seed') (opts.seed = num(argv[++i])), (defaults = false);
    else if (a === '--aligned') (opts.aligned = true), (defaults = false);
    else if (a === '--no-instant') (opts.instant = false), (defaults = false);
    else if (a === '--json') json = argv[++i];
    else {
      console.error(USAGE);
      process.exit(a === '-h' || a === '--help' ? 0 : 2);
    }
  }
  return { opts, json, defaults };
}

async function main(): Promise<void> {
  const { opts, json, defaults } = parseArgs(process.argv.slice(2));
  const report = await runCompliance({ ...opts, log: (l) => console.log(l) });
  for (const o of report.outcomes) if (o.status === 'expected') console.log(`EXPECTED ${o.kind} ${o.query}\n    ${o.reason}\n    (${o.detail})`);
  for (const o of report.outcomes) if (o.status === 'fail') console.log(`FAIL ${o.query} (${o.kind})\n    ${o.detail}`);
  if (json) writeFileSync(json, JSON.stringify(report, null, 2) + '\n');
  const threshold = readThreshold();
  const empty = report.outcomes.filter((o) => o.points === 0).length;
  console.log(`${report.outcomes.length} comparisons, ${empty} of them on empty results (or expected errors)`);
  console.log(`${report.expected} differ as documented (test/compliance/expected-differences.ts)`);
  // The threshold holds for the default settings; other settings only report.
  const tooMany = defaults && report.failed > threshold.maxFailed;
  if (tooMany) console.log(`${report.failed} failures exceed the threshold ${threshold.maxFailed} (${THRESHOLD_FILE})`);
  console.log(`${report.passed} passed, ${report.failed} failed`);
  process.exitCode = tooMany ? 1 : 0;
}

await main();
