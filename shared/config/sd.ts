// Parses file_sd files (JSON or YAML) and http_sd responses into target groups with their meta labels.

import { sortIssues, type ConfigIssue } from './issues.ts';
import { YamlReader } from './yamlread.ts';
import { findJsonError } from './json-check.ts';
import { readTargetGroup } from './read-sd.ts';
import { isValidLabelName, isValidUtf8, type Labels } from './labels.ts';
import type { TargetGroup } from './types.ts';
import { isSeq, type Node } from 'yaml';

export interface ParseSDResult {
  groups: TargetGroup[];
  errors: ConfigIssue[];
}

function linePos(text: string, offset: number): { line: number; col: number } {
  const lines = text.slice(0, offset).split('\n');
  return { line: lines.length, col: lines[lines.length - 1].length + 1 };
}

/**
 * Parses a file_sd file: a JSON (`.json`) or YAML list of `{targets, labels}`. Each group gets
 * `__meta_filepath` = `file` and source `file:index`, as Prometheus sets them. Errors carry positions.
 */
export function parseFileSD(text: string, file: string): ParseSDResult {
  const isJson = /\.json$/i.test(file);
  if (isJson) {
    const bad = findJsonError(text);
    if (bad) return { groups: [], errors: [{ file, ...linePos(text, bad.offset), message: `invalid JSON: ${bad.message}` }] };
  }
  const r = new YamlReader(file, text, isJson ? '1.2' : '1.1');
  r.strictFields = !isJson;
  if (r.errors.length > 0) return { groups: [], errors: sortIssues(r.errors) };
  const root = r.root();
  const groups: TargetGroup[] = [];
  if (root === null) return { groups, errors: [] };
  if (!isSeq(root)) {
    r.error(root, 'expected a list of target groups ({targets: [...], labels: {...}})');
    return { groups, errors: sortIssues(r.errors) };
  }
  root.items.forEach((item, i) => {
    const node = r.resolve(item);
    if (node === null) {
      r.error(item as Node, 'nil target group item found');
      return;
    }
    const read = readTargetGroup(r, node, `${file}:${i}`, { __meta_filepath: file });
    if (read) groups.push(read.group);
  });
  if (r.errors.length > 0) return { groups: [], errors: sortIssues(r.errors) };
  return { groups, errors: [] };
}

export type ParseHttpSDResult = { ok: true; groups: TargetGroup[] } | { ok: false; error: string };

function groupFromJson(value: unknown, source: string, url: string): TargetGroup | string {
  if (value === null) return 'nil target group item found';
  if (typeof value !== 'object' || Array.isArray(value)) return 'expected a target group object';
  const obj = value as Record<string, unknown>;
  const targets: Labels[] = [];
  if (obj.targets !== undefined && obj.targets !== null) {
    if (!Array.isArray(obj.targets)) return '"targets" must be a list of strings';
    for (const t of obj.targets) {
      if (typeof t !== 'string') return `"targets" must be a list of strings, got ${JSON.stringify(t)}`;
      targets.push({ __address__: t });
    }
  }
  const labels: Labels = {};
  if (obj.labels !== undefined && obj.labels !== null) {
    if (typeof obj.labels !== 'object' || Array.isArray(obj.labels)) return '"labels" must be an object of strings';
    for (const [name, v] of Object.entries(obj.labels as Record<string, unknown>)) {
      if (!isValidLabelName(name)) return `"${name}" is not a valid label name`;
      if (typeof v !== 'string' || !isValidUtf8(v)) return `"${String(v)}" is not a valid label value`;
      labels[name] = v;
    }
  }
  labels.__meta_url = url;
  return { targets, labels, source };
}

/**
 * Parses an http_sd response body (a JSON list of `{targets, labels}`) fetched from `url`. Each group
 * gets `__meta_url` = `url` and source `url:index`, as Prometheus sets them. The caller checks the
 * HTTP status (200) and Content-Type (application/json) before calling this.
 */
export function parseHttpSD(body: string, url: string): ParseHttpSDResult {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    return { ok: false, error: `invalid JSON from ${url}: ${(e as Error).message}` };
  }
  if (value === null) return { ok: true, groups: [] };
  if (!Array.isArray(value)) return { ok: false, error: `expected a JSON list of target groups from ${url}` };
  const groups: TargetGroup[] = [];
  for (let i = 0; i < value.length; i++) {
    const g = groupFromJson(value[i], `${url}:${i}`, url);
    if (typeof g === 'string') return { ok: false, error: `target group ${i} from ${url}: ${g}` };
    groups.push(g);
  }
  return { ok: true, groups };
}
