// Prometheus relabeling: config validation, one-time compilation and the label rewrite itself.

import { compileRegex, type CompiledRegex } from '../model/re2.ts';
import { expandTemplate } from './expand.ts';
import { md5 } from './md5.ts';
import { compareNames, isValidLabelName, type Labels, type ValidationScheme } from './labels.ts';

export const RELABEL_ACTIONS = [
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
] as const;

export type RelabelAction = (typeof RELABEL_ACTIONS)[number];

/** One `relabel_config`, fully defaulted. `regex` is the RE2 text as written (Prometheus anchors it). */
export interface RelabelConfig {
  sourceLabels: string[];
  separator: string;
  regex: string;
  modulus: number;
  targetLabel: string;
  replacement: string;
  action: RelabelAction;
}

/** Prometheus's defaults for a relabel_config. */
export const DEFAULT_RELABEL_CONFIG: Readonly<RelabelConfig> = Object.freeze({
  sourceLabels: [],
  separator: ';',
  regex: '(.*)',
  modulus: 0,
  targetLabel: '',
  replacement: '$1',
  action: 'replace',
});

/** Fills Prometheus's defaults into a partial relabel config. */
export function relabelConfig(partial: Partial<RelabelConfig>): RelabelConfig {
  return { ...DEFAULT_RELABEL_CONFIG, sourceLabels: [], ...partial };
}

/** A relabel config with its regex compiled; build with compileRelabelConfigs. */
export interface CompiledRelabelConfig extends RelabelConfig {
  readonly compiled: CompiledRegex;
  readonly scheme: ValidationScheme;
}

const TARGET_LABEL_ACTIONS = new Set<RelabelAction>(['replace', 'hashmod', 'lowercase', 'uppercase', 'keepequal', 'dropequal']);
// The legacy check for templates like `${1}_foo`: name characters and `$name`/`${name}` references.
const LEGACY_TEMPLATE_NAME = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

function isValidTemplateName(s: string, scheme: ValidationScheme): boolean {
  return scheme === 'legacy' ? LEGACY_TEMPLATE_NAME.test(s) : isValidLabelName(s, scheme);
}

/**
 * Checks a relabel config the way Prometheus does at load time and returns the problem, or null.
 * `explicit` names the fields the user wrote: Prometheus treats an explicit `regex` on keepequal/dropequal
 * as an error even when it equals the default.
 */
export function validateRelabelConfig(
  cfg: RelabelConfig,
  scheme: ValidationScheme = 'utf8',
  explicit: ReadonlySet<keyof RelabelConfig> = new Set(),
): string | null {
  const a = cfg.action;
  if (!(RELABEL_ACTIONS as readonly string[]).includes(a)) return `unknown relabel action "${a}"`;
  if (a === 'hashmod' && cfg.modulus === 0) return 'relabel configuration for hashmod requires non-zero modulus';
  if (TARGET_LABEL_ACTIONS.has(a) && cfg.targetLabel === '') return `relabel configuration for ${a} action requires 'target_label' value`;
  const hasVar = cfg.targetLabel.includes('$');
  if (a === 'replace' && !hasVar && !isValidLabelName(cfg.targetLabel, scheme)) return `"${cfg.targetLabel}" is invalid 'target_label' for ${a} action`;
  if (a === 'replace' && hasVar && !isValidTemplateName(cfg.targetLabel, scheme)) return `"${cfg.targetLabel}" is invalid 'target_label' for ${a} action`;
  const equalOrCase = a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal';
  if (equalOrCase && !isValidLabelName(cfg.targetLabel, scheme)) return `"${cfg.targetLabel}" is invalid 'target_label' for ${a} action`;
  if (equalOrCase && cfg.replacement !== DEFAULT_RELABEL_CONFIG.replacement) return `'replacement' can not be set for ${a} action`;
  if (a === 'labelmap' && !isValidTemplateName(cfg.replacement, scheme)) return `"${cfg.replacement}" is invalid 'replacement' for ${a} action`;
  if (a === 'hashmod' && !isValidLabelName(cfg.targetLabel, scheme)) return `"${cfg.targetLabel}" is invalid 'target_label' for ${a} action`;
  if (a === 'keepequal' || a === 'dropequal') {
    if (
      explicit.has('regex') ||
      cfg.regex !== DEFAULT_RELABEL_CONFIG.regex ||
      cfg.modulus !== 0 ||
      cfg.separator !== DEFAULT_RELABEL_CONFIG.separator ||
      cfg.replacement !== DEFAULT_RELABEL_CONFIG.replacement
    ) {
      return `${a} action requires only 'source_labels' and \`target_label\`, and no other fields`;
    }
  }
  if (a === 'labeldrop' || a === 'labelkeep') {
    if (
      explicit.has('sourceLabels') ||
      cfg.sourceLabels.length > 0 ||
      cfg.targetLabel !== '' ||
      cfg.modulus !== 0 ||
      cfg.separator !== DEFAULT_RELABEL_CONFIG.separator ||
      cfg.replacement !== DEFAULT_RELABEL_CONFIG.replacement
    ) {
      return `${a} action requires only 'regex', and no other fields`;
    }
  }
  return null;
}

