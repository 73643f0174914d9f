// Memory caches for reads: decoded chunks (skip XOR decoding) and block records (skip IndexedDB reads).
import { decodeXorColumns } from '../../../shared/chunk/xordecode.ts';
import type { ChunkHeader } from '../../../shared/chunk/record.ts';
import type { Run } from './runs.ts';

interface Entry {
  record: Uint8Array;
  run: Run;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Decoded chunks keyed by (series, mint), checked against the record bytes so a rewritten chunk is never served stale. */
export class ChunkCache {
  private readonly entries = new Map<string, Entry>();
  private samples = 0;
  /** Chunks decoded and chunks served from memory since creation (for tests and the benchmark). */
  decoded = 0;
  hits = 0;

  constructor(private readonly budgetSamples: number) {}

  /** The chunk's decoded samples if they are in memory (and still match the record's bytes). */
  lookup(sid: number, record: Uint8Array, header: ChunkHeader): Run | undefined {
    const key = `${sid}:${header.mint}`;
    const hit = this.entries.get(key);
    if (!hit || !sameBytes(hit.record, record)) return undefined;
    this.entries.delete(key);
    this.entries.set(key, hit);
    this.hits++;
    return hit.run;
  }

  /** The chunk's samples, decoded once and then served from memory while it stays in budget. */
  decode(sid: number, record: Uint8Array, header: ChunkHeader): Run {
    return this.lookup(sid, record, header) ?? this.remember(sid, record, header, decodeXorColumns(header.xor));
  }

  /** Keeps samples decoded elsewhere (e.g. into a larger array) for this chunk. */
  remember(sid: number, record: Uint8Array, header: ChunkHeader, run: Run): Run {
    const key = `${sid}:${header.mint}`;
    const hit = this.entries.get(key);
    this.decoded++;
    if (this.budgetSamples <= 0) return run;
    if (hit) {
      this.entries.delete(key);
      this.samples -= hit.run.t.length;
    }
    this.entries.set(key, { record, run });
    this.samples += run.t.length;
    for (const [k, e] of this.entries) {
      if (this.samples <= this.budgetSamples) break;
      this.entries.delete(k);
      this.samples -= e.run.t.length;
    }
    return run;
  }

  clear(): void {
    this.entries.clear();
    this.samples = 0;
  }
}

/**
 * Block records read per (shard, bucket range), valid for one value of the meta record's blocksGen (any block
 * write or deletion moves it, and the cache is replaced). Least recently used ranges go first past the byte budget.
 */
export class BlockCache {
  private readonly entries = new Map<string, Uint8Array[]>();
  private bytes = 0;

  constructor(
    readonly gen: number,
    readonly budget: number,
  ) {}

  get(shard: number, first: number, last: number): Uint8Array[] | undefined {
    const key = `${shard}:${first}:${last}`;
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit;
  }

  put(shard: number, first: number, last: number, blocks: Uint8Array[]): void {
    let size = 0;
    for (const b of blocks) size += b.byteLength;
    if (size > this.budget) return;
    const key = `${shard}:${first}:${last}`;
    const old = this.entries.get(key);
    if (old) for (const b of old) this.bytes -= b.byteLength;
    this.entries.set(key, blocks);
    this.bytes += size;
    for (const [k, list] of this.entries) {
      if (this.bytes <= this.budget) break;
      this.entries.delete(k);
      for (const b of list) this.bytes -= b.byteLength;
    }
  }
}
