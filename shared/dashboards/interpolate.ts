// Variable interpolation with Grafana's syntax ($var, ${var}, [[var]], ${var:format}) and its Prometheus escaping.

/** One variable's value as interpolation sees it. */
export interface ScopeValue {
  /** The selected value(s); several for a multi-value selection or for "All" without a custom all value. */
  value: string | string[];
  /** What the user sees (`All` when All is selected); used by the `text` format. */
  text: string | string[];
  /**
   * Set for multi-value and include-All variables: the PromQL format then regex-escapes values and joins several
   * as `(a|b)`, as Grafana's Prometheus data source does.
   */
  regex: boolean;
  /** A custom all value (`.*`): inserted as written, never escaped. */
  raw?: boolean;
}

/** Name → value, built-ins (`__interval`, `__rate_interval`, ...) included. */
export type Scope = Readonly<Record<string, ScopeValue>>;

/** The format used for `$var` with no explicit `:format`: PromQL (`promql`) or display text (`text`). */
export type DefaultFormat = 'promql' | 'text';

export interface Interpolated {
  text: string;
  /** Names referenced but absent from the scope, in order of first use; they are left as written. */
  unknown: string[];
}

// Grafana's variable syntax: $name | [[name(:format)]] | ${name(.fieldPath)(:format)}.
const VARIABLE_RE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:^}]+))?(?::([^}]+))?\}/g;

/** Every variable reference in `text`, in order: name, optional explicit format, and its place. */
export function findReferences(text: string): { name: string; format?: string; fieldPath?: string; start: number; end: number }[] {
  const out: { name: string; format?: string; fieldPath?: string; start: number; end: number }[] = [];
  for (const m of text.matchAll(VARIABLE_RE)) {
    const name = m[1] ?? m[2] ?? m[4];
    const format = m[3] ?? m[6];
    out.push({ name, ...(format !== undefined ? { format } : {}), ...(m[5] !== undefined ? { fieldPath: m[5] } : {}), start: m.index, end: m.index + m[0].length });
  }
  return out;
}

/** Names of the variables `text` refers to (built-ins starting with `__` excluded), without duplicates. */
export function referencedVariables(text: string): string[] {
  return [...new Set(findReferences(text).map((r) => r.name))].filter((n) => !n.startsWith('__'));
}

/**
 * Replaces variable references in `text`. `$var` and `${var}` use `defaultFormat`; `${var:fmt}` and `[[var:fmt]]`
 * use the named format (raw, regex, pipe, csv, glob, json, text, singlequote, doublequote, sqlstring, queryparam,
 * percentencode; unknown names fall back to glob like Grafana). A custom all value is inserted unformatted except
 * by `text` and `percentencode`.
 */
export function interpolate(text: string, scope: Scope, defaultFormat: DefaultFormat = 'promql', depth = 0): Interpolated {
  const unknown: string[] = [];
  const out = text.replace(VARIABLE_RE, (match: string, ...groups: (string | undefined)[]) => {
    const name = groups[0] ?? groups[1] ?? groups[3] ?? '';
    const format = groups[2] ?? groups[5];
    const fieldPath = groups[4];
    const v = Object.prototype.hasOwnProperty.call(scope, name) ? scope[name] : undefined;
    if (!v || fieldPath !== undefined) {
      if (!unknown.includes(name)) unknown.push(name);
      return match;
    }
    if (v.raw && format !== 'text' && format !== 'percentencode') {
      // Grafana interpolates a custom all value once more, so `$other` inside it resolves.
      if (depth < 3 && typeof v.value === 'string' && v.value.includes('$')) return interpolate(v.value, scope, defaultFormat, depth + 1).text;
      return Array.isArray(v.value) ? v.value.join(',') : v.value;
    }
    return applyFormat(v, name, format ?? defaultFormat);
  });
  return { text: out, unknown };
}

function applyFormat(v: ScopeValue, name: string, format: string): string {
  const value = v.value;
  const many = Array.isArray(value);
  switch (format) {
    case 'promql':
      return v.regex ? promRegexValues(value) : (many ? value : [value]).map(promRegularEscape).join(',');
    case 'text':
      return Array.isArray(v.text) ? v.text.join(' + ') : v.text;
    case 'raw':
      return many ? value.join(',') : value;
    case 'regex': {
      const escaped = (many ? value : [value]).map(regexEscape);
      return escaped.length === 1 ? escaped[0] : `(${escaped.join('|')})`;
    }
    case 'pipe':
      return many ? value.join('|') : value;
    case 'csv':
      return many ? value.join(',') : value;
    case 'json':
      return JSON.stringify(value);
    case 'singlequote':
      return (many ? value : [value]).map((s) => `'${s.replace(/'/g, "\\'")}'`).join(',');
    case 'doublequote':
      return (many ? value : [value]).map((s) => `"${s.replace(/"/g, '\\"')}"`).join(',');
    case 'sqlstring':
      return (many ? value : [value]).map((s) => `'${s.replace(/'/g, "''")}'`).join(',');
    case 'queryparam':
      return (many ? value : [value]).map((s) => `var-${name}=${encodeURIComponentStrict(s)}`).join('&');
    case 'percentencode':
      return encodeURIComponentStrict(many ? `{${value.join(',')}}` : value);
    case 'glob':
    default:
      return many && value.length > 1 ? `{${value.join(',')}}` : many ? (value[0] ?? '') : value;
  }
}

/**
 * Escapes a value for a PromQL double-quoted string (backslash and double quote). A value that is a whole label
 * matcher (`job="x"`) is left alone, as Grafana does, so a variable can carry matchers.
 */
export function promRegularEscape(value: string): string {
  if (/^\w+(=|!=|=~|!~)".*"$/.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

/**
 * Escapes a value as a literal inside a PromQL regex string: regex metacharacters get a backslash that survives the
 * string's own unescaping (`a.b` → `a\\.b`), backslashes and double quotes likewise.
 */
export function promRegexEscape(value: string): string {
  return value
    .replace(/\\/g, '\\\\\\\\')
    .replace(/"/g, '\\\\\\"')
    .replace(/[$^*{}[\]'+?.()|]/g, '\\\\$&');
}

/** Several values as a PromQL regex alternation `(a|b)`; one value alone, without parentheses. */
export function promRegexValues(value: string | string[]): string {
  const escaped = (Array.isArray(value) ? value : [value]).map(promRegexEscape);
  return escaped.length === 1 ? escaped[0] : `(${escaped.join('|')})`;
}

/** Escapes JavaScript/RE2 regex metacharacters with one backslash (Grafana's `regex` format). */
export function regexEscape(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}

function encodeURIComponentStrict(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
