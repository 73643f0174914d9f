// Runs the check-rules CLI on good and broken rule files: promtool's output layout, FILE:LINE:COL errors, exit codes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRuleFiles } from './check-rules.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const tmp = mkdtempSync(path.join(tmpdir(), 'check-rules-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = path.join(tmp, name);
  writeFileSync(file, text);
  return file;
}

function run(files: string[]): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = checkRuleFiles(files, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

describe('check-rules', () => {
  it('accepts the alert-generator conformance rules and counts them', () => {
    const text = readFileSync(path.resolve(repoRoot, '../shared/conformance/alerting/rules.yaml'), 'utf8');
    const file = write('conformance.yml', text);
    const r = run([file]);
    const expected = (text.match(/^\s*- (alert|record):/gm) ?? []).length;
    expect(expected).toBeGreaterThan(0);
    expect(r).toEqual({ code: 0, out: [`Checking ${file}`, `  SUCCESS: ${expected} rules found`], err: [] });
  });

  it('reports a broken expression at its place in the expr line, and every file in turn', () => {
    const good = write('good.yml', 'groups:\n- name: g\n  rules:\n  - record: job:up:sum\n    expr: sum by (job) (up)\n');
    const bad = write('bad.yml', 'groups:\n- name: g\n  rules:\n  - alert: Down\n    expr: up == \n    for: 5x\n');
    const r = run([bad, good]);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([`Checking ${bad}`, '', `Checking ${good}`, '  SUCCESS: 1 rules found']);
    expect(r.err).toEqual([
      `${bad}:5:16: group "g", rule 1, "Down": could not parse expression: 1:6: parse error: unexpected end of input`,
      expect.stringMatching(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:6:10: .*5x`)),
      `  FAILED: 2 errors in ${bad}`,
    ]);
  });

  it('is the npm script: exit 1 with errors on stderr, exit 2 on usage errors', () => {
    const bad = write('bad2.yml', 'groups:\n- name: g\n  rules:\n  - record: "bad name"\n    expr: up\n');
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'gateway/cli/check-rules.ts', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
    const res = cli(bad);
    expect(res.status).toBe(1);
    expect(res.stdout).toBe(`Checking ${bad}\n`);
    expect(res.stderr).toBe(`${bad}:4:13: group "g", rule 1, "bad name": invalid recording rule name: bad name\n  FAILED: 1 error in ${bad}\n`);
    expect(cli().status).toBe(2);
    expect(cli('--nope', bad).status).toBe(2);
  });
});
