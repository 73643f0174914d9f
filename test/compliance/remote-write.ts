// Minimal Prometheus remote-write 1.0 client (protobuf WriteRequest, snappy block framing) to push samples, stale markers included.
import type { DemoSeries } from './demo-data.ts';

/** Appends `n` as a protobuf varint (n ≥ 0, exact up to 2^53). */
function varint(out: number[], n: number): void {
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
}

const utf8 = new TextEncoder();

function lengthDelimited(out: number[], field: number, bytes: ArrayLike<number>): void {
  varint(out, (field << 3) | 2);
  varint(out, bytes.length);
  for (let i = 0; i < bytes.length; i++) out.push(bytes[i]);
}

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);

/** Sample { double value = 1; int64 timestamp = 2; }: the value's bits are copied as they are (stale markers survive). */
function sample(v: number, t: number): number[] {
  const out: number[] = [0x09];
  f64[0] = v;
  for (let i = 0; i < 8; i++) out.push(f64Bytes[i]);
  varint(out, 0x10);
  varint(out, t);
  return out;
}

/** WriteRequest { repeated TimeSeries timeseries = 1 }, TimeSeries { repeated Label labels = 1; repeated Sample samples = 2 }. */
export function encodeWriteRequest(series: readonly DemoSeries[]): Uint8Array {
  const out: number[] = [];
  for (const s of series) {
    if (s.t.length === 0) continue;
    const ts: number[] = [];
    for (const name of Object.keys(s.labels).sort()) {
      const label: number[] = [];
      lengthDelimited(label, 1, utf8.encode(name));
      lengthDelimited(label, 2, utf8.encode(s.labels[name]));
      lengthDelimited(ts, 1, label);
    }
    for (let i = 0; i < s.t.length; i++) lengthDelimited(ts, 2, sample(s.v[i], s.t[i]));
    lengthDelimited(out, 1, ts);
  }
  return Uint8Array.from(out);
}

/** Snappy block format with literal elements only: valid input for any snappy decoder, just not compressed. */
export function snappyUncompressed(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  varint(out, data.length);
  const MAX = 65536;
  for (let off = 0; off < data.length; off += MAX) {
    const len = Math.min(MAX, data.length - off);
    if (len <= 60) out.push((len - 1) << 2);
    else {
      // Tag 61: the length minus one follows in two little-endian bytes.
      out.push(61 << 2, (len - 1) & 0xff, (len - 1) >> 8);
    }
    for (let i = 0; i < len; i++) out.push(data[off + i]);
  }
  return Uint8Array.from(out);
}

/** The part of each series with samples in [fromMs, toMs) (views, so stale markers keep their bits). */
function slice(series: readonly DemoSeries[], fromMs: number, toMs: number): DemoSeries[] {
  return series.map((s) => {
    let lo = 0;
    while (lo < s.t.length && s.t[lo] < fromMs) lo++;
    let hi = lo;
    while (hi < s.t.length && s.t[hi] < toMs) hi++;
    return { labels: s.labels, t: s.t.subarray(lo, hi), v: s.v.subarray(lo, hi) };
  });
}

/** Pushes the series to `${baseUrl}/api/v1/write` in time order, `batchMs` of every series per request. */
export async function remoteWrite(baseUrl: string, series: readonly DemoSeries[], batchMs = 5 * 60_000): Promise<void> {
  let min = Infinity;
  let max = -Infinity;
  for (const s of series) {
    if (s.t.length === 0) continue;
    min = Math.min(min, s.t[0]);
    max = Math.max(max, s.t[s.t.length - 1]);
  }
  for (let from = min; from <= max; from += batchMs) {
    const body = snappyUncompressed(encodeWriteRequest(slice(series, from, from + batchMs)));
    const r = await fetch(`${baseUrl}/api/v1/write`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
        'x-prometheus-remote-write-version': '0.1.0',
      },
      body,
    });
    if (!r.ok) throw new Error(`remote write: HTTP ${r.status}: ${await r.text()}`);
  }
}
