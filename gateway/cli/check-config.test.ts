// Runs the check-config CLI on small fixtures (shared/config/testdata) and checks output and exit codes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkConfigFiles, expandGlob, type RuleFileValidator } from './check-config.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const script = path.join('gateway', 'cli', 'check-config.ts');
const fixture = (name: string): string => path.posix.join('shared/config/testdata', name);

function cli(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const res = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
  return { status: res.status, stdout: res.stdout, stderr: res.stderr };
}

function lines(s: string): string[] {
  return s.split('\n').filter((l) => l !== '');
}

const tmp = mkdtempSync(path.join(tmpdir(), 'check-config-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('check-config CLI', () => {
  it('accepts the guide prometheus.yml', () => {
    const readme = readFileSync(path.resolve(repoRoot, '../shared/seed/README.md'), 'utf8');
    const block = /## `prometheus.yml` from the guide[^\n]*\n```yaml\n([\s\S]*?)```/.exec(readme);
    expect(block).not.toBeNull();
    const file = path.join(tmp, 'prometheus.yml');
    writeFileSync(file, (block as RegExpExecArray)[1]);
    const res = cli(file);
    expect(res.status).toBe(0);
    expect(lines(res.stdout)).toEqual([`Checking ${file}`, `  SUCCESS: ${file} is valid prometheus config file syntax`]);
    expect(res.stderr).toBe('');
  });

  it('checks rule file globs, file_sd files and scrape_config_files of a valid config', () => {
    const file = fixture('good/prometheus.yml');
    const res = cli(file);
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(lines(res.stdout)).toEqual([
      `Checking ${file}`,
      '  SUCCESS: 2 rule files found',
      `   - ${fixture('good/rules/cpu.yml')}`,
      `   - ${fixture('good/rules/up.yml')}`,
      `  SUCCESS: ${file} is valid prometheus config file syntax`,
      `Checking ${fixture('good/rules/cpu.yml')}`,
      '  SUCCESS: 1 rules found',
      `Checking ${fixture('good/rules/up.yml')}`,
      '  SUCCESS: 1 rules found',
    ]);
  });

  it('prints each error as FILE:LINE:COL: message on stderr and exits 1', () => {
    const file = fixture('bad.yml');
    const res = cli(file);
    expect(res.status).toBe(1);
    expect(lines(res.stdout)).toEqual([`Checking ${file}`]);
    expect(lines(res.stderr)).toEqual([
      `${file}:3:20: scrape_interval: not a valid duration "10x" (use e.g. 30s, 1m, 1h30m)`,
      `${file}:6:5: field scrape_intervall not found in type config.ScrapeConfig (did you mean scrape_interval?)`,
      `${file}:8:19: "http://localhost:8080/metrics" is not a valid hostname (a target is host:port; put the scheme in "scheme" and the path in "metrics_path")`,
      `  FAILED: 3 errors in ${file}`,
    ]);
  });

  it('succeeds with warnings for features Sightline ignores', () => {
    const file = fixture('warnings.yml');
    const res = cli(file);
    expect(res.status).toBe(0);
    expect(lines(res.stderr)).toEqual([
      `${file}:2:1: warning: remote_write is not supported by Sightline and is ignored`,
      `${file}:6:5: warning: kubernetes_sd_configs is not supported by Sightline and is ignored`,
    ]);
    expect(res.stdout).toContain(`  SUCCESS: ${file} is valid prometheus config file syntax`);
  });

  it('reports broken file_sd files with their position, and fails if any of several files fails', () => {
    const good = fixture('warnings.yml');
    const bad = fixture('bad-sd/prometheus.yml');
    const res = cli(good, bad);
    expect(res.status).toBe(1);
    expect(res.stdout).toContain(`Checking ${good}`);
    expect(res.stdout).toContain(`Checking ${bad}`);
    expect(res.stderr).toContain(`${fixture('bad-sd/broken.json')}:2:23: invalid JSON: unexpected "]"`);
    expect(res.stderr).toContain(`${bad}:3:5: warning: file "${fixture('bad-sd/missing-*.yml')}" for file_sd in scrape job "files" does not exist`);
  });

  it('prints usage and exits 2 without arguments', () => {
    const usage = cli();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^usage: npm run check-config -- /);
  });
});

