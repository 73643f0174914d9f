// Opening the studio TSDB: handles implementing the SampleStore port (plus extensions) over one shared engine per database.
import type { Labels } from '../../../shared/model/labels.ts';
import type { LabelMatcher } from '../../../shared/promql/ast.ts';
import type { Cancellation, SelectHints, SeriesSamples } from '../../../shared/promql/queryable.ts';
import type { SampleStore, SeriesAppend, StoreStats, StreamGap, StreamPosition } from '../store/sampleStore.ts';
import { TsdbCore, type TsdbOptions } from './core.ts';
import { DEFAULT_DB_NAME } from './db.ts';
import type {
  CheckReport,
  ExemplarAppend,
  ExemplarSeries,
  MetricMetadata,
  RetentionPolicy,
  RetentionReport,
  TsdbAppendBatch,
  TsdbStatus,
} from './types.ts';

/**
 * The SampleStore port plus what the studio needs beyond it. appendBatch accepts a batch into memory and makes it
 * durable within the flush policy (about 1 s later by default, sooner under load); position() is where the stream resumes
 * (the last accepted batch; after a reload, the last durable one), durablePosition() the last durable batch.
 */
export interface TsdbStore extends SampleStore {
  appendBatch(batch: TsdbAppendBatch): Promise<void>;
  labelNames(matchers: readonly LabelMatcher[], start: number, end: number): Promise<string[]>;
  labelValues(name: string, matchers: readonly LabelMatcher[], start: number, end: number): Promise<string[]>;
  /** HELP/TYPE/UNIT by metric family, as Prometheus's /api/v1/metadata. */
  metadata(): Promise<Record<string, MetricMetadata[]>>;
  /** Exemplars of matching series in [start, end], as Prometheus's /api/v1/query_exemplars. */
  exemplars(matchers: readonly LabelMatcher[], start: number, end: number): Promise<ExemplarSeries[]>;
  /** Samples, metadata and exemplars from outside the stream (imports); the stream position stays. */
  importData(series: SeriesAppend[], meta?: Array<[string, MetricMetadata]>, exemplars?: ExemplarAppend[]): Promise<void>;
  /** Makes everything accepted durable now. */
  flush(): Promise<void>;
  durablePosition(): Promise<StreamPosition | null>;
  status(): TsdbStatus;
  /** Calls back on every status change; returns the unsubscribe function. */
  onStatus(listener: (s: TsdbStatus) => void): () => void;
  /** After 'quota-exceeded' (space freed) or 'error': retries the pending flush and reopens ingest. */
  resume(): Promise<void>;
  /** Consistency check (deep: decode every chunk), repairing what it can. */
  check(opts?: { deep?: boolean }): Promise<CheckReport>;
  /** What the check run when the database was opened found. */
  readonly openCheck: CheckReport | null;
  readonly retention: RetentionPolicy;
  /** Applies the retention limits now. */
  applyRetention(): Promise<RetentionReport>;
  /** Changes the retention limits for this session and applies them now. */
  setRetention(policy: Partial<RetentionPolicy>): Promise<RetentionReport>;
  /** Chunk records fetched by select(), decoded, and served decoded from memory, since open. */
  readCounters(): { fetched: number; decoded: number; cached: number };
  /** Forgets decoded chunks and cached labels, so the next query is cold. */
  dropCaches(): void;
  /** Resolves when close() has flushed and closed the database (or at once if other handles keep it open). */
  readonly closed: Promise<void>;
}

interface Slot {
  core: Promise<TsdbCore>;
  refs: number;
}

/** Engines by database name: handles on one database in one realm share its head, so they see each other's writes. */
const slots = new Map<string, Slot>();
const closing = new Map<string, Promise<void>>();

/**
 * Opens the TSDB in IndexedDB database `opts.name` (default 'sightline-tsdb'). Options apply when the database's
 * engine is created; a second open of the same name in this realm shares the engine and its options.
 */
