// The OpenMetrics 1.0 rules beyond syntax, checked only in strict mode (conformance, validation tools).

import { ExpositionParseError } from './errors.ts';
import { parseFloatString } from './numbers.ts';
import { codePointLength } from './scan.ts';
import { BUCKET, COUNT, GCOUNT, GSUM, SUM, TOTAL, BASE, TYPE_KINDS, SUFFIXES, labelValue, type OmFamily } from './om-family.ts';
import type { FlatLabels } from './types.ts';

const MAX_EXEMPLAR_RUNES = 128;

function fail(detail: string, line: number): never {
  throw new ExpositionParseError(detail, line, 1);
}

/** Renders a value for messages the way the format writes it. */
function show(v: number): string {
  return v !== v ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);
}

/** Sums the code points of an exemplar's label names and values. */
export function exemplarRunes(labels: FlatLabels): number {
  let n = 0;
  for (let k = 0; k < labels.length; k++) n += codePointLength(labels[k]);
  return n;
}

/** True when the exemplar's labels fit the OpenMetrics limit of 128 characters. */
export function exemplarFits(labels: FlatLabels): boolean {
  let n = 0;
  for (let k = 0; k < labels.length; k++) {
    n += labels[k].length; // UTF-16 units ≥ code points: a cheap upper bound first
  }
  return n <= MAX_EXEMPLAR_RUNES || exemplarRunes(labels) <= MAX_EXEMPLAR_RUNES;
}

/** Identity of a sample's group (MetricPoint): its labels in name order, minus `skip`. */
export function groupKey(labels: FlatLabels, skip: string | null): string {
  const idx: number[] = [];
  for (let k = 0; k < labels.length; k += 2) {
    if (labels[k] === skip) continue;
    let j = idx.length;
    idx.push(k);
    while (j > 0 && labels[idx[j - 1]] > labels[k]) {
      idx[j] = idx[j - 1];
      j--;
    }
    idx[j] = k;
  }
  let key = '';
  for (const k of idx) key += labels[k] + '\u0000' + labels[k + 1] + '\u0000';
  return key;
}

/** State of one histogram MetricPoint (same group and timestamp) while its samples stream by. */
interface HistogramRun {
  lastLe: number | undefined;
  lastValue: number;
  count: number | undefined;
  hasSum: boolean;
  hasGsum: boolean;
  negativeBucket: boolean;
  negativeGsum: boolean;
  line: number;
}

/** Checks one strict OpenMetrics exposition as the parser reports metadata, samples and family ends. */
export class StrictChecker {
  /** Sample names owned by families already closed, to find clashing or repeated families. */
  private readonly claimed = new Map<string, string>();
  private group: string | null = null;
  private groupTs: number | undefined = undefined;
  private readonly seenGroups = new Set<string>();
  private runKey: string | null = null;
  private run: HistogramRun | null = null;

  /** A new family starts. */
  open(): void {
    this.group = null;
    this.groupTs = undefined;
    this.seenGroups.clear();
    this.runKey = null;
    this.run = null;
  }

  /** A HELP/TYPE/UNIT line for family f (already the current family). */
  metadata(f: OmFamily, keyword: 'HELP' | 'TYPE' | 'UNIT', line: number): void {
    const name = f.meta.name;
    if (f.samples > 0) fail(`${keyword} line for "${name}" after its samples: metadata must come first`, line);
    const dup = keyword === 'HELP' ? f.hasHelp : keyword === 'TYPE' ? f.hasType : f.hasUnit;
    if (dup) fail(`second ${keyword} line for "${name}"`, line);
  }

  /** After a TYPE or UNIT line was applied. */
  afterMetadata(f: OmFamily, line: number): void {
    const t = f.meta.type;
    if (f.meta.unit !== '' && (t === 'info' || t === 'stateset')) {
      fail(`${t} family "${f.meta.name}" must not have a unit`, line);
    }
  }

