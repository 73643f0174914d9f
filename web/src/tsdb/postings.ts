// Postings lists (sorted series ids per label pair) and the matcher → series-id plan over them, as Prometheus's index does.
import { matchLabelValue, type LabelMatcher } from '../../../shared/promql/ast.ts';

/** Series ids, ascending, without repeats. */
export type Postings = Uint32Array;

const EMPTY: Postings = new Uint32Array(0);

/** Ids in both lists. */
export function intersectPostings(a: Postings, b: Postings): Postings {
  const out = new Uint32Array(Math.min(a.length, b.length));
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    if (a[i] < b[j]) i++;
    else if (a[i] > b[j]) j++;
    else {
      out[k++] = a[i];
      i++;
      j++;
    }
  }
  return out.slice(0, k);
}

/** Ids in a but not in b. */
export function subtractPostings(a: Postings, b: Postings): Postings {
  if (b.length === 0) return a;
  const out = new Uint32Array(a.length);
  let j = 0;
  let k = 0;
  for (let i = 0; i < a.length; i++) {
    while (j < b.length && b[j] < a[i]) j++;
    if (j < b.length && b[j] === a[i]) continue;
    out[k++] = a[i];
  }
  return out.slice(0, k);
}

/** Ids in any of the lists. */
export function unionPostings(lists: readonly Postings[]): Postings {
  const nonEmpty = lists.filter((l) => l.length > 0);
  if (nonEmpty.length === 0) return EMPTY;
  if (nonEmpty.length === 1) return nonEmpty[0];
  let total = 0;
  for (const l of nonEmpty) total += l.length;
  const all = new Uint32Array(total);
  let k = 0;
  for (const l of nonEmpty) {
    all.set(l, k);
    k += l.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (i === 0 || all[i] !== all[i - 1]) all[n++] = all[i];
  return all.slice(0, n);
}

/** The list with `ids` added (ids of new series are usually larger than all present, so this is mostly an append). */
export function addPostings(list: Postings, ids: readonly number[]): Postings {
  return unionPostings([list, Uint32Array.from(ids).sort()]);
}

/** Where the plan reads the index from: the IndexedDB postings store, or an in-memory index in tests. */
export interface PostingsSource {
  /** Every value label `name` has on some series, ascending. */
  labelValues(name: string): Promise<string[]>;
  /** Union of the postings of name=value for each value given (values without postings contribute nothing). */
  postings(name: string, values: readonly string[]): Promise<Postings>;
  /** Every series id. */
  all(): Promise<Postings>;
}

const REGEX_META = /[.*+?()[\]{}^$\\]/;

/** The values a regex matcher can match when it is a plain alternation like `idle|user`, else null. */
export function literalAlternatives(re: string): string[] | null {
  if (REGEX_META.test(re)) return null;
  return [...new Set(re.split('|'))];
}

/** The values of `name` in the index that satisfy `m` (which must not match the empty string, or '' is skipped). */
async function matchingValues(src: PostingsSource, m: LabelMatcher): Promise<string[]> {
  if (m.type === '=') return [m.value];
  if (m.type === '=~') {
    const literal = literalAlternatives(m.value);
    if (literal) return literal.filter((v) => v !== '');
  }
  return (await src.labelValues(m.name)).filter((v) => matchLabelValue(m, v));
}

/**
 * Ids of the series matching every matcher (all series when there are none). A label a series lacks has the
 * value "", so a matcher that matches "" is applied by subtraction: `job!="x"` is every series minus job="x",
 * and `job=~"a|"` every series minus the job values the regex rejects. The others are unions of postings.
 */
export async function selectPostings(src: PostingsSource, matchers: readonly LabelMatcher[]): Promise<Postings> {
  const positive: Postings[] = [];
  const negative: Postings[] = [];
  for (const m of matchers) {
    if (!matchLabelValue(m, '')) {
      positive.push(await src.postings(m.name, await matchingValues(src, m)));
      // An empty intersection stays empty: no need to read the other matchers' postings.
      if (positive[positive.length - 1].length === 0) return EMPTY;
    } else {
      const rejected = (await src.labelValues(m.name)).filter((v) => !matchLabelValue(m, v));
      if (rejected.length > 0) negative.push(await src.postings(m.name, rejected));
    }
  }
  let ids: Postings;
  if (positive.length === 0) ids = await src.all();
  else {
    positive.sort((a, b) => a.length - b.length);
    ids = positive[0];
    for (let i = 1; i < positive.length && ids.length > 0; i++) ids = intersectPostings(ids, positive[i]);
  }
  for (const n of negative) ids = subtractPostings(ids, n);
  return ids;
}
