import { describe, expect, it } from 'vitest';
import { ChunkError } from '../../../shared/chunk/bits.ts';
import { XorAppender, encodeXor } from '../../../shared/chunk/xor.ts';
import { applyOpen, blockChunks, decodeBlock, decodeWal, encodeBlock, encodeWal, readBlockDirectory, type ChunkRef } from './records.ts';

function chunk(ts: number[], vs: number[]): ChunkRef {
  return { mint: ts[0], maxt: ts[ts.length - 1], count: ts.length, xor: encodeXor(ts, vs) };
}

describe('block records', () => {
  const a = [chunk([1, 2, 3], [1, 1, 1]), chunk([10, 20], [5, 6])];
  const b = [chunk([7], [0.5])];

  it('round-trip every series and find one series through the directory alone', () => {
    const block = encodeBlock(
      new Map([
        [9, b],
        [4, a],
      ]),
    );
    const all = decodeBlock(block);
    expect([...all.keys()]).toEqual([4, 9]);
    expect(all.get(4)!.map((c) => [c.mint, c.maxt, c.count])).toEqual([
      [1, 3, 3],
      [10, 20, 2],
    ]);
    const dir = readBlockDirectory(block);
    expect(dir.sids).toEqual([4, 9]);
    expect(blockChunks(block, dir, 9).map((c) => [c.mint, c.count])).toEqual([[7, 1]]);
    expect(blockChunks(block, dir, 5)).toEqual([]);
  });

  it('reject a block whose directory does not match its length', () => {
    const block = encodeBlock(new Map([[4, a]]));
    expect(() => readBlockDirectory(block.subarray(0, block.length - 1))).toThrow(ChunkError);
  });
});

describe('WAL records', () => {
  it('grow an open chunk from its previous bytes exactly as the appender does', () => {
    const a = new XorAppender();
    a.append(1000, 1.5);
    a.append(2000, 2.5);
    const before = a.bytes();
    a.append(3000, 2.75);
    a.append(4000, -1);
    const after = a.bytes();
    const grown = applyOpen(before, { from: before.length - 1, count: 4, tail: after.subarray(before.length - 1) });
    expect(Array.from(grown)).toEqual(Array.from(after));
    expect(() => applyOpen(undefined, { from: 3, count: 1, tail: Uint8Array.of(1) })).toThrow(ChunkError);
  });

  it('round-trip deltas and checkpoints with append and replace entries', () => {
    const bytes = encodeWal('checkpoint', [
      { sid: 3, mode: 'replace', sealed: [chunk([1, 2], [3, 4])], open: { full: encodeXor([5], [6]) } },
      { sid: 8, mode: 'append', sealed: [], open: { from: 4, count: 9, tail: Uint8Array.of(1, 2) } },
    ]);
    const w = decodeWal(bytes);
    expect(w.kind).toBe('checkpoint');
    expect(w.entries.map((e) => [e.sid, e.mode, e.sealed.map((c) => c.count), e.open])).toEqual([
      [3, 'replace', [2], { full: encodeXor([5], [6]) }],
      [8, 'append', [], { from: 4, count: 9, tail: Uint8Array.of(1, 2) }],
    ]);
    expect(decodeWal(encodeWal('delta', [])).kind).toBe('delta');
  });

  it('reject a truncated or unknown record', () => {
    const bytes = encodeWal('delta', [{ sid: 3, mode: 'append', sealed: [chunk([1, 2], [3, 4])], open: { full: Uint8Array.of(0, 0) } }]);
    expect(() => decodeWal(bytes.subarray(0, bytes.length - 3))).toThrow(ChunkError);
    expect(() => decodeWal(Uint8Array.of(7, 0))).toThrow(/kind 7/);
  });
});
