// A reading tab's copy of the open region (what is not in blocks yet), kept up to date from the WAL records.
import { applyOpen, decodeWal, type ChunkRef, type WalEntry } from './records.ts';

/** One series' open region as the WAL describes it. */
export interface ReplicaSeries {
  sealed: readonly ChunkRef[];
  /** The open chunk's XOR bytes (possibly an empty chunk). */
  open: Uint8Array;
}

/** Open-region state rebuilt from the latest checkpoint and the deltas after it. */
export class Replica {
  /** Generation of the last WAL record applied (-1 before any). */
  applied = -1;
  private series = new Map<number, ReplicaSeries>();

  /**
   * Applies WAL records given in key order ([gen, kind], value). A checkpoint newer than what was applied resets
   * the state; records at or before `applied` are skipped, so overlapping reads apply each record once.
   */
  apply(keys: ReadonlyArray<[number, number]>, values: readonly Uint8Array[]): void {
    let start = 0;
    for (let i = keys.length - 1; i >= 0; i--) {
      if (keys[i][1] === 1 && keys[i][0] > this.applied) {
        start = i;
        this.series = new Map();
        break;
      }
    }
    for (let i = start; i < keys.length; i++) {
      if (keys[i][0] <= this.applied) continue;
      this.applied = keys[i][0];
      let record;
      try {
        record = decodeWal(values[i]);
      } catch {
        // A damaged record (the open check reports and drops it): the rest still applies.
        continue;
      }
      if (record.kind === 'checkpoint') this.series = new Map();
      for (const e of record.entries) {
        try {
          this.applyEntry(e);
        } catch {
          // Growth of an open chunk whose earlier bytes were lost with a damaged record.
          this.series.delete(e.sid);
        }
      }
    }
  }

  /** Forgets everything (the WAL was found to have moved on past what this replica can patch). */
  reset(): void {
    this.series = new Map();
    this.applied = -1;
  }

  get(sid: number): ReplicaSeries | undefined {
    return this.series.get(sid);
  }

  private applyEntry(e: WalEntry): void {
    const prev = this.series.get(e.sid);
    const sealed = e.mode === 'replace' || !prev ? e.sealed : [...prev.sealed, ...e.sealed];
    this.series.set(e.sid, { sealed, open: applyOpen(prev?.open, e.open) });
  }
}
