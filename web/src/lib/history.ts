// Query history: the last queries run, newest first, without duplicates, kept in localStorage.

export const HISTORY_KEY = 'sightline.history';
export const HISTORY_LIMIT = 50;

/** The list after running `expr`: moved (or added) to the front, blanks ignored, at most `limit` entries. */
export function addToHistory(list: readonly string[], expr: string, limit = HISTORY_LIMIT): string[] {
  const q = expr.trim();
  if (q === '') return [...list];
  return [q, ...list.filter((x) => x !== q)].slice(0, limit);
}

/** Entries containing every word of the filter (case-insensitive). */
export function filterHistory(list: readonly string[], filter: string): string[] {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  return list.filter((q) => words.every((w) => q.toLowerCase().includes(w)));
}

/** Reads the saved history; anything unreadable counts as empty. */
export function loadHistory(storage: Pick<Storage, 'getItem'>): string[] {
  try {
    const v: unknown = JSON.parse(storage.getItem(HISTORY_KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, HISTORY_LIMIT) : [];
  } catch {
    return [];
  }
}

export function saveHistory(storage: Pick<Storage, 'setItem'>, list: readonly string[]): void {
  try {
    storage.setItem(HISTORY_KEY, JSON.stringify(list));
  } catch {
    // A full or disabled localStorage only costs the history.
  }
}
