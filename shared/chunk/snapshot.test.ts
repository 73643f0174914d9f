import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { STALE_NAN, isStaleMarker } from '../model/stale.ts';
import { ChunkError } from './bits.ts';
import { ByteReader, ByteWriter, crc32, utf8Decode, utf8Encode } from './bytes.ts';
import { encodeChunkRecord, readChunkRecord } from './record.ts';
import { concatBytes, decodeSnapshot, encodeSnapshot, SnapshotError, type Snapshot } from './snapshot.ts';
import { decodeXor, encodeXor } from './xor.ts';

const T0 = 1_700_000_000_000;

function sample(): Snapshot {
  // Filled element by element: an array literal would canonicalise the stale marker's NaN payload.
  const v = Float64Array.of(1, 2, 0, 4);
  v[2] = STALE_NAN;
  return {
    chunkRangeMs: 7_200_000,
    createdMs: T0,
    position: { epoch: 'e1', seq: 42 },
    series: [{ __name__: 'up', job: 'a' }, { __name__: 'x', 'é': 'ünï' }],
    metadata: [{ family: 'up', type: 'gauge', help: 'Whether the target is up.', unit: '' }],
    chunks: [
      { series: 0, mint: T0, maxt: T0 + 3000, data: encodeXor([T0, T0 + 1000, T0 + 2000, T0 + 3000], v) },
      { series: 1, mint: T0 - 5, maxt: T0 - 5, data: encodeXor([T0 - 5], [7.5]) },
    ],
    exemplars: [{ series: 0, labels: { trace_id: 'abc' }, value: 0.25, ts: T0 + 10 }],
  };
}

describe('byte helpers', () => {
  it('round-trips varints across the safe integer range, strings and float bits', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -(2 ** 52), max: 2 ** 52 - 1 })), fc.string({ unit: 'grapheme' }), (xs, s) => {
        const w = new ByteWriter(1);
        for (const x of xs) w.varint(x);
        w.string(s);
        w.float64(STALE_NAN);
        const r = new ByteReader(w.finish());
        expect(xs.map(() => r.varint())).toEqual(xs);
        expect(r.string()).toBe(s);
        expect(isStaleMarker(r.float64())).toBe(true);
        expect(r.remaining).toBe(0);
      }),
    );
  });

  it('writes varints from -2^52 up to 2^52 - 1 and refuses 2^52, whose zig-zag form is not a safe integer', () => {
    const w = new ByteWriter(1);
    w.varint(-(2 ** 52));
    w.varint(2 ** 52 - 1);
    const r = new ByteReader(w.finish());
    expect([r.varint(), r.varint()]).toEqual([-(2 ** 52), 2 ** 52 - 1]);
    expect(() => new ByteWriter(1).varint(2 ** 52)).toThrow('cannot write 4503599627370496 as a varint');
  });

  it('computes the standard CRC-32 across parts', () => {
    const text = new TextEncoder().encode('123456789');
    expect(crc32([text])).toBe(0xcbf43926);
    expect(crc32([text.subarray(0, 4), text.subarray(4)])).toBe(0xcbf43926);
  });

  it('rejects a truncated varint and invalid UTF-8', () => {
    expect(() => new ByteReader(Uint8Array.of(0x80, 0x80)).uvarint()).toThrow(ChunkError);
    for (const bad of [[1, 0xc3], [2, 0xc0, 0x80], [3, 0xed, 0xa0, 0x80], [1, 0xff]]) {
      expect(() => new ByteReader(Uint8Array.from(bad)).string(), String(bad)).toThrow(/UTF-8/);
    }
  });

  it('encodes UTF-8 as TextEncoder does', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const mine = utf8Encode(s);
        expect(Array.from(mine)).toEqual(Array.from(new TextEncoder().encode(s)));
        expect(utf8Decode(mine)).toBe(new TextDecoder().decode(mine));
      }),
    );
  });
});

describe('chunk records', () => {
  it('carry mint and maxt without decoding samples', () => {
    const xor = encodeXor([T0, T0 + 15_000, T0 + 30_000], [1, 2, 3]);
    const h = readChunkRecord(encodeChunkRecord(T0, T0 + 30_000, xor));
    expect([h.mint, h.maxt, h.count]).toEqual([T0, T0 + 30_000, 3]);
    expect(Array.from(decodeXor(h.xor).v)).toEqual([1, 2, 3]);
  });

  it('reject an empty or truncated record', () => {
    expect(() => readChunkRecord(encodeChunkRecord(0, 0, Uint8Array.of(0, 0)))).toThrow(ChunkError);
    expect(() => readChunkRecord(Uint8Array.of(5))).toThrow(ChunkError);
  });
});

describe('snapshot format', () => {
  it('round-trips every section, keeping stale markers bit for bit', () => {
    const s = sample();
    const back = decodeSnapshot(concatBytes(encodeSnapshot(s)), { verifyChunks: true });
    expect(back.series).toEqual(s.series);
    expect(back.metadata).toEqual(s.metadata);
    expect(back.exemplars).toEqual(s.exemplars);
    expect(back.position).toEqual(s.position);
    expect([back.chunkRangeMs, back.createdMs]).toEqual([s.chunkRangeMs, s.createdMs]);
    expect(back.chunks.map((c) => [c.series, c.mint, c.maxt])).toEqual(s.chunks.map((c) => [c.series, c.mint, c.maxt]));
    const v = decodeXor(back.chunks[0].data).v;
    expect(isStaleMarker(v[2])).toBe(true);
    expect(v[3]).toBe(4);
  });

  it('starts with its magic and version and stores each label string once', () => {
    const s = sample();
    s.series = Array.from({ length: 50 }, (_, i) => ({ __name__: 'node_cpu_seconds_total', instance: 'host-a:9100', cpu: String(i % 4) }));
    s.chunks = [];
    s.exemplars = [];
    const bytes = concatBytes(encodeSnapshot(s));
    expect(new TextDecoder().decode(bytes.subarray(0, 4))).toBe('SLTS');
    expect(bytes[4]).toBe(1);
    // 50 series share 7 distinct strings: the table costs a few bytes per series, not the label text.
    expect(bytes.length).toBeLessThan(100 + 50 * 8);
  });

  it('detects damage, truncation, other files and future versions', () => {
    const bytes = concatBytes(encodeSnapshot(sample()));
    const flipped = bytes.slice();
    flipped[40] ^= 1;
    expect(() => decodeSnapshot(flipped)).toThrow(/checksum/);
    expect(() => decodeSnapshot(bytes.subarray(0, bytes.length - 9))).toThrow(SnapshotError);
    expect(() => decodeSnapshot(new TextEncoder().encode('# EOF\n'))).toThrow(/magic/);
    const future = bytes.slice();
    future[4] = 9;
    expect(() => decodeSnapshot(future)).toThrow(/version 9/);
  });

  it('rejects a chunk whose header disagrees with its record even when the checksum matches', () => {
    const s = sample();
    s.chunks[0] = { ...s.chunks[0], mint: T0 + 1 };
    expect(() => decodeSnapshot(concatBytes(encodeSnapshot(s)))).toThrow(/does not match/);
    const t = sample();
    t.chunks[0] = { ...t.chunks[0], maxt: T0 + 9999 };
    expect(() => decodeSnapshot(concatBytes(encodeSnapshot(t)), { verifyChunks: true })).toThrow(/ends at/);
  });
});
