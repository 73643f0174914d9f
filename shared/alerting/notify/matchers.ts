// Alertmanager label matchers: parsing (`foo="bar"`, `foo=~"a.*"`, unquoted values, `{…}` lists), matching, sorting, printing.
import { goQuote } from '../../rules/template/gofmt.ts';
import { compileRegex } from '../../model/re2.ts';

export type MatchType = '=' | '!=' | '=~' | '!~';

/** One matcher; regex types are anchored (`^(?:value)$`). */
export interface Matcher {
  name: string;
  type: MatchType;
  value: string;
}

const TYPE_ORDER: Record<MatchType, number> = { '=': 0, '!=': 1, '=~': 2, '!~': 3 };
const regexCache = new Map<string, RegExp>();

/** Anchored regexp for a matcher value, or an error message. */
export function matcherRegex(value: string): RegExp | { error: string } {
  const hit = regexCache.get(value);
  if (hit) return hit;
  // Alertmanager compiles `^(?:value)$` with Go's default flags: `.` does not match a newline.
  const compiled = compileRegex(value, { anchored: true, dotAll: false });
  if (!compiled.ok) return { error: compiled.error };
  if (regexCache.size > 1000) regexCache.clear();
  regexCache.set(value, compiled.value.regex);
  return compiled.value.regex;
}

/** True when the label set satisfies the matcher (a missing label is the empty string). */
export function matches(m: Matcher, labels: Readonly<Record<string, string>>): boolean {
  const v = labels[m.name] ?? '';
  switch (m.type) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    default: {
      const re = matcherRegex(m.value);
      if (!(re instanceof RegExp)) return false;
      const ok = re.test(v);
      return m.type === '=~' ? ok : !ok;
    }
  }
}

/** All matchers must match. */
export function matchesAll(ms: readonly Matcher[], labels: Readonly<Record<string, string>>): boolean {
  return ms.every((m) => matches(m, labels));
}

/** Alertmanager's Matchers.Less: by name, then value, then type. */
export function compareMatchers(a: Matcher, b: Matcher): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  if (a.value !== b.value) return a.value < b.value ? -1 : 1;
  return TYPE_ORDER[a.type] - TYPE_ORDER[b.type];
}

const RESERVED_RE = /[\s{}!=~,\\"'`]/u;

/** Matcher.String(): `name="value"` with the name quoted only when it needs to be. */
export function matcherString(m: Matcher): string {
  const name = RESERVED_RE.test(m.name) ? goQuote(m.name) : m.name;
  const value = m.value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
  return `${name}${m.type}"${value}"`;
}

/** Matchers.String(): `{a="b",c=~"d"}`. */
export function matchersString(ms: readonly Matcher[]): string {
  return '{' + ms.map(matcherString).join(',') + '}';
}

function unquote(s: string): string | undefined {
  try {
    const v: unknown = JSON.parse(s.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\a/g, '\\u0007').replace(/\\v/g, '\\u000b').replace(/\\'/g, "'"));
    return typeof v === 'string' ? v : undefined;
  } catch {
    return undefined;
  }
}

/** Splits on commas outside double quotes. */
function splitTop(s: string): string[] {
  const parts: string[] = [];
  let cur = '';
  let inQ = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inQ && c === '\\') {
      cur += c + (s[i + 1] ?? '');
      i++;
      continue;
    }
    if (c === '"') inQ = !inQ;
    if (c === ',' && !inQ) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  return parts;
}

const MATCHER_RE = /^\s*("(?:[^"\\]|\\.)*"|[^\s=!~"{},]+)\s*(=~|!~|!=|=)\s*(.*?)\s*$/su;

/** Parses one matcher or a `{…}`-wrapped, comma-separated list (a config `matchers:` entry). */
export function parseMatchers(input: string): { ok: true; matchers: Matcher[] } | { ok: false; error: string } {
  let s = input.trim();
  if (s.startsWith('{')) {
    if (!s.endsWith('}')) return { ok: false, error: `${input}: missing closing '}'` };
    s = s.slice(1, -1);
  }
  const out: Matcher[] = [];
  const parts = splitTop(s);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    // A trailing comma is allowed, as in Alertmanager.
    if (part.trim() === '' && i === parts.length - 1 && parts.length > 1) continue;
    const m = MATCHER_RE.exec(part);
    if (!m) return { ok: false, error: `bad matcher format: ${part.trim()}` };
    let name = m[1];
    if (name.startsWith('"')) {
      const u = unquote(name);
      if (u === undefined) return { ok: false, error: `bad matcher format: ${part.trim()}` };
      name = u;
    }
    let value = m[3];
    if (value.startsWith('"')) {
      if (!value.endsWith('"') || value.length < 2) return { ok: false, error: `${part.trim()}: unterminated quoted string` };
      const u = unquote(value);
      if (u === undefined) return { ok: false, error: `${part.trim()}: invalid quoted value` };
      value = u;
    }
    const type = m[2] as MatchType;
    if (type === '=~' || type === '!~') {
      const re = matcherRegex(value);
      if (!(re instanceof RegExp)) return { ok: false, error: `${part.trim()}: ${re.error}` };
    }
    out.push({ name, type, value });
  }
  return { ok: true, matchers: out };
}
