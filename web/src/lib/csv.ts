// CSV export of query results (RFC 4180): range results wide by time, instant results one row per series.
import { METRIC_NAME, compareStrings, formatLabels, type Labels } from '../../../shared/model/labels.ts';

/** One series in columns: times (Unix ms) and values. */
export interface CsvSeries {
  labels: Labels;
  t: ArrayLike<number>;
  v: ArrayLike<number>;
}

/** Quotes a field when it holds a comma, quote or line break (quotes doubled), and defuses spreadsheet formulas. */
export function csvField(text: string): string {
  // A leading = + - @ makes spreadsheets evaluate the cell; label values come from scraped data, so prefix a quote.
  const safe = /^[=+\-@\t\r]/.test(text) && !/^[-+]?(\d|Inf|NaN)/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

/** A sample value as Prometheus prints it: NaN, +Inf, -Inf, else the shortest round-tripping decimal. */
export function csvValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function row(fields: readonly string[]): string {
  return fields.map(csvField).join(',');
}

/**
 * A range result as one row per timestamp: `time` (RFC 3339), `timestamp` (Unix seconds), then one column per
 * series named by its label set; empty where a series has no sample at that time.
 */
export function rangeToCsv(series: readonly CsvSeries[]): string {
  const times = new Set<number>();
  for (const s of series) for (let i = 0; i < s.t.length; i++) times.add(s.t[i]);
  const sorted = [...times].sort((a, b) => a - b);
  const index = series.map((s) => {
    const m = new Map<number, number>();
    for (let i = 0; i < s.t.length; i++) m.set(s.t[i], s.v[i]);
    return m;
  });
  const lines = [row(['time', 'timestamp', ...series.map((s) => formatLabels(s.labels))])];
  for (const t of sorted) {
    const values = index.map((m) => (m.has(t) ? csvValue(m.get(t)!) : ''));
    lines.push(row([new Date(t).toISOString(), String(t / 1000), ...values]));
  }
  return lines.join('\r\n') + '\r\n';
}

/**
 * An instant result as one row per series (per sample for range vectors): `__name__`, every other label name in
 * sorted order as its own column, then `timestamp` (Unix seconds) and `value`.
 */
export function instantToCsv(series: readonly CsvSeries[]): string {
  const names = new Set<string>();
  for (const s of series) for (const n of Object.keys(s.labels)) if (n !== METRIC_NAME) names.add(n);
  const cols = [...names].sort(compareStrings);
  const lines = [row([METRIC_NAME, ...cols, 'timestamp', 'value'])];
  for (const s of series) {
    const labels = [s.labels[METRIC_NAME] ?? '', ...cols.map((c) => s.labels[c] ?? '')];
    for (let i = 0; i < s.t.length; i++) lines.push(row([...labels, String(s.t[i] / 1000), csvValue(s.v[i])]));
  }
  return lines.join('\r\n') + '\r\n';
}

/** A file name for an export: the expression's metric-ish characters and the time, e.g. `rate_up_5m_-20240601T120000Z.csv`. */
export function csvFileName(expr: string, at: number): string {
  const stem = expr.replace(/[^a-zA-Z0-9_:]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60) || 'query';
  const stamp = new Date(at).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${stem}-${stamp}.csv`;
}
