// Binary snapshot of a time-series store: series table, metadata, XOR chunks and exemplars in one checksummed file.
//
// Format, version 1. "uvarint" is unsigned LEB128, "varint" zig-zag LEB128 (Go's encoding/binary), "string"
// a uvarint byte length then UTF-8, "sym" a uvarint index into the symbol table.
//
//   magic       4 bytes   "SLTS"
//   version     1 byte    1
//   flags       1 byte    0 (reserved)
//   chunkRange  uvarint   ms; no chunk spans a multiple of it (informational, for re-cutting on import)
//   created     varint    Unix ms when the snapshot was written
//   position    byte 0 (none) | byte 1, string epoch, uvarint seq: the source's stream position
//   symbols     uvarint n, then n strings (every label name and value, each once)
//   series      uvarint n, then per series: uvarint label count, then (sym name, sym value) pairs in label order
//   metadata    uvarint n, then per family: string name, byte type (index in METRIC_TYPES), string help, string unit
//   chunks      uvarint n, then per chunk: uvarint series index, varint mint, uvarint maxt - mint,
//               uvarint byte length, the XOR chunk bytes (shared/chunk/xor.ts format, sample count first)
//   exemplars   uvarint n, then per exemplar: uvarint series index, uvarint label count, (sym, sym) pairs,
//               8 bytes value (IEEE 754 bits, big-endian), varint timestamp (Unix ms)
//   checksum    4 bytes   CRC-32 (IEEE) of every byte before it, big-endian
//
// Chunks are ordered by series index, then mint, and do not overlap within a series.
import type { Labels } from '../model/labels.ts';
import type { MetricMetadata } from '../stream/protocol.ts';
import { ChunkError } from './bits.ts';
import { ByteReader, ByteWriter, crc32 } from './bytes.ts';
import { chunkSampleCount } from './xor.ts';
import { decodeXorColumns } from './xordecode.ts';
import { xorFirstTime } from './record.ts';

export const SNAPSHOT_MAGIC = Uint8Array.of(0x53, 0x4c, 0x54, 0x53);
export const SNAPSHOT_VERSION = 1;

/** Metadata types in their snapshot byte order; append only. */
export const METRIC_TYPES: ReadonlyArray<MetricMetadata['type']> = [
  'unknown',
  'counter',
  'gauge',
  'histogram',
  'gaugehistogram',
  'summary',
  'info',
  'stateset',
];

export interface SnapshotChunk {
  /** Index into Snapshot.series. */
  series: number;
  mint: number;
  maxt: number;
  /** An XOR chunk (xor.ts). */
  data: Uint8Array;
}

export interface SnapshotExemplar {
  series: number;
  labels: Labels;
  value: number;
  ts: number;
}

export interface SnapshotMetadata extends MetricMetadata {
  family: string;
}

/** A snapshot's contents. */
export interface Snapshot {
  chunkRangeMs: number;
  createdMs: number;
  position: { epoch: string; seq: number } | null;
  series: Labels[];
  metadata: SnapshotMetadata[];
  chunks: SnapshotChunk[];
  exemplars: SnapshotExemplar[];
}

/** Thrown for a file that is not a snapshot, is of an unknown version, or is damaged. */
export class SnapshotError extends Error {
  override name = 'SnapshotError';
}

/** Writes a snapshot as a list of byte parts (concatenate them, or hand them to a Blob). */
export function encodeSnapshot(s: Snapshot): Uint8Array[] {
  const parts: Uint8Array[] = [];
  const symbols = new Map<string, number>();
  const sym = (x: string): void => {
    if (!symbols.has(x)) symbols.set(x, symbols.size);
  };
  for (const labels of s.series) for (const n in labels) (sym(n), sym(labels[n]));
  for (const e of s.exemplars) for (const n in e.labels) (sym(n), sym(e.labels[n]));

  const head = new ByteWriter(1024);
  head.bytes(SNAPSHOT_MAGIC);
  head.byte(SNAPSHOT_VERSION);
  head.byte(0);
  head.uvarint(s.chunkRangeMs);
  head.varint(s.createdMs);
  if (s.position) {
    head.byte(1);
    head.string(s.position.epoch);
    head.uvarint(s.position.seq);
  } else head.byte(0);
  head.uvarint(symbols.size);
  for (const x of symbols.keys()) head.string(x);
  const labelPairs = (w: ByteWriter, labels: Labels): void => {
    const names = Object.keys(labels).sort();
    w.uvarint(names.length);
    for (const n of names) {
      w.uvarint(symbols.get(n)!);
      w.uvarint(symbols.get(labels[n])!);
    }
  };
  head.uvarint(s.series.length);
  for (const labels of s.series) labelPairs(head, labels);
  head.uvarint(s.metadata.length);
  for (const m of s.metadata) {
    head.string(m.family);
    const type = METRIC_TYPES.indexOf(m.type);
    head.byte(type < 0 ? 0 : type);
    head.string(m.help);
    head.string(m.unit);
  }
  head.uvarint(s.chunks.length);
  parts.push(head.finish());

  // Chunk bytes go out as they are, so a large snapshot is never copied into one buffer here.
  let w = new ByteWriter(64);
  for (const c of s.chunks) {
    if (c.series < 0 || c.series >= s.series.length) throw new SnapshotError(`chunk refers to series ${c.series} of ${s.series.length}`);
    w.uvarint(c.series);
    w.varint(c.mint);
    w.uvarint(c.maxt - c.mint);
    w.uvarint(c.data.length);
    parts.push(w.finish());
    parts.push(c.data);
    w = new ByteWriter(32);
  }
  const tail = new ByteWriter(256);
  tail.uvarint(s.exemplars.length);
  for (const e of s.exemplars) {
    tail.uvarint(e.series);
    labelPairs(tail, e.labels);
    tail.float64(e.value);
    tail.varint(e.ts);
  }
  parts.push(tail.finish());
  const sum = new ByteWriter(4);
  sum.uint32(crc32(parts));
  parts.push(sum.finish());
  return parts;
}

