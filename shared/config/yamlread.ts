// Strict, position-aware reading of YAML nodes into typed values, collecting errors instead of throwing.

import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type Pair } from 'yaml';
import type { ConfigIssue } from './issues.ts';
import { parseDuration, parseSize } from './duration.ts';

/** A field found in a mapping: its key node and its value (null for an explicit YAML null or no value). */
export interface Field {
  name: string;
  key: Node;
  value: Node | null;
}

/** How a mapping treats a field name: read it, or accept it with a "not supported" warning. */
export type FieldKind = 'known' | 'unsupported';

/** Field names to kinds; a name missing here is an error, like Prometheus's strict YAML decoding. */
export type FieldSpec = Record<string, FieldKind>;

function editDistance(a: string, b: string): number {
  const dp = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) dp[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      dp[i][j] = Math.min(dp[i - 1][j] + 1, dp[i][j - 1] + 1, dp[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return dp[a.length][b.length];
}

/** Suggests the closest known name for a typo, or null when nothing is close. */
export function suggest(name: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDist = Infinity;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestDist) {
      best = c;
      bestDist = d;
    }
  }
  return best !== null && bestDist <= Math.max(2, Math.floor(name.length / 4)) ? best : null;
}

function describe(node: Node): string {
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isScalar(node)) {
    if (node.value === null) return 'null';
    if (typeof node.value === 'string') return `"${node.value}"`;
    return node.source !== undefined && node.source !== '' ? node.source : String(node.value);
  }
  return 'a value';
}

/** Reads one parsed YAML document; every problem becomes an issue at the offending node. */
export class YamlReader {
  readonly errors: ConfigIssue[] = [];
  readonly warnings: ConfigIssue[] = [];
  readonly doc: Document.Parsed;
  private readonly lc: LineCounter;
  private readonly text: string;
  /** When false, unknown fields are skipped silently (Go's encoding/json, used for JSON discovery files). */
  strictFields = true;

  constructor(
    readonly file: string,
    text: string,
    version: '1.1' | '1.2' = '1.1',
  ) {
    this.lc = new LineCounter();
    this.text = text;
    // YAML 1.1 by default because Prometheus decodes with Go's yaml.v2: `yes`/`on` are booleans and `<<` merges.
    this.doc = parseDocument(text, { keepSourceTokens: true, lineCounter: this.lc, version, prettyErrors: false, merge: version === '1.1' });
    for (const e of this.doc.errors) this.errors.push(this.issueAtOffset(e.pos[0], `yaml: ${e.message}`));
    for (const w of this.doc.warnings) this.warnings.push(this.issueAtOffset(w.pos[0], `yaml: ${w.message}`));
  }

  private issueAtOffset(offset: number, message: string): ConfigIssue {
    const { line, col } = this.lc.linePos(offset);
    return { file: this.file, line, col, message };
  }

  /** The position of a node (its first character); an empty list item points at its `-`. */
  position(node: Node | null | undefined): { line: number; col: number } {
    let offset = node?.range?.[0];
    if (offset === undefined) return { line: 0, col: 0 };
    if (isScalar(node) && node.value === null && node.source === '') {
      let i = offset - 1;
      while (i >= 0 && (this.text[i] === ' ' || this.text[i] === '\t')) i--;
      if (this.text[i] === '-') offset = i;
    }
    return this.lc.linePos(offset);
  }

  error(node: Node | null | undefined, message: string): void {
    this.errors.push({ file: this.file, ...this.position(node), message });
  }

  warn(node: Node | null | undefined, message: string): void {
    this.warnings.push({ file: this.file, ...this.position(node), message });
  }

  /** Follows aliases; returns null for YAML null (`~`, `null` or nothing). */
  resolve(node: unknown): Node | null {
    let n = node as Node | null | undefined;
    for (let i = 0; i < 64 && n && isAlias(n); i++) n = (n.resolve(this.doc) ?? null) as Node | null;
    if (!n) return null;
    if (isScalar(n) && n.value === null) return null;
    return n;
  }

  /** The document's root node, or null for an empty file. */
  root(): Node | null {
    return this.resolve(this.doc.contents);
  }

  private keyName(key: unknown): string | null {
    const k = this.resolve(key);
    if (k === null) return '';
    if (!isScalar(k)) return null;
    // Go decodes keys as text, so `y:` stays "y" even though YAML 1.1 reads it as a boolean.
    return typeof k.value === 'string' ? k.value : (k.source ?? String(k.value));
  }

