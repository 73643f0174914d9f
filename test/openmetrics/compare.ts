// Compares a parse result with client_python's expected.json, reporting the first difference.

import type { ExpositionSample, FlatLabels, ParseResult } from '../../shared/exposition/index.ts';
import type { ExpectedFamily, ExpectedNumber, ExpectedSample } from './cases.ts';

/** Expected seconds → ms, shifting the decimal text (as the parser does) and truncating. */
function secondsToMs(seconds: number): number {
  const text = String(seconds);
  const e = text.indexOf('e');
  const ms = e === -1 ? Number(text + 'e3') : Number(text.slice(0, e) + 'e' + (Number(text.slice(e + 1)) + 3));
  return Math.trunc(ms);
}

function expectedNumber(v: ExpectedNumber): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  throw new Error(`expected.json: unknown number ${JSON.stringify(v)}`);
}

function sameNumber(a: number, b: number): boolean {
  return a === b || (a !== a && b !== b);
}

/** Timestamps of huge values may differ in the last bit after the seconds → ms shift. */
function sameTimestamp(a: number | undefined, b: number | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a === b || Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
}

function labelsText(labels: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
}

function flatToRecord(labels: FlatLabels): Record<string, string> {
  const out: Record<string, string> = {};
  for (let k = 0; k < labels.length; k += 2) out[labels[k]] = labels[k + 1];
  return out;
}

/** A sample reduced to what the comparison looks at. */
interface Comparable {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestampMs: number | undefined;
  exemplar: { labels: Record<string, string>; value: number; timestampMs: number | undefined } | undefined;
}

function fromParsed(s: ExpositionSample): Comparable {
  return {
    name: s.name,
    labels: flatToRecord(s.labels),
    value: s.value,
    timestampMs: s.timestampMs,
    exemplar: s.exemplar && {
      labels: flatToRecord(s.exemplar.labels),
      value: s.exemplar.value,
      timestampMs: s.exemplar.timestampMs,
    },
  };
}

function fromExpected(s: ExpectedSample): Comparable {
  return {
    name: s.name,
    labels: s.labels,
    value: expectedNumber(s.value),
    timestampMs: s.timestamp === null ? undefined : secondsToMs(s.timestamp),
    exemplar: s.exemplar
      ? {
          labels: s.exemplar.labels,
          value: expectedNumber(s.exemplar.value),
          timestampMs: s.exemplar.timestamp === null ? undefined : secondsToMs(s.exemplar.timestamp),
        }
      : undefined,
  };
}

/**
 * Keeps the first sample per series and millisecond, as a TSDB stores them. client_python drops
 * a repeated series+timestamp (at nanosecond resolution) while our parser reports every line, so
 * both sides are reduced this way before comparing.
 */
function storedOnly(samples: Comparable[]): Comparable[] {
  const seen = new Set<string>();
  return samples.filter((s) => {
    const key = `${s.name}${labelsText(s.labels)}@${s.timestampMs ?? 'none'}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function describe(s: Comparable): string {
  return `${s.name}${labelsText(s.labels)} ${s.value}${s.timestampMs === undefined ? '' : ' @' + s.timestampMs}`;
}

function compareSample(got: Comparable, want: Comparable): string | null {
  if (got.name !== want.name || labelsText(got.labels) !== labelsText(want.labels)) return 'series';
  if (!sameNumber(got.value, want.value)) return 'value';
  if (!sameTimestamp(got.timestampMs, want.timestampMs)) return 'timestamp';
  if ((got.exemplar === undefined) !== (want.exemplar === undefined)) return 'exemplar presence';
  if (got.exemplar && want.exemplar) {
    if (labelsText(got.exemplar.labels) !== labelsText(want.exemplar.labels)) return 'exemplar labels';
    if (!sameNumber(got.exemplar.value, want.exemplar.value)) return 'exemplar value';
    if (!sameTimestamp(got.exemplar.timestampMs, want.exemplar.timestampMs)) return 'exemplar timestamp';
  }
  return null;
}

/** Returns null when result matches expected, else a one-line description of the first difference. */
export function compareToExpected(result: ParseResult, expected: ExpectedFamily[]): string | null {
  const byFamily = new Map<unknown, ExpositionSample[]>();
  for (const f of result.families) byFamily.set(f, []);
  for (const s of result.samples()) byFamily.get(s.family)?.push(s);
  if (result.families.length !== expected.length) {
    const names = (xs: { name: string }[]) => xs.map((f) => f.name).join(', ');
    return `families [${names(result.families)}], expected [${names(expected)}]`;
  }
  for (let i = 0; i < expected.length; i++) {
    const f = result.families[i];
    const e = expected[i];
    for (const key of ['name', 'type', 'help', 'unit'] as const) {
      if (f[key] !== e[key]) return `family ${i + 1} ${key} ${JSON.stringify(f[key])}, expected ${JSON.stringify(e[key])}`;
    }
    const got = storedOnly((byFamily.get(f) ?? []).map(fromParsed));
    const want = storedOnly(e.samples.map(fromExpected));
    if (got.length !== want.length) return `family "${e.name}": ${got.length} samples, expected ${want.length}`;
    for (let k = 0; k < want.length; k++) {
      const diff = compareSample(got[k], want[k]);
      if (diff !== null) return `family "${e.name}" sample ${k + 1}: ${diff} differs: got ${describe(got[k])}, expected ${describe(want[k])}`;
    }
  }
  return null;
}