/** Concatenates byte parts into one array. */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let k = 0;
  for (const p of parts) {
    out.set(p, k);
    k += p.length;
  }
  return out;
}

/**
 * Reads a snapshot, checking magic, version, checksum, indexes and every chunk's header (sample count, first
 * timestamp, and with `verifyChunks` a full decode against mint/maxt). Chunk data are views into `bytes`.
 */
export function decodeSnapshot(bytes: Uint8Array, opts: { verifyChunks?: boolean } = {}): Snapshot {
  if (bytes.length < SNAPSHOT_MAGIC.length + 6 || SNAPSHOT_MAGIC.some((b, i) => bytes[i] !== b)) {
    throw new SnapshotError('not a Sightline snapshot (bad magic bytes)');
  }
  const version = bytes[4];
  if (version !== SNAPSHOT_VERSION) throw new SnapshotError(`snapshot version ${version} is not supported (this build reads ${SNAPSHOT_VERSION})`);
  const body = bytes.subarray(0, bytes.length - 4);
  const stored = new ByteReader(bytes, bytes.length - 4).uint32();
  if (crc32([body]) !== stored) throw new SnapshotError('snapshot checksum mismatch: the file is damaged or truncated');
  try {
    return readBody(new ByteReader(body, 6), opts.verifyChunks ?? false);
  } catch (e) {
    if (e instanceof ChunkError) throw new SnapshotError(`damaged snapshot: ${e.message}`);
    throw e;
  }
}

function readBody(r: ByteReader, verify: boolean): Snapshot {
  const chunkRangeMs = r.uvarint();
  const createdMs = r.varint();
  const position = r.byte() === 1 ? { epoch: r.string(), seq: r.uvarint() } : null;
  const symbols: string[] = [];
  for (let i = 0, n = r.uvarint(); i < n; i++) symbols.push(r.string());
  const symAt = (): string => {
    const i = r.uvarint();
    if (i >= symbols.length) throw new ChunkError(`symbol ${i} out of range (${symbols.length} symbols)`);
    return symbols[i];
  };
  const labelPairs = (): Labels => {
    const out: Record<string, string> = {};
    for (let i = 0, n = r.uvarint(); i < n; i++) {
      const name = symAt();
      out[name] = symAt();
    }
    return out;
  };
  const series: Labels[] = [];
  for (let i = 0, n = r.uvarint(); i < n; i++) series.push(labelPairs());
  const metadata: SnapshotMetadata[] = [];
  for (let i = 0, n = r.uvarint(); i < n; i++) {
    const family = r.string();
    const type = METRIC_TYPES[r.byte()] ?? 'unknown';
    metadata.push({ family, type, help: r.string(), unit: r.string() });
  }
  const chunks: SnapshotChunk[] = [];
  for (let i = 0, n = r.uvarint(); i < n; i++) {
    const s = r.uvarint();
    if (s >= series.length) throw new ChunkError(`chunk ${i} refers to series ${s} of ${series.length}`);
    const mint = r.varint();
    const maxt = mint + r.uvarint();
    const data = r.bytes(r.uvarint());
    const count = chunkSampleCount(data);
    if (count === 0 || xorFirstTime(data) !== mint) throw new ChunkError(`chunk ${i} header does not match its record (series ${s}, mint ${mint})`);
    if (verify) {
      const d = decodeXorColumns(data);
      if (d.t[d.t.length - 1] !== maxt) throw new ChunkError(`chunk ${i} ends at ${d.t[d.t.length - 1]}, record says ${maxt}`);
    }
    chunks.push({ series: s, mint, maxt, data });
  }
  const exemplars: SnapshotExemplar[] = [];
  for (let i = 0, n = r.uvarint(); i < n; i++) {
    const s = r.uvarint();
    if (s >= series.length) throw new ChunkError(`exemplar ${i} refers to series ${s} of ${series.length}`);
    const labels = labelPairs();
    exemplars.push({ series: s, labels, value: r.float64(), ts: r.varint() });
  }
  if (r.remaining !== 0) throw new ChunkError(`${r.remaining} unexpected bytes after the exemplars`);
  return { chunkRangeMs, createdMs, position, series, metadata, chunks, exemplars };
}
