// `npm run check-config -- FILE...`: validates prometheus.yml files like `promtool check config`.

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  buildTargets,
  formatIssue,
  globSegmentRegExp,
  hasGlobMeta,
  loadConfig,
  loadScrapeConfigFile,
  parseFileSD,
  type ConfigIssue,
  type ScrapeConfig,
  type TargetGroup,
} from '../../shared/config/index.ts';
import { validateRuleFile } from './check-rules.ts';

/** What a rule-file checker reports for one file; `summary` is printed after SUCCESS (e.g. "3 rules found"). */
export interface RuleFileReport {
  errors: ConfigIssue[];
  warnings?: ConfigIssue[];
  summary?: string;
}

/**
 * Seam for rule-file validation, which belongs to the rules module: given a matched rule file's path and
 * text, report its problems. The default accepts every file; wire the real checker in here.
 */
export type RuleFileValidator = (file: string, text: string) => RuleFileReport;

export const acceptAllRuleFiles: RuleFileValidator = () => ({ errors: [] });

export interface CheckConfigOptions {
  validateRuleFile?: RuleFileValidator;
  /** Like promtool's --syntax-only: skip checks that read other files (rule/SD/secret files). */
  syntaxOnly?: boolean;
  env?: Record<string, string | undefined>;
  out?: (line: string) => void;
  err?: (line: string) => void;
}

/** Expands a Go filepath.Glob-style pattern against the file system; sorted, like Go. */
export function expandGlob(pattern: string): string[] {
  if (!hasGlobMeta(pattern)) return existsSync(pattern) ? [pattern] : [];
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  let current: string[] = [absolute ? '/' : ''];
  for (const seg of segments) {
    if (seg === '') continue;
    const next: string[] = [];
    for (const base of current) {
      if (!hasGlobMeta(seg)) {
        const p = base === '' ? seg : path.posix.join(base, seg);
        if (existsSync(p)) next.push(p);
        continue;
      }
      const re = globSegmentRegExp(seg);
      if (!re) return [];
      let names: string[];
      try {
        names = readdirSync(base === '' ? '.' : base).sort();
      } catch {
        continue;
      }
      for (const name of names) if (re.test(name)) next.push(base === '' ? name : path.posix.join(base, name));
    }
    current = next;
  }
  return current.filter((p) => p !== '' && p !== '/');
}

function asWarning(issue: ConfigIssue): string {
  return formatIssue({ ...issue, message: `warning: ${issue.message}` });
}

function fileIssue(file: string, message: string): ConfigIssue {
  return { file, line: 0, col: 0, message };
}

function at(sc: ScrapeConfig, message: string): ConfigIssue {
  return { ...sc.position, message };
}

// promtool's extra checks that need the file system: SD files, secret files, and targets that cannot be scraped.
function checkScrapeConfig(sc: ScrapeConfig, errors: ConfigIssue[], warnings: ConfigIssue[]): void {
  const credentials = sc.http.authorization?.credentialsFile;
  if (credentials && !existsSync(credentials)) errors.push(at(sc, `job "${sc.jobName}": credentials_file "${credentials}" does not exist`));
  const password = sc.http.basicAuth?.passwordFile;
  if (password && !existsSync(password)) errors.push(at(sc, `job "${sc.jobName}": password_file "${password}" does not exist`));
  for (const [name, file] of [
    ['ca_file', sc.http.tlsConfig.caFile],
    ['cert_file', sc.http.tlsConfig.certFile],
    ['key_file', sc.http.tlsConfig.keyFile],
  ] as const) {
    if (file && !existsSync(file)) errors.push(at(sc, `job "${sc.jobName}": tls_config ${name} "${file}" does not exist`));
  }

  const groups: TargetGroup[] = [...sc.staticConfigs];
  for (const fsd of sc.fileSDConfigs) {
    for (const pattern of fsd.files) {
      const matched = expandGlob(pattern);
      if (matched.length === 0) warnings.push(at(sc, `file "${pattern}" for file_sd in scrape job "${sc.jobName}" does not exist`));
      for (const file of matched) {
        const res = parseFileSD(readFileSync(file, 'utf8'), file);
        errors.push(...res.errors);
        groups.push(...res.groups);
      }
    }
  }
  for (const d of buildTargets(sc, groups).dropped) {
    if (d.error) errors.push(at(sc, `job "${sc.jobName}": target ${JSON.stringify(d.discoveredLabels.__address__ ?? '')}: ${d.error}`));
  }
}

