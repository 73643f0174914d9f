// Loads Prometheus rule files (groups of recording/alerting rules) strictly, with promtool's validation and file:line:col errors.
import type { Scalar } from 'yaml';
import { isValidLabelName, isValidLabelValue, isValidMetricName } from './names.ts';
import { checkAlertTemplate } from './template/index.ts';
import { YamlDecoder, type FileProblem } from './yamlnode.ts';

export type { FileProblem };

/** 1-based position in the rule file. */
export interface SourcePos {
  line: number;
  col: number;
}

export interface RecordingRuleDef {
  type: 'recording';
  /** The `record` metric name. */
  name: string;
  expr: string;
  labels: Record<string, string>;
  pos: SourcePos;
  exprPos: SourcePos;
}

export interface AlertingRuleDef {
  type: 'alerting';
  /** The `alert` name. */
  name: string;
  expr: string;
  forMs: number;
  keepFiringForMs: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  pos: SourcePos;
  exprPos: SourcePos;
}

export type RuleDef = RecordingRuleDef | AlertingRuleDef;

export interface RuleGroupDef {
  name: string;
  file: string;
  /** Unset means the global evaluation_interval. */
  intervalMs?: number;
  /** 0 means no limit. */
  limit: number;
  /** Unset means the global rule_query_offset. */
  queryOffsetMs?: number;
  /** Group labels (Prometheus 3); rule labels win on conflict. */
  labels: Record<string, string>;
  rules: RuleDef[];
  pos: SourcePos;
}

/** Problem in a PromQL expression; `offset` is within the expression string. */
export interface ExprProblem {
  message: string;
  offset?: number;
}

export interface RuleFileDeps {
  /** PromQL syntax check (wired to shared/promql's parser); null when the expression is fine. */
  validateExpr?: (expr: string) => ExprProblem | null;
}

export interface LoadedRuleFile {
  groups: RuleGroupDef[];
  /** Any error means Prometheus would refuse the whole file. */
  errors: FileProblem[];
}

interface RawRule {
  node: unknown;
  record?: { value: string; node: unknown };
  alert?: { value: string; node: unknown };
  expr?: { value: string; node: unknown };
  forMs?: number;
  forKey?: Scalar;
  keepFiringForMs?: number;
  keepKey?: Scalar;
  labels: Map<string, { value: string; keyNode: Scalar; valueNode: unknown }>;
  annotations: Map<string, { value: string; keyNode: Scalar; valueNode: unknown }>;
  annotationsKey?: Scalar;
}

function toRecord(m: Map<string, { value: string }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of m) out[k] = v.value;
  return out;
}

/** Parses and validates one rule file's text. `file` is used in every error. */
export function loadRuleFile(text: string, file: string, deps: RuleFileDeps = {}): LoadedRuleFile {
  const d = new YamlDecoder(text, file);
  const groups: RuleGroupDef[] = [];
  const seen = new Set<string>();

  for (const root of d.documents()) {
    d.mapping(root, 'rulefmt.RuleGroups', {
      groups: (v) => {
        for (const gnode of d.seq(v, '[]rulefmt.RuleGroup')) {
          const g = decodeGroup(d, gnode, file, deps);
          if (!g) continue;
          if (g.name === '') d.error(gnode, 'Groupname must not be empty');
          else if (seen.has(g.name)) d.error(gnode, `groupname: ${JSON.stringify(g.name)} is repeated in the same file`);
          seen.add(g.name);
          groups.push(g);
        }
      },
    });
  }
  d.errors.sort((a, b) => a.line - b.line || a.col - b.col);
  return { groups, errors: d.errors };
}

function decodeGroup(d: YamlDecoder, node: unknown, file: string, deps: RuleFileDeps): RuleGroupDef | undefined {
  let name = '';
  let intervalMs: number | undefined;
  let limit = 0;
  let queryOffsetMs: number | undefined;
  let labels = new Map<string, { value: string; keyNode: Scalar; valueNode: unknown }>();
  const rawRules: RawRule[] = [];
  const ok = d.mapping(node, 'rulefmt.RuleGroup', {
    name: (v) => {
      name = d.string(v) ?? '';
    },
    interval: (v) => {
      intervalMs = d.duration(v);
    },
    limit: (v) => {
      limit = d.int(v) ?? 0;
    },
    query_offset: (v) => {
      queryOffsetMs = d.duration(v);
    },
    labels: (v) => {
      labels = d.stringMap(v);
    },
    rules: (v) => {
      for (const rn of d.seq(v, '[]rulefmt.Rule')) {
        const r = decodeRule(d, rn);
        if (r) rawRules.push(r);
      }
    },
  });
  if (!ok) return undefined;
  for (const [k, l] of labels) {
    if (!isValidLabelName(k) || k === '__name__') d.error(l.keyNode, `invalid label name: ${k}`);
    if (!isValidLabelValue(l.value)) d.error(l.valueNode, `invalid label value: ${l.value}`);
  }
  const rules: RuleDef[] = [];
  rawRules.forEach((r, i) => {
    const def = validateRule(d, r, name, i + 1, deps);
    if (def) rules.push(def);
  });
  return { name, file, intervalMs, limit, queryOffsetMs, labels: toRecord(labels), rules, pos: d.pos(d.offsetOf(node)) };
}

