// Byte layouts of the TSDB's two bulk record kinds (pure): blocks of finalised chunks and write-ahead-log entries.
//
// Block record, one per (shard, aligned 2 h bucket), immutable once written (late samples rewrite it whole):
//   uvarint series count; per series: uvarint sid, uvarint chunk count, one uvarint byte length per chunk;
//   then every chunk record (shared/chunk/record.ts: uvarint span + XOR chunk) in directory order.
//   The directory comes first so a reader finds a series' chunks and their time spans without decoding samples.
//
// WAL record, one per flush, keyed [gen, kind]:
//   byte kind (0 delta: changes since the previous flush; 1 checkpoint: the whole open region, replacing all
//   earlier WAL records); uvarint series count; per series: uvarint sid, byte mode (0 append: add these sealed
//   chunks; 1 replace: these are all of the series' sealed chunks), uvarint sealed count, per sealed chunk a uvarint
//   length and its chunk record, then the open (head) XOR chunk: byte 0, uvarint length, the bytes (possibly an
//   empty chunk); or byte 1, uvarint from, uvarint sample count, uvarint length, bytes: the same open chunk as the
//   previous record had, grown. An XOR chunk only ever appends bits, so its bytes before `from` (the previous
//   length minus its last, partly filled byte) are unchanged: only the count header and the tail are written.
import { ChunkError } from '../../../shared/chunk/bits.ts';
import { ByteReader, ByteWriter } from '../../../shared/chunk/bytes.ts';
import { encodeChunkRecord, readChunkRecord, type ChunkHeader } from '../../../shared/chunk/record.ts';

/** A sealed chunk: samples from mint to maxt as an XOR chunk. */
export interface ChunkRef {
  mint: number;
  maxt: number;
  count: number;
  xor: Uint8Array;
}

/** A chunk as a stored record (span + XOR), for ChunkRef. */
function recordOf(c: ChunkRef): Uint8Array {
  return encodeChunkRecord(c.mint, c.maxt, c.xor);
}

function refOf(h: ChunkHeader): ChunkRef {
  return { mint: h.mint, maxt: h.maxt, count: h.count, xor: h.xor };
}

/** Encodes a block from each series' chunks (ascending, non-overlapping). */
export function encodeBlock(series: ReadonlyMap<number, readonly ChunkRef[]>): Uint8Array {
  const records: Uint8Array[] = [];
  const dir = new ByteWriter(16 + series.size * 8);
  const sids = [...series.keys()].sort((a, b) => a - b);
  dir.uvarint(sids.length);
  for (const sid of sids) {
    const chunks = series.get(sid)!;
    dir.uvarint(sid);
    dir.uvarint(chunks.length);
    for (const c of chunks) {
      const r = recordOf(c);
      records.push(r);
      dir.uvarint(r.length);
    }
  }
  const head = dir.finish();
  let total = head.length;
  for (const r of records) total += r.length;
  const out = new Uint8Array(total);
  out.set(head);
  let k = head.length;
  for (const r of records) {
    out.set(r, k);
    k += r.length;
  }
  return out;
}

/** Where each series' chunk records sit inside a block. */
export interface BlockDirectory {
  sids: number[];
  /** Per series (same order as sids): [offset, length] of each chunk record. */
  chunks: Array<Array<[offset: number, length: number]>>;
}

/** Reads a block's directory; throws ChunkError when it does not fit the record. */
export function readBlockDirectory(block: Uint8Array): BlockDirectory {
  const r = new ByteReader(block);
  const n = r.uvarint();
  const sids: number[] = [];
  const lengths: number[][] = [];
  for (let i = 0; i < n; i++) {
    sids.push(r.uvarint());
    const m = r.uvarint();
    const ls: number[] = [];
    for (let j = 0; j < m; j++) ls.push(r.uvarint());
    lengths.push(ls);
  }
  let offset = r.pos;
  const chunks = lengths.map((ls) =>
    ls.map((len): [number, number] => {
      const at: [number, number] = [offset, len];
      offset += len;
      return at;
    }),
  );
  if (offset !== block.length) throw new ChunkError(`block directory covers ${offset} bytes of ${block.length}`);
  return { sids, chunks };
}

