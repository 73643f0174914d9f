// Label sets as plain records, with the canonical key and ordering Prometheus uses.

/** A series' labels, metric name included as `__name__`. Treat as immutable. */
export type Labels = Readonly<Record<string, string>>;

export const METRIC_NAME = '__name__';

/** Label names in Prometheus's canonical (byte-wise) order. */
export function sortedNames(labels: Labels): string[] {
  return Object.keys(labels).sort(compareStrings);
}

/** Byte-wise string comparison (for ASCII names this equals Go's string comparison). */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A stable identity for a label set: sorted `name\xffvalue\xff…`, usable as a Map key. */
export function labelsKey(labels: Labels): string {
  let key = '';
  for (const name of sortedNames(labels)) key += name + '\xff' + labels[name] + '\xff';
  return key;
}

/** Orders label sets the way Prometheus sorts series (labels.Compare). */
export function compareLabels(a: Labels, b: Labels): number {
  const an = sortedNames(a);
  const bn = sortedNames(b);
  const n = Math.min(an.length, bn.length);
  for (let i = 0; i < n; i++) {
    if (an[i] !== bn[i]) return compareStrings(an[i], bn[i]);
    const c = compareStrings(a[an[i]], b[bn[i]]);
    if (c !== 0) return c;
  }
  return an.length - bn.length;
}

/** Renders `name{a="b", c="d"}` as Prometheus prints a series. */
export function formatLabels(labels: Labels): string {
  const name = labels[METRIC_NAME] ?? '';
  const parts = sortedNames(labels)
    .filter((n) => n !== METRIC_NAME)
    .map((n) => `${n}=${JSON.stringify(labels[n])}`);
  return parts.length === 0 && name ? name : `${name}{${parts.join(', ')}}`;
}
