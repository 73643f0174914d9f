// `npm run check-rules -- FILE...`: validates rule files like `promtool check rules` (FILE:LINE:COL errors, exit 1 on any).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkRuleText, formatProblem } from '../rules/load.ts';
import type { RuleFileReport } from './check-config.ts';

/** Checks one rule file's text; the shape check-config's rule-file seam takes. */
export function validateRuleFile(file: string, text: string): RuleFileReport {
  const r = checkRuleText(file, text);
  const n = r.groups.reduce((sum, g) => sum + g.rules.length, 0);
  return { errors: r.errors, summary: `${n} rules found` };
}

export interface CheckRulesOptions {
  readFile?: (file: string) => string;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** Checks each file in turn, printing promtool's layout; returns the exit code (0 when every file is valid). */
export function checkRuleFiles(files: readonly string[], opts: CheckRulesOptions = {}): number {
  const read = opts.readFile ?? ((f: string) => readFileSync(f, 'utf8'));
  const out = opts.out ?? ((line: string) => process.stdout.write(`${line}\n`));
  const err = opts.err ?? ((line: string) => process.stderr.write(`${line}\n`));
  let ok = true;
  files.forEach((file, i) => {
    if (i > 0) out('');
    out(`Checking ${file}`);
    let text: string;
    try {
      text = read(file);
    } catch (e) {
      err(`${file}: cannot read file: ${e instanceof Error ? e.message : String(e)}`);
      err(`  FAILED: ${file}`);
      ok = false;
      return;
    }
    const report = validateRuleFile(file, text);
    if (report.errors.length > 0) {
      for (const e of report.errors) err(formatProblem(e));
      err(`  FAILED: ${report.errors.length} error${report.errors.length === 1 ? '' : 's'} in ${file}`);
      ok = false;
      return;
    }
    out(`  SUCCESS: ${report.summary}`);
  });
  return ok ? 0 : 1;
}

function main(argv: string[]): number {
  const files = argv.filter((a) => a !== '--');
  const unknown = files.filter((a) => a.startsWith('-'));
  if (files.length === 0 || unknown.length > 0) {
    process.stderr.write(
      `${unknown.length > 0 && unknown[0] !== '-h' && unknown[0] !== '--help' ? `unknown option ${unknown[0]}\n` : ''}usage: npm run check-rules -- FILE...\n` +
        'Checks Prometheus rule files the way `promtool check rules` does.\n',
    );
    return 2;
  }
  return checkRuleFiles(files);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
