// Tests for rule-file loading: the conformance rules.yaml, strictness, promtool validations and error positions.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRuleFile, type ExprProblem } from './rulefile.ts';

const repoRoot = path.resolve(__dirname, '../..');
const conformance = readFileSync(path.resolve(repoRoot, '../shared/conformance/alerting/rules.yaml'), 'utf8');

/** Stand-in PromQL check: flags an unbalanced "(" at its offset. */
const validateExpr = (expr: string): ExprProblem | null => {
  const open: number[] = [];
  for (let i = 0; i < expr.length; i++) {
    if (expr[i] === '(') open.push(i);
    else if (expr[i] === ')') open.pop();
  }
  const i = open.at(-1);
  return i === undefined ? null : { message: `1:${i + 1}: parse error: unclosed left parenthesis`, offset: i };
};

describe('conformance rules.yaml', () => {
  const r = loadRuleFile(conformance, 'rules.yaml', { validateExpr });
  it('loads without errors', () => {
    expect(r.errors).toEqual([]);
    expect(r.groups.map((g) => g.name)).toEqual(['NewAlerts_OrderCheck', 'PendingAndFiringAndResolved', 'PendingAndResolved_AlwaysInactive', 'ZeroFor_SmallFor']);
  });
  it('decodes group and rule fields', () => {
    const g = r.groups[3];
    expect(g.intervalMs).toBe(30_000);
    expect(g.limit).toBe(0);
    expect(g.rules.map((x) => [x.type, x.name, x.type === 'alerting' ? x.forMs : -1])).toEqual([
      ['alerting', 'ZeroFor_SmallFor_ZeroFor', 0],
      ['alerting', 'ZeroFor_SmallFor_SmallFor', 15_000],
    ]);
    const rule = r.groups[1].rules[0];
    expect(rule.type === 'alerting' && rule.annotations.summary).toBe('The value is {{$value}} {{.Value}}');
    expect(rule.labels).toEqual({ foo: 'bar', rulegroup: 'PendingAndFiringAndResolved' });
    expect(rule.expr).toBe('{__name__="alert_generator_test_suite", alertname="PendingAndFiringAndResolved_SimpleAlert", rulegroup="PendingAndFiringAndResolved"} > 10');
    expect(rule.pos.line).toBe(conformance.split('\n').findIndex((l) => l.includes('- alert: PendingAndFiringAndResolved_SimpleAlert')) + 1);
  });
});

describe('valid files', () => {
  it('accepts recording rules, group labels, limit and query_offset', () => {
    const r = loadRuleFile(
      `groups:
  - name: rec
    interval: 15s
    limit: 10
    query_offset: 1m
    labels:
      team: core
    rules:
      - record: job:up:sum
        expr: sum by (job) (up)
        labels:
          source: rule
`,
      'rec.yml',
    );
    expect(r.errors).toEqual([]);
    expect(r.groups[0]).toMatchObject({ name: 'rec', intervalMs: 15_000, limit: 10, queryOffsetMs: 60_000, labels: { team: 'core' } });
    expect(r.groups[0].rules[0]).toMatchObject({ type: 'recording', name: 'job:up:sum', expr: 'sum by (job) (up)', labels: { source: 'rule' }, exprPos: { line: 10, col: 15 } });
  });
  it('treats an empty file and an empty group list as valid', () => {
    expect(loadRuleFile('', 'e.yml')).toEqual({ groups: [], errors: [] });
    expect(loadRuleFile('groups: []\n', 'e.yml')).toEqual({ groups: [], errors: [] });
  });
  it('keeps numbers as written when they land in string fields', () => {
    const r = loadRuleFile('groups:\n- name: 2024\n  rules:\n  - record: x\n    expr: 1.50\n', 'n.yml');
    expect(r.errors).toEqual([]);
    expect(r.groups[0].name).toBe('2024');
    expect(r.groups[0].rules[0].expr).toBe('1.50');
  });
});