/** Thrown by compileRelabelConfigs for configs that did not come through validation. */
export class RelabelConfigError extends Error {}

/**
 * Compiles relabel configs once for repeated use by relabel(). Configs from loadConfig are already
 * validated; anything invalid here is a programming error and throws RelabelConfigError.
 */
export function compileRelabelConfigs(configs: readonly RelabelConfig[], scheme: ValidationScheme = 'utf8'): CompiledRelabelConfig[] {
  return configs.map((cfg, i) => {
    const problem = validateRelabelConfig(cfg, scheme);
    if (problem) throw new RelabelConfigError(`relabel config #${i + 1}: ${problem}`);
    const re = compileRegex(cfg.regex);
    if (!re.ok) throw new RelabelConfigError(`relabel config #${i + 1}: ${re.error}`);
    return { ...cfg, sourceLabels: [...cfg.sourceLabels], compiled: re.value, scheme };
  });
}

/**
 * Go's labels.Builder, reproduced because iteration order and the add/delete bookkeeping decide
 * which write wins when labelmap maps two labels onto one name.
 */
export class LabelsBuilder {
  private base: [string, string][];
  private add: [string, string][] = [];
  private del: string[] = [];

  constructor(labels: Labels) {
    const names = Object.keys(labels);
    let sorted = true;
    for (let i = 1; i < names.length && sorted; i++) sorted = compareNames(names[i - 1], names[i]) < 0;
    if (!sorted) names.sort(compareNames);
    this.base = [];
    for (const n of names) if (labels[n] !== '') this.base.push([n, labels[n]]);
  }

  get(name: string): string {
    for (const [n, v] of this.add) if (n === name) return v;
    if (this.del.includes(name)) return '';
    for (const [n, v] of this.base) if (n === name) return v;
    return '';
  }

  set(name: string, value: string): void {
    if (value === '') {
      this.delete(name);
      return;
    }
    for (const entry of this.add) {
      if (entry[0] === name) {
        entry[1] = value;
        return;
      }
    }
    this.add.push([name, value]);
  }

  delete(name: string): void {
    this.add = this.add.filter(([n]) => n !== name);
    this.del.push(name);
  }

  /** Visits a snapshot of the current labels: unchanged base labels first, then added ones. */
  range(fn: (name: string, value: string) => void): void {
    const add = this.add.map(([n, v]) => [n, v] as [string, string]);
    const del = [...this.del];
    for (const [n, v] of this.base) {
      if (!del.includes(n) && !add.some(([an]) => an === n)) fn(n, v);
    }
    for (const [n, v] of add) fn(n, v);
  }

