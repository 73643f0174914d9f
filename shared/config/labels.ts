// Label sets and Prometheus's label-name rules (UTF-8 by default in Prometheus 3, or the legacy charset).

/** A label set as a plain object; functions here return it with names in sorted order. */
export type Labels = Record<string, string>;

/** `utf8` (Prometheus 3's default) accepts any non-empty UTF-8 name; `legacy` only `[a-zA-Z_][a-zA-Z0-9_]*`. */
export type ValidationScheme = 'utf8' | 'legacy';

const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when `s` is well-formed UTF-16, i.e. encodes to valid UTF-8. */
export function isValidUtf8(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** True when `name` is a valid label name under the given scheme. */
export function isValidLabelName(name: string, scheme: ValidationScheme = 'utf8'): boolean {
  if (name === '') return false;
  return scheme === 'legacy' ? LEGACY_LABEL_NAME.test(name) : isValidUtf8(name);
}

/** Returns a copy of `labels` with names in sorted order (Prometheus's label order: byte-wise by name). */
export function sortLabels(labels: Labels): Labels {
  const out: Labels = {};
  for (const name of Object.keys(labels).sort(compareNames)) out[name] = labels[name];
  return out;
}

/** Compares label names by UTF-8 byte order, which is code point order (not JS's UTF-16 order). */
export function compareNames(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const ca = a.charCodeAt(i);
    const cb = b.charCodeAt(i);
    if (ca === cb) continue;
    // UTF-16 order differs from code point order only when a surrogate meets U+E000..U+FFFF.
    const sa = ca >= 0xd800 && ca <= 0xdfff;
    const sb = cb >= 0xd800 && cb <= 0xdfff;
    if (sa !== sb) return sa ? 1 : -1;
    return ca - cb;
  }
  return a.length - b.length;
}
