// Shapes rule and alert state into Prometheus's GET /api/v1/rules and /api/v1/alerts JSON objects.
import { compareLabels, type Labels } from '../model/labels.ts';
import { formatFloat } from '../rules/template/gofmt.ts';
import { activeAlerts, ruleState, type AlertInstance, type AlertingRuleSpec, type AlertingRuleState, type RuleHealth } from './state.ts';
import { formatRFC3339 } from './time.ts';

/** One entry of `alerts` in /api/v1/alerts and in an alerting rule. */
export interface APIAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: string;
  activeAt: string;
  keepFiringSince?: string;
  /** strconv.FormatFloat(v, 'e', -1, 64), as Prometheus prints it. */
  value: string;
}

export interface APIAlertingRule {
  state: string;
  name: string;
  query: string;
  duration: number;
  keepFiringFor: number;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  alerts: APIAlert[];
  health: RuleHealth;
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  type: 'alerting';
}

export interface APIRecordingRule {
  name: string;
  query: string;
  labels?: Record<string, string>;
  health: RuleHealth;
  lastError?: string;
  evaluationTime: number;
  lastEvaluation: string;
  type: 'recording';
}

export interface APIRuleGroup {
  name: string;
  file: string;
  rules: (APIAlertingRule | APIRecordingRule)[];
  interval: number;
  limit: number;
  evaluationTime: number;
  lastEvaluation: string;
}

function sortedLabels(l: Labels): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(l).sort()) out[k] = l[k];
  return out;
}

/** An alert instance in API form. */
export function apiAlert(a: AlertInstance): APIAlert {
  const out: APIAlert = {
    labels: sortedLabels(a.labels),
    annotations: sortedLabels(a.annotations),
    state: a.state,
    activeAt: formatRFC3339(a.activeAt),
    value: formatFloat(a.value, 'e', -1),
  };
  if (a.keepFiringSince !== undefined) out.keepFiringSince = formatRFC3339(a.keepFiringSince);
  return out;
}

/** Pending and firing alerts of a rule, ordered by labels. */
export function apiAlerts(state: AlertingRuleState): APIAlert[] {
  return activeAlerts(state)
    .sort((x, y) => compareLabels(x.labels, y.labels))
    .map(apiAlert);
}

/** An alerting rule in /api/v1/rules; `evaluationTimeSec` is how long its last evaluation took. */
export function apiAlertingRule(spec: AlertingRuleSpec, state: AlertingRuleState, evaluationTimeSec = 0): APIAlertingRule {
  const out: APIAlertingRule = {
    state: ruleState(state),
    name: spec.name,
    query: spec.expr,
    duration: spec.forMs / 1000,
    keepFiringFor: spec.keepFiringForMs / 1000,
    labels: sortedLabels(spec.labels),
    annotations: sortedLabels(spec.annotations),
    alerts: apiAlerts(state),
    health: state.health,
    evaluationTime: evaluationTimeSec,
    lastEvaluation: formatRFC3339(state.lastEvaluation),
    type: 'alerting',
  };
  if (state.lastError !== '') out.lastError = state.lastError;
  // Keep Go's field order: lastError sits between health and evaluationTime.
  return reorder(out, ['state', 'name', 'query', 'duration', 'keepFiringFor', 'labels', 'annotations', 'alerts', 'health', 'lastError', 'evaluationTime', 'lastEvaluation', 'type']);
}

/** A recording rule in /api/v1/rules. */
export function apiRecordingRule(
  spec: { name: string; expr: string; labels: Readonly<Record<string, string>> },
  status: { health: RuleHealth; lastError: string; lastEvaluation?: number; evaluationTimeSec?: number },
): APIRecordingRule {
  const out: APIRecordingRule = {
    name: spec.name,
    query: spec.expr,
    health: status.health,
    evaluationTime: status.evaluationTimeSec ?? 0,
    lastEvaluation: formatRFC3339(status.lastEvaluation),
    type: 'recording',
  };
  if (Object.keys(spec.labels).length > 0) out.labels = sortedLabels(spec.labels);
  if (status.lastError !== '') out.lastError = status.lastError;
  return reorder(out, ['name', 'query', 'labels', 'health', 'lastError', 'evaluationTime', 'lastEvaluation', 'type']);
}

/** A rule group in /api/v1/rules. */
export function apiRuleGroup(
  group: { name: string; file: string; intervalMs: number; limit: number },
  rules: (APIAlertingRule | APIRecordingRule)[],
  lastEvaluation?: number,
  evaluationTimeSec = 0,
): APIRuleGroup {
  return { name: group.name, file: group.file, rules, interval: group.intervalMs / 1000, limit: group.limit, evaluationTime: evaluationTimeSec, lastEvaluation: formatRFC3339(lastEvaluation) };
}

function reorder<T extends object>(o: T, keys: string[]): T {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (k in o) out[k] = (o as Record<string, unknown>)[k];
  return out as T;
}