describe('errors with positions', () => {
  const errs = (text: string) => loadRuleFile(text, 'bad.yml', { validateExpr }).errors.map((e) => `${e.file}:${e.line}:${e.col}: ${e.message}`);

  it('rejects unknown fields at the key', () => {
    expect(errs('groups:\n- name: a\n  intervl: 1m\n  rules: []\n')).toEqual(['bad.yml:3:3: field intervl not found in type rulefmt.RuleGroup']);
    expect(errs('groups:\n- name: a\n  rules:\n  - alert: A\n    expr: up\n    severity: page\n')).toEqual(['bad.yml:6:5: field severity not found in type rulefmt.Rule']);
    expect(errs('group:\n- name: a\n')).toEqual(['bad.yml:1:1: field group not found in type rulefmt.RuleGroups']);
  });
  it('requires unique, non-empty group names', () => {
    expect(errs('groups:\n- name: a\n  rules: []\n- name: a\n  rules: []\n- rules: []\n')).toEqual([
      'bad.yml:4:3: groupname: "a" is repeated in the same file',
      'bad.yml:6:3: Groupname must not be empty',
    ]);
  });
  it('checks record/alert/expr presence and recording-rule fields', () => {
    expect(errs('groups:\n- name: g\n  rules:\n  - record: a\n    alert: b\n    expr: up\n')).toEqual([`bad.yml:4:13: group "g", rule 1, "b": only one of 'record' and 'alert' must be set`]);
    expect(errs('groups:\n- name: g\n  rules:\n  - expr: up\n')).toEqual([`bad.yml:4:5: group "g", rule 1, "": one of 'record' or 'alert' must be set`]);
    expect(errs('groups:\n- name: g\n  rules:\n  - alert: A\n')).toEqual([`bad.yml:4:5: group "g", rule 1, "A": field 'expr' must be set in rule`]);
    expect(errs('groups:\n- name: g\n  rules:\n  - record: a\n    expr: up\n    for: 5m\n    annotations:\n      x: y\n')).toEqual([
      `bad.yml:6:5: group "g", rule 1, "a": invalid field 'for' in recording rule`,
      `bad.yml:7:5: group "g", rule 1, "a": invalid field 'annotations' in recording rule`,
    ]);
  });
  it('validates names', () => {
    expect(errs('groups:\n- name: g\n  rules:\n  - record: 1bad\n    expr: up\n')).toEqual([`bad.yml:4:13: group "g", rule 1, "1bad": invalid recording rule name: 1bad`]);
    expect(errs('groups:\n- name: g\n  labels:\n    __name__: x\n  rules:\n  - alert: A\n    expr: up\n    labels:\n      bad-name: v\n    annotations:\n      "a b": c\n')).toEqual([
      'bad.yml:4:5: invalid label name: __name__',
      `bad.yml:9:7: group "g", rule 1, "A": invalid label name: bad-name`,
      `bad.yml:11:7: group "g", rule 1, "A": invalid annotation name: a b`,
    ]);
  });
  it('reports bad durations and types at the value', () => {
    expect(errs('groups:\n- name: g\n  interval: 5\n  rules:\n  - alert: A\n    expr: up\n    for: 1.5m\n    labels: [a]\n')).toEqual([
      'bad.yml:3:13: not a valid duration string: "5"',
      'bad.yml:7:10: unknown unit "." in duration "1.5m"',
      'bad.yml:8:13: cannot unmarshal !!seq into map[string]string',
    ]);
    expect(errs('groups:\n- name: g\n  limit: many\n  rules: []\n')).toEqual(['bad.yml:3:10: cannot unmarshal !!str `many` into int']);
  });
  it('reports a broken expression at the error inside it', () => {
    expect(errs('groups:\n- name: g\n  rules:\n  - alert: A\n    expr: sum(rate(x[5m]\n')).toEqual([
      `bad.yml:5:19: group "g", rule 1, "A": could not parse expression: 1:9: parse error: unclosed left parenthesis`,
    ]);
    expect(errs("groups:\n- name: g\n  rules:\n  - alert: A\n    expr: 'up + foo('\n")).toEqual([
      `bad.yml:5:20: group "g", rule 1, "A": could not parse expression: 1:9: parse error: unclosed left parenthesis`,
    ]);
    expect(errs('groups:\n- name: g\n  rules:\n  - alert: A\n    expr: |\n      sum by (job) (up)\n      / count(up\n')).toEqual([
      `bad.yml:7:14: group "g", rule 1, "A": could not parse expression: 1:26: parse error: unclosed left parenthesis`,
    ]);
  });
  it('parse-checks label and annotation templates of alerting rules', () => {
    expect(errs('groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    annotations:\n      summary: "value {{ $value | nope }}"\n')).toEqual([
      `bad.yml:7:35: group "g", rule 1, "A": annotation "summary": template: __alert_A:1: function "nope" not defined`,
    ]);
    expect(errs('groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up\n    labels:\n      sev: "{{ if }}"\n')).toEqual([
      `bad.yml:7:19: group "g", rule 1, "A": label "sev": template: __alert_A:1: missing value for if`,
    ]);
  });
  it('reports YAML syntax errors with their position', () => {
    const e = loadRuleFile('groups:\n- name: a\n  rules: [\n', 'bad.yml').errors;
    expect(e.length).toBeGreaterThan(0);
    expect(e[0].file).toBe('bad.yml');
    expect(e[0].line).toBeGreaterThanOrEqual(3);
    expect(loadRuleFile('groups:\n- name: a\n  name: b\n', 'dup.yml').errors[0]).toMatchObject({ line: 3, message: 'Map keys must be unique' });
  });
});
