// End-to-end tests of the `promql` CLI: spawned with tsx over a small generated OpenMetrics file.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const CLI = resolve(import.meta.dirname, 'promql.ts');
let dir: string;
let data: string;

/** Two counters and a gauge every 15 s from 1700000000 for 10 minutes; `c{i="1"}` grows by 1.5 per 15 s. */
function dataset(): string {
  const lines = ['# HELP c A counter.', '# TYPE c counter'];
  for (let k = 0; k <= 40; k++) lines.push(`c_total{i="1"} ${1.5 * k} ${1700000000 + 15 * k}`);
  for (let k = 0; k <= 40; k++) lines.push(`c_total{i="2"} ${3 * k} ${1700000000 + 15 * k}`);
  lines.push('# TYPE g gauge');
  for (let k = 0; k <= 40; k++) lines.push(`g{x="<&>"} ${k % 2 === 0 ? 1e-7 : 0.5} ${1700000000 + 15 * k}.25`);
  lines.push('# EOF');
  return lines.join('\n') + '\n';
}

function run(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'promql-cli-'));
  data = join(dir, 'data.om');
  writeFileSync(data, dataset());
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each case spawns tsx (about a second each), so allow for a busy machine.
describe('promql CLI', { timeout: 90_000 }, () => {
  it('answers an instant query with Prometheus API JSON only', () => {
    const r = run('--data', data, '--query', 'g', '--time', '1700000030.5');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Sample at 1700000030.250 (k=2, value 1e-7) is the latest within the lookback window.
    expect(r.stdout).toBe(
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"g","x":"\\u003c\\u0026\\u003e"},"value":[1700000030.500,"1e-07"]}]}}\n',
    );
  });

  it('answers a range query with RFC 3339 bounds and a duration step', () => {
    const r = run('--data', data, '--query', 'sum(rate(c_total[1m]))', '--start', '2023-11-14T22:15:00Z', '--end', '2023-11-14T22:16:00Z', '--step', '30s');
    expect(r.code).toBe(0);
    const body = JSON.parse(r.stdout);
    expect(body.status).toBe('success');
    expect(body.data.resultType).toBe('matrix');
    // 2023-11-14T22:15:00Z is 1700000100: both counters grow linearly, 0.1/s + 0.2/s.
    expect(body.data.result).toHaveLength(1);
    expect(body.data.result[0].metric).toEqual({});
    expect(body.data.result[0].values.map((p: [number, string]) => [p[0], Number(p[1]).toFixed(6)])).toEqual([
      [1700000100, '0.300000'],
      [1700000130, '0.300000'],
      [1700000160, '0.300000'],
    ]);
  });

  it('takes the step in seconds and times as fractional Unix seconds', () => {
    const r = run('--data', data, '--query', 'c_total{i="2"}', '--start', '1700000000', '--end', '1700000030', '--step', '15');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"c_total","i":"2"},"values":[[1700000000,"0"],[1700000015,"3"],[1700000030,"6"]]}]}}\n',
    );
  });

  it('reports a bad query with its position on stderr and exit code 1', () => {
    const r = run('--data', data, '--query', 'sum(c_total', '--time', '1700000000');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^promql: bad_data: 1:\d+: parse error: /);
    expect(r.stderr).toContain('sum(c_total\n');
  });

  it('reports bad parameters and data the way the Prometheus API words them', () => {
    const step0 = run('--data', data, '--query', 'g', '--start', '1', '--end', '2', '--step', '0');
    expect(step0.code).toBe(1);
    expect(step0.stderr).toContain('zero or negative query resolution step widths are not accepted');
    const badTime = run('--data', data, '--query', 'g', '--time', 'yesterday');
    expect(badTime.code).toBe(1);
    expect(badTime.stderr).toContain('invalid parameter "time": cannot parse "yesterday" to a valid timestamp');
    const tooMany = run('--data', data, '--query', 'g', '--start', '0', '--end', '12000', '--step', '1');
    expect(tooMany.stderr).toContain('exceeded maximum resolution of 11,000 points per timeseries');
    const backwards = run('--data', data, '--query', 'g', '--start', '2', '--end', '1', '--step', '1');
    expect(backwards.stderr).toContain('end timestamp must not be before start time');

    const bad = join(dir, 'bad.om');
    writeFileSync(bad, 'ok 1 1\nbroken{a="1" 2 3\n');
    const r = run('--data', bad, '--query', 'ok', '--time', '1');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${bad}:2:7: unclosed label set`);
  });

  it('requires --data and --query', () => {
    const r = run('--query', 'up');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--data FILE is required');
  });
});
