// SampleStore over IndexedDB (via idb): series records, per-series time buckets of samples, and the stream position.
import { openDB, type DBSchema, type IDBPDatabase, type IDBPObjectStore, type IDBPTransaction } from 'idb';
import { compareLabels, labelsKey, METRIC_NAME, type Labels } from '../../../shared/model/labels.ts';
import { matchLabelValue, type LabelMatcher } from '../../../shared/promql/ast.ts';
import type { Cancellation, SelectHints, SeriesSamples } from '../../../shared/promql/queryable.ts';
import { dropEmptyLabels } from './ingest.ts';
import { bucketStart, concatInRange, mergeRuns, splitByBucket, type SampleRun } from './buckets.ts';
import type { AppendBatch, SampleStore, StoreStats, StreamGap, StreamPosition } from './sampleStore.ts';

interface SeriesRecord {
  id: number;
  /** labelsKey(labels): the series identity. */
  key: string;
  /** Metric name, '' when absent. */
  name: string;
  labels: Labels;
}

/** The samples of one series whose timestamps fall in [start, start + bucket width). */
interface BucketRecord {
  sid: number;
  start: number;
  t: Float64Array;
  v: Float64Array;
}

/** Stream position and running totals, updated in the same transaction as the samples they describe. */
interface StreamMeta {
  epoch: string;
  seq: number;
  samples: number;
  oldest: number | null;
  newest: number | null;
}

interface StudioDB extends DBSchema {
  series: { key: number; value: SeriesRecord; indexes: { byKey: string; byName: string } };
  samples: { key: [number, number]; value: BucketRecord };
  meta: { key: 'stream'; value: StreamMeta };
  gaps: { key: number; value: StreamGap };
}

const DB_VERSION = 1;
/** Bucket width: 15 minutes holds 180 samples at a 5 s interval, small enough to rewrite on every append. */
export const DEFAULT_BUCKET_MS = 15 * 60_000;

type WriteTx = IDBPTransaction<StudioDB, ['series', 'samples', 'meta'], 'readwrite'>;
type SamplesWriter = IDBPObjectStore<StudioDB, ['series', 'samples', 'meta'], 'samples', 'readwrite'>;

/** Opens (creating or upgrading) the studio database `name`. */
export async function openIdbSampleStore(name = 'sightline', bucketMs = DEFAULT_BUCKET_MS): Promise<IdbSampleStore> {
  const db = await openDB<StudioDB>(name, DB_VERSION, {
    upgrade(db) {
      const series = db.createObjectStore('series', { keyPath: 'id' });
      series.createIndex('byKey', 'key', { unique: true });
      series.createIndex('byName', 'name');
      db.createObjectStore('samples', { keyPath: ['sid', 'start'] });
      db.createObjectStore('meta');
      db.createObjectStore('gaps', { autoIncrement: true });
    },
    blocking() {
      // A newer version is opening elsewhere (another tab after an upgrade): let it proceed.
      db.close();
    },
  });
  return new IdbSampleStore(db, bucketMs);
}

function matchesAll(labels: Labels, matchers: readonly LabelMatcher[]): boolean {
  return matchers.every((m) => matchLabelValue(m, labels[m.name] ?? ''));
}

/** IndexedDB-backed SampleStore; one writer at a time (the stream worker holding the Web Lock). */
export class IdbSampleStore implements SampleStore {
  /** labelsKey → series id, for series this instance has seen; misses fall back to the byKey index. */
  private readonly ids = new Map<string, number>();
  /** The newest bucket of each series this instance wrote, so steady appends need no reads. */
  private readonly heads = new Map<number, BucketRecord>();
  /** The position of this instance's last commit; another writer since then invalidates `heads`. */
  private lastWritten: StreamPosition | null = null;

  constructor(
    private readonly db: IDBPDatabase<StudioDB>,
    private readonly bucketMs: number,
  ) {}

