// Label-set helpers the evaluator needs: Prometheus's printed form, match-label views, metadata dropping, hashing.
import { METRIC_NAME, sortedNames, type Labels } from '../../model/labels.ts';

/** Labels whose removal is delayed until the end of the query (Prometheus schema.IsMetadataLabel). */
export const METADATA_LABELS = ['__name__', '__type__', '__unit__'];

/** Copy of `l` without the metric name, type and unit. */
export function dropMetadata(l: Labels): Labels {
  if (l.__name__ === undefined && l.__type__ === undefined && l.__unit__ === undefined) return l;
  const out: Record<string, string> = {};
  for (const k in l) if (k !== '__name__' && k !== '__type__' && k !== '__unit__') out[k] = l[k];
  return out;
}

/** Copy of `l` without the listed names. */
export function withoutLabels(l: Labels, names: readonly string[]): Labels {
  const out: Record<string, string> = {};
  for (const k in l) if (!names.includes(k)) out[k] = l[k];
  return out;
}

/** Copy of `l` with only the listed names. */
export function onlyLabels(l: Labels, names: readonly string[]): Labels {
  const out: Record<string, string> = {};
  for (const k of names) if (l[k] !== undefined) out[k] = l[k];
  return out;
}

/** Prometheus Labels.MatchLabels: with `on`, only `names`; otherwise all but `names` and the metric name. */
export function matchLabels(l: Labels, on: boolean, names: readonly string[]): Labels {
  if (on) return onlyLabels(l, names);
  const out: Record<string, string> = {};
  for (const k in l) if (k !== METRIC_NAME && !names.includes(k)) out[k] = l[k];
  return out;
}

/** A signature key over the given label names (sorted), for `on(...)` / `by(...)` matching. */
export function keyOn(l: Labels, sortedNamesOn: readonly string[]): string {
  let key = '';
  for (const n of sortedNamesOn) {
    const v = l[n];
    if (v !== undefined) key += n + '\xff' + v + '\xff';
  }
  return key;
}

/** A signature key over all labels except the given names and the metric name. */
export function keyWithout(l: Labels, names: readonly string[]): string {
  let key = '';
  for (const n of sortedNames(l)) {
    if (n === METRIC_NAME || names.includes(n)) continue;
    key += n + '\xff' + l[n] + '\xff';
  }
  return key;
}

const LEGACY_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Go's strconv.Quote for a label value. */
export function quoteValue(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c === 7) out += '\\a';
    else if (c === 8) out += '\\b';
    else if (c === 12) out += '\\f';
    else if (c === 10) out += '\\n';
    else if (c === 13) out += '\\r';
    else if (c === 9) out += '\\t';
    else if (c === 11) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

/** Prometheus Labels.String(): `{a="1", b="2"}` with every label, the metric name included, in name order. */
export function labelsString(l: Labels): string {
  const parts = sortedNames(l).map((n) => (LEGACY_NAME.test(n) ? n : quoteValue(n)) + '=' + quoteValue(l[n]));
  return '{' + parts.join(', ') + '}';
}

// xxHash64 (the hash Prometheus uses for label sets), on BigInt; only limit_ratio needs it.
const P1 = 11400714785074694791n;
const P2 = 14029467366897019727n;
const P3 = 1609587929392839161n;
const P4 = 9650029242287828579n;
const P5 = 2870177450012600261n;
const M64 = (1n << 64n) - 1n;

const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (64n - r))) & M64;
const round = (acc: bigint, input: bigint): bigint => (rotl((acc + input * P2) & M64, 31n) * P1) & M64;
const mergeRound = (acc: bigint, val: bigint): bigint => ((((acc ^ round(0n, val)) * P1) & M64) + P4) & M64;

function readU64(b: Uint8Array, i: number): bigint {
  let v = 0n;
  for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(b[i + k]);
  return v;
}

function readU32(b: Uint8Array, i: number): bigint {
  return BigInt((b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0);
}

/** xxHash64 with seed 0 over `b`. */
export function xxhash64(b: Uint8Array): bigint {
  const n = b.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (P1 + P2) & M64;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (0n - P1) & M64;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, readU64(b, i));
      v2 = round(v2, readU64(b, i + 8));
      v3 = round(v3, readU64(b, i + 16));
      v4 = round(v4, readU64(b, i + 24));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & M64;
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = P5;
  }
  h = (h + BigInt(n)) & M64;
  for (; i + 8 <= n; i += 8) {
    h ^= round(0n, readU64(b, i));
    h = ((rotl(h, 27n) * P1) & M64) + P4;
    h &= M64;
  }
  if (i + 4 <= n) {
    h ^= (readU32(b, i) * P1) & M64;
    h = ((rotl(h, 23n) * P2) & M64) + P3;
    h &= M64;
    i += 4;
  }
  for (; i < n; i++) {
    h ^= (BigInt(b[i]) * P5) & M64;
    h = (rotl(h, 11n) * P1) & M64;
  }
  h ^= h >> 33n;
  h = (h * P2) & M64;
  h ^= h >> 29n;
  h = (h * P3) & M64;
  h ^= h >> 32n;
  return h;
}

/** Appends the UTF-8 bytes of `s` to `out`. */
function pushUtf8(s: string, out: number[]): void {
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (c < 0x80) out.push(c);
    else if (c < 0x800) out.push(0xc0 | (c >> 6), 0x80 | (c & 63));
    else if (c < 0x10000) out.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    else out.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
  }
}

/** Prometheus Labels.Hash(): xxHash64 of `name\xffvalue\xff…` in name order. */
export function labelsHash(l: Labels): bigint {
  const parts: number[] = [];
  for (const n of sortedNames(l)) {
    pushUtf8(n, parts);
    parts.push(0xff);
    pushUtf8(l[n], parts);
    parts.push(0xff);
  }
  return xxhash64(Uint8Array.from(parts));
}
