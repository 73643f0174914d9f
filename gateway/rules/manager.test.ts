// RuleManager over a real head and engine with fake time: evaluation order, outputs, staleness, alerts, reloads, restarts.
import { describe, expect, it } from 'vitest';
import { isStaleMarker } from '../../shared/model/stale.ts';
import type { Labels } from '../../shared/model/labels.ts';
import { createEngine } from '../../shared/promql/engine/index.ts';
import type { PostableAlert } from '../../shared/alerting/state.ts';
import { formatRFC3339 } from '../../shared/alerting/time.ts';
import { Head } from '../head/head.ts';
import { FakeTime } from '../runtime/fake-time.ts';
import { formatProblem, memoryRuleSource } from './load.ts';
import { RuleManager, type RuleSettings } from './manager.ts';
import { MemoryStateStore, STATE_KEYS } from './state-store.ts';

const START = 1_700_000_000_000;

function setup(files: Record<string, string>, opts: { store?: MemoryStateStore; time?: FakeTime; head?: Head } = {}) {
  const time = opts.time ?? new FakeTime(START);
  const head = opts.head ?? new Head({ epoch: 'e' });
  const sent: { at: number; alerts: PostableAlert[] }[] = [];
  const logs: string[] = [];
  const source = { ...files };
  const manager = new RuleManager({
    engine: createEngine({ now: () => time.now() }),
    queryable: head,
    append: (samples, now) => head.append(samples, now),
    clock: time,
    scheduler: time,
    source: memoryRuleSource(source),
    store: opts.store,
    onAlerts: (alerts) => sent.push({ at: time.now(), alerts }),
    log: (l) => logs.push(l),
    externalURL: 'http://gw:9090',
  });
  const settings: RuleSettings = { ruleFiles: ['rules/*.yml'], globalIntervalMs: 1000, globalQueryOffsetMs: 0, externalLabels: {} };
  return { time, head, sent, logs, manager, settings, source };
}

/** Writes one gauge sample per call, at the current fake time. */
function gauge(head: Head, time: FakeTime, labels: Labels, v: number): void {
  head.append([{ labels, t: time.now(), v }], time.now());
}

/** Values stay in a Float64Array: a plain array would canonicalise the stale-marker NaN. */
async function samplesOf(head: Head, name: string): Promise<{ labels: Labels; t: number[]; v: Float64Array }[]> {
  const series = await head.select([{ type: '=', name: '__name__', value: name }], { start: 0, end: Number.MAX_SAFE_INTEGER });
  return series.map((s) => ({ labels: s.labels, t: Array.from(s.t), v: Float64Array.from(s.v) }));
}

