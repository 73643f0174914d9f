// Prometheus's template functions (template.NewTemplateExpander): query helpers, humanize*, strings, regexps, links.
import { parseDuration } from '../duration.ts';
import { queryEscape } from './builtins.ts';
import { FuncError, type FuncMap } from './functions.ts';
import { formatFloat, formatGoTime, sprintf } from './gofmt.ts';
import { compileGoRegex, goMatch, goReplaceAll, type GoRegex } from './goregex.ts';
import { GoDuration, GoMap, GoStruct, GoTime, goTypeName, makeSample, sampleList, type GoValue } from './values.ts';

/** One element of an instant-vector result handed to `query`. */
export interface TemplateSample {
  labels: Readonly<Record<string, string>>;
  value: number;
}

/** Injected PromQL port for `query`: synchronous, evaluated at the rule's evaluation time. */
export type TemplateQueryFn = (expr: string, timeMs: number) => { samples: TemplateSample[] } | { error: string };

export interface PromFuncOptions {
  /** Evaluation time in ms; `query` runs at it and `now` returns it. */
  timeMs: number;
  query?: TemplateQueryFn;
  /** --web.external-url, for externalURL and pathPrefix. */
  externalURL?: string;
}

const GO_FLOAT_RE = /^[+-]?(?:(?:\d+(?:_\d+)*)?\.?\d*(?:_\d+)*(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

/** strconv.ParseFloat on a template argument, with Go's error text. */
function parseGoFloat(s: string): number {
  const t = s.replace(/_/g, '');
  if (s === '' || !GO_FLOAT_RE.test(s) || t === '.' || /^[+-]?\.?$/.test(t) || /^[+-]?\.?[eE]/.test(t)) {
    throw new FuncError(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: invalid syntax`);
  }
  const lower = t.toLowerCase().replace(/^\+/, '');
  if (lower === 'inf' || lower === 'infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  if (lower === 'nan' || lower === '-nan') return NaN;
  const v = Number(t);
  if (!Number.isFinite(v)) throw new FuncError(`strconv.ParseFloat: parsing ${JSON.stringify(s)}: value out of range`);
  return v;
}

/** convertToFloat: float64, int and numeric strings are accepted. */
function toFloat(v: GoValue): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string') return parseGoFloat(v);
  if (v instanceof GoDuration) return Number(v.ns) / 1e9;
  throw new FuncError(`can't convert ${goTypeName(v)} to float`);
}

const g4 = (v: number): string => formatFloat(v, 'g', 4);

/** humanize: metric prefixes, 4 significant digits. */
export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  if (Math.abs(v) >= 1) {
    let prefix = '';
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
    return g4(v) + prefix;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return g4(v) + prefix;
}

/** humanize1024: binary prefixes (ki, Mi, …). */
export function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v) + prefix;
}

/** humanizeDuration: seconds as "1d 2h 3m 4s", or sub-second with ms/us/… prefixes. */
export function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return g4(v) + 's';
  if (Math.abs(v) >= 1) {
    let sign = '';
    if (v < 0) {
      sign = '-';
      v = -v;
    }
    const d = Math.trunc(v);
    const seconds = d % 60;
    const minutes = Math.trunc(d / 60) % 60;
    const hours = Math.trunc(d / 3600) % 24;
    const days = Math.trunc(d / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

/** humanizePercentage: ratio × 100 with 4 significant digits. */
export function humanizePercentage(v: number): string {
  return sprintf('%.4g%%', [v * 100]);
}

/** model.TimeFromUnixNano(int64(v*1e9)): truncated to whole milliseconds. */
function floatToTimeMs(v: number): number {
  const ns = v * 1e9;
  if (ns > 9.223372036854775807e18 || ns < -9.223372036854775808e18) {
    throw new FuncError(`${formatFloat(v, 'g', -1)} cannot be represented as a nanoseconds timestamp since it overflows int64`);
  }
  return Math.trunc(Math.trunc(ns) / 1e6);
}

/** net.SplitHostPort; undefined when the address has no valid port part. */
function splitHostPort(hp: string): { host: string; port: string } | undefined {
  if (hp.startsWith('[')) {
    const end = hp.indexOf(']');
    if (end < 0 || hp[end + 1] !== ':') return undefined;
    const port = hp.slice(end + 2);
    if (port.includes(':') || port.includes(']')) return undefined;
    return { host: hp.slice(1, end), port };
  }
  const i = hp.lastIndexOf(':');
  if (i < 0) return undefined;
  const host = hp.slice(0, i);
  if (host.includes(':') || host.includes('[') || host.includes(']')) return undefined;
  return { host, port: hp.slice(i + 1) };
}

const IPV4_RE = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const isIP = (s: string): boolean => IPV4_RE.test(s) || (s.includes(':') && /^[0-9a-fA-F:.]+$/.test(s));

function titleCase(s: string): string {
  let prev = ' ';
  let out = '';
  for (const ch of s) {
    const sep = /^[\x00-\x7f]$/.test(prev) ? !/^[0-9A-Za-z_]$/.test(prev) : !/^[\p{L}\p{Nd}]$/u.test(prev) && /^\s$/u.test(prev);
    out += sep ? mapRune(ch, 'upper') : ch;
    prev = ch;
  }
  return out;
}

/** unicode.ToUpper/ToLower: one rune to one rune (no "ß" → "SS"). */
function mapRune(ch: string, dir: 'upper' | 'lower'): string {
  const m = dir === 'upper' ? ch.toUpperCase() : ch.toLowerCase();
  return [...m].length === 1 ? m : ch;
}

function mapString(s: string, dir: 'upper' | 'lower'): string {
  let out = '';
  for (const ch of s) out += mapRune(ch, dir);
  return out;
}

function regex(pattern: string): GoRegex {
  const re = compileGoRegex(pattern);
  if ('error' in re) throw new FuncError(re.error);
  return re;
}

function asSample(v: GoValue): GoStruct {
  if (!(v instanceof GoStruct)) throw new FuncError('runtime error: invalid memory address or nil pointer dereference');
  return v;
}

function sampleLabels(s: GoStruct): GoMap {
  return s.fields.Labels as GoMap;
}

/** The URL path of the external URL (pathPrefix). */
function urlPath(u: string): string {
  const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*([^?#]*)/.exec(u);
  return m ? m[1] : (/^[^?#]*/.exec(u)?.[0] ?? '');
}

/** `/graph?g0.expr=…&g0.tab=1` as strutil.TableLinkForExpression builds it. */
export function tableLinkForExpression(expr: string): string {
  return `/graph?g0.expr=${queryEscape(expr)}&g0.tab=1`;
}

/** `/graph?g0.expr=…&g0.tab=0` as strutil.GraphLinkForExpression builds it. */
export function graphLinkForExpression(expr: string): string {
  return `/graph?g0.expr=${queryEscape(expr)}&g0.tab=0`;
}

/** Prometheus's function map for one expansion. */
export function prometheusFuncs(opts: PromFuncOptions): FuncMap {
  const ext = opts.externalURL ?? '';
  return {
    query: {
      params: ['string'],
      fn: (q) => {
        if (!opts.query) throw new FuncError('no query engine is available to templates here');
        const r = opts.query(q as string, opts.timeMs);
        if ('error' in r) throw new FuncError(r.error);
        return sampleList(r.samples.map((s) => makeSample(s.labels, s.value)));
      },
    },
    first: {
      params: ['queryResult'],
      fn: (v) => {
        const list = (v ?? []) as GoValue[];
        if (list.length > 0) return list[0];
        throw new FuncError('first() called on vector with no elements');
      },
    },
    label: { params: ['string', 'sample'], fn: (l, s) => sampleLabels(asSample(s)).entries.get(l as string) ?? '' },
    value: { params: ['sample'], fn: (s) => asSample(s).fields.Value },
    strvalue: { params: ['sample'], fn: (s) => sampleLabels(asSample(s)).entries.get('__value__') ?? '' },
    args: {
      params: [],
      variadic: 'any',
      fn: (...a) => new GoMap('any', new Map(a.map((v, i) => [`arg${i}`, v] as [string, GoValue]))),
    },
    reReplaceAll: { params: ['string', 'string', 'string'], fn: (p, r, t) => goReplaceAll(regex(p as string), t as string, r as string) },
    safeHtml: { params: ['string'], fn: (s) => s },
    match: { params: ['string', 'string'], fn: (p, t) => goMatch(regex(p as string), t as string) },
    title: { params: ['string'], fn: (s) => titleCase(s as string) },
    toUpper: { params: ['string'], fn: (s) => mapString(s as string, 'upper') },
    toLower: { params: ['string'], fn: (s) => mapString(s as string, 'lower') },
    graphLink: { params: ['string'], fn: (e) => graphLinkForExpression(e as string) },
    tableLink: { params: ['string'], fn: (e) => tableLinkForExpression(e as string) },
    sortByLabel: {
      params: ['string', 'queryResult'],
      fn: (l, v) => {
        const list = (v ?? []) as GoValue[];
        const key = (s: GoValue): string => sampleLabels(asSample(s)).entries.get(l as string) as string ?? '';
        // Array.prototype.sort is stable; Go's sort.Stable sorts in place too.
        list.sort((a, b) => {
          const x = key(a);
          const y = key(b);
          return x < y ? -1 : x > y ? 1 : 0;
        });
        return list;
      },
    },
    stripPort: { params: ['string'], fn: (hp) => splitHostPort(hp as string)?.host ?? (hp as string) },
    stripDomain: {
      params: ['string'],
      fn: (hp) => {
        const split = splitHostPort(hp as string);
        const host = split ? split.host : (hp as string);
        if (isIP(host)) return hp;
        const short = host.split('.')[0];
        if (split && split.port !== '') return short.includes(':') ? `[${short}]:${split.port}` : `${short}:${split.port}`;
        return short;
      },
    },
    humanize: { params: ['any'], fn: (v) => humanize(toFloat(v)) },
    humanize1024: { params: ['any'], fn: (v) => humanize1024(toFloat(v)) },
    humanizeDuration: { params: ['any'], fn: (v) => humanizeDuration(toFloat(v)) },
    humanizePercentage: { params: ['any'], fn: (v) => humanizePercentage(toFloat(v)) },
    humanizeTimestamp: {
      params: ['any'],
      fn: (v) => {
        const f = toFloat(v);
        if (!Number.isFinite(f)) return g4(f);
        return formatGoTime(floatToTimeMs(f));
      },
    },
    toTime: { params: ['any'], fn: (v) => new GoTime(floatToTimeMs(toFloat(v))) },
    toDuration: {
      params: ['any'],
      fn: (v) => {
        const f = toFloat(v);
        if (Math.abs(f) > 9.223372036854775807e9) throw new FuncError(`${formatFloat(f, 'g', -1)} cannot be represented as a nanoseconds duration since it overflows int64`);
        return new GoDuration(BigInt(Math.trunc(f * 1e9)));
      },
    },
    now: { params: [], fn: () => opts.timeMs / 1000 },
    pathPrefix: { params: [], fn: () => urlPath(ext) },
    externalURL: { params: [], fn: () => ext },
    parseDuration: {
      params: ['string'],
      fn: (d) => {
        const r = parseDuration(d as string);
        if (!r.ok) throw new FuncError(r.error);
        return r.ms / 1000;
      },
    },
    urlQueryEscape: { params: ['string'], fn: (s) => queryEscape(s as string) },
    // Console-only in Prometheus; kept defined so rule files using it still load (spec: empty result).
    tmpl: { params: ['string', 'any'], fn: () => '' },
  };
}
