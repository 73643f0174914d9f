// Timelines of the alert-generator compliance cases (upstream-cases/) replayed on the pure state machine with a fake clock.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Labels } from '../model/labels.ts';
import { isStaleMarker } from '../model/stale.ts';
import { loadRuleFile, type AlertingRuleDef, type RuleGroupDef } from '../rules/rulefile.ts';
import type { TemplateQueryFn } from '../rules/template/index.ts';
import { shapeRecordingOutput } from './recording.ts';
import { alertingSpec } from './specs.ts';
import {
  activeAlerts,
  alertStateFromJSON,
  alertStateToJSON,
  evaluateAlertingRule,
  newAlertingRuleState,
  restoreForState,
  ruleState,
  type AlertingRuleSpec,
  type AlertingRuleState,
  type AlertEvalResult,
  type VectorSample,
} from './state.ts';

const repoRoot = path.resolve(__dirname, '../..');
const file = loadRuleFile(readFileSync(path.resolve(repoRoot, '../shared/conformance/alerting/rules.yaml'), 'utf8'), 'rules.yaml');
const group = (name: string): RuleGroupDef => file.groups.find((g) => g.name === name) as RuleGroupDef;
const rule = (g: string, name: string): AlertingRuleSpec => alertingSpec(group(g).rules.find((r) => r.name === name) as AlertingRuleDef, group(g));

const RW = 15_000;
const GI = 30_000;

/** upstream utils.go sampleSlice: "v" sets the value, "aXn" adds a n times; one sample per 15s. */
function sampleSlice(...values: string[]): number[] {
  const out: number[] = [];
  let val = 0;
  for (const v of values) {
    const [a, n] = v.split('x');
    if (n === undefined) out.push((val = Number(a)));
    else for (let i = 0; i < Number(n); i++) out.push((val += Number(a)));
  }
  return out;
}

/** Latest sample at or before t (the tests never have gaps longer than the lookback). */
const valueAt = (samples: number[], t: number): number | undefined => (t < 0 ? undefined : samples[Math.min(Math.floor(t / RW), samples.length - 1)]);

interface Step {
  t: number;
  res: AlertEvalResult;
}

function run(spec: AlertingRuleSpec, vectorAt: (t: number) => VectorSample[], until: number, query?: TemplateQueryFn): Step[] {
  let state: AlertingRuleState = newAlertingRuleState();
  const steps: Step[] = [];
  for (let t = 0; t <= until; t += GI) {
    const res = evaluateAlertingRule(spec, state, vectorAt(t), t, { intervalMs: GI, query });
    state = res.state;
    steps.push({ t, res });
  }
  return steps;
}

const seriesLabels = (g: string, alert: string): Labels => ({ __name__: 'alert_generator_test_suite', alertname: alert, rulegroup: g });
const above = (samples: number[], threshold: number, labels: Labels) => (t: number): VectorSample[] => {
  const v = valueAt(samples, t);
  return v !== undefined && v > threshold ? [{ labels, value: v }] : [];
};
const sends = (steps: Step[]) => steps.flatMap((s) => s.res.alertsToSend.map((a) => ({ t: s.t / 1000, endsAt: a.endsAt, startsAt: a.startsAt, summary: a.annotations.summary })));
const secs = (s: number): string => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