describe('RuleManager', () => {
  it('evaluates rules in order: a recording rule output is visible to the next rule of the same evaluation', async () => {
    const f = setup({
      'rules/a.yml': `groups:
- name: g
  rules:
  - record: job:x:sum
    expr: sum by (job) (x)
  - record: job:x:double
    expr: job:x:sum * 2
`,
    });
    expect(await f.manager.load(f.settings)).toEqual({ ok: true, errors: [] });
    gauge(f.head, f.time, { __name__: 'x', job: 'a', i: '1' }, 3);
    gauge(f.head, f.time, { __name__: 'x', job: 'a', i: '2' }, 4);
    f.manager.start();
    await f.time.advance(1000);
    const sum = await samplesOf(f.head, 'job:x:sum');
    const dbl = await samplesOf(f.head, 'job:x:double');
    expect(sum).toHaveLength(1);
    expect(sum[0].labels).toEqual({ __name__: 'job:x:sum', job: 'a' });
    expect([...sum[0].v]).toEqual([7]);
    expect([...dbl[0].v]).toEqual([14]);
    // Both written at the same evaluation timestamp, which lies on the group's grid.
    expect(dbl[0].t).toEqual(sum[0].t);
    const g = f.manager.apiGroups()[0];
    expect(g.rules.map((r) => [r.name, r.health])).toEqual([
      ['job:x:sum', 'ok'],
      ['job:x:double', 'ok'],
    ]);
    expect(g.interval).toBe(1);
  });

  it('marks a recording-rule series stale when it disappears from the result', async () => {
    const f = setup({ 'rules/a.yml': 'groups:\n- name: g\n  rules:\n  - record: r\n    expr: x > 5\n' });
    await f.manager.load(f.settings);
    f.manager.start();
    gauge(f.head, f.time, { __name__: 'x', i: '1' }, 10);
    await f.time.advance(1000);
    gauge(f.head, f.time, { __name__: 'x', i: '1' }, 1);
    await f.time.advance(1000);
    const r = await samplesOf(f.head, 'r');
    expect(r).toHaveLength(1);
    expect(r[0].v[0]).toBe(10);
    expect(r[0].v).toHaveLength(2);
    expect(isStaleMarker(r[0].v[1])).toBe(true);
  });

  it('takes pending to firing after `for`, sends firing and then resolved alerts, and writes ALERTS', async () => {
    const f = setup({
      'rules/a.yml': `groups:
- name: g
  interval: 1s
  rules:
  - alert: High
    expr: x > 5
    for: 3s
    labels: { severity: page }
    annotations: { summary: "x is {{ $value }}" }
`,
    });
    await f.manager.load(f.settings);
    f.manager.start();
    gauge(f.head, f.time, { __name__: 'x', job: 'j' }, 10);
    await f.time.advance(1000);
    expect(f.manager.apiAlerts().map((a) => a.state)).toEqual(['pending']);
    expect(f.sent).toEqual([]);
    for (let i = 0; i < 3; i++) {
      gauge(f.head, f.time, { __name__: 'x', job: 'j' }, 10);
      await f.time.advance(1000);
    }
    expect(f.manager.apiAlerts().map((a) => a.state)).toEqual(['firing']);
    expect(f.sent).toHaveLength(1);
    const firing = f.sent[0].alerts[0];
    expect(firing.labels).toEqual({ alertname: 'High', job: 'j', severity: 'page' });
    expect(firing.annotations).toEqual({ summary: 'x is 10' });
    expect(firing.generatorURL).toBe('http://gw:9090/graph?g0.expr=x+%3E+5&g0.tab=1');
    const alerts = await samplesOf(f.head, 'ALERTS');
    expect(alerts.map((s) => s.labels.alertstate).sort()).toEqual(['firing', 'pending']);

    gauge(f.head, f.time, { __name__: 'x', job: 'j' }, 1);
    await f.time.advance(1000);
    expect(f.sent).toHaveLength(2);
    // Resolved: endsAt is the evaluation time that found it gone.
    expect(f.sent[1].alerts[0].endsAt).toBe(formatRFC3339(f.sent[1].at));
    expect(f.sent[1].alerts[0].startsAt).toBe(firing.startsAt);
    expect(f.manager.apiAlerts()).toEqual([]);
    const rule = f.manager.apiGroups('alerting')[0].rules[0];
    expect(rule).toMatchObject({ state: 'inactive', health: 'ok', duration: 3, type: 'alerting' });
  });

  it('rejects a bad rule file as a whole at load and keeps the old rules on reload', async () => {
    const f = setup({ 'rules/a.yml': 'groups:\n- name: g\n  rules:\n  - record: r\n    expr: x\n' });
    expect((await f.manager.load(f.settings)).ok).toBe(true);
    // The memory source reads the files object live, as a reload re-reads the disk.
    f.source['rules/b.yml'] = 'groups:\n- name: h\n  rules:\n  - record: ok\n    expr: x\n  - alert: A\n    expr: sum(x\n';
    const r = await f.manager.load(f.settings);
    expect(r.ok).toBe(false);
    expect(r.errors.map((e) => `${e.file}:${e.line}:${e.col}`)).toEqual(['rules/b.yml:7:16']);
    expect(formatProblem(r.errors[0])).toBe('rules/b.yml:7:16: group "h", rule 2, "A": could not parse expression: 1:6: parse error: unclosed left parenthesis');
    // Neither b.yml's valid group nor anything else changed: the old set stays in force.
    expect(f.manager.groups().map((g) => g.name)).toEqual(['g']);

    const fresh = setup(f.source);
    expect((await fresh.manager.load(fresh.settings)).ok).toBe(false);
    expect(fresh.manager.groups()).toEqual([]);
  });

  it('writes stale markers for the series of a group removed by a reload', async () => {
    const f = setup({ 'rules/a.yml': 'groups:\n- name: g\n  rules:\n  - record: r\n    expr: x\n' });
    await f.manager.load(f.settings);
    f.manager.start();
    gauge(f.head, f.time, { __name__: 'x' }, 1);
    await f.time.advance(1000);
    delete f.source['rules/a.yml'];
    expect((await f.manager.load(f.settings)).ok).toBe(true);
    expect(f.manager.groups()).toEqual([]);
    const r = await samplesOf(f.head, 'r');
    expect(r[0].v).toHaveLength(2);
    expect(r[0].v[0]).toBe(1);
    expect(isStaleMarker(r[0].v[1])).toBe(true);
  });

  it('keeps state across a reload of an unchanged group and restarts without re-pending a firing alert', async () => {
    const files = { 'rules/a.yml': 'groups:\n- name: g\n  rules:\n  - alert: A\n    expr: x > 0\n    for: 2s\n' };
    const store = new MemoryStateStore();
    const f = setup(files, { store });
    await f.manager.load(f.settings);
    f.manager.start();
    for (let i = 0; i < 4; i++) {
      gauge(f.head, f.time, { __name__: 'x' }, 1);
      await f.time.advance(1000);
    }
    expect(f.manager.apiAlerts()[0].state).toBe('firing');
    const activeAt = f.manager.apiAlerts()[0].activeAt;
    expect((await f.manager.load(f.settings)).ok).toBe(true);
    expect(f.manager.apiAlerts()[0]).toMatchObject({ state: 'firing', activeAt });
    await f.manager.stop();
    const saved = JSON.parse(store.data.get(STATE_KEYS.rules) ?? '{}') as { groups: Record<string, { alerting: string }[]> };
    expect(JSON.parse(saved.groups['rules/a.yml;g'][0].alerting).alerts[0].state).toBe('firing');

    // A new process 5 s later, with a fresh head that has the condition still true.
    const time = new FakeTime(f.time.now() + 5000);
    const g = setup(files, { store, time });
    await g.manager.restore();
    await g.manager.load(g.settings);
    expect(g.manager.apiAlerts()[0]).toMatchObject({ state: 'firing', activeAt });
    g.manager.start();
    gauge(g.head, g.time, { __name__: 'x' }, 1);
    await g.time.advance(1000);
    // Re-sent at once with its original start, so a notifier that lost its memory learns it again.
    expect(g.sent).toHaveLength(1);
    expect(g.sent[0].alerts[0].startsAt).toBe(f.sent[0].alerts[0].startsAt);
    expect(g.manager.apiAlerts()[0].state).toBe('firing');
  });

  it('forgets alert state after an outage longer than the tolerance', async () => {
    const files = { 'rules/a.yml': 'groups:\n- name: g\n  rules:\n  - alert: A\n    expr: x > 0\n' };
    const store = new MemoryStateStore();
    const f = setup(files, { store });
    await f.manager.load(f.settings);
    f.manager.start();
    gauge(f.head, f.time, { __name__: 'x' }, 1);
    await f.time.advance(1000);
    await f.manager.stop();
    const g = setup(files, { store, time: new FakeTime(f.time.now() + 2 * 3_600_000) });
    await g.manager.restore();
    await g.manager.load(g.settings);
    expect(g.manager.apiAlerts()).toEqual([]);
  });

  it('runs template queries before expanding annotations', async () => {
    const f = setup({
      'rules/a.yml': `groups:
- name: g
  rules:
  - alert: A
    expr: x > 0
    annotations:
      total: '{{ with query "sum(x)" }}{{ . | first | value }}{{ end }}'
`,
    });
    await f.manager.load(f.settings);
    f.manager.start();
    gauge(f.head, f.time, { __name__: 'x', i: '1' }, 2);
    gauge(f.head, f.time, { __name__: 'x', i: '2' }, 5);
    await f.time.advance(1000);
    expect(f.manager.apiAlerts().map((a) => a.annotations.total)).toEqual(['7', '7']);
  });

  it('feeds rule outputs to the stream through the head append path, ALERTS_FOR_STATE included', async () => {
    const f = setup({ 'rules/a.yml': 'groups:\n- name: g\n  rules:\n  - record: r\n    expr: x * 10\n  - alert: A\n    expr: x > 0\n    for: 1m\n' });
    await f.manager.load(f.settings);
    const seen: string[] = [];
    f.head.onBatch((b) => {
      for (const id of b.ids) seen.push(f.head.series(id)?.labels.__name__ ?? '?');
    });
    gauge(f.head, f.time, { __name__: 'x' }, 2);
    f.manager.start();
    await f.time.advance(1000);
    expect(seen).toEqual(['x', 'r', 'ALERTS', 'ALERTS_FOR_STATE']);
    const forState = await samplesOf(f.head, 'ALERTS_FOR_STATE');
    expect(forState[0].labels).toEqual({ __name__: 'ALERTS_FOR_STATE', alertname: 'A' });
    // The value is the alert's ActiveAt in seconds: the evaluation time.
    expect(forState[0].v[0]).toBe(Math.trunc(forState[0].t[0] / 1000));
  });

  it('queries and writes at the evaluation time minus query_offset', async () => {
    const f = setup({ 'rules/a.yml': 'groups:\n- name: g\n  query_offset: 5s\n  rules:\n  - record: r\n    expr: x\n' });
    await f.manager.load(f.settings);
    gauge(f.head, f.time, { __name__: 'x' }, 1);
    await f.time.advance(3000);
    gauge(f.head, f.time, { __name__: 'x' }, 2);
    f.manager.start();
    await f.time.advance(8000);
    const r = await samplesOf(f.head, 'r');
    const ts = Date.parse(f.manager.apiGroups()[0].lastEvaluation);
    expect(r[0].t.at(-1)).toBe(ts - 5000);
    // Each output sees x as it was 5 s before its evaluation: 1 until START+3s, then 2.
    expect(r[0].t.length).toBeGreaterThanOrEqual(6);
    for (let i = 0; i < r[0].t.length; i++) expect(r[0].v[i]).toBe(r[0].t[i] >= START + 3000 ? 2 : 1);
    expect(new Set(r[0].v)).toEqual(new Set([1, 2]));
  });

  it('holds the first evaluations back by the start delay', async () => {
    const f = setup({ 'rules/a.yml': 'groups:\n- name: g\n  rules:\n  - record: r\n    expr: vector(1)\n' });
    await f.manager.load(f.settings);
    f.manager.start(3000);
    await f.time.advance(2999);
    expect(f.manager.apiGroups()[0].lastEvaluation).toBe('0001-01-01T00:00:00Z');
    await f.time.advance(1001);
    const last = Date.parse(f.manager.apiGroups()[0].lastEvaluation);
    expect(last).toBeGreaterThanOrEqual(START + 3000);
    expect(last).toBeLessThanOrEqual(START + 4000);
  });

  it('reports a failing query as rule health err with the engine message', async () => {
    const f = setup({ 'rules/a.yml': 'groups:\n- name: g\n  rules:\n  - record: r\n    expr: x / on(i) group_left y\n' });
    await f.manager.load(f.settings);
    f.manager.start();
    gauge(f.head, f.time, { __name__: 'x', i: '1' }, 1);
    gauge(f.head, f.time, { __name__: 'y', i: '1', a: '1' }, 1);
    gauge(f.head, f.time, { __name__: 'y', i: '1', a: '2' }, 1);
    await f.time.advance(1000);
    const r = f.manager.apiGroups('recording')[0].rules[0];
    expect(r.health).toBe('err');
    expect(r.lastError).toMatch(/many-to-many|multiple matches/);
    expect(f.manager.apiGroups('alerting')).toEqual([]);
  });
});