function checkOne(file: string, opts: Required<Omit<CheckConfigOptions, 'env'>> & { env: Record<string, string | undefined> }): boolean {
  const { out, err } = opts;
  out(`Checking ${file}`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    err(formatIssue(fileIssue(file, `cannot read file: ${(e as Error).message}`)));
    err(`  FAILED: ${file}`);
    return false;
  }
  const res = loadConfig(text, file, { env: opts.env });
  const errors: ConfigIssue[] = [...res.errors];
  const warnings: ConfigIssue[] = [...res.warnings];
  const ruleFiles: string[] = [];
  if (res.config && !opts.syntaxOnly) {
    const cfg = res.config;
    const extra: ScrapeConfig[] = [];
    for (const pattern of cfg.scrapeConfigFiles) {
      for (const f of expandGlob(pattern)) {
        const sub = loadScrapeConfigFile(readFileSync(f, 'utf8'), f, cfg, extra);
        errors.push(...sub.errors);
        warnings.push(...sub.warnings);
        extra.push(...(sub.scrapeConfigs ?? []));
      }
    }
    for (const sc of [...cfg.scrapeConfigs, ...extra]) checkScrapeConfig(sc, errors, warnings);
    for (const pattern of cfg.ruleFiles) ruleFiles.push(...expandGlob(pattern).filter((f) => statSync(f).isFile()));
  }
  for (const w of warnings) err(asWarning(w));
  if (errors.length > 0) {
    for (const e of errors) err(formatIssue(e));
    err(`  FAILED: ${errors.length} error${errors.length === 1 ? '' : 's'} in ${file}`);
    return false;
  }
  if (!opts.syntaxOnly && (res.config?.ruleFiles.length ?? 0) > 0) {
    out(`  SUCCESS: ${ruleFiles.length} rule files found`);
    for (const f of ruleFiles) out(`   - ${f}`);
  }
  out(`  SUCCESS: ${file} is valid prometheus config file syntax`);

  let ok = true;
  if (opts.validateRuleFile === acceptAllRuleFiles) return ok;
  for (const rf of ruleFiles) {
    const report = opts.validateRuleFile(rf, readFileSync(rf, 'utf8'));
    out('');
    out(`Checking ${rf}`);
    for (const w of report.warnings ?? []) err(asWarning(w));
    if (report.errors.length > 0) {
      for (const e of report.errors) err(formatIssue(e));
      err(`  FAILED: ${report.errors.length} error${report.errors.length === 1 ? '' : 's'} in ${rf}`);
      ok = false;
    } else {
      out(`  SUCCESS: ${report.summary ?? `${rf} is valid`}`);
    }
  }
  return ok;
}

/** Checks each config file in turn and returns the process exit code (0 when all are valid). */
export function checkConfigFiles(files: readonly string[], opts: CheckConfigOptions = {}): number {
  const full = {
    validateRuleFile: opts.validateRuleFile ?? acceptAllRuleFiles,
    syntaxOnly: opts.syntaxOnly ?? false,
    env: opts.env ?? {},
    out: opts.out ?? ((line: string) => process.stdout.write(`${line}\n`)),
    err: opts.err ?? ((line: string) => process.stderr.write(`${line}\n`)),
  };
  let ok = true;
  files.forEach((file, i) => {
    if (i > 0) full.out('');
    if (!checkOne(file, full)) ok = false;
  });
  return ok ? 0 : 1;
}

function main(argv: string[]): number {
  const syntaxOnly = argv.includes('--syntax-only');
  const files = argv.filter((a) => a !== '--syntax-only' && a !== '--');
  const unknown = files.filter((a) => a.startsWith('--'));
  if (files.length === 0 || unknown.length > 0 || argv.includes('-h')) {
    process.stderr.write(
      `${unknown.length > 0 ? `unknown option ${unknown[0]}\n` : ''}usage: npm run check-config -- [--syntax-only] FILE...\n` +
        'Checks prometheus.yml files the way `promtool check config` does.\n',
    );
    return 2;
  }
  return checkConfigFiles(files, { syntaxOnly, env: process.env, validateRuleFile });
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = main(process.argv.slice(2));
}