function inRepo<T>(fn: () => T): T {
  const cwd = process.cwd();
  process.chdir(repoRoot);
  try {
    return fn();
  } finally {
    process.chdir(cwd);
  }
}

describe('checkConfigFiles', () => {
  it('skips file checks with syntaxOnly', () => {
    const err: string[] = [];
    expect(inRepo(() => checkConfigFiles([fixture('bad-sd/prometheus.yml')], { syntaxOnly: true, out: () => {}, err: (l) => err.push(l) }))).toBe(0);
    expect(err).toEqual([]);
  });

  it('fails on a file that cannot be read', () => {
    const err: string[] = [];
    expect(inRepo(() => checkConfigFiles([fixture('nope.yml')], { out: () => {}, err: (l) => err.push(l) }))).toBe(1);
    expect(err[0]).toMatch(/nope\.yml: cannot read file: /);
  });

  it('reports missing secret files and unscrapeable file_sd targets', () => {
    const dir = path.join(tmp, 'secrets');
    writeFileSync(path.join(tmp, 'targets.json'), JSON.stringify([{ targets: ['ok:1'], labels: { __scrape_timeout__: '5m' } }]));
    const file = path.join(tmp, 'secrets.yml');
    writeFileSync(file, `scrape_configs:\n  - job_name: s\n    authorization:\n      credentials_file: ${dir}/token\n    file_sd_configs:\n      - files: [targets.json]\n`);
    const err: string[] = [];
    expect(checkConfigFiles([file], { out: () => {}, err: (l) => err.push(l) })).toBe(1);
    expect(err).toEqual([
      `${file}:2:5: job "s": credentials_file "${dir}/token" does not exist`,
      `${file}:2:5: job "s": target "ok:1": scrape timeout cannot be greater than scrape interval ("5m" > "1m")`,
      `  FAILED: 2 errors in ${file}`,
    ]);
  });
});

describe('checkConfigFiles rule-file seam', () => {
  it('passes each matched rule file to the validator and fails on its errors', () => {
    const out: string[] = [];
    const err: string[] = [];
    const seen: string[] = [];
    const validator: RuleFileValidator = (file, text) => {
      seen.push(file);
      if (text.includes('alert:')) return { errors: [{ file, line: 4, col: 9, message: 'alert rule rejected by test validator' }] };
      return { errors: [], summary: '1 rules found' };
    };
    const code = inRepo(() => checkConfigFiles([fixture('good/prometheus.yml')], { validateRuleFile: validator, out: (l) => out.push(l), err: (l) => err.push(l) }));
    expect(code).toBe(1);
    expect(seen).toEqual([fixture('good/rules/cpu.yml'), fixture('good/rules/up.yml')]);
    expect(out).toContain(`Checking ${fixture('good/rules/cpu.yml')}`);
    expect(out).toContain('  SUCCESS: 1 rules found');
    expect(err).toEqual([`${fixture('good/rules/up.yml')}:4:9: alert rule rejected by test validator`, `  FAILED: 1 error in ${fixture('good/rules/up.yml')}`]);
  });
});

describe('expandGlob', () => {
  it('matches like Go filepath.Glob, sorted', () => {
    inRepo(() => {
      expect(expandGlob(fixture('good/rules/*.yml'))).toEqual([fixture('good/rules/cpu.yml'), fixture('good/rules/up.yml')]);
      expect(expandGlob(fixture('good/*/c?u.y[a-z]l'))).toEqual([fixture('good/rules/cpu.yml')]);
      expect(expandGlob(fixture('good/prometheus.yml'))).toEqual([fixture('good/prometheus.yml')]);
      expect(expandGlob(fixture('good/none-*.yml'))).toEqual([]);
    });
  });
});
