// Tests for the /api/v1/rules and /api/v1/alerts shapes, and for ALERTS feeding a later rule (NewAlerts_OrderCheck).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleFile, type AlertingRuleDef } from '../rules/rulefile.ts';
import { apiAlertingRule, apiRecordingRule, apiRuleGroup } from './api.ts';
import { alertingSpec } from './specs.ts';
import { evaluateAlertingRule, newAlertingRuleState, type AlertingRuleState, type RuleSample, type VectorSample } from './state.ts';

const repoRoot = path.resolve(__dirname, '../..');
const file = loadRuleFile(readFileSync(path.resolve(repoRoot, '../shared/conformance/alerting/rules.yaml'), 'utf8'), 'rules.yaml');
const G = 'NewAlerts_OrderCheck';
const group = file.groups.find((g) => g.name === G)!;
const [r1, r2] = group.rules.map((r) => alertingSpec(r as AlertingRuleDef, group));

/** Hand evaluation of rule 2's expression over rule 1's ALERTS samples (one-to-one `+ ignoring(variant)`, then `== 2`). */
function rule2Vector(alerts: RuleSample[]): VectorSample[] {
  const firing = (variant: string) => alerts.find((s) => s.labels.__name__ === 'ALERTS' && s.labels.alertstate === 'firing' && s.labels.variant === variant);
  const one = firing('one');
  const two = firing('two');
  if (!one || !two || one.v + two.v !== 2) return [];
  const { __name__: _n, variant: _v, ...rest } = one.labels;
  return [{ labels: rest, value: one.v + two.v }];
}

describe('NewAlerts_OrderCheck', () => {
  const seriesValue = (t: number, pendingAt: number) => (t >= pendingAt ? 11 : 1);
  let s1: AlertingRuleState = newAlertingRuleState();
  let s2: AlertingRuleState = newAlertingRuleState();
  const snapshots = new Map<number, { s1: AlertingRuleState; s2: AlertingRuleState }>();
  for (let t = 0; t <= 900_000; t += 30_000) {
    const v1: VectorSample[] = [
      { variant: 'one', at: 120_000 },
      { variant: 'two', at: 480_000 },
    ]
      .filter((x) => seriesValue(t, x.at) > 10)
      .map((x) => ({ labels: { __name__: 'alert_generator_test_suite', alertname: r1.name, rulegroup: G, variant: x.variant }, value: 11 }));
    const a = evaluateAlertingRule(r1, s1, v1, t, { intervalMs: 30_000 });
    // The samples of rule 1 are visible to rule 2 in the same evaluation.
    const b = evaluateAlertingRule(r2, s2, rule2Vector(a.samples), t, { intervalMs: 30_000 });
    s1 = a.state;
    s2 = b.state;
    snapshots.set(t / 1000, { s1, s2 });
  }

  it('fires rule 2 once both variants of rule 1 fire, keeping ALERTS labels and overriding alertname and foo', () => {
    expect(apiAlertingRule(r2, snapshots.get(630)!.s2).alerts).toEqual([]);
    const api = apiAlertingRule(r2, snapshots.get(660)!.s2);
    expect(api.state).toBe('firing');
    expect(api.alerts).toEqual([
      {
        labels: { alertname: `${G}_Rule2`, alertstate: 'firing', ba_dum: 'tss', foo: 'baz', rulegroup: G },
        annotations: { description: `Based on ALERTS. Old alertname was ${G}_Rule1. foo was bar.` },
        state: 'firing',
        activeAt: '1970-01-01T00:11:00Z',
        value: '2e+00',
      },
    ]);
  });

  it('shapes /api/v1/rules like Prometheus', () => {
    const { s1: st } = snapshots.get(300)!;
    const rule = apiAlertingRule(r1, st, 0.002);
    expect(Object.keys(rule)).toEqual(['state', 'name', 'query', 'duration', 'keepFiringFor', 'labels', 'annotations', 'alerts', 'health', 'evaluationTime', 'lastEvaluation', 'type']);
    expect(rule).toMatchObject({ state: 'firing', duration: 180, keepFiringFor: 0, health: 'ok', lastEvaluation: '1970-01-01T00:05:00Z', evaluationTime: 0.002, labels: { foo: 'bar', rulegroup: G } });
    expect(rule.alerts.map((a) => [a.labels.variant, a.state, a.activeAt])).toEqual([['one', 'firing', '1970-01-01T00:02:00Z']]);
    expect(apiAlertingRule(r1, newAlertingRuleState()).state).toBe('unknown');
    const rec = apiRecordingRule({ name: 'job:up', expr: 'sum(up)', labels: {} }, { health: 'err', lastError: 'boom', lastEvaluation: 0 });
    expect(rec).toEqual({ name: 'job:up', query: 'sum(up)', health: 'err', lastError: 'boom', evaluationTime: 0, lastEvaluation: '1970-01-01T00:00:00Z', type: 'recording' });
    expect(apiRuleGroup({ name: G, file: 'rules.yaml', intervalMs: 30_000, limit: 0 }, [rec], undefined)).toEqual({
      name: G,
      file: 'rules.yaml',
      rules: [rec],
      interval: 30,
      limit: 0,
      evaluationTime: 0,
      lastEvaluation: '0001-01-01T00:00:00Z',
    });
  });
});
