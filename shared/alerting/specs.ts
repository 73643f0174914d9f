// Turns loaded rule-file definitions into evaluation specs, merging group labels as Prometheus 3 does.
import type { AlertingRuleDef, RecordingRuleDef, RuleGroupDef } from '../rules/rulefile.ts';
import type { AlertingRuleSpec } from './state.ts';

/** Group labels under rule labels (rule labels win). */
function mergeLabels(group: RuleGroupDef, own: Record<string, string>): Record<string, string> {
  return { ...group.labels, ...own };
}

/** The alerting rule spec for `evaluateAlertingRule`. */
export function alertingSpec(def: AlertingRuleDef, group: RuleGroupDef): AlertingRuleSpec {
  return { name: def.name, expr: def.expr, forMs: def.forMs, keepFiringForMs: def.keepFiringForMs, labels: mergeLabels(group, def.labels), annotations: def.annotations };
}

/** The recording rule spec for `shapeRecordingOutput`. */
export function recordingSpec(def: RecordingRuleDef, group: RuleGroupDef): { name: string; labels: Record<string, string> } {
  return { name: def.name, labels: mergeLabels(group, def.labels) };
}
