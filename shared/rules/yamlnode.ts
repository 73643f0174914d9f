// Strict, position-aware decoding of YAML documents (yaml's Document API), shared by rule files and Alertmanager configs.
import { isMap, isPair, isScalar, isSeq, parseAllDocuments, type Node, type Pair, Scalar } from 'yaml';
import { parseDuration } from './duration.ts';

/** A problem found in a file; line/col are 1-based. */
export interface FileProblem {
  file: string;
  line: number;
  col: number;
  message: string;
}

/** Go yaml's tag names, used in "cannot unmarshal !!seq into string" messages. */
export function yamlTag(node: unknown): string {
  if (isMap(node)) return '!!map';
  if (isSeq(node)) return '!!seq';
  if (isScalar(node)) {
    const v = node.value;
    if (v === null) return '!!null';
    if (typeof v === 'boolean') return '!!bool';
    if (typeof v === 'number') return Number.isInteger(v) && !String(node.source ?? '').includes('.') ? '!!int' : '!!float';
    return '!!str';
  }
  return '!!null';
}

/** Walks one YAML text, collecting errors with positions instead of throwing. */
export class YamlDecoder {
  readonly errors: FileProblem[] = [];
  private readonly lineStarts: number[] = [0];

  constructor(
    readonly text: string,
    readonly file: string,
  ) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  /** 1-based line/col of a source offset (col counts UTF-16 units, as editors do). */
  pos(offset: number): { line: number; col: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - this.lineStarts[lo] + 1 };
  }

  /** Start offset of a node (0 when unknown). */
  offsetOf(node: unknown): number {
    const r = (node as { range?: [number, number, number] } | null)?.range;
    return r ? r[0] : 0;
  }

  errorAt(offset: number, message: string): void {
    this.errors.push({ file: this.file, ...this.pos(offset), message });
  }

  error(node: unknown, message: string): void {
    this.errorAt(this.offsetOf(node), message);
  }

  /** Parses every document; YAML syntax errors are recorded. Returns the document roots. */
  documents(): unknown[] {
    const docs = parseAllDocuments(this.text, { uniqueKeys: true, prettyErrors: false });
    const roots: unknown[] = [];
    for (const d of docs) {
      for (const e of d.errors) this.errorAt(e.pos[0], e.message.split('\n')[0]);
      if (d.errors.length === 0 && d.contents !== null) roots.push(d.contents);
    }
    return roots;
  }

  /**
   * Decodes a mapping strictly: every key must have a handler, else "field x not found in type T".
   * Null decodes as an empty mapping, like Go's yaml.
   */
  mapping(node: unknown, typeName: string, fields: Record<string, (value: unknown, key: Scalar) => void>): boolean {
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return true;
    if (!isMap(node)) {
      this.error(node, `cannot unmarshal ${yamlTag(node)} into ${typeName}`);
      return false;
    }
    for (const item of node.items as Pair[]) {
      if (!isPair(item)) continue;
      const key = item.key;
      const name = isScalar(key) ? String(key.value) : '';
      const handler = Object.hasOwn(fields, name) ? fields[name] : undefined;
      if (!handler) {
        this.error(key, `field ${name} not found in type ${typeName}`);
        continue;
      }
      handler(item.value, key as Scalar);
    }
    return true;
  }

  /** A scalar as Go's yaml.v3 decodes it into a string: the source text; null is "". */
  string(node: unknown): string | undefined {
    if (node === null || node === undefined) return '';
    if (!isScalar(node)) {
      this.error(node, `cannot unmarshal ${yamlTag(node)} into string`);
      return undefined;
    }
    if (node.value === null) return '';
    if (node.type === Scalar.PLAIN && typeof node.source === 'string') return node.source;
    return String(node.value);
  }

  /** A model.Duration in ms; reports "not a valid duration string" at the value. */
  duration(node: unknown): number | undefined {
    const s = this.string(node);
    if (s === undefined) return undefined;
    const r = parseDuration(s);
    if (!r.ok) {
      this.error(node, r.error);
      return undefined;
    }
    return r.ms;
  }

  /** A Go int. */
  int(node: unknown): number | undefined {
    if (isScalar(node) && typeof node.value === 'number' && Number.isInteger(node.value)) return node.value;
    this.error(node, `cannot unmarshal ${yamlTag(node)} \`${isScalar(node) ? String(node.source ?? node.value) : ''}\` into int`);
    return undefined;
  }

  /** A Go bool. */
  bool(node: unknown): boolean | undefined {
    if (isScalar(node) && typeof node.value === 'boolean') return node.value;
    this.error(node, `cannot unmarshal ${yamlTag(node)} \`${isScalar(node) ? String(node.source ?? node.value) : ''}\` into bool`);
    return undefined;
  }

  /** A sequence's items (null is empty). */
  seq(node: unknown, typeName: string): unknown[] {
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return [];
    if (!isSeq(node)) {
      this.error(node, `cannot unmarshal ${yamlTag(node)} into ${typeName}`);
      return [];
    }
    return node.items;
  }

  /** A map[string]string with the nodes of each key and value kept for positions. */
  stringMap(node: unknown, typeName = 'map[string]string'): Map<string, { value: string; keyNode: Scalar; valueNode: unknown }> {
    const out = new Map<string, { value: string; keyNode: Scalar; valueNode: unknown }>();
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return out;
    if (!isMap(node)) {
      this.error(node, `cannot unmarshal ${yamlTag(node)} into ${typeName}`);
      return out;
    }
    for (const item of node.items as Pair[]) {
      const key = this.string(item.key);
      const value = this.string(item.value);
      if (key === undefined || value === undefined) continue;
      out.set(key, { value, keyNode: item.key as Scalar, valueNode: item.value });
    }
    return out;
  }

  /**
   * Maps an offset inside a scalar's string value to a source offset, when the scalar's text
   * corresponds character for character (plain, simple quoted, or block literal); else its start.
   */
  valueOffset(node: unknown, offset: number): number {
    const start = this.offsetOf(node);
    if (!isScalar(node) || typeof node.value !== 'string') return start;
    const value = node.value;
    const range = (node as { range?: [number, number, number] }).range;
    if (!range) return start;
    const raw = this.text.slice(range[0], range[1]);
    switch (node.type) {
      case Scalar.PLAIN:
        return raw === value ? start + Math.min(offset, value.length) : start;
      case Scalar.QUOTE_SINGLE:
      case Scalar.QUOTE_DOUBLE:
        return raw.slice(1, -1) === value ? start + 1 + Math.min(offset, value.length) : start;
      case Scalar.BLOCK_LITERAL: {
        const before = value.slice(0, offset);
        const lineIdx = before.split('\n').length - 1;
        const colInLine = before.length - (before.lastIndexOf('\n') + 1);
        const lines = raw.split('\n');
        // lines[0] is the "|" header; content lines follow with their indentation.
        const contentLines = lines.slice(1);
        const indent = Math.min(...contentLines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
        if (!Number.isFinite(indent) || lineIdx >= contentLines.length) return start;
        let off = range[0] + lines[0].length + 1;
        for (let i = 0; i < lineIdx; i++) off += contentLines[i].length + 1;
        return off + indent + colInLine;
      }
      default:
        return start;
    }
  }
}
