// Go's encoding/json output: HTML-safe escaping and the trailing newline json.Encoder writes.

/** Sorted-key copy of a string map, since Go marshals map keys in order. */
export function sortedMap(m: Readonly<Record<string, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(m).sort()) out[k] = m[k];
  return out;
}

/** json.NewEncoder(w).Encode(v): escapes <, >, &, U+2028, U+2029 and ends with "\n". */
export function goJSONEncode(v: unknown): string {
  return (
    JSON.stringify(v)
      .replace(/</g, '\\u003c')
      .replace(/>/g, '\\u003e')
      .replace(/&/g, '\\u0026')
      .replace(/\u2028/g, '\\u2028')
      .replace(/\u2029/g, '\\u2029') + '\n'
  );
}