describe('PendingAndFiringAndResolved', () => {
  const G = 'PendingAndFiringAndResolved';
  const samples = sampleSlice('3', '5', '0x2', '9', '0x3', '11', '0x12', '15', '0x11', '0x20', '19', '0x15', '9', '0x19', '15', '0x24', '0x20', '8', '0x15');
  const steps = run(rule(G, `${G}_SimpleAlert`), above(samples, 10, seriesLabels(G, `${G}_SimpleAlert`)), 3000_000);
  const at = (sec: number) => steps.find((s) => s.t === sec * 1000) as Step;

  it('walks pending → firing → inactive → pending → firing → inactive at the 8th/32nd/69th/89th/113th/134th samples', () => {
    const states = (sec: number) => [ruleState(at(sec).res.state), activeAlerts(at(sec).res.state)[0]?.activeAt];
    expect(states(90)).toEqual(['inactive', undefined]);
    expect(states(120)).toEqual(['pending', 120_000]); // 8th sample
    expect(states(450)).toEqual(['pending', 120_000]);
    expect(states(480)).toEqual(['firing', 120_000]); // 32nd: activeAt + 6m
    expect(states(1050)).toEqual(['inactive', undefined]); // after the 69th
    expect(states(1350)).toEqual(['pending', 1350_000]); // the 89th makes a new alert
    expect(states(1710)).toEqual(['firing', 1350_000]);
    expect(states(2010)).toEqual(['inactive', undefined]); // 134th
  });

  it('updates annotations and value while pending and firing', () => {
    expect(activeAlerts(at(300).res.state)[0]).toMatchObject({ value: 11, annotations: { description: 'SimpleAlert is firing', summary: 'The value is 11 11' } });
    expect(activeAlerts(at(330).res.state)[0].annotations.summary).toBe('The value is 15 15');
    expect(activeAlerts(at(810).res.state)[0]).toMatchObject({ state: 'firing', value: 19, annotations: { summary: 'The value is 19 19' } });
  });

  it('sends firing alerts when they fire and after each resend delay, resolved ones for 15m', () => {
    const got = sends(steps);
    const firing1 = [480, 570, 660, 750, 840, 930, 1020];
    const resolved1 = [1050, 1140, 1230, 1320];
    const firing2 = [1710, 1800, 1890, 1980];
    const resolved2 = [2010, 2100, 2190, 2280, 2370, 2460, 2550, 2640, 2730, 2820, 2910];
    expect(got.map((s) => s.t)).toEqual([...firing1, ...resolved1, ...firing2, ...resolved2]);
    // startsAt is FiredAt; endsAt is ValidUntil (4 × max(interval, resend delay)) or ResolvedAt.
    expect(got[0]).toMatchObject({ startsAt: secs(480), endsAt: secs(480 + 240), summary: 'The value is 15 15' });
    expect(got[4]).toMatchObject({ startsAt: secs(480), endsAt: secs(840 + 240), summary: 'The value is 19 19' });
    expect(got[7]).toMatchObject({ startsAt: secs(480), endsAt: secs(1050) });
    expect(got[10]).toMatchObject({ startsAt: secs(480), endsAt: secs(1050) });
    expect(got[11]).toMatchObject({ startsAt: secs(1710), endsAt: secs(1710 + 240) });
    expect(got.at(-1)).toMatchObject({ startsAt: secs(1710), endsAt: secs(2010) });
    // Gone after ResolvedAt + 15m.
    expect(at(2940).res.state.alerts).toEqual([]);
  });

  it('writes ALERTS and ALERTS_FOR_STATE for active alerts, and stale markers when they go', () => {
    const base = { alertname: `${G}_SimpleAlert`, foo: 'bar', rulegroup: G };
    expect(at(120).res.samples).toEqual([
      { labels: { ...base, __name__: 'ALERTS', alertstate: 'pending' }, t: 120_000, v: 1 },
      { labels: { ...base, __name__: 'ALERTS_FOR_STATE' }, t: 120_000, v: 120 },
    ]);
    const firing = at(480).res.samples;
    expect(firing[0].labels.alertstate).toBe('firing');
    expect(firing.some((s) => isStaleMarker(s.v) && s.labels.alertstate === 'pending')).toBe(true);
    const resolved = at(1050).res.samples;
    expect(resolved.length).toBe(2);
    expect(resolved.every((s) => isStaleMarker(s.v))).toBe(true);
    expect(at(1080).res.samples).toEqual([]);
  });
});

