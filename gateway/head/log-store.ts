// Persists the head as an append-only log in a LogDir (--storage.path), so a restart keeps epoch, sequence numbers and data.
import type { Labels } from '../../shared/model/labels.ts';
import type { MetricMetadata } from '../../shared/stream/protocol.ts';
import type { Clock, LogDir, Scheduler, TimerHandle } from '../runtime/ports.ts';
import type { Head, HeadSnapshot, HeadStore, PersistedBatch, StoredBatch } from './head.ts';

export interface LogHeadStoreOptions {
  retentionMs: number;
  clock: Clock;
  scheduler: Scheduler;
  /** How often the counters (meta.json) are rewritten and segments past retention deleted (default 1 s). */
  housekeepingMs?: number;
  /** Age at which a new segment file starts (default 10 min); whole segments past retention are deleted. */
  segmentMs?: number;
  /** Where write failures are reported. */
  log?: (line: string) => void;
}

interface Meta {
  version: 1;
  epoch: string;
  nextSeq: number;
  nextSeriesId: number;
}

const META = 'meta.json';
const SEGMENT_RE = /^head-(\d{12})\.log$/;

/**
 * The head's durable copy. Each segment holds JSON lines: a `series` line the first time a segment mentions a
 * series id, then `batch` lines with their arrays in base64 (stale markers are NaN payloads JSON cannot carry).
 *
 * Write-ahead, as Prometheus's WAL: the head holds each new batch back from streams (`Head.holdUntilDurable`) until
 * its line has been handed to the OS (appended; a kill -9 loses nothing written, a machine crash may lose what was
 * not yet on disk, since writes are not fsynced). Batches appended while a write is in flight go out together in
 * the next one. So a batch a client holds is always in the log, and a restart continues the epoch after it.
 */
export class LogHeadStore implements HeadStore {
  /** Lines not yet written, each with its segment file. */
  private pending: Array<[segment: string, line: string]> = [];
  /** One past the newest batch recorded (written or pending). */
  private recordedNext = 0;
  private writtenIds = new Set<number>();
  private segment: string | null = null;
  private segmentStart = 0;
  /** Newest appendedAt per segment file, for retention. */
  private segmentNewest = new Map<string, number>();
  private timer: TimerHandle | null = null;
  /** Every write, in order; each step catches its own errors. */
  private chain: Promise<void> = Promise.resolve();
  private writeQueued = false;
  private metaWritten = false;
  private failed = false;
  private head: Head | null = null;
  private epoch = '';
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly dir: LogDir,
    private readonly o: LogHeadStoreOptions,
  ) {}

  /** The stored epoch and everything still within retention, or null when the directory holds no head. */
  async load(): Promise<{ epoch: string; snapshot: HeadSnapshot } | null> {
    const metaText = await this.dir.read(META);
    if (metaText === null) return null;
    const meta = JSON.parse(metaText) as Meta;
    const minT = this.o.clock.now() - this.o.retentionMs;
    const series = new Map<number, Labels>();
    const batches: PersistedBatch[] = [];
    let nextSeq = meta.nextSeq;
    let nextSeriesId = meta.nextSeriesId;
    for (const name of (await this.dir.list()).filter((n) => SEGMENT_RE.test(n)).sort()) {
      const text = (await this.dir.read(name)) ?? '';
      // A crash mid-write leaves a torn last line: end it, so a later append to this file starts a line of its own.
      if (text !== '' && !text.endsWith('\n')) await this.dir.append(name, '\n');
      let newest = 0;
      for (const line of text.split('\n')) {
        const record = parseLine(line);
        if (record === null) continue;
        if (record.t === 'series') {
          series.set(record.id, record.labels);
          nextSeriesId = Math.max(nextSeriesId, record.id + 1);
          continue;
        }
        const batch = decodeBatch(record);
        newest = Math.max(newest, batch.appendedAt);
        nextSeq = Math.max(nextSeq, batch.seq + 1);
        if (batch.appendedAt >= minT) batches.push(batch);
      }
      this.segmentNewest.set(name, newest);
    }
    batches.sort((a, b) => a.seq - b.seq);
    return { epoch: meta.epoch, snapshot: { nextSeq, nextSeriesId, series, batches } };
  }

  /**
   * Starts logging every batch the head appends (call after restoring it, before anything is appended or streamed):
   * new batches are published to streams once written.
   */
  attach(head: Head, epoch: string): void {
    this.head = head;
    this.epoch = epoch;
    this.recordedNext = head.nextSeq;
    head.holdUntilDurable();
    this.unsubscribe = head.onBatch((b) => this.record(b));
    // The epoch is on disk before any batch of it is published.
    this.chain = this.chain.then(() => this.writeMeta());
    this.schedule();
  }

  /** Writes what is pending and the counters; deletes segments past retention. */
  flush(): Promise<void> {
    this.chain = this.chain.then(async () => {
      await this.writeBatches();
      await this.writeMeta();
      await this.trim();
    });
    return this.chain;
  }

  /** Final flush; no more writes after it. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer !== null) this.o.scheduler.clearTimeout(this.timer);
    this.timer = null;
    await this.flush();
  }

  private schedule(): void {
    this.timer = this.o.scheduler.setTimeout(() => {
      void this.flush().finally(() => {
        if (this.unsubscribe !== null) this.schedule();
      });
    }, this.o.housekeepingMs ?? 1000);
  }

  private record(b: StoredBatch): void {
    const head = this.head as Head;
    if (this.segment === null || this.o.clock.now() - this.segmentStart >= (this.o.segmentMs ?? 600_000)) this.rotate(b.seq);
    const segment = this.segment as string;
    const defs = (id: number): void => {
      if (this.writtenIds.has(id)) return;
      const s = head.series(id);
      if (s === undefined) return;
      this.writtenIds.add(id);
      this.pending.push([segment, JSON.stringify({ t: 'series', id, labels: s.labels })]);
    };
    for (const id of b.ids) defs(id);
    for (const [id] of b.exemplars) defs(id);
    this.pending.push([segment, JSON.stringify(encodeBatch(b))]);
    this.segmentNewest.set(segment, b.appendedAt);
    this.recordedNext = b.seq + 1;
    // One write at a time; whatever is recorded meanwhile goes in the next.
    if (this.writeQueued) return;
    this.writeQueued = true;
    this.chain = this.chain.then(() => this.writeBatches());
  }

  /** A new segment starts with the next batch; each segment defines every series it uses. */
  private rotate(seq: number): void {
    this.segment = `head-${String(seq).padStart(12, '0')}.log`;
    this.segmentStart = this.o.clock.now();
    this.writtenIds = new Set();
  }

  /** Appends the pending lines (grouped per segment, in order), then publishes the batches they hold. */
  private async writeBatches(): Promise<void> {
    this.writeQueued = false;
    const head = this.head;
    if (head === null || this.pending.length === 0) return;
    const lines = this.pending;
    const upTo = this.recordedNext;
    this.pending = [];
    if (this.failed) {
      head.markDurable(upTo);
      return;
    }
    try {
      if (!this.metaWritten) await this.writeMeta();
      let from = 0;
      while (from < lines.length) {
        const segment = lines[from][0];
        let to = from;
        const text: string[] = [];
        while (to < lines.length && lines[to][0] === segment) text.push(lines[to++][1]);
        await this.dir.append(segment, text.join('\n') + '\n');
        from = to;
      }
      head.markDurable(upTo);
    } catch (e) {
      await this.fail(e);
    }
  }

  /**
   * A write failed (disk full, directory gone): stop logging and publish everything, so streams go on, and remove
   * meta.json, so the next start begins a new epoch (clients see a gap) instead of reusing sequence numbers that
   * never reached the log.
   */
  private async fail(e: unknown): Promise<void> {
    const head = this.head as Head;
    this.failed = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.pending = [];
    const log = this.o.log ?? ((line: string) => console.error(line));
    log(`sightline: cannot write the head log: ${(e as Error).message}; streaming on without persistence, the next start begins a new epoch`);
    head.releaseHold();
    try {
      await this.dir.remove(META);
    } catch (e2) {
      log(`sightline: cannot remove ${META} after the failed write (${(e2 as Error).message}): remove the head directory before restarting`);
    }
  }

  /** The counters: the next sequence number is one past the newest written batch, never past a hole. */
  private async writeMeta(): Promise<void> {
    const head = this.head;
    if (head === null || this.failed) return;
    const meta: Meta = { version: 1, epoch: this.epoch, nextSeq: head.publishedSeq, nextSeriesId: head.nextSeriesId };
    try {
      await this.dir.replace(META, JSON.stringify(meta));
      this.metaWritten = true;
    } catch (e) {
      await this.fail(e);
    }
  }

  private async trim(): Promise<void> {
    if (this.failed) return;
    const minT = this.o.clock.now() - this.o.retentionMs;
    for (const [name, newest] of this.segmentNewest) {
      if (name !== this.segment && newest < minT) {
        try {
          await this.dir.remove(name);
        } catch {
          continue; // retried at the next housekeeping
        }
        this.segmentNewest.delete(name);
      }
    }
  }
}

