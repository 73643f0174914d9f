// The TSDB's IndexedDB schema (typed with idb's DBSchema) and how a database is opened.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Labels } from '../../../shared/model/labels.ts';
import type { StreamGap } from '../store/sampleStore.ts';
import { regroupBlocks } from './regroup.ts';
import { ShardAssigner } from './shards.ts';
import type { MetricMetadata } from './types.ts';

/** Running totals and the stream position, rewritten by every flush in the same transaction as its records. */
export interface MetaRecord {
  /** Durable stream position (epoch null before the first batch). */
  epoch: string | null;
  seq: number;
  /** Number of committed flushes; a writer that finds another value knows someone else wrote. */
  gen: number;
  nextSid: number;
  nextShard: number;
  /** Finalised boundary: samples before it are in block records, later ones in the WAL (-Infinity before any). */
  finalized: number;
  /** Samples held in blocks and the WAL, stale markers included. */
  samples: number;
  oldest: number | null;
  newest: number | null;
  /** Block accounting per aligned bucket: [start, bytes, samples, block records]. */
  buckets: Array<[start: number, bytes: number, samples: number, chunks: number]>;
  /** Bumped whenever a block record is written or deleted, so readers may keep blocks in memory until it moves. */
  blocksGen: number;
  /** WAL records since (and including) the last checkpoint, and their bytes. */
  walRecords: number;
  walBytes: number;
  /** Series and postings records. */
  indexBytes: number;
  /** Metadata and exemplar records. */
  extraBytes: number;
  exemplars: number;
}

export interface SeriesRecord {
  labels: Labels;
  /** Block shard the series' chunks are stored in (shards.ts). */
  shard: number;
}

export interface ExemplarRecord {
  labels: Labels;
  value: number;
}

export interface TsdbSchema extends DBSchema {
  meta: { key: 'state'; value: MetaRecord };
  /** Series id → its label set and shard. */
  series: { key: number; value: SeriesRecord };
  /** [label name, label value] → ascending ids of the series carrying that pair. */
  postings: { key: [string, string]; value: Uint32Array };
  /** [shard, bucket start] → block record (records.ts): the finalised chunks of the shard's series in that 2 h bucket. */
  blocks: { key: [number, number]; value: Uint8Array };
  /** [flush generation, kind (0 delta, 1 checkpoint)] → WAL record (records.ts) of the open region. */
  wal: { key: [number, number]; value: Uint8Array };
  /** 'last' → per series id, the newest bucket holding its block data (-Infinity: none), for dropping dead series. */
  lastseen: { key: 'last'; value: Float64Array };
  /** Metric family name → HELP/TYPE/UNIT. */
  metadata: { key: string; value: MetricMetadata };
  /** [series id, timestamp] → exemplar. */
  exemplars: { key: [number, number]; value: ExemplarRecord };
  gaps: { key: number; value: StreamGap };
}

export type TsdbDatabase = IDBPDatabase<TsdbSchema>;

/** 1: shards by arrival order per metric; 2: shards by labels apart from the target's (shards.ts). */
export const TSDB_VERSION = 2;
export const DEFAULT_DB_NAME = 'sightline-tsdb';

/** The meta record of an empty database. */
export function emptyMeta(): MetaRecord {
  return {
    epoch: null,
    seq: 0,
    gen: 0,
    nextSid: 1,
    nextShard: 1,
    finalized: -Infinity,
    samples: 0,
    oldest: null,
    newest: null,
    buckets: [],
    blocksGen: 0,
    walRecords: 0,
    walBytes: 0,
    indexBytes: 0,
    extraBytes: 0,
    exemplars: 0,
  };
}

/** Opens (creating on first use) the database `name`; a newer version opened elsewhere closes this connection. */
export async function openTsdbDatabase(name: string, onVersionChange: () => void): Promise<TsdbDatabase> {
  const db = await openDB<TsdbSchema>(name, TSDB_VERSION, {
    upgrade(db, oldVersion, _newVersion, tx) {
      if (oldVersion >= 1 && oldVersion < 2) {
        // Existing data moves to the new grouping in the upgrade transaction: a failure aborts it and the store
        // stays at version 1, intact.
        const shards = new ShardAssigner(1);
        regroupBlocks(tx, (labels) => shards.assign(labels)).catch(() => {
          try {
            tx.abort();
          } catch {
            // Already finished: IndexedDB aborted it itself.
          }
        });
      }
      if (oldVersion < 1) {
        db.createObjectStore('meta');
        db.createObjectStore('series');
        db.createObjectStore('postings');
        db.createObjectStore('blocks');
        db.createObjectStore('wal');
        db.createObjectStore('lastseen');
        db.createObjectStore('metadata');
        db.createObjectStore('exemplars');
        db.createObjectStore('gaps', { autoIncrement: true });
      }
    },
    blocking() {
      db.close();
      onVersionChange();
    },
  });
  return db;
}

/** Whether an error is the browser refusing a write for lack of quota. */
export function isQuotaError(e: unknown): boolean {
  if (typeof e !== 'object' || e === null) return false;
  const name = (e as { name?: unknown }).name;
  if (name === 'QuotaExceededError') return true;
  // Chromium sometimes reports an aborted transaction whose cause was the quota.
  const inner = (e as { error?: unknown }).error;
  return inner !== e && isQuotaError(inner);
}
