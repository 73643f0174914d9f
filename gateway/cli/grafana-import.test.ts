// The grafana-import CLI: single file to stdout or --out, bulk directories with --out-dir, --json, exit codes.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { validateDashboard } from '../../shared/dashboards/validate.ts';
import { runGrafanaImport, type FileResult } from './grafana-import.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const fixture = path.join(repoRoot, 'shared/dashboards/testdata/node-exporter-like.grafana.json');
const tmp = mkdtempSync(path.join(tmpdir(), 'grafana-import-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(...args: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runGrafanaImport(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const small = (title: string): string => JSON.stringify({ title, uid: title.toLowerCase(), panels: [{ id: 1, type: 'stat', title: 'Up', gridPos: { x: 0, y: 0, w: 6, h: 4 }, targets: [{ expr: 'up', refId: 'A' }] }] });

describe('grafana-import', () => {
  it('writes --out and prints the report', () => {
    const out = path.join(tmp, 'single', 'node.json');
    mkdirSync(path.dirname(out), { recursive: true });
    const r = run(fixture, '--out', out);
    expect(r.code).toBe(0);
    expect(r.err).toBe('');
    expect(r.out).toContain(`${fixture} → ${out}\n  "Node Exporter Full (Sightline fixture)" (uid sl-node-full): 22 panels mapped`);
    expect(r.out).toContain('"Context Switches" A: 1:72: parse error: unclosed left parenthesis');
    const written = validateDashboard(JSON.parse(readFileSync(out, 'utf8')));
    expect(written.errors).toEqual([]);
    expect(written.dashboard?.uid).toBe('sl-node-full');
  });

  it('without --out: dashboard on stdout, report on stderr; --uid overrides', () => {
    const r = run(fixture, '--uid', 'nef');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).uid).toBe('nef');
    expect(r.err).toMatch(/^.*node-exporter-like\.grafana\.json\n  "Node Exporter Full/);
  });

  it('converts directories recursively into --out-dir, mirroring paths, with a JSON report', () => {
    const src = path.join(tmp, 'bulk-in');
    mkdirSync(path.join(src, 'team'), { recursive: true });
    writeFileSync(path.join(src, 'a.json'), small('Alpha'));
    writeFileSync(path.join(src, 'team', 'b.json'), small('Beta'));
    writeFileSync(path.join(src, 'notes.txt'), 'not json');
    writeFileSync(path.join(src, 'broken.json'), '{"title": ');
    const dest = path.join(tmp, 'bulk-out');
    const r = run(src, fixture, '--out-dir', dest, '--json');
    expect(r.code).toBe(1);
    const { results } = JSON.parse(r.out) as { results: FileResult[] };
    expect(results.map((x) => [path.relative(tmp, x.file).replace(/\\/g, '/'), x.ok, x.ok ? path.relative(dest, x.out!) : x.error])).toEqual([
      ['bulk-in/a.json', true, 'a.json'],
      ['bulk-in/broken.json', false, expect.stringMatching(/^invalid JSON: /)],
      ['bulk-in/team/b.json', true, path.join('team', 'b.json')],
      [path.relative(tmp, fixture), true, 'node-exporter-like.grafana.json'],
    ]);
    expect(JSON.parse(readFileSync(path.join(dest, 'team', 'b.json'), 'utf8')).title).toBe('Beta');
    const ok = results.find((x) => x.ok && x.file.endsWith('a.json'));
    expect(ok && ok.ok ? ok.report.summary.panelsMapped : -1).toBe(1);
  });

  it('keeps same-named inputs apart and summarises a bulk run', () => {
    const d1 = path.join(tmp, 'x1');
    const d2 = path.join(tmp, 'x2');
    mkdirSync(d1);
    mkdirSync(d2);
    writeFileSync(path.join(d1, 'same.json'), small('One'));
    writeFileSync(path.join(d2, 'same.json'), small('Two'));
    const dest = path.join(tmp, 'same-out');
    const r = run(path.join(d1, 'same.json'), path.join(d2, 'same.json'), '--out-dir', dest);
    expect(r.code).toBe(0);
    expect(JSON.parse(readFileSync(path.join(dest, 'same.json'), 'utf8')).title).toBe('One');
    expect(JSON.parse(readFileSync(path.join(dest, 'same-2.json'), 'utf8')).title).toBe('Two');
    expect(r.out.trimEnd().split('\n').pop()).toBe(`Converted 2 of 2 dashboards into ${dest}.`);
  });

  it('exit 1 for unreadable or non-dashboard input, 2 for usage errors', () => {
    const notDash = path.join(tmp, 'array.json');
    writeFileSync(notDash, '[1,2]');
    const missing = run(path.join(tmp, 'nope.json'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/nope\.json: cannot read file: /);
    expect(run(notDash).err).toBe(`${notDash}: not a Grafana dashboard: expected a JSON object\n`);
    expect(run().code).toBe(2);
    expect(run('--bogus', fixture).code).toBe(2);
    expect(run(fixture, fixture).err).toMatch(/^several inputs need --out-dir/);
    expect(run(fixture, '--out', 'a', '--out-dir', 'b').code).toBe(2);
    expect(run(fixture, '--out').err).toMatch(/^--out needs a value/);
    expect(run('--help')).toMatchObject({ code: 0, err: expect.stringMatching(/^usage: npm run grafana-import/) });
  });

  it('runs as a script through tsx', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'gateway/cli/grafana-import.ts', fixture, '--json'], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(res.status).toBe(0);
    expect(JSON.parse(res.stdout).title).toBe('Node Exporter Full (Sightline fixture)');
    expect(JSON.parse(res.stderr).results[0].report.summary.queryErrors).toBe(2);
  });
});