  async appendBatch(batch: AppendBatch): Promise<void> {
    const tx = this.db.transaction(['series', 'samples', 'meta'], 'readwrite');
    const meta = await tx.objectStore('meta').get('stream');
    if (meta && meta.epoch === batch.epoch && batch.seq <= meta.seq) {
      await tx.done;
      return;
    }
    // The cached head buckets are only trustworthy if nobody else wrote since this instance's last commit.
    if (!meta || !this.lastWritten || meta.epoch !== this.lastWritten.epoch || meta.seq !== this.lastWritten.seq) this.heads.clear();
    const bySeries = new Map<string, { labels: Labels; run: SampleRun }>();
    for (const s of batch.series) {
      if (s.t.length === 0) continue;
      const labels = dropEmptyLabels(s.labels);
      const key = labelsKey(labels);
      const prev = bySeries.get(key);
      bySeries.set(key, { labels, run: prev ? mergeRuns(prev.run, s) : { t: s.t, v: s.v } });
    }
    const ids = await this.resolveIds(tx, bySeries);
    const writes: Array<{ sid: number; start: number; run: SampleRun }> = [];
    let oldest = meta?.oldest ?? null;
    let newest = meta?.newest ?? null;
    for (const [key, { run }] of bySeries) {
      const sid = ids.get(key)!;
      for (const [start, part] of splitByBucket(run.t, run.v, this.bucketMs)) writes.push({ sid, start, run: part });
      oldest = Math.min(oldest ?? Infinity, run.t[0]);
      newest = Math.max(newest ?? -Infinity, run.t[run.t.length - 1]);
    }
    const samples = tx.objectStore('samples');
    const existing = await Promise.all(writes.map((w) => this.existingBucket(samples, w.sid, w.start)));
    let added = 0;
    const records = writes.map((w, i): BucketRecord => {
      const old = existing[i];
      const merged = old ? mergeRuns(old, w.run) : w.run;
      added += merged.t.length - (old?.t.length ?? 0);
      return { sid: w.sid, start: w.start, t: merged.t, v: merged.v };
    });
    const next: StreamMeta = { epoch: batch.epoch, seq: batch.seq, samples: (meta?.samples ?? 0) + added, oldest, newest };
    try {
      await Promise.all([...records.map((r) => samples.put(r)), tx.objectStore('meta').put(next, 'stream'), tx.done]);
    } catch (e) {
      this.heads.clear();
      this.lastWritten = null;
      throw e;
    }
    for (const r of records) {
      const head = this.heads.get(r.sid);
      if (!head || r.start >= head.start) this.heads.set(r.sid, r);
    }
    this.lastWritten = { epoch: next.epoch, seq: next.seq };
  }

  /**
   * The stored bucket (sid, start), read from the head cache when it can be known without a read: the cached
   * head is the newest bucket of its series, so a later bucket cannot exist yet.
   */
  private async existingBucket(samples: SamplesWriter, sid: number, start: number): Promise<SampleRun | undefined> {
    const head = this.heads.get(sid);
    if (head && head.start === start) return head;
    if (head && start > head.start) return undefined;
    return samples.get([sid, start]);
  }

  /** Series ids for every key, creating series records for new label sets inside the write transaction. */
  private async resolveIds(tx: WriteTx, bySeries: Map<string, { labels: Labels }>): Promise<Map<string, number>> {
    const series = tx.objectStore('series');
    const keys = [...bySeries.keys()];
    const found = await Promise.all(keys.map((k) => this.ids.get(k) ?? series.index('byKey').getKey(k)));
    const missing = keys.filter((_, i) => found[i] === undefined);
    let nextId = 1;
    if (missing.length > 0) {
      const last = await series.openCursor(null, 'prev');
      nextId = (last?.key ?? 0) + 1;
    }
    const out = new Map<string, number>();
    const adds: Promise<unknown>[] = [];
    keys.forEach((k, i) => {
      let id = found[i];
      if (id === undefined) {
        id = nextId++;
        const labels = bySeries.get(k)!.labels;
        adds.push(series.add({ id, key: k, name: labels[METRIC_NAME] ?? '', labels }));
      }
      out.set(k, id);
    });
    await Promise.all(adds);
    // Cache only after the transaction commits, so an aborted write never leaves ids that do not exist.
    void tx.done.then(() => out.forEach((id, k) => this.ids.set(k, id))).catch(() => undefined);
    return out;
  }

