// Persists the head's replay window in Durable Object SQLite: one row per batch, series labels, deduplicated metadata.
import type { Labels } from '../../shared/model/labels.ts';
import { decodeValue, encodeValue, type MetricMetadata, type WireValue } from '../../shared/stream/protocol.ts';
import type { StoredBatch } from '../head/head.ts';
import type { SqlStorageLike } from './env.ts';
import type { HeadSnapshot, PersistedBatch } from '../head/head.ts';

const SCHEMA = [
  'CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
  'CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, labels TEXT NOT NULL)',
  'CREATE TABLE IF NOT EXISTS meta_sets (id INTEGER PRIMARY KEY, json TEXT NOT NULL)',
  `CREATE TABLE IF NOT EXISTS batches (
     seq INTEGER PRIMARY KEY, appended_at REAL NOT NULL, ids BLOB NOT NULL, ts_one REAL, ts BLOB, vals BLOB NOT NULL,
     meta_set INTEGER, exemplars TEXT)`,
  'CREATE INDEX IF NOT EXISTS batches_appended ON batches (appended_at)',
];

/**
 * The head's durable copy. Writes are one row per appended batch (plus a row for each new series or metadata
 * change; counters are written at trim time), so a scrape costs one billed row write however many samples it carries.
 */
export class SqlHeadStore {
  private readonly knownSeries = new Set<number>();
  private lastMetaJson: string | null = null;
  private lastMetaId: number | null = null;

  constructor(private readonly sql: SqlStorageLike) {
    for (const statement of SCHEMA) sql.exec(statement);
    for (const row of sql.exec('SELECT id FROM series').toArray()) this.knownSeries.add(Number(row.id));
  }

  /** A value from the key-value table. */
  get(key: string): string | null {
    const rows = this.sql.exec('SELECT value FROM kv WHERE key = ?', key).toArray();
    return rows.length > 0 ? String(rows[0].value) : null;
  }

  set(key: string, value: string): void {
    this.sql.exec('INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', key, value);
  }

  /** Stores one appended batch; `labelsOf` gives the labels of series ids not stored yet. */
  saveBatch(batch: StoredBatch, labelsOf: (id: number) => Labels | undefined): void {
    const newIds = new Set<number>();
    for (const id of batch.ids) if (!this.knownSeries.has(id)) newIds.add(id);
    for (const [id] of batch.exemplars) if (!this.knownSeries.has(id)) newIds.add(id);
    for (const id of newIds) {
      const labels = labelsOf(id);
      if (labels === undefined) continue;
      this.sql.exec('INSERT OR REPLACE INTO series (id, labels) VALUES (?, ?)', id, JSON.stringify(labels));
      this.knownSeries.add(id);
    }
    const ts = typeof batch.ts === 'number' ? null : copyBuffer(batch.ts);
    this.sql.exec(
      'INSERT OR REPLACE INTO batches (seq, appended_at, ids, ts_one, ts, vals, meta_set, exemplars) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      batch.seq,
      batch.appendedAt,
      copyBuffer(batch.ids),
      typeof batch.ts === 'number' ? batch.ts : null,
      ts,
      copyBuffer(batch.vals),
      this.metaSet(batch.meta),
      batch.exemplars.length > 0 ? JSON.stringify(batch.exemplars.map(([id, labels, v, t]) => [id, labels, encodeValue(v), t])) : null,
    );
  }

