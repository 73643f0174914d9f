// Least-recently-used cache of decoded chunks, so repeated queries over the same range skip XOR decoding.
import { decodeXor } from '../../../shared/chunk/xor.ts';
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

  constructor(private readonly budgetSamples: number) {}

  /** The chunk's samples, decoded once and then served from memory while it stays in budget. */
  decode(sid: number, record: Uint8Array, header: ChunkHeader): Run {
    const key = `${sid}:${header.mint}`;
    const hit = this.entries.get(key);
    if (hit && sameBytes(hit.record, record)) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.run;
    }
    const run = decodeXor(header.xor);
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