export async function openTsdb(opts: TsdbOptions = {}): Promise<TsdbStore> {
  const name = opts.name ?? DEFAULT_DB_NAME;
  let slot = slots.get(name);
  if (!slot) {
    const prior = closing.get(name);
    const created: Slot = {
      core: (async () => {
        if (prior) await prior;
        return TsdbCore.open(name, opts);
      })(),
      refs: 0,
    };
    slots.set(name, created);
    slot = created;
  }
  slot.refs++;
  const s = slot;
  try {
    return new TsdbHandle(await s.core, () => release(name, s));
  } catch (e) {
    s.refs--;
    if (s.refs === 0 && slots.get(name) === s) slots.delete(name);
    throw e;
  }
}

function release(name: string, slot: Slot): Promise<void> {
  slot.refs--;
  if (slot.refs > 0) return Promise.resolve();
  if (slots.get(name) === slot) slots.delete(name);
  const done = slot.core.then((c) => c.close());
  closing.set(name, done);
  void done.finally(() => {
    if (closing.get(name) === done) closing.delete(name);
  });
  return done;
}

class TsdbHandle implements TsdbStore {
  private isClosed = false;
  private closedPromise: Promise<void> | null = null;

  constructor(
    private readonly core: TsdbCore,
    private readonly releaseCore: () => Promise<void>,
  ) {}

  get openCheck(): CheckReport | null {
    return this.core.openCheck;
  }

  get retention(): RetentionPolicy {
    return this.core.retention;
  }

  get closed(): Promise<void> {
    return this.closedPromise ?? Promise.resolve();
  }

  appendBatch(batch: TsdbAppendBatch): Promise<void> {
    return this.core.appendBatch(batch);
  }

  importData(series: SeriesAppend[], meta?: Array<[string, MetricMetadata]>, exemplars?: ExemplarAppend[]): Promise<void> {
    return this.core.importData(series, meta, exemplars);
  }

  select(matchers: readonly LabelMatcher[], hints: SelectHints, cancel?: Cancellation): Promise<SeriesSamples[]> {
    return this.core.select(matchers, hints, cancel);
  }

  seriesList(matchers: readonly LabelMatcher[]): Promise<Labels[]> {
    return this.core.seriesList(matchers);
  }

  labelNames(matchers: readonly LabelMatcher[]): Promise<string[]> {
    return this.core.labelNames(matchers);
  }

  labelValues(name: string, matchers: readonly LabelMatcher[]): Promise<string[]> {
    return this.core.labelValues(name, matchers);
  }

  metadata(): Promise<Record<string, MetricMetadata[]>> {
    return this.core.metadata();
  }

  exemplars(matchers: readonly LabelMatcher[], start: number, end: number): Promise<ExemplarSeries[]> {
    return this.core.exemplars(matchers, start, end);
  }

  position(): Promise<StreamPosition | null> {
    return this.core.position();
  }

  durablePosition(): Promise<StreamPosition | null> {
    return this.core.durablePosition();
  }

  recordGap(gap: StreamGap): Promise<void> {
    return this.core.recordGap(gap);
  }

  gaps(): Promise<StreamGap[]> {
    return this.core.gaps();
  }

  stats(): Promise<StoreStats> {
    return this.core.stats();
  }

  flush(): Promise<void> {
    return this.core.flush();
  }

  status(): TsdbStatus {
    return this.core.status();
  }

  onStatus(listener: (s: TsdbStatus) => void): () => void {
    return this.core.onStatus(listener);
  }

  resume(): Promise<void> {
    return this.core.resume();
  }

  check(opts: { deep?: boolean } = {}): Promise<CheckReport> {
    return this.core.check(opts.deep ?? false);
  }

  applyRetention(): Promise<RetentionReport> {
    return this.core.applyRetention();
  }

  setRetention(policy: Partial<RetentionPolicy>): Promise<RetentionReport> {
    return this.core.setRetention(policy);
  }

  readCounters(): { fetched: number; decoded: number; cached: number } {
    return this.core.readCounters();
  }

  dropCaches(): void {
    this.core.dropCaches();
  }

  /** Releases this handle; the last one flushes the head and closes the database (see `closed`). */
  close(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    this.closedPromise = this.releaseCore();
  }
}