/** The chunks of one series in a block (views into it), or [] when the series has none there. */
export function blockChunks(block: Uint8Array, dir: BlockDirectory, sid: number): ChunkRef[] {
  const i = dir.sids.indexOf(sid);
  if (i < 0) return [];
  return dir.chunks[i].map(([off, len]) => refOf(readChunkRecord(block.subarray(off, off + len))));
}

/** Every series' chunks in a block. */
export function decodeBlock(block: Uint8Array): Map<number, ChunkRef[]> {
  const dir = readBlockDirectory(block);
  const out = new Map<number, ChunkRef[]>();
  dir.sids.forEach((sid, i) => out.set(sid, dir.chunks[i].map(([off, len]) => refOf(readChunkRecord(block.subarray(off, off + len))))));
  return out;
}

/** The open chunk in a WAL entry: whole, or as the growth of the one the previous record gave. */
export type WalOpen = { full: Uint8Array } | { from: number; count: number; tail: Uint8Array };

/** One series' change in a WAL record. */
export interface WalEntry {
  sid: number;
  /** 'append': the sealed chunks follow the ones already known; 'replace': they are all of them. */
  mode: 'append' | 'replace';
  sealed: ChunkRef[];
  open: WalOpen;
}

/** The open chunk's bytes after an entry, given what the previous records left (a grown chunk needs it). */
export function applyOpen(prev: Uint8Array | undefined, open: WalOpen): Uint8Array {
  if ('full' in open) return open.full;
  if (!prev || prev.length < open.from || open.from < 2) throw new ChunkError('WAL record grows an open chunk it does not have');
  const out = new Uint8Array(open.from + open.tail.length);
  out.set(prev.subarray(0, open.from));
  out.set(open.tail, open.from);
  out[0] = open.count >>> 8;
  out[1] = open.count & 0xff;
  return out;
}

export type WalKind = 'delta' | 'checkpoint';

/** Encodes a WAL record. */
export function encodeWal(kind: WalKind, entries: readonly WalEntry[]): Uint8Array {
  let size = 8;
  for (const e of entries) {
    size += 24 + ('full' in e.open ? e.open.full.length : e.open.tail.length);
    for (const c of e.sealed) size += c.xor.length + 12;
  }
  const w = new ByteWriter(size);
  w.byte(kind === 'checkpoint' ? 1 : 0);
  w.uvarint(entries.length);
  for (const e of entries) {
    w.uvarint(e.sid);
    w.byte(e.mode === 'replace' ? 1 : 0);
    w.uvarint(e.sealed.length);
    for (const c of e.sealed) {
      const r = recordOf(c);
      w.uvarint(r.length);
      w.bytes(r);
    }
    if ('full' in e.open) {
      w.byte(0);
      w.uvarint(e.open.full.length);
      w.bytes(e.open.full);
    } else {
      w.byte(1);
      w.uvarint(e.open.from);
      w.uvarint(e.open.count);
      w.uvarint(e.open.tail.length);
      w.bytes(e.open.tail);
    }
  }
  return w.finish();
}

/** Decodes a WAL record (chunk bytes are views into it); throws ChunkError when damaged. */
export function decodeWal(bytes: Uint8Array): { kind: WalKind; entries: WalEntry[] } {
  const r = new ByteReader(bytes);
  const k = r.byte();
  if (k > 1) throw new ChunkError(`unknown WAL record kind ${k}`);
  const entries: WalEntry[] = [];
  for (let i = 0, n = r.uvarint(); i < n; i++) {
    const sid = r.uvarint();
    const mode = r.byte() === 1 ? 'replace' : 'append';
    const sealed: ChunkRef[] = [];
    for (let j = 0, m = r.uvarint(); j < m; j++) sealed.push(refOf(readChunkRecord(r.bytes(r.uvarint()))));
    const kind = r.byte();
    if (kind > 1) throw new ChunkError(`unknown open-chunk form ${kind}`);
    const open: WalOpen = kind === 0 ? { full: r.bytes(r.uvarint()) } : { from: r.uvarint(), count: r.uvarint(), tail: r.bytes(r.uvarint()) };
    entries.push({ sid, mode, sealed, open });
  }
  if (r.remaining !== 0) throw new ChunkError(`${r.remaining} stray bytes after the WAL record`);
  return { kind: k === 1 ? 'checkpoint' : 'delta', entries };
}