describe('ZeroFor_SmallFor', () => {
  const G = 'ZeroFor_SmallFor';
  const samples = sampleSlice('3', '5', '0x2', '9', '0x3', '15', '0x12', '9', '0x71', '11', '0x12', '9');
  const templateSeries = [1, 2, 3].map((i) => ({ id: String(100 + i), values: sampleSlice(String(i), '0x27', String(2 * i), '0x200') }));
  const query: TemplateQueryFn = (expr, t) => {
    expect(expr).toBe("alert_generator_test_suite{rulegroup='ZeroFor_SmallFor',for='template'}");
    return { samples: templateSeries.map((s) => ({ labels: { __name__: 'alert_generator_test_suite', rulegroup: G, for: 'template', id: s.id }, value: valueAt(s.values, t) as number })) };
  };
  const zf = run(rule(G, `${G}_ZeroFor`), above(samples, 10, seriesLabels(G, `${G}_ZeroFor`)), 2700_000, query);
  const sf = run(rule(G, `${G}_SmallFor`), above(samples, 13, seriesLabels(G, `${G}_SmallFor`)), 2700_000, query);
  const at = (steps: Step[], sec: number) => steps.find((s) => s.t === sec * 1000) as Step;

  it('zero `for` fires at once; small `for` fires at the next evaluation', () => {
    expect(ruleState(at(zf, 120).res.state)).toBe('firing');
    expect(ruleState(at(sf, 120).res.state)).toBe('pending');
    expect(ruleState(at(sf, 150).res.state)).toBe('firing');
    expect(at(sf, 120).res.alertsToSend).toEqual([]);
    expect(at(sf, 150).res.alertsToSend.length).toBe(1);
  });

  it('expands the conformance annotations', () => {
    const a = activeAlerts(at(zf, 120).res.state)[0];
    expect(a.annotations).toEqual({
      description: 'This should immediately fire',
      template_test: '1.049M 1Mi 2m 15s 95.9% 2022-01-25 12:36:43 +0000 UTC',
      template_query_test: 'Args are: foo bar 99. first_id:101,101:1,102:2,103:3,',
    });
    expect(a.labels).toEqual({ alertname: `${G}_ZeroFor`, foo: 'bar', rulegroup: G });
    expect(activeAlerts(at(sf, 150).res.state)[0].annotations.template_test).toBe('This Part IS TESTING the strings. ::1 127.0.0.1. 7815. replaced text. .');
  });

  it('fires again as a new alert after the old one stopped being sent', () => {
    expect(ruleState(at(zf, 1380).res.state)).toBe('inactive');
    expect(at(zf, 1380).res.state.alerts).toEqual([]);
    const again = activeAlerts(at(zf, 1410).res.state)[0];
    expect(again).toMatchObject({ state: 'firing', activeAt: 1410_000, firedAt: 1410_000, value: 11 });
    expect(again.annotations.template_query_test).toBe('Args are: foo bar 99. first_id:101,101:2,102:4,103:6,');
    expect(ruleState(at(sf, 1410).res.state)).toBe('inactive');
    expect(sends(zf).filter((s) => s.t >= 1410)[0]).toMatchObject({ t: 1410, startsAt: secs(1410) });
  });
});

