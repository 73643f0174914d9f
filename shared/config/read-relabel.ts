// Reads `relabel_config` lists from YAML, reporting each problem at the field that causes it.

import type { Node } from 'yaml';
import type { Field, FieldSpec, YamlReader } from './yamlread.ts';
import { compileRegex } from '../model/re2.ts';
import { isValidLabelName, type ValidationScheme } from './labels.ts';
import { DEFAULT_RELABEL_CONFIG, RELABEL_ACTIONS, validateRelabelConfig, type RelabelAction, type RelabelConfig } from './relabel.ts';

const RELABEL_FIELDS: FieldSpec = {
  source_labels: 'known',
  separator: 'known',
  target_label: 'known',
  regex: 'known',
  modulus: 'known',
  replacement: 'known',
  action: 'known',
};

const FIELD_KEYS: Record<string, keyof RelabelConfig> = {
  source_labels: 'sourceLabels',
  separator: 'separator',
  target_label: 'targetLabel',
  regex: 'regex',
  modulus: 'modulus',
  replacement: 'replacement',
  action: 'action',
};

function readOne(r: YamlReader, node: Node, scheme: ValidationScheme): RelabelConfig | null {
  const f = r.struct(node, 'relabel.Config', RELABEL_FIELDS);
  if (!f) return null;
  const before = r.errors.length;
  const cfg: RelabelConfig = { ...DEFAULT_RELABEL_CONFIG, sourceLabels: [] };
  const explicit = new Set<keyof RelabelConfig>();
  for (const name of f.keys()) explicit.add(FIELD_KEYS[name]);

  const sources = f.get('source_labels');
  const list = r.strList(sources);
  if (list) {
    list.forEach((name, i) => {
      if (!isValidLabelName(name)) r.error(r.resolve((sources?.value as { items?: unknown[] }).items?.[i]) ?? sources?.value, `source_labels: "${name}" is not a valid label name`);
    });
    cfg.sourceLabels = list;
  }
  const text = (name: string): string | undefined => {
    const field = f.get(name);
    // An explicit YAML null is Go's zero value: an empty string.
    if (field && field.value === null) return '';
    return r.str(field);
  };
  cfg.separator = text('separator') ?? cfg.separator;
  cfg.targetLabel = text('target_label') ?? cfg.targetLabel;
  cfg.replacement = text('replacement') ?? cfg.replacement;
  cfg.modulus = r.uint(f.get('modulus')) ?? 0;
  const regexField = f.get('regex');
  if (regexField) {
    cfg.regex = text('regex') ?? '';
    const compiled = compileRegex(cfg.regex);
    if (!compiled.ok) r.error(regexField.value ?? regexField.key, `regex: ${compiled.error}`);
  }
  const actionField = f.get('action');
  const action = text('action');
  if (action !== undefined) {
    const lower = action.toLowerCase();
    if ((RELABEL_ACTIONS as readonly string[]).includes(lower)) cfg.action = lower as RelabelAction;
    else if (action === '') r.error(actionField?.value ?? actionField?.key, 'action: relabel action cannot be empty');
    else r.error(actionField?.value, `action: unknown relabel action "${action}" (use one of ${RELABEL_ACTIONS.join(', ')})`);
  }
  if (r.errors.length > before) return null;

  const problem = validateRelabelConfig(cfg, scheme, explicit);
  if (problem) {
    r.error(blame(problem, f) ?? node, problem);
    return null;
  }
  return cfg;
}

// Points a validation message at the field it is about, when that field is present.
function blame(problem: string, f: Map<string, Field>): Node | null {
  if (problem.includes('action requires only')) {
    // Blame the first field that is not allowed for this action.
    const allowed = problem.includes("only 'regex'") ? ['regex', 'action'] : ['source_labels', 'target_label', 'action'];
    for (const [name, field] of f) if (!allowed.includes(name)) return field.key;
  }
  for (const name of ['target_label', 'replacement', 'modulus']) {
    if (problem.includes(`'${name}'`) || (name === 'modulus' && problem.includes('modulus'))) {
      const field = f.get(name);
      if (field) return field.value ?? field.key;
    }
  }
  const action = f.get('action');
  return action ? (action.value ?? action.key) : null;
}

/**
 * Reads a list of relabel configs; `nullMessage` is Prometheus's error for an empty list item.
 * Invalid entries are reported and left out.
 */
export function readRelabelConfigs(r: YamlReader, field: Field | undefined, scheme: ValidationScheme, nullMessage: string): RelabelConfig[] {
  const list = r.seq(field, 'a list of relabel configs');
  if (!list) return [];
  const out: RelabelConfig[] = [];
  list.items.forEach((item, i) => {
    if (item === null) {
      r.error(list.nodes[i] ?? field?.value, nullMessage);
      return;
    }
    const cfg = readOne(r, item, scheme);
    if (cfg) out.push(cfg);
  });
  return out;
}
