// Prometheus HTTP API parameters: form reading (GET query + POST form), times, durations, limits, series selectors.
import { parseDuration as parsePromDuration } from '../../shared/config/duration.ts';
import type { LabelMatcher } from '../../shared/promql/ast.ts';
import { matchLabelValue } from '../../shared/promql/ast.ts';
import { ParseError } from '../../shared/promql/parse-error.ts';
import { parse } from '../../shared/promql/parser.ts';

/** A parameter the client got wrong: becomes a 400 bad_data response with this message. */
export class BadParam extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadParam';
  }
}

/** Request parameters, body values first then URL values, as Go's Request.FormValue reads them. */
export class Form {
  constructor(private readonly params: URLSearchParams) {}

  /** The first value of `name`, or '' when absent. */
  get(name: string): string {
    return this.params.get(name) ?? '';
  }

  has(name: string): boolean {
    return this.params.has(name);
  }

  getAll(name: string): string[] {
    return this.params.getAll(name);
  }
}

/** Builds the Form of a request: URL query, plus an `application/x-www-form-urlencoded` body on POST. */
export async function readForm(request: Request): Promise<Form> {
  const url = new URL(request.url);
  if (request.method !== 'POST') return new Form(url.searchParams);
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return new Form(url.searchParams);
  const merged = new URLSearchParams(await request.text());
  for (const [k, v] of url.searchParams) merged.append(k, v);
  return new Form(merged);
}

// Go's time.Time range as Prometheus's API uses it for "no bound" (v1.MinTime / v1.MaxTime), in Unix ms.
export const MIN_TIME_MS = -9_223_309_901_257_974_000;
export const MAX_TIME_MS = 9_223_309_901_257_974_000;
const MIN_TIME_TEXT = '-292273086-05-16T16:47:06Z';
const MAX_TIME_TEXT = '292277026-11-27T03:12:55.999999999Z';

const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const RFC3339_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Parses a timestamp as Prometheus does: float Unix seconds (rounded to the millisecond) or RFC 3339;
 * returns Unix ms, or throws BadParam with Prometheus's `cannot parse "x" to a valid timestamp`.
 */
export function parseTime(text: string): number {
  if (FLOAT_RE.test(text)) {
    const v = Number(text);
    if (Number.isFinite(v)) {
      const whole = Math.trunc(v);
      return whole * 1000 + Math.round((v - whole) * 1000);
    }
  }
  const m = RFC3339_RE.exec(text);
  if (m) {
    const [, y, mo, d, h, mi, s, frac, zone] = m;
    const ms = frac === undefined ? 0 : Number(frac.padEnd(3, '0').slice(0, 3));
    let t = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
    if (Number(y) < 100) t = new Date(t).setUTCFullYear(Number(y));
    if (zone !== 'Z') {
      const sign = zone[0] === '-' ? -1 : 1;
      t -= sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
    }
    if (Number(mo) >= 1 && Number(mo) <= 12 && Number(d) >= 1 && Number(d) <= 31 && Number(h) < 24 && Number(mi) < 60 && Number(s) < 60) {
      return t;
    }
  }
  if (text === MIN_TIME_TEXT) return MIN_TIME_MS;
  if (text === MAX_TIME_TEXT) return MAX_TIME_MS;
  throw new BadParam(`cannot parse ${goQuote(text)} to a valid timestamp`);
}

/**
 * A time parameter of query, series, labels and exemplars (Prometheus's parseTimeParam): `def` when absent,
 * errors as `invalid parameter "time": Invalid time value for 'time': …`.
 */
export function timeParam(form: Form, name: string, def: number): number {
  const text = form.get(name);
  if (text === '') return def;
  try {
    return parseTime(text);
  } catch (e) {
    throw new BadParam(`invalid parameter ${goQuote(name)}: Invalid time value for '${name}': ${(e as Error).message}`);
  }
}

/** Go's int64 nanoseconds bound, in seconds: float durations beyond it overflow in Prometheus. */
const MAX_DURATION_SECONDS = 9_223_372_036.854775807;

