// Browser half of `npm run bench:store` (bench/store.ts bundles it into the page): ingests the dataset into the
// TSDB and times PromQL over it, inside Chromium. Not part of the studio build.
import { createEngine } from '../../../shared/promql/engine/index.ts';
import { formatQueryResult } from '../../../shared/promql/format.ts';
import type { Labels } from '../../../shared/model/labels.ts';
import { openTsdb, storageEstimate, STUDIO_FLUSH_POLICY, type TsdbStore } from './index.ts';
import { decodeBlock, decodeWal } from './records.ts';

/** The dataset as the Node half serves it: JSON header, then all timestamps, then all values (Float64, little-endian). */
interface Dataset {
  labels: Labels[];
  /** Samples per series; series i's samples start at the sum of the counts before it. */
  counts: number[];
  t: Float64Array;
  v: Float64Array;
}

async function loadDataset(url: string): Promise<Dataset> {
  const buf = await (await fetch(url)).arrayBuffer();
  const headerLen = new DataView(buf).getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, headerLen))) as { labels: Labels[]; counts: number[] };
  const total = header.counts.reduce((a, b) => a + b, 0);
  const offset = Math.ceil((4 + headerLen) / 8) * 8;
  return { ...header, t: new Float64Array(buf, offset, total), v: new Float64Array(buf, offset + total * 8, total) };
}

export interface IngestResult {
  samples: number;
  series: number;
  batches: number;
  ingestMs: number;
  /** Flushes during the ingest and the time spent writing them (the rest is appending into memory). */
  flushes: number;
  flushMs: number;
  /**
   * Bytes the store accounts for (records as stored: keys and values) at rest, after the closing checkpoint (as
   * Prometheus's blocks hold everything, no WAL), and while running just after ingest (WAL deltas included).
   */
  storedBytes: number;
  runningBytes: number;
  chunkRecords: number;
  chunkPayloadBytes: number;
  estimateBefore: { usage: number; quota: number } | null;
  estimateAfter: { usage: number; quota: number } | null;
  /** How long appended batches waited to become durable (ms): median and maximum over all batches. */
  durableLagMedianMs: number;
  durableLagMaxMs: number;
}

/** Resolves in a new task (a message to itself), without setTimeout's clamping: each batch arrives as a stream read would. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => {
      ch.port1.close();
      resolve();
    };
    ch.port2.postMessage(0);
  });
}

/**
 * Streams the dataset into a fresh store as the studio would receive it: one batch per scrape interval (or
 * `stepsPerBatch` intervals) with one sample per series, the production flush policy, then a final flush.
 */
async function ingest(name: string, url: string, stepsPerBatch: number, maxBatches?: number): Promise<IngestResult> {
  const data = await loadDataset(url);
  const estimateBefore = await storageEstimate();
  // The studio's policy (group commit), or a flush after every `maxBatches` appends, waited for.
  const store = await openTsdb({ name, persist: false, flush: maxBatches ? { maxBatches } : STUDIO_FLUSH_POLICY });
  let flushes = 0;
  let flushMs = 0;
  let lastAt: number | null = null;
  // appendedAt[seq]: when batch seq was appended; lags: how long each waited until a flush made it durable.
  const appendedAt: number[] = [];
  const lags: number[] = [];
  store.onStatus((st) => {
    if (st.lastFlushAt !== lastAt && st.lastFlushMs !== null) {
      lastAt = st.lastFlushAt;
      flushes++;
      flushMs += st.lastFlushMs;
    }
    const now = performance.now();
    const upTo = st.durable?.seq ?? 0;
    while (lags.length < upTo && lags.length + 1 < appendedAt.length) lags.push(now - appendedAt[lags.length + 1]);
  });
  const starts: number[] = [];
  let at = 0;
  for (const c of data.counts) {
    starts.push(at);
    at += c;
  }
  const points = Math.max(...data.counts);
  const t0 = performance.now();
  let seq = 0;
  for (let p = 0; p < points; p += stepsPerBatch) {
    const series = [];
    for (let i = 0; i < data.labels.length; i++) {
      const lo = Math.min(p, data.counts[i]);
      const hi = Math.min(p + stepsPerBatch, data.counts[i]);
      if (hi <= lo) continue;
      series.push({ labels: data.labels[i], t: data.t.subarray(starts[i] + lo, starts[i] + hi), v: data.v.subarray(starts[i] + lo, starts[i] + hi) });
    }
    appendedAt[++seq] = performance.now();
    await store.appendBatch({ epoch: 'bench', seq, series });
    await nextTask();
  }
  await store.flush();
  const ingestMs = performance.now() - t0;
  const runningBytes = store.status().storedBytes;
  store.close();
  await store.closed;
  const reopened = await openTsdb({ name, persist: false });
  const storedBytes = reopened.status().storedBytes;
  reopened.close();
  await reopened.closed;
  const { chunkRecords, chunkPayloadBytes } = await chunkPayload(name);
  return {
    samples: data.t.length,
    series: data.labels.length,
    batches: seq,
    ingestMs,
    flushes,
    flushMs,
    storedBytes,
    runningBytes,
    chunkRecords,
    chunkPayloadBytes,
    estimateBefore,
    estimateAfter: await storageEstimate(),
    durableLagMedianMs: [...lags].sort((a, b) => a - b)[lags.length >> 1] ?? 0,
    durableLagMaxMs: Math.max(0, ...lags),
  };
}