  // Flattens `<<` merge keys (yaml.v2 semantics: explicit keys win over merged ones).
  private pairs(map: Node): Pair[] {
    if (!isMap(map)) return [];
    const own: Pair[] = [];
    const merged: Pair[] = [];
    for (const pair of map.items as Pair[]) {
      const k = pair.key as Node;
      if (isScalar(k) && k.source === '<<' && typeof k.value === 'symbol') {
        const v = this.resolve(pair.value);
        const sources = v && isSeq(v) ? v.items.map((x) => this.resolve(x)) : [v];
        for (const src of sources) if (src && isMap(src)) merged.push(...this.pairs(src));
        continue;
      }
      own.push(pair);
    }
    const ownNames = new Set(own.map((p) => this.keyName(p.key)));
    const seen = new Set<string>();
    const out = [...own];
    for (const p of merged) {
      const name = this.keyName(p.key);
      if (name === null || ownNames.has(name) || seen.has(name)) continue;
      seen.add(name);
      out.push(p);
    }
    return out;
  }

  /**
   * Reads a mapping strictly: unknown names are errors (with a suggestion), unsupported ones warnings.
   * Returns null (after reporting) when the node is not a mapping.
   */
  struct(node: Node | null, typeName: string, spec: FieldSpec, context = ''): Map<string, Field> | null {
    if (node === null) return new Map();
    if (!isMap(node)) {
      this.error(node, `${context ? `${context}: ` : ''}expected a mapping for ${typeName}, got ${describe(node)}`);
      return null;
    }
    const out = new Map<string, Field>();
    for (const pair of this.pairs(node)) {
      const keyNode = pair.key as Node;
      const name = this.keyName(keyNode);
      if (name === null) {
        this.error(keyNode, `expected a field name in ${typeName}, got ${describe(keyNode)}`);
        continue;
      }
      const kind = spec[name];
      if (kind === undefined) {
        if (!this.strictFields) continue;
        const hint = suggest(name, Object.keys(spec));
        this.error(keyNode, `field ${name} not found in type ${typeName}${hint ? ` (did you mean ${hint}?)` : ''}`);
        continue;
      }
      if (kind === 'unsupported') {
        this.warn(keyNode, `${name} is not supported by Sightline and is ignored`);
        continue;
      }
      out.set(name, { name, key: keyNode, value: this.resolve(pair.value) });
    }
    return out;
  }

  /** Text of a scalar as Go's yaml.v2 would decode it into a string field (plain scalars keep their source). */
  scalarText(node: Node): string | null {
    if (!isScalar(node)) return null;
    if (typeof node.value === 'string') return node.value;
    return node.source ?? String(node.value);
  }

  str(f: Field | undefined): string | undefined {
    if (!f || f.value === null) return undefined;
    const s = this.scalarText(f.value);
    if (s === null) {
      this.error(f.value, `${f.name}: expected a string, got ${describe(f.value)}`);
      return undefined;
    }
    return s;
  }

  bool(f: Field | undefined): boolean | undefined {
    if (!f || f.value === null) return undefined;
    if (isScalar(f.value) && typeof f.value.value === 'boolean') return f.value.value;
    this.error(f.value, `${f.name}: expected true or false, got ${describe(f.value)}`);
    return undefined;
  }

