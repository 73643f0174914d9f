// Read helpers over one IndexedDB transaction: postings lookups for the matcher plan and label listings.
import type { IDBPTransaction } from 'idb';
import type { TsdbSchema } from './db.ts';
import { unionPostings, type Postings, type PostingsSource } from './postings.ts';

type ReadStores = 'meta' | 'series' | 'postings' | 'blocks' | 'wal';
export type ReadTx = IDBPTransaction<TsdbSchema, ReadStores[], 'readonly'>;
export const READ_STORES: ReadStores[] = ['meta', 'series', 'postings', 'blocks', 'wal'];

/** The postings store (and the series store for "every series") as a PostingsSource. */
export function idbPostings(tx: ReadTx): PostingsSource {
  const postings = tx.objectStore('postings');
  return {
    async labelValues(name) {
      // Arrays sort after strings, so [name, []] bounds every [name, value] key from above.
      const keys = await postings.getAllKeys(IDBKeyRange.bound([name], [name, []]));
      return keys.map((k) => k[1]);
    },
    async postings(name, values) {
      const lists = await Promise.all(values.map((v) => postings.get([name, v])));
      return unionPostings(lists.filter((l): l is Postings => l !== undefined));
    },
    async all() {
      return Uint32Array.from(await tx.objectStore('series').getAllKeys());
    },
  };
}

/** Every label name in the index, ascending, without repeats. */
export async function allLabelNames(tx: ReadTx): Promise<string[]> {
  const names: string[] = [];
  const postings = tx.objectStore('postings');
  // Jump from one name to the next instead of walking every (name, value) key.
  let cursor = await postings.openKeyCursor();
  while (cursor) {
    const name = cursor.key[0];
    names.push(name);
    cursor = await cursor.continue([name, []] as unknown as [string, string]);
  }
  return names;
}