/** Counts chunks and their XOR payload bytes in the block and WAL records, straight from IndexedDB. */
async function chunkPayload(name: string): Promise<{ chunkRecords: number; chunkPayloadBytes: number }> {
  const db = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(name);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const all = (store: string) =>
    new Promise<Uint8Array[]>((resolve, reject) => {
      const req = db.transaction(store).objectStore(store).getAll();
      req.onsuccess = () => resolve(req.result as Uint8Array[]);
      req.onerror = () => reject(req.error);
    });
  const [blocks, wal] = [await all('blocks'), await all('wal')];
  db.close();
  let chunks = 0;
  let bytes = 0;
  for (const b of blocks) {
    for (const list of decodeBlock(b).values()) {
      for (const c of list) {
        chunks++;
        bytes += c.xor.length;
      }
    }
  }
  // The open region: the newest checkpoint and later deltas hold its chunks (older records are already gone).
  for (const w of wal) {
    for (const e of decodeWal(w).entries) {
      for (const c of e.sealed) {
        chunks++;
        bytes += c.xor.length;
      }
      bytes += 'full' in e.open ? e.open.full.length : e.open.tail.length;
    }
  }
  return { chunkRecords: chunks, chunkPayloadBytes: bytes };
}

export interface QueryTiming {
  /** First run on a freshly opened store: opening the database, its check, reading the WAL, then the query. */
  openMs: number;
  /** On the open store with its memory caches (blocks, decoded chunks, series) dropped: reads and decodes again (median). */
  coldMs: number;
  /** Median of repeated runs. */
  warmMs: number;
  result: string;
  chunksDecodedCold: number;
}

const engine = createEngine();
let store: TsdbStore | null = null;

/** Times one query: on a freshly opened store, then cold (caches dropped), then warm (median of `runs`). */
async function timeQuery(name: string, expr: string, range: { start: number; end: number; step: number } | { time: number }, runs: number): Promise<QueryTiming> {
  if (store) {
    store.close();
    await store.closed;
  }
  const t0 = performance.now();
  store = await openTsdb({ name, persist: false });
  const s = store;
  const run = () => ('time' in range ? engine.instantQuery(s, expr, range.time) : engine.rangeQuery(s, expr, range.start, range.end, range.step));
  const first = await run();
  const openMs = performance.now() - t0;
  // Cold: the median of `runs` runs, each after dropping every memory cache.
  const colds: number[] = [];
  let chunksDecodedCold = 0;
  for (let i = 0; i < runs; i++) {
    s.dropCaches();
    const c0 = s.readCounters().decoded;
    const t1 = performance.now();
    await run();
    colds.push(performance.now() - t1);
    chunksDecodedCold = s.readCounters().decoded - c0;
  }
  colds.sort((a, b) => a - b);
  const coldMs = colds[colds.length >> 1];
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t2 = performance.now();
    await run();
    times.push(performance.now() - t2);
  }
  times.sort((a, b) => a - b);
  return { openMs, coldMs, warmMs: times[times.length >> 1], result: formatQueryResult(first), chunksDecodedCold };
}

export const storeBench = { ingest, timeQuery };
(globalThis as { storeBench?: typeof storeBench }).storeBench = storeBench;