  /** Everything a restart needs, batches appended at or after `minAppendedAt` only. */
  load(minAppendedAt: number): HeadSnapshot {
    const metaSets = new Map<number, Array<[string, MetricMetadata]>>();
    for (const row of this.sql.exec('SELECT id, json FROM meta_sets').toArray()) {
      metaSets.set(Number(row.id), JSON.parse(String(row.json)) as Array<[string, MetricMetadata]>);
    }
    const batches: PersistedBatch[] = [];
    const used = new Set<number>();
    const rows = this.sql.exec('SELECT * FROM batches WHERE appended_at >= ? ORDER BY seq', minAppendedAt).toArray();
    for (const row of rows) {
      const ids = new Uint32Array(row.ids as ArrayBuffer);
      for (const id of ids) used.add(id);
      const exemplars = row.exemplars === null ? [] : (JSON.parse(String(row.exemplars)) as Array<[number, Labels, WireValue, number | null]>);
      for (const [id] of exemplars) used.add(id);
      batches.push({
        seq: Number(row.seq),
        appendedAt: Number(row.appended_at),
        ids,
        ts: row.ts_one !== null ? Number(row.ts_one) : new Float64Array(row.ts as ArrayBuffer),
        vals: new Float64Array(row.vals as ArrayBuffer),
        meta: row.meta_set === null ? [] : (metaSets.get(Number(row.meta_set)) ?? []),
        exemplars: exemplars.map(([id, labels, v, t]) => [id, labels, decodeValue(v), t]),
      });
    }
    const series = new Map<number, Labels>();
    for (const row of this.sql.exec('SELECT id, labels FROM series').toArray()) {
      const id = Number(row.id);
      if (used.has(id)) series.set(id, JSON.parse(String(row.labels)) as Labels);
    }
    // The counters live in kv only from the last trim on; rows written since then are newer.
    const maxSeq = Number(this.sql.exec('SELECT MAX(seq) AS m FROM batches').toArray()[0].m ?? 0);
    const maxId = Number(this.sql.exec('SELECT MAX(id) AS m FROM series').toArray()[0].m ?? 0);
    return {
      nextSeq: Math.max(Number(this.get('next_seq') ?? 1), maxSeq + 1),
      nextSeriesId: Math.max(Number(this.get('next_series_id') ?? 1), maxId + 1),
      series,
      batches,
    };
  }

  /**
   * Deletes batches appended before `minAppendedAt`, then series and metadata rows no batch refers to any more.
   * The head's counters are saved first, since the rows they could be derived from go away.
   */
  trim(minAppendedAt: number, counters: { nextSeq: number; nextSeriesId: number }): void {
    this.set('next_seq', String(counters.nextSeq));
    this.set('next_series_id', String(counters.nextSeriesId));
    this.sql.exec('DELETE FROM batches WHERE appended_at < ?', minAppendedAt);
    const used = new Set<number>();
    for (const row of this.sql.exec('SELECT ids, exemplars FROM batches').toArray()) {
      for (const id of new Uint32Array(row.ids as ArrayBuffer)) used.add(id);
      if (row.exemplars !== null) for (const [id] of JSON.parse(String(row.exemplars)) as Array<[number]>) used.add(id);
    }
    for (const id of [...this.knownSeries]) {
      if (used.has(id)) continue;
      this.sql.exec('DELETE FROM series WHERE id = ?', id);
      this.knownSeries.delete(id);
    }
    this.sql.exec('DELETE FROM meta_sets WHERE id NOT IN (SELECT meta_set FROM batches WHERE meta_set IS NOT NULL)');
    if (this.lastMetaId !== null && this.sql.exec('SELECT id FROM meta_sets WHERE id = ?', this.lastMetaId).toArray().length === 0) {
      this.lastMetaId = null;
      this.lastMetaJson = null;
    }
  }

  /** Rows in each table (for tests and the status page). */
  counts(): { batches: number; series: number; metaSets: number } {
    const count = (table: string): number => Number(this.sql.exec(`SELECT COUNT(*) AS n FROM ${table}`).toArray()[0].n);
    return { batches: count('batches'), series: count('series'), metaSets: count('meta_sets') };
  }

  /** Scrapes repeat the same metadata; store each distinct set once. */
  private metaSet(meta: ReadonlyArray<[string, MetricMetadata]>): number | null {
    if (meta.length === 0) return null;
    const json = JSON.stringify(meta);
    if (json === this.lastMetaJson && this.lastMetaId !== null) return this.lastMetaId;
    const rows = this.sql.exec('INSERT INTO meta_sets (json) VALUES (?) RETURNING id', json).toArray();
    this.lastMetaJson = json;
    this.lastMetaId = Number(rows[0].id);
    return this.lastMetaId;
  }
}

/** A standalone copy of a typed array's bytes (views share buffers with bigger arrays). */
function copyBuffer(view: Uint32Array | Float64Array): ArrayBuffer {
  return view.slice().buffer as ArrayBuffer;
}
