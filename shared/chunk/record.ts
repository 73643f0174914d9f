// A stored chunk record: the XOR chunk prefixed by its time span, so a reader can skip it without decoding.
//
// Layout: uvarint (maxt - mint), then the XOR chunk (xor.ts) unchanged. mint is the chunk's first timestamp,
// read from the XOR stream itself (a signed varint right after the 2-byte sample count), so it is not stored twice.
import { ChunkError } from './bits.ts';
import { ByteReader, ByteWriter } from './bytes.ts';
import { chunkSampleCount } from './xor.ts';

/** A chunk record's header, read without decoding samples. */
export interface ChunkHeader {
  mint: number;
  maxt: number;
  /** Samples in the chunk. */
  count: number;
  /** The XOR chunk (a view into the record). */
  xor: Uint8Array;
}

/** Wraps an XOR chunk holding samples from mint to maxt into a record. */
export function encodeChunkRecord(mint: number, maxt: number, xor: Uint8Array): Uint8Array {
  if (maxt < mint) throw new ChunkError(`chunk ends (${maxt}) before it starts (${mint})`);
  const w = new ByteWriter(xor.length + 4);
  w.uvarint(maxt - mint);
  w.bytes(xor);
  return w.finish();
}

/** The first timestamp of a non-empty XOR chunk, read from its header. */
export function xorFirstTime(xor: Uint8Array): number {
  if (chunkSampleCount(xor) === 0) throw new ChunkError('empty chunk has no first timestamp');
  return new ByteReader(xor, 2).varint();
}

/** Reads a record's header; throws ChunkError when it is truncated or holds no samples. */
export function readChunkRecord(record: Uint8Array): ChunkHeader {
  const r = new ByteReader(record);
  const span = r.uvarint();
  const xor = record.subarray(r.pos);
  const count = chunkSampleCount(xor);
  if (count === 0) throw new ChunkError('chunk record holds no samples');
  const mint = xorFirstTime(xor);
  return { mint, maxt: mint + span, count, xor };
}