function decodeRule(d: YamlDecoder, node: unknown): RawRule | undefined {
  const r: RawRule = { node, labels: new Map(), annotations: new Map() };
  const str = (v: unknown): { value: string; node: unknown } | undefined => {
    const s = d.string(v);
    return s === undefined ? undefined : { value: s, node: v };
  };
  const ok = d.mapping(node, 'rulefmt.Rule', {
    record: (v) => {
      r.record = str(v);
    },
    alert: (v) => {
      r.alert = str(v);
    },
    expr: (v) => {
      r.expr = str(v);
    },
    for: (v, k) => {
      r.forMs = d.duration(v);
      r.forKey = k;
    },
    keep_firing_for: (v, k) => {
      r.keepFiringForMs = d.duration(v);
      r.keepKey = k;
    },
    labels: (v) => {
      r.labels = d.stringMap(v);
    },
    annotations: (v, k) => {
      r.annotations = d.stringMap(v);
      r.annotationsKey = k;
    },
  });
  return ok ? r : undefined;
}

function validateRule(d: YamlDecoder, r: RawRule, group: string, index: number, deps: RuleFileDeps): RuleDef | undefined {
  const record = r.record?.value ?? '';
  const alert = r.alert?.value ?? '';
  const ruleName = alert !== '' ? alert : record;
  const prefix = `group ${JSON.stringify(group)}, rule ${index}, ${JSON.stringify(ruleName)}: `;
  const before = d.errors.length;
  const err = (node: unknown, msg: string, offset?: number): void => {
    d.errorAt(offset !== undefined ? d.valueOffset(node, offset) : d.offsetOf(node), prefix + msg);
  };

  if (record !== '' && alert !== '') err(r.record?.node, "only one of 'record' and 'alert' must be set");
  if (record === '' && alert === '') err(r.node, "one of 'record' or 'alert' must be set");
  const expr = r.expr?.value ?? '';
  if (expr === '') err(r.expr?.node ?? r.node, "field 'expr' must be set in rule");
  else if (deps.validateExpr) {
    const p = deps.validateExpr(expr);
    if (p) err(r.expr?.node, `could not parse expression: ${p.message}`, p.offset);
  }
  if (record !== '') {
    if (r.annotations.size > 0) err(r.annotationsKey, "invalid field 'annotations' in recording rule");
    if ((r.forMs ?? 0) !== 0) err(r.forKey, "invalid field 'for' in recording rule");
    if ((r.keepFiringForMs ?? 0) !== 0) err(r.keepKey, "invalid field 'keep_firing_for' in recording rule");
    if (!isValidMetricName(record)) err(r.record?.node, `invalid recording rule name: ${record}`);
  }
  if (alert !== '' && !isValidLabelValue(alert)) err(r.alert?.node, `invalid alerting rule name: ${alert}`);
  for (const [k, l] of r.labels) {
    if (!isValidLabelName(k) || k === '__name__') err(l.keyNode, `invalid label name: ${k}`);
    if (!isValidLabelValue(l.value)) err(l.valueNode, `invalid label value: ${l.value}`);
  }
  for (const [k, a] of r.annotations) {
    if (!isValidLabelName(k)) err(a.keyNode, `invalid annotation name: ${k}`);
  }
  if (alert !== '') {
    // promtool parses every label and annotation template of alerting rules.
    for (const [kind, m] of [['label', r.labels], ['annotation', r.annotations]] as const) {
      for (const [k, l] of m) {
        const t = checkAlertTemplate(alert, l.value);
        if (t) err(l.valueNode, `${kind} ${JSON.stringify(k)}: ${t.message}`, t.offset);
      }
    }
  }
  if (d.errors.length > before) return undefined;

  const pos = d.pos(d.offsetOf(r.node));
  const exprPos = d.pos(d.offsetOf(r.expr?.node));
  if (record !== '') return { type: 'recording', name: record, expr, labels: toRecord(r.labels), pos, exprPos };
  return {
    type: 'alerting',
    name: alert,
    expr,
    forMs: r.forMs ?? 0,
    keepFiringForMs: r.keepFiringForMs ?? 0,
    labels: toRecord(r.labels),
    annotations: toRecord(r.annotations),
    pos,
    exprPos,
  };
}