  /** A non-negative integer (Go's uint). */
  uint(f: Field | undefined): number | undefined {
    if (!f || f.value === null) return undefined;
    const v = isScalar(f.value) ? f.value.value : undefined;
    const src = isScalar(f.value) ? (f.value.source ?? '') : '';
    if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && !/[.eE]/.test(src.replace(/^0x.*/i, ''))) return v;
    if (typeof v === 'bigint' && v >= 0n) return Number(v);
    this.error(f.value, `${f.name}: expected a non-negative integer, got ${describe(f.value)}`);
    return undefined;
  }

  float(f: Field | undefined): number | undefined {
    if (!f || f.value === null) return undefined;
    const v = isScalar(f.value) ? f.value.value : undefined;
    if (typeof v === 'number') return v;
    this.error(f.value, `${f.name}: expected a number, got ${describe(f.value)}`);
    return undefined;
  }

  /** A Prometheus duration in milliseconds. */
  duration(f: Field | undefined): number | undefined {
    if (!f || f.value === null) return undefined;
    const s = this.scalarText(f.value);
    const ms = s === null ? null : parseDuration(s);
    if (ms === null) {
      this.error(f.value, `${f.name}: not a valid duration ${describe(f.value)} (use e.g. 30s, 1m, 1h30m)`);
      return undefined;
    }
    return ms;
  }

  /** A Prometheus size (`512MB`) in bytes. */
  size(f: Field | undefined): number | undefined {
    if (!f || f.value === null) return undefined;
    const s = this.scalarText(f.value);
    const bytes = s === null ? null : parseSize(s);
    if (bytes === null) {
      this.error(f.value, `${f.name}: not a valid size ${describe(f.value)} (a unit is required: B, KB, MB, GB, TB, PB, EB)`);
      return undefined;
    }
    return bytes;
  }

  /** The items of a list (aliases resolved, nulls kept as null). */
  seq(f: Field | undefined, what = 'a list'): { items: (Node | null)[]; nodes: Node[] } | undefined {
    if (!f || f.value === null) return undefined;
    if (!isSeq(f.value)) {
      this.error(f.value, `${f.name}: expected ${what}, got ${describe(f.value)}`);
      return undefined;
    }
    const nodes = f.value.items as Node[];
    return { items: nodes.map((n) => this.resolve(n)), nodes };
  }

  strList(f: Field | undefined): string[] | undefined {
    const list = this.seq(f, 'a list of strings');
    if (!list || !f) return undefined;
    const out: string[] = [];
    list.items.forEach((item, i) => {
      const s = item === null ? '' : this.scalarText(item);
      if (s === null) this.error(item ?? list.nodes[i], `${f.name}: expected a string, got ${describe(item as Node)}`);
      else out.push(s);
    });
    return out;
  }

  /** A mapping of strings to strings, reporting keys and values that are not scalars. */
  strMap(f: Field | undefined): { entries: [string, string, Node, Node | null][] } | undefined {
    if (!f || f.value === null) return undefined;
    if (!isMap(f.value)) {
      this.error(f.value, `${f.name}: expected a mapping, got ${describe(f.value)}`);
      return undefined;
    }
    const entries: [string, string, Node, Node | null][] = [];
    for (const pair of this.pairs(f.value)) {
      const name = this.keyName(pair.key);
      const valueNode = this.resolve(pair.value);
      if (name === null) {
        this.error(pair.key as Node, `${f.name}: expected a string key, got ${describe(pair.key as Node)}`);
        continue;
      }
      const value = valueNode === null ? '' : this.scalarText(valueNode);
      if (value === null) {
        this.error(valueNode, `${f.name}: expected a string value for ${name}, got ${describe(valueNode as Node)}`);
        continue;
      }
      entries.push([name, value, pair.key as Node, valueNode]);
    }
    return { entries };
  }

  /** The entries of a mapping with arbitrary names, values left as nodes for the caller to read. */
  entries(f: Field | undefined): { name: string; key: Node; value: Node | null }[] | undefined {
    if (!f || f.value === null) return undefined;
    if (!isMap(f.value)) {
      this.error(f.value, `${f.name}: expected a mapping, got ${describe(f.value)}`);
      return undefined;
    }
    const out: { name: string; key: Node; value: Node | null }[] = [];
    for (const pair of this.pairs(f.value)) {
      const name = this.keyName(pair.key);
      if (name === null) {
        this.error(pair.key as Node, `${f.name}: expected a string key, got ${describe(pair.key as Node)}`);
        continue;
      }
      out.push({ name, key: pair.key as Node, value: this.resolve(pair.value) });
    }
    return out;
  }

  /** A mapping whose values are lists of strings (Go's url.Values, used by `params`). */
  strListMap(f: Field | undefined): Record<string, string[]> | undefined {
    if (!f || f.value === null) return undefined;
    if (!isMap(f.value)) {
      this.error(f.value, `${f.name}: expected a mapping of lists, got ${describe(f.value)}`);
      return undefined;
    }
    const out: Record<string, string[]> = {};
    for (const pair of this.pairs(f.value)) {
      const name = this.keyName(pair.key);
      if (name === null) {
        this.error(pair.key as Node, `${f.name}: expected a string key, got ${describe(pair.key as Node)}`);
        continue;
      }
      const list = this.strList({ name: `${f.name}.${name}`, key: pair.key as Node, value: this.resolve(pair.value) });
      out[name] = list ?? [];
    }
    return out;
  }
}