  /** Series records matching the matchers; narrows by the metric-name index when there is a name equality. */
  private async matchingSeries(matchers: readonly LabelMatcher[]): Promise<SeriesRecord[]> {
    const byName = matchers.find((m) => m.name === METRIC_NAME && m.type === '=');
    const candidates = byName
      ? await this.db.getAllFromIndex('series', 'byName', byName.value)
      : await this.db.getAll('series');
    return candidates.filter((s) => matchesAll(s.labels, matchers));
  }

  async select(matchers: readonly LabelMatcher[], hints: SelectHints, cancel?: Cancellation): Promise<SeriesSamples[]> {
    const found = await this.matchingSeries(matchers);
    if (cancel?.aborted || found.length === 0) return [];
    found.sort((a, b) => compareLabels(a.labels, b.labels));
    const tx = this.db.transaction('samples', 'readonly');
    // A bucket starting before hints.start can still hold samples inside the range.
    const from = bucketStart(hints.start, this.bucketMs);
    const buckets = await Promise.all(
      found.map((s) => tx.store.getAll(IDBKeyRange.bound([s.id, from], [s.id, hints.end]))),
    );
    await tx.done;
    const out: SeriesSamples[] = [];
    found.forEach((s, i) => {
      const run = concatInRange(buckets[i], hints.start, hints.end);
      if (run.t.length > 0) out.push({ labels: s.labels, t: run.t, v: run.v });
    });
    return out;
  }

  /** Values of a label over matching series (time range not consulted: series are never deleted yet). */
  async labelValues(name: string, matchers: readonly LabelMatcher[]): Promise<string[]> {
    const values = new Set<string>();
    if (name === METRIC_NAME && matchers.length === 0) {
      // Walk the distinct index keys only; getAllKeys would return primary keys.
      let cursor = await this.db.transaction('series').store.index('byName').openKeyCursor(null, 'nextunique');
      while (cursor) {
        values.add(cursor.key);
        cursor = await cursor.continue();
      }
    } else {
      for (const s of await this.matchingSeries(matchers)) if (s.labels[name] !== undefined) values.add(s.labels[name]);
    }
    values.delete('');
    return [...values].sort();
  }

  async seriesList(matchers: readonly LabelMatcher[]): Promise<Labels[]> {
    return (await this.matchingSeries(matchers)).map((s) => s.labels).sort(compareLabels);
  }

  async position(): Promise<StreamPosition | null> {
    const meta = await this.db.get('meta', 'stream');
    return meta ? { epoch: meta.epoch, seq: meta.seq } : null;
  }

  async recordGap(gap: StreamGap): Promise<void> {
    await this.db.add('gaps', gap);
  }

  async gaps(): Promise<StreamGap[]> {
    return this.db.getAll('gaps');
  }

  async stats(): Promise<StoreStats> {
    const tx = this.db.transaction(['series', 'meta'], 'readonly');
    const [series, meta] = await Promise.all([tx.objectStore('series').count(), tx.objectStore('meta').get('stream')]);
    await tx.done;
    return {
      series,
      samples: meta?.samples ?? 0,
      oldest: meta?.oldest ?? null,
      newest: meta?.newest ?? null,
      position: meta ? { epoch: meta.epoch, seq: meta.seq } : null,
    };
  }

  close(): void {
    this.db.close();
  }
}
