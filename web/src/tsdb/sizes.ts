// Byte sizes of records as IndexedDB stores them, for size retention and the bytes-per-sample figure.
//
// Keys are sized by Chromium's IndexedDB key encoding (a type byte, then 8 bytes per number, a varint length and
// UTF-16 code units per string, a varint count per array). Values are sized by their payload plus a fixed 12-byte
// envelope for the structured-clone header around one typed array; object values add their field names once each.
// LevelDB's own block overhead, prefix compression and compaction are not modelled: navigator.storage.estimate()
// is reported beside these figures for the physical truth.

/** Structured-clone framing around one Uint8Array value (version tag, buffer and view tags, lengths). */
export const TYPED_ARRAY_ENVELOPE = 12;

function varintLen(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

/** Encoded size of an IndexedDB key. */
export function keySize(key: IDBValidKey): number {
  if (typeof key === 'number') return 9;
  if (typeof key === 'string') return 1 + varintLen(key.length) + 2 * key.length;
  if (key instanceof Date) return 9;
  if (Array.isArray(key)) {
    let n = 1 + varintLen(key.length);
    for (const k of key) n += keySize(k);
    return n;
  }
  const bytes = ArrayBuffer.isView(key) ? key.byteLength : (key as ArrayBuffer).byteLength;
  return 1 + varintLen(bytes) + bytes;
}

/** Size of a stored bulk record (block or WAL): its key and bytes. */
export function bulkRecordSize(key: IDBValidKey, value: Uint8Array): number {
  return keySize(key) + value.byteLength + TYPED_ARRAY_ENVELOPE;
}

/** Size of a plain-data value (strings, numbers, arrays, objects, typed arrays), as a structured clone roughly is. */
export function valueSize(v: unknown): number {
  if (v === null || v === undefined || typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 9;
  if (typeof v === 'string') return 1 + varintLen(v.length) + v.length;
  if (ArrayBuffer.isView(v)) return v.byteLength + TYPED_ARRAY_ENVELOPE;
  if (Array.isArray(v)) return v.reduce((n: number, x: unknown) => n + valueSize(x), 2);
  let n = 2;
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) n += valueSize(k) + valueSize(x);
  return n;
}