  /** The current label set, sorted by name. */
  labels(): Labels {
    if (this.add.length === 0 && this.del.length === 0) {
      const out: Labels = {};
      for (const [n, v] of this.base) out[n] = v;
      return out;
    }
    const entries: [string, string][] = [];
    for (const [n, v] of this.base) {
      if (!this.del.includes(n) && !this.add.some(([an]) => an === n)) entries.push([n, v]);
    }
    entries.push(...this.add);
    entries.sort((x, y) => compareNames(x[0], y[0]));
    const out: Labels = {};
    for (const [n, v] of entries) out[n] = v;
    return out;
  }
}

// Go's strings.ToLower/ToUpper map rune by rune with simple case mappings, never changing length.
function mapCase(s: string, upper: boolean): string {
  let out = '';
  for (const ch of s) {
    if (!upper && ch === '\u0130') {
      out += 'i';
      continue;
    }
    const mapped = upper ? ch.toUpperCase() : ch.toLowerCase();
    out += Array.from(mapped).length === 1 ? mapped : ch;
  }
  return out;
}

function hashmod(value: string, modulus: number): string {
  const digest = md5(value);
  let n = 0n;
  for (let i = 8; i < 16; i++) n = (n << 8n) | BigInt(digest[i]);
  return (n % BigInt(modulus)).toString();
}

function fullMatch(cfg: CompiledRelabelConfig, s: string): RegExpExecArray | null {
  return cfg.compiled.regex.exec(s);
}

function matches(cfg: CompiledRelabelConfig, s: string): boolean {
  return cfg.compiled.regex.test(s);
}

/** Applies one compiled config to a builder; returns false when the label set is dropped. */
export function applyRelabel(cfg: CompiledRelabelConfig, lb: LabelsBuilder): boolean {
  const val = cfg.sourceLabels.map((n) => lb.get(n)).join(cfg.separator);
  switch (cfg.action) {
    case 'drop':
      return !matches(cfg, val);
    case 'keep':
      return matches(cfg, val);
    case 'dropequal':
      return lb.get(cfg.targetLabel) !== val;
    case 'keepequal':
      return lb.get(cfg.targetLabel) === val;
    case 'replace': {
      const m = fullMatch(cfg, val);
      if (m === null) return true;
      const target = expandTemplate(cfg.targetLabel, m, cfg.compiled.groupNames);
      if (!isValidLabelName(target, cfg.scheme)) return true;
      lb.set(target, expandTemplate(cfg.replacement, m, cfg.compiled.groupNames));
      return true;
    }
    case 'lowercase':
      lb.set(cfg.targetLabel, mapCase(val, false));
      return true;
    case 'uppercase':
      lb.set(cfg.targetLabel, mapCase(val, true));
      return true;
    case 'hashmod':
      lb.set(cfg.targetLabel, hashmod(val, cfg.modulus));
      return true;
    case 'labelmap':
      lb.range((name, value) => {
        const m = fullMatch(cfg, name);
        if (m !== null) lb.set(expandTemplate(cfg.replacement, m, cfg.compiled.groupNames), value);
      });
      return true;
    case 'labeldrop':
      lb.range((name) => {
        if (matches(cfg, name)) lb.delete(name);
      });
      return true;
    case 'labelkeep':
      lb.range((name) => {
        if (!matches(cfg, name)) lb.delete(name);
      });
      return true;
  }
}

/**
 * Relabels a label set with compiled configs in order, like Prometheus's relabel.Process.
 * Returns the new label set (sorted by name, empty values removed) or null when it is dropped.
 */
export function relabel(labels: Labels, configs: readonly CompiledRelabelConfig[]): Labels | null {
  const lb = new LabelsBuilder(labels);
  for (const cfg of configs) {
    if (!applyRelabel(cfg, lb)) return null;
  }
  return lb.labels();
}