interface SeriesRecord {
  t: 'series';
  id: number;
  labels: Labels;
}

interface BatchRecord {
  t: 'batch';
  seq: number;
  at: number;
  ids: string;
  ts: number | string;
  vals: string;
  meta: Array<[string, MetricMetadata]>;
  ex: Array<[number, Labels, string, number | null]>;
}

/** A log line, or null for an empty or torn one (a crash mid-write leaves at most the last line incomplete). */
function parseLine(line: string): SeriesRecord | BatchRecord | null {
  if (line === '') return null;
  try {
    const r = JSON.parse(line) as SeriesRecord | BatchRecord;
    return r.t === 'series' || r.t === 'batch' ? r : null;
  } catch {
    return null;
  }
}

/** A batch as a log record. */
export function encodeBatch(b: StoredBatch | PersistedBatch): BatchRecord {
  return {
    t: 'batch',
    seq: b.seq,
    at: b.appendedAt,
    ids: toBase64(new Uint8Array(b.ids.buffer, b.ids.byteOffset, b.ids.byteLength)),
    ts: typeof b.ts === 'number' ? b.ts : toBase64(new Uint8Array(b.ts.buffer, b.ts.byteOffset, b.ts.byteLength)),
    vals: toBase64(new Uint8Array(b.vals.buffer, b.vals.byteOffset, b.vals.byteLength)),
    meta: [...b.meta],
    ex: b.exemplars.map(([id, labels, v, t]) => [id, labels, String(v), t]),
  };
}

/** The batch of a log record (arrays copied into aligned buffers). */
export function decodeBatch(r: BatchRecord): PersistedBatch {
  return {
    seq: r.seq,
    appendedAt: r.at,
    ids: new Uint32Array(fromBase64(r.ids).buffer),
    ts: typeof r.ts === 'number' ? r.ts : new Float64Array(fromBase64(r.ts).buffer),
    vals: new Float64Array(fromBase64(r.vals).buffer),
    meta: r.meta,
    exemplars: r.ex.map(([id, labels, v, t]) => [id, labels, Number(v), t]),
  };
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const CHUNK = 0x8000;
  for (let i = 0; i < bytes.length; i += CHUNK) binary += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(binary);
}

function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
