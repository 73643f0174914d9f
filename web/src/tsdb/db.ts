// The TSDB's IndexedDB schema (typed with idb's DBSchema) and how a database is opened.
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';
import type { Labels } from '../../../shared/model/labels.ts';
import type { StreamGap } from '../store/sampleStore.ts';
import type { HeadRecord } from './flushplan.ts';
import type { MetricMetadata } from './types.ts';

/** Running totals and the stream position, rewritten by every flush in the same transaction as its records. */
export interface MetaRecord {
  /** Durable stream position (epoch null before the first batch). */
  epoch: string | null;
  seq: number;
  /** Number of committed flushes; a writer that finds another value knows someone else wrote. */
  gen: number;
  nextSid: number;
  /** Samples held in chunks and heads, stale markers included. */
  samples: number;
  oldest: number | null;
  newest: number | null;
  /** Sealed chunk accounting per aligned bucket: [start, bytes, samples, chunks]. */
  buckets: Array<[start: number, bytes: number, samples: number, chunks: number]>;
  headBytes: number;
  /** Series and postings records. */
  indexBytes: number;
  /** Metadata and exemplar records. */
  extraBytes: number;
  exemplars: number;
}

export interface ExemplarRecord {
  labels: Labels;
  value: number;
}

export interface TsdbSchema extends DBSchema {
  meta: { key: 'state'; value: MetaRecord };
  /** Series id → its label set. */
  series: { key: number; value: Labels };
  /** [label name, label value] → ascending ids of the series carrying that pair. */
  postings: { key: [string, string]; value: Uint32Array };
  /** [series id, chunk mint] → chunk record (shared/chunk/record.ts): sealed chunks only, never rewritten in place. */
  chunks: { key: [number, number]; value: Uint8Array };
  /** Series id → its open chunk and newest timestamp. */
  heads: { key: number; value: HeadRecord };
  /** Metric family name → HELP/TYPE/UNIT. */
  metadata: { key: string; value: MetricMetadata };
  /** [series id, timestamp] → exemplar. */
  exemplars: { key: [number, number]; value: ExemplarRecord };
  gaps: { key: number; value: StreamGap };
}

export type TsdbDatabase = IDBPDatabase<TsdbSchema>;

export const TSDB_VERSION = 1;
export const DEFAULT_DB_NAME = 'sightline-tsdb';

/** The meta record of an empty database. */
export function emptyMeta(): MetaRecord {
  return {
    epoch: null,
    seq: 0,
    gen: 0,
    nextSid: 1,
    samples: 0,
    oldest: null,
    newest: null,
    buckets: [],
    headBytes: 0,
    indexBytes: 0,
    extraBytes: 0,
    exemplars: 0,
  };
}

/** Opens (creating on first use) the database `name`; a newer version opened elsewhere closes this connection. */
export async function openTsdbDatabase(name: string, onVersionChange: () => void): Promise<TsdbDatabase> {
  const db = await openDB<TsdbSchema>(name, TSDB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('meta');
        db.createObjectStore('series');
        db.createObjectStore('postings');
        db.createObjectStore('chunks');
        db.createObjectStore('heads');
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