  /** One sample of family f, of suffix kind `kind`; tsMs is the untruncated timestamp in ms. */
  sample(
    f: OmFamily,
    kind: number,
    labels: FlatLabels,
    value: number,
    tsMs: number | undefined,
    exemplarLabels: FlatLabels | undefined,
    line: number,
  ): void {
    const t = f.meta.type;
    const name = f.meta.name;
    const histogram = t === 'histogram' || t === 'gaugehistogram';
    let skip: string | null = null;
    let le = 0;
    if (t === 'stateset') {
      if (labelValue(labels, name) === undefined) fail(`stateset sample needs a label named "${name}"`, line);
      skip = name;
    } else if (histogram && kind === BUCKET) {
      const raw = labelValue(labels, 'le');
      if (raw === undefined) fail(`histogram bucket "${name}_bucket" needs an "le" label`, line);
      const b = parseFloatString(raw);
      if (b === undefined || b !== b) fail(`invalid "le" value "${raw}"`, line);
      if (b === Infinity && raw !== '+Inf') fail(`"le" value "${raw}" must be written "+Inf"`, line);
      le = b;
      skip = 'le';
    } else if (t === 'summary' && kind === BASE) {
      const raw = labelValue(labels, 'quantile');
      if (raw === undefined) fail(`summary sample "${name}" needs a "quantile" label`, line);
      const q = parseFloatString(raw);
      if (q === undefined || !(q >= 0 && q <= 1)) fail(`invalid quantile "${raw}": must be a number from 0 to 1`, line);
      skip = 'quantile';
    }

    // Samples of one MetricPoint group are contiguous, and its timestamps never go back.
    const g = t === 'info' ? '' : groupKey(labels, skip);
    if (this.group !== null && g !== this.group && this.seenGroups.has(g)) {
      fail(`samples of "${name}" with these labels must be contiguous, not interleaved with other label sets`, line);
    }
    if (this.group !== null && g === this.group) {
      if ((tsMs === undefined) !== (this.groupTs === undefined)) {
        fail(`"${name}" mixes samples with and without timestamps`, line);
      }
      if (tsMs !== undefined && this.groupTs !== undefined && tsMs < this.groupTs && t !== 'info') {
        fail(`timestamps of "${name}" go backwards`, line);
      }
    }
    this.group = g;
    this.groupTs = tsMs;
    this.seenGroups.add(g);

    if (t === 'stateset' && value !== 0 && value !== 1) fail(`stateset value must be 0 or 1, not ${show(value)}`, line);
    if (t === 'info' && value !== 1) fail(`info value must be 1, not ${show(value)}`, line);
    if (t === 'summary' && kind === BASE && value < 0) fail(`quantile value must not be negative, got ${show(value)}`, line);
    const counterLike = kind === TOTAL || kind === SUM || kind === COUNT || kind === BUCKET || kind === GCOUNT;
    if ((counterLike || kind === GSUM) && value !== value) fail(`${name}${SUFFIXES[kind]} must not be NaN`, line);
    if (counterLike && value < 0) fail(`${name}${SUFFIXES[kind]} must not be negative, got ${show(value)}`, line);

    if (exemplarLabels !== undefined) {
      if (!((histogram && kind === BUCKET) || (t === 'counter' && kind === TOTAL))) {
        fail('exemplars are only allowed on counter _total and histogram _bucket samples', line);
      }
      if (!exemplarFits(exemplarLabels)) {
        fail(`exemplar labels have ${exemplarRunes(exemplarLabels)} characters, more than ${MAX_EXEMPLAR_RUNES}`, line);
      }
    }

    if (histogram) this.histogramSample(name, kind, g + (tsMs === undefined ? '' : String(tsMs)), le, value, line);
  }

  private histogramSample(name: string, kind: number, key: string, le: number, value: number, line: number): void {
    if (this.run === null || key !== this.runKey) {
      if (this.run !== null) this.checkRun(name, this.run);
      this.runKey = key;
      this.run = {
        lastLe: undefined,
        lastValue: 0,
        count: undefined,
        hasSum: false,
        hasGsum: false,
        negativeBucket: false,
        negativeGsum: false,
        line,
      };
    }
    const r = this.run;
    r.line = line;
    if (kind === BUCKET) {
      if (le < 0) r.negativeBucket = true;
      if (r.lastLe !== undefined && le <= r.lastLe) fail(`buckets of "${name}" must be in increasing "le" order`, line);
      if (value < r.lastValue) fail(`bucket counts of "${name}" must not decrease as "le" grows`, line);
      r.lastLe = le;
      r.lastValue = value;
    } else if (kind === COUNT || kind === GCOUNT) r.count = value;
    else if (kind === SUM) r.hasSum = true;
    else if (kind === GSUM) {
      r.hasGsum = true;
      if (value < 0) r.negativeGsum = true;
    }
  }

  private checkRun(name: string, r: HistogramRun): void {
    const at = r.line;
    if (r.lastLe !== Infinity) fail(`histogram "${name}" has no "+Inf" bucket (checked at its last sample)`, at);
    if (r.count !== undefined && r.count !== r.lastValue) fail(`count of "${name}" does not match its "+Inf" bucket`, at);
    if (r.hasSum && r.count === undefined) fail(`histogram "${name}" has _sum without _count`, at);
    if (r.hasGsum && r.count === undefined) fail(`gauge histogram "${name}" has _gsum without _gcount`, at);
    if (!r.hasSum && !r.hasGsum && r.count !== undefined) fail(`histogram "${name}" has a count without a sum`, at);
    if (r.negativeBucket && r.hasSum) fail(`histogram "${name}" with negative buckets must not have _sum`, at);
    if (!r.negativeBucket && r.negativeGsum) fail(`gauge histogram "${name}" has a negative _gsum without negative buckets`, at);
  }

  /** Family f ends (another family starts, or `# EOF`). */
  close(f: OmFamily): void {
    if (this.run !== null) {
      this.checkRun(f.meta.name, this.run);
      this.run = null;
    }
    const name = f.meta.name;
    const kinds = TYPE_KINDS[f.meta.type];
    const names = [name];
    for (const k of kinds) if (k !== BASE) names.push(name + SUFFIXES[k]);
    for (const n of names) {
      const owner = this.claimed.get(n);
      if (owner === undefined) continue;
      fail(
        owner === name
          ? `metric family "${name}" appears twice: a family's lines must be contiguous`
          : `metric family "${name}" clashes with family "${owner}", which already uses the name "${n}"`,
        f.firstLine,
      );
    }
    for (const n of names) this.claimed.set(n, name);
  }
}
