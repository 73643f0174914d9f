// Public entry of the studio TSDB: open a store, coordinate tabs, export and import, storage figures.
export { openTsdb, type TsdbStore } from './tsdb.ts';
export { TsdbQuotaError, TsdbStateError, type FlushNotice, type TsdbOptions } from './core.ts';
export { DEFAULT_DB_NAME } from './db.ts';
export { electWriter, openDataChannel, WRITER_LOCK, DATA_CHANNEL, type WriterRole, type DataChannel } from './writer.ts';
export { exportOpenMetrics, exportOpenMetricsText, exportSnapshot, type ExportSelection } from './export.ts';
export { importOpenMetrics, importSnapshot, ImportError, type ImportReport } from './import.ts';
export { requestPersistence, storageEstimate } from './storage.ts';
export {
  DEFAULT_FLUSH_POLICY,
  DEFAULT_RETENTION,
  STUDIO_FLUSH_POLICY,
  type CheckReport,
  type ExemplarAppend,
  type ExemplarSeries,
  type FlushPolicy,
  type MetricMetadata,
  type RetentionPolicy,
  type RetentionReport,
  type TsdbAppendBatch,
  type TsdbState,
  type TsdbStatus,
} from './types.ts';