describe('rule errors', () => {
  const spec: AlertingRuleSpec = { name: 'High', expr: 'x > 1', forMs: 0, keepFiringForMs: 0, labels: { severity: 'page', instance: '' }, annotations: {} };
  const opts = { intervalMs: GI };

  it('fails on duplicate label sets after applying alert labels, sending and writing nothing', () => {
    const st = evaluateAlertingRule(spec, newAlertingRuleState(), [{ labels: { __name__: 'x', job: 'a' }, value: 2 }], 0, opts).state;
    const r = evaluateAlertingRule(spec, st, [
      { labels: { __name__: 'x', job: 'a', instance: '1' }, value: 2 },
      { labels: { __name__: 'x', job: 'a', instance: '2' }, value: 3 },
    ], GI, opts);
    expect(r.error).toBe('vector contains metrics with the same labelset after applying alert labels');
    expect(r.state.health).toBe('err');
    expect(r.samples).toEqual([]);
    expect(r.alertsToSend).toEqual([]);
    // The previous alerts are kept.
    expect(r.state.alerts.map((a) => a.labels)).toEqual([{ alertname: 'High', job: 'a', severity: 'page' }]);
  });

  it('enforces the group limit and clears every alert', () => {
    const v = [1, 2, 3].map((i) => ({ labels: { job: String(i) }, value: i }));
    const r = evaluateAlertingRule(spec, newAlertingRuleState(), v, 0, { ...opts, limit: 2 });
    expect(r.error).toBe('exceeded limit of 2 with 3 alerts');
    expect(r.state.alerts).toEqual([]);
    expect(evaluateAlertingRule(spec, newAlertingRuleState(), v, 0, { ...opts, limit: 3 }).error).toBeUndefined();
  });

  it('keeps firing for keep_firing_for after the condition clears', () => {
    const k: AlertingRuleSpec = { ...spec, keepFiringForMs: 60_000 };
    let st = newAlertingRuleState();
    const v = [{ labels: { job: 'a' }, value: 5 }];
    const seq: string[] = [];
    for (let t = 0; t <= 150_000; t += GI) {
      const r = evaluateAlertingRule(k, st, t === 0 ? v : [], t, opts);
      st = r.state;
      seq.push(`${ruleState(st)}${r.alertsToSend.length ? '!' : ''}`);
    }
    // Fires at 0; missing from 30s; still firing at 30s and 60s (< 60s since 30s); resolved at 90s, re-sent after 180s.
    expect(seq).toEqual(['firing!', 'firing', 'firing', 'inactive!', 'inactive', 'inactive']);
  });

  it('uses externalURL + table link as generatorURL and templates with external labels', () => {
    const t: AlertingRuleSpec = { ...spec, labels: { dc: '{{ $externalLabels.dc }}' }, annotations: { s: '{{ $labels.job }} {{ $value | humanize }}' } };
    const r = evaluateAlertingRule(t, newAlertingRuleState(), [{ labels: { job: 'api' }, value: 1234567 }], 0, { ...opts, externalURL: 'http://prom:9090', externalLabels: { dc: 'eu' } });
    expect(r.alertsToSend).toEqual([
      { labels: { alertname: 'High', dc: 'eu', job: 'api' }, annotations: { s: 'api 1.235M' }, startsAt: secs(0), endsAt: secs(240), generatorURL: 'http://prom:9090/graph?g0.expr=x+%3E+1&g0.tab=1' },
    ]);
  });

  it('puts template execution errors into the value', () => {
    const t: AlertingRuleSpec = { ...spec, annotations: { s: '{{ .Labels.job.x }}' } };
    const r = evaluateAlertingRule(t, newAlertingRuleState(), [{ labels: { job: 'api' }, value: 1 }], 0, opts);
    expect(r.state.alerts[0].annotations.s).toMatch(/^<error expanding template: error executing template __alert_High: template: __alert_High:1:\d+: executing "__alert_High" at <.Labels.job.x>: can't evaluate field x in type string>$/);
  });

  it('writes no series until for-state is restored', () => {
    const r = evaluateAlertingRule(spec, newAlertingRuleState(false), [{ labels: { job: 'a' }, value: 2 }], 0, opts);
    expect(r.samples).toEqual([]);
    expect(r.alertsToSend.length).toBe(1);
  });
});

describe('restart', () => {
  const spec: AlertingRuleSpec = { name: 'Slow', expr: 'y > 1', forMs: 30 * 60_000, keepFiringForMs: 0, labels: {}, annotations: { v: '{{ $value }}' } };
  const v = [{ labels: { job: 'a' }, value: NaN }];

  it('round-trips through JSON, NaN values included', () => {
    const st = evaluateAlertingRule(spec, newAlertingRuleState(), v, 60_000, { intervalMs: GI }).state;
    const back = alertStateFromJSON(alertStateToJSON(st));
    expect(back.ok).toBe(true);
    if (back.ok) {
      expect(back.state.alerts[0].value).toBeNaN();
      expect({ ...back.state, alerts: back.state.alerts.map((a) => ({ ...a, value: 0 })) }).toEqual({ ...st, alerts: st.alerts.map((a) => ({ ...a, value: 0 })) });
    }
    expect(alertStateFromJSON('{"version":2}')).toEqual({ ok: false, error: 'invalid alert state: expected version 1 with an alerts list' });
    expect(alertStateFromJSON('nope').ok).toBe(false);
  });

  it('restores pending time from ALERTS_FOR_STATE like Prometheus', () => {
    // Went pending at 0, went down at 10m, back at 20m: 20m of `for` remain, so ActiveAt moves by the 10m outage.
    const afterRestart = evaluateAlertingRule(spec, newAlertingRuleState(false), v, 20 * 60_000, { intervalMs: GI }).state;
    const restored = restoreForState(spec, afterRestart, (l) => (l.__name__ === 'ALERTS_FOR_STATE' && l.job === 'a' ? { t: 10 * 60_000, v: 0 } : undefined), 20 * 60_000);
    expect(restored.restored).toBe(true);
    expect(restored.alerts[0].activeAt).toBe(10 * 60_000);
    // Near the end of `for`: the grace period applies.
    const nearEnd = restoreForState(spec, afterRestart, () => ({ t: 25 * 60_000, v: 0 }), 30 * 60_000);
    expect(nearEnd.alerts[0].activeAt).toBe(30 * 60_000 + 10 * 60_000 - 30 * 60_000);
  });
});

describe('recording rules', () => {
  it('renames, applies labels and rejects duplicates', () => {
    const v = [
      { labels: { __name__: 'up', job: 'a', instance: '1' }, value: 1 },
      { labels: { __name__: 'up', job: 'b', instance: '2' }, value: 0 },
    ];
    expect(shapeRecordingOutput({ name: 'job:up', labels: { env: 'prod' } }, v, 5)).toEqual({
      ok: true,
      samples: [
        { labels: { __name__: 'job:up', job: 'a', instance: '1', env: 'prod' }, t: 5, v: 1 },
        { labels: { __name__: 'job:up', job: 'b', instance: '2', env: 'prod' }, t: 5, v: 0 },
      ],
    });
    expect(shapeRecordingOutput({ name: 'x', labels: { instance: '' , job: 'same' } }, v, 5)).toEqual({ ok: false, error: 'vector contains metrics with the same labelset after applying rule labels' });
    expect(shapeRecordingOutput({ name: 'x', labels: {} }, v, 5, 1)).toEqual({ ok: false, error: 'exceeded limit of 1 with 2 series' });
  });
});