/** Parses a duration as Prometheus's API does: float seconds or a Prometheus duration (`5m`); returns ms. */
export function parseDuration(text: string): number {
  if (FLOAT_RE.test(text)) {
    const v = Number(text);
    if (Math.abs(v) > MAX_DURATION_SECONDS) throw new BadParam(`cannot parse ${goQuote(text)} to a valid duration. It overflows int64`);
    return v * 1000;
  }
  const ms = parsePromDuration(text);
  if (ms === null) throw new BadParam(`cannot parse ${goQuote(text)} to a valid duration`);
  return ms;
}

/** A duration parameter, or null when absent; errors as `invalid parameter "timeout": …`. */
export function durationParam(form: Form, name: string): number | null {
  const text = form.get(name);
  if (text === '') return null;
  try {
    return parseDuration(text);
  } catch (e) {
    throw new BadParam(`invalid parameter ${goQuote(name)}: ${(e as Error).message}`);
  }
}

/** The `limit` of queries, series, labels and label values (0 = none); errors worded as Prometheus 3 (Go's strconv.Atoi). */
export function limitParam(form: Form): number {
  const text = form.get('limit');
  if (text === '') return 0;
  const bad = (why: string): BadParam => new BadParam(`invalid parameter "limit": ${why}`);
  if (!/^[+-]?\d+$/.test(text)) throw bad(`strconv.Atoi: parsing ${goQuote(text)}: invalid syntax`);
  const n = Number(text);
  if (!Number.isSafeInteger(n)) throw bad(`strconv.Atoi: parsing ${goQuote(text)}: value out of range`);
  if (n < 0) throw bad('limit must be non-negative');
  return n;
}

/**
 * Parses each `match[]` as a series selector (`up{job="x"}`, `{__name__=~"a.*"}`); every selector must have
 * a matcher that does not match the empty string, as Prometheus requires.
 */
export function matchersParam(values: readonly string[]): LabelMatcher[][] {
  return values.map((text) => {
    let matchers: LabelMatcher[];
    try {
      const expr = parse(text);
      if (expr.type !== 'VectorSelector' || expr.offset !== 0 || expr.at !== null || expr.atStart !== undefined) {
        throw new BadParam(`invalid parameter "match[]": 1:1: parse error: expected a series selector such as up{job="api"}, got ${JSON.stringify(text)}`);
      }
      matchers = expr.matchers;
    } catch (e) {
      // Prometheus parses match[] as a bare selector, without the expression check for an all-empty selector.
      if (e instanceof ParseError && !/at least one non-empty matcher/.test(e.message)) throw new BadParam(`invalid parameter "match[]": ${e.toString()}`);
      if (!(e instanceof ParseError)) throw e;
      matchers = [];
    }
    if (!matchers.some((m) => !matchLabelValue(m, ''))) {
      throw new BadParam('invalid parameter "match[]": match[] must contain at least one non-empty matcher');
    }
    return matchers;
  });
}

/** A label name from a URL path segment: `U__`-escaped names are unescaped as Prometheus 3 does. */
export function labelNameParam(raw: string): string {
  const name = raw.startsWith('U__') ? unescapeName(raw.slice(3)) : raw;
  if (name === null || name === '' || !isWellFormed(name)) throw new BadParam(`invalid label name: ${goQuote(raw)}`);
  return name;
}

/** Reverses Prometheus's value-encoding escape: `_` stays `_` only as `__`, `_HEX_` is a code point. */
function unescapeName(s: string): string | null {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '_') {
      if (!/[A-Za-z0-9]/.test(c)) return null;
      out += c;
      continue;
    }
    if (s[i + 1] === '_') {
      out += '_';
      i++;
      continue;
    }
    const end = s.indexOf('_', i + 1);
    if (end < 0) return null;
    const hex = s.slice(i + 1, end);
    if (!/^[0-9A-Fa-f]+$/.test(hex)) return null;
    const cp = parseInt(hex, 16);
    if (cp > 0x10ffff) return null;
    out += String.fromCodePoint(cp);
    i = end;
  }
  return out;
}

function isWellFormed(s: string): boolean {
  return !/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.test(s);
}

/** Go's %q for the strings we quote in messages (printable text; escapes like JSON). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

