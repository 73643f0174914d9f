import { describe, expect, it } from 'vitest';
import { STALE_NAN } from '../../shared/model/stale.ts';
import { encodeWriteRequest, snappyUncompressed } from './remote-write.ts';

describe('remote write encoding', () => {
  it('encodes a WriteRequest as protobuf, value bits as they are', () => {
    const bytes = encodeWriteRequest([{ labels: { a: 'b' }, t: Float64Array.of(300), v: Float64Array.of(STALE_NAN) }]);
    // timeseries{ labels{name "a", value "b"}, samples{value STALE_NAN, timestamp 300} }
    const sample = [0x09, 0x02, 0, 0, 0, 0, 0, 0xf0, 0x7f, 0x10, 0xac, 0x02];
    const label = [0x0a, 1, 0x61, 0x12, 1, 0x62];
    const ts = [0x0a, label.length, ...label, 0x12, sample.length, ...sample];
    expect([...bytes]).toEqual([0x0a, ts.length, ...ts]);
  });

  it('frames data as snappy literals', () => {
    expect([...snappyUncompressed(Uint8Array.of(1, 2, 3))]).toEqual([3, 2 << 2, 1, 2, 3]);
    const big = new Uint8Array(70_000).fill(7);
    const framed = snappyUncompressed(big);
    // varint length 70000, then a 65536-byte literal (tag 61, length-1 = 0xffff) and a 4464-byte one.
    expect([...framed.subarray(0, 6)]).toEqual([0xf0, 0xa2, 0x04, 61 << 2, 0xff, 0xff]);
    expect([...framed.subarray(6 + 65536, 6 + 65536 + 3)]).toEqual([61 << 2, (4464 - 1) & 0xff, (4464 - 1) >> 8]);
    expect(framed.length).toBe(3 + 3 + 65536 + 3 + 4464);
  });
});
