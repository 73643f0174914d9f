// Cheap facts about an expression's text, for decisions that must not wait for the worker (e.g. live refresh).

/** The metric name a plain selector starts with (`up{job="a"}` → up); null for anything more involved. */
export function leadingMetricName(expr: string): string | null {
  const m = /^\s*([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^{}]*\})?\s*$/.exec(expr);
  if (!m) return null;
  // Keywords that parse as something other than a selector on their own.
  return ['bool', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'by', 'without'].includes(m[1]) ? null : m[1];
}
