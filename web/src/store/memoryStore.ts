// SampleStore held in memory (over the engine's MemoryStore): for unit tests and as the reference for the contract.
import { compareLabels, type Labels } from '../../../shared/model/labels.ts';
import type { LabelMatcher } from '../../../shared/promql/ast.ts';
import { MemoryStore } from '../../../shared/promql/memstore.ts';
import type { Cancellation, SelectHints, SeriesSamples } from '../../../shared/promql/queryable.ts';
import { dropEmptyLabels } from './ingest.ts';
import type { AppendBatch, SampleStore, StoreStats, StreamGap, StreamPosition } from './sampleStore.ts';

/** A SampleStore whose contents live as long as the object. */
export class MemorySampleStore implements SampleStore {
  private readonly mem = new MemoryStore();
  private pos: StreamPosition | null = null;
  private readonly gapList: StreamGap[] = [];
  private oldest: number | null = null;
  private newest: number | null = null;

  async appendBatch(batch: AppendBatch): Promise<void> {
    if (this.pos && this.pos.epoch === batch.epoch && batch.seq <= this.pos.seq) return;
    for (const s of batch.series) {
      const ref = this.mem.seriesRef(dropEmptyLabels(s.labels));
      for (let i = 0; i < s.t.length; i++) this.mem.appendRef(ref, s.t[i], s.v[i]);
      if (s.t.length > 0) {
        this.oldest = Math.min(this.oldest ?? Infinity, s.t[0]);
        this.newest = Math.max(this.newest ?? -Infinity, s.t[s.t.length - 1]);
      }
    }
    this.pos = { epoch: batch.epoch, seq: batch.seq };
  }

  select(matchers: readonly LabelMatcher[], hints: SelectHints, cancel?: Cancellation): Promise<SeriesSamples[]> {
    return this.mem.select(matchers, hints, cancel);
  }

  labelValues(name: string, matchers: readonly LabelMatcher[], start: number, end: number): Promise<string[]> {
    return this.mem.labelValues(name, matchers, start, end);
  }

  async seriesList(matchers: readonly LabelMatcher[]): Promise<Labels[]> {
    const found = await this.mem.select(matchers, { start: -Infinity, end: Infinity });
    return found.map((s) => s.labels).sort(compareLabels);
  }

  async position(): Promise<StreamPosition | null> {
    return this.pos && { ...this.pos };
  }

  async recordGap(gap: StreamGap): Promise<void> {
    this.gapList.push({ ...gap });
  }

  async gaps(): Promise<StreamGap[]> {
    return this.gapList.map((g) => ({ ...g }));
  }

  async stats(): Promise<StoreStats> {
    return {
      series: this.mem.seriesCount,
      samples: this.mem.sampleCount,
      oldest: this.oldest,
      newest: this.newest,
      position: await this.position(),
    };
  }

  close(): void {}
}
