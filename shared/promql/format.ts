// Prometheus HTTP API JSON for query results and errors, byte-for-byte as Prometheus writes it.
import type { Labels } from '../model/labels.ts';
import type { Annotations, QueryErrorType, QueryResult } from './result.ts';
import { pointColumns } from './engine/engine.ts';
import { formatFloatPlain } from './engine/mathutil.ts';

/**
 * A sample value of a vector or matrix as Prometheus writes it (jsonutil.MarshalFloat, without the quotes):
 * shortest round-trip digits, fixed notation except for |v| < 1e-6 or |v| >= 1e21 where Go's exponent form
 * is used ("1e-07", "1e+21"); "NaN", "+Inf", "-Inf"; negative zero stays "-0".
 */
export function formatSampleValue(v: number): string {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // JavaScript switches to exponent form at exactly the same magnitudes as MarshalFloat does; only Go's
  // exponent has at least two digits.
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const sign = s[e + 1];
  const digits = s.slice(e + 2);
  return s.slice(0, e + 1) + sign + (digits.length < 2 ? '0' + digits : digits);
}

/**
 * A scalar's value as Prometheus writes it (Go strconv.FormatFloat(v, 'f', -1, 64)): shortest round-trip
 * digits, never an exponent; "NaN", "+Inf", "-Inf", "-0". The engine's formatter, so both stay one.
 */
export const formatScalarValue: (v: number) => string = formatFloatPlain;

/** ".001" … ".999" (and "" for 0): the fraction part of a timestamp, looked up rather than built per sample. */
const MS_FRACTIONS: readonly string[] = Array.from({ length: 1000 }, (_, i) => (i === 0 ? '' : '.' + String(i).padStart(3, '0')));

/**
 * A vector or matrix sample's time (Unix ms) as Prometheus writes it (jsonutil.MarshalTimestamp):
 * seconds, then a dot and exactly three digits unless the milliseconds are zero ("1.500", "-1.005", "2").
 */
export function formatTimestamp(ms: number): string {
  if (ms < 0) return '-' + formatTimestamp(-ms);
  const secs = Math.floor(ms / 1000);
  return secs + MS_FRACTIONS[Math.trunc(ms - secs * 1000)];
}

/** A scalar's or string's time, which Prometheus marshals as the float64 seconds (1.5, not 1.500). */
function formatFloatSeconds(ms: number): string {
  return String(ms / 1000);
}

// Characters Go's JSON encoder (HTML-safe, as Prometheus configures it) does not write verbatim.
const NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;
const HEX = '0123456789abcdef';

/** A JSON string literal as Go writes it: HTML-safe (<, >, & as \u00XX), control characters as \u00XX except \n \r \t. */
export function jsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let rep: string | undefined;
    if (c === 0x22) rep = '\\"';
    else if (c === 0x5c) rep = '\\\\';
    else if (c === 0x0a) rep = '\\n';
    else if (c === 0x0d) rep = '\\r';
    else if (c === 0x09) rep = '\\t';
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) rep = '\\u00' + HEX[c >> 4] + HEX[c & 15];
    else if (c === 0x2028) rep = '\\u2028';
    else if (c === 0x2029) rep = '\\u2029';
    else if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++; // a valid pair is written as is
        continue;
      }
      rep = '\\ufffd'; // a lone surrogate is invalid UTF-8 in Go, which writes the replacement character
    } else if (c >= 0xdc00 && c <= 0xdfff) rep = '\\ufffd';
    if (rep !== undefined) {
      out += s.slice(from, i) + rep;
      from = i + 1;
    }
  }
  return out + s.slice(from) + '"';
}

/** A label set as a JSON object with names in byte order, like Prometheus's "metric" field. */
export function formatLabelsJson(labels: Labels): string {
  const names = Object.keys(labels);
  if (names.length === 0) return '{}';
  if (names.length > 1) names.sort(byteOrder);
  let out = '{';
  for (let i = 0; i < names.length; i++) {
    if (i > 0) out += ',';
    out += jsonString(names[i]) + ':' + jsonString(labels[names[i]]);
  }
  return out + '}';
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function formatStrings(list: readonly string[]): string {
  let out = '[';
  for (let i = 0; i < list.length; i++) out += (i > 0 ? ',' : '') + jsonString(list[i]);
  return out + ']';
}

/** The `"warnings"` and `"infos"` members that follow `data`, each only when non-empty (Go's omitempty). */
function formatAnnotations(annotations: Annotations | undefined): string {
  if (!annotations) return '';
  let out = '';
  if (annotations.warnings.length > 0) out += ',"warnings":' + formatStrings(annotations.warnings);
  if (annotations.infos.length > 0) out += ',"infos":' + formatStrings(annotations.infos);
  return out;
}

/** The `"result"` value of a query response (the part inside `data`). */
export function formatResultData(result: QueryResult): string {
  switch (result.resultType) {
    case 'scalar':
      return '[' + formatFloatSeconds(result.result.t) + ',"' + formatScalarValue(result.result.v) + '"]';
    case 'string':
      return '[' + formatFloatSeconds(result.result.t) + ',' + jsonString(result.result.v) + ']';
    case 'vector': {
      const parts: string[] = [];
      for (const el of result.result) {
        parts.push(
          '{"metric":' + formatLabelsJson(el.labels) + ',"value":[' + formatTimestamp(el.t) + ',"' + formatSampleValue(el.v) + '"]}',
        );
      }
      return '[' + parts.join(',') + ']';
    }
    case 'matrix': {
      const parts: string[] = [];
      for (const series of result.result) {
        // Engine results carry columns; reading them skips building one Point object per sample.
        const cols = pointColumns(series);
        const n = cols ? cols.t.length : series.points.length;
        const values: string[] = new Array(n);
        if (cols) {
          for (let i = 0; i < n; i++) values[i] = '[' + formatTimestamp(cols.t[i]) + ',"' + formatSampleValue(cols.v[i]) + '"]';
        } else {
          const pts = series.points;
          for (let i = 0; i < n; i++) values[i] = '[' + formatTimestamp(pts[i].t) + ',"' + formatSampleValue(pts[i].v) + '"]';
        }
        parts.push('{"metric":' + formatLabelsJson(series.labels) + ',"values":[' + values.join(',') + ']}');
      }
      return '[' + parts.join(',') + ']';
    }
  }
}

/** A successful /api/v1/query or /api/v1/query_range response body. */
export function formatQueryResult(result: QueryResult): string {
  return (
    '{"status":"success","data":{"resultType":"' +
    result.resultType +
    '","result":' +
    formatResultData(result) +
    '}' +
    formatAnnotations(result.annotations) +
    '}'
  );
}

/** Prometheus's error envelope, e.g. `{"status":"error","errorType":"bad_data","error":"..."}`. */
export function formatQueryError(errorType: QueryErrorType, message: string): string {
  return '{"status":"error","errorType":"' + errorType + '","error":' + jsonString(message) + '}';
}
