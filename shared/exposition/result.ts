// Whole-body parse output stored column-wise, so a 100k-sample page costs a few arrays, not 100k objects.

import { buildLabels, type Cursor } from './cursor.ts';
import { SampleScanner } from './scan.ts';
import type { Exemplar, ExpositionFormat, ExpositionSample, FlatLabels, MetricFamily } from './types.ts';

const BUILD_DIALECT = { whitespace: true, quotedNames: true, trailingComma: true };

function grow<T extends Float64Array | Uint32Array | Int32Array>(a: T, make: (n: number) => T): T {
  const b = make(a.length * 2);
  b.set(a);
  return b;
}

/**
 * Samples of one parsed body, column-wise. Sample i is name(i), values[i], timestampsMs[i] (NaN:
 * none), family(i), lines[i], exemplars.get(i), and labels(i), built on demand. Treat the columns
 * as read-only. Label arrays are shared between consecutive samples of one series: never mutate them.
 */
export class ParseResult {
  /** Families in order of first appearance. */
  readonly families: MetricFamily[] = [];
  length = 0;
  values: Float64Array;
  timestampsMs: Float64Array;
  lines: Uint32Array;
  readonly exemplars = new Map<number, Exemplar>();
  // Names and families repeat on every line: store small ids, not one pointer push per sample.
  private nameIds: Uint32Array;
  private readonly nameTable: string[] = [];
  private readonly nameIndex = new Map<string, number>();
  private lastName = '';
  private lastNameId = -1;
  private familyIds: Uint32Array;
  private readonly familyIndex = new Map<MetricFamily, number>();
  private lastFamily: MetricFamily | null = null;
  private lastFamilyId = -1;
  private seriesStart: Uint32Array;
  private labelsStart: Int32Array;
  private seriesEnd: Uint32Array;
  private readonly builder = new SampleScanner(BUILD_DIALECT);

  constructor(
    readonly format: ExpositionFormat,
    private readonly body: string,
    private readonly normalize: boolean,
  ) {
    // Expositions run about 60-120 bytes a line: start near the right size to avoid regrowth.
    const guess = Math.max(64, Math.ceil(body.length / 64));
    this.values = new Float64Array(guess);
    this.timestampsMs = new Float64Array(guess);
    this.lines = new Uint32Array(guess);
    this.nameIds = new Uint32Array(guess);
    this.familyIds = new Uint32Array(guess);
    this.seriesStart = new Uint32Array(guess);
    this.labelsStart = new Int32Array(guess);
    this.seriesEnd = new Uint32Array(guess);
  }

  /** Parser side: registers a family (the sink's family callback). */
  addFamily(f: MetricFamily): void {
    this.familyIndex.set(f, this.families.length);
    this.families.push(f);
  }

  /** Parser side: appends the cursor's sample (whole-body parsing: the cursor's text is this body). */
  push(c: Cursor): void {
    const i = this.length;
    if (i === this.values.length) {
      this.values = grow(this.values, (n) => new Float64Array(n));
      this.timestampsMs = grow(this.timestampsMs, (n) => new Float64Array(n));
      this.lines = grow(this.lines, (n) => new Uint32Array(n));
      this.nameIds = grow(this.nameIds, (n) => new Uint32Array(n));
      this.familyIds = grow(this.familyIds, (n) => new Uint32Array(n));
      this.seriesStart = grow(this.seriesStart, (n) => new Uint32Array(n));
      this.labelsStart = grow(this.labelsStart, (n) => new Int32Array(n));
      this.seriesEnd = grow(this.seriesEnd, (n) => new Uint32Array(n));
    }
    const name = c.name;
    if (name !== this.lastName) {
      let id = this.nameIndex.get(name);
      if (id === undefined) {
        id = this.nameTable.length;
        this.nameTable.push(name);
        this.nameIndex.set(name, id);
      }
      this.lastName = name;
      this.lastNameId = id;
    }
    this.nameIds[i] = this.lastNameId;
    if (c.family !== this.lastFamily) {
      let id = this.familyIndex.get(c.family);
      if (id === undefined) {
        id = this.families.length;
        this.addFamily(c.family);
      }
      this.lastFamily = c.family;
      this.lastFamilyId = id;
    }
    this.familyIds[i] = this.lastFamilyId;
    this.values[i] = c.value;
    this.timestampsMs[i] = c.timestampMs === undefined ? NaN : c.timestampMs;
    this.lines[i] = c.line;
    this.seriesStart[i] = c.seriesStart;
    this.labelsStart[i] = c.labelsStart;
    this.seriesEnd[i] = c.seriesEnd;
    if (c.exemplar !== undefined) this.exemplars.set(i, c.exemplar);
    this.length = i + 1;
  }

  /** Parser side: trims the columns to length once parsing is done. */
  seal(): void {
    const n = this.length;
    this.values = this.values.subarray(0, n);
    this.timestampsMs = this.timestampsMs.subarray(0, n);
    this.lines = this.lines.subarray(0, n);
  }

  /** Metric name of sample i, as written. */
  name(i: number): string {
    return this.nameTable[this.nameIds[i]];
  }

  /** Family of sample i. */
  family(i: number): MetricFamily {
    return this.families[this.familyIds[i]];
  }

  /** Labels of sample i (normalised `le`/`quantile` unless disabled); cheapest when called in order. */
  labels(i: number): FlatLabels {
    return buildLabels(this.builder, this.body, this.labelsStart[i], this.seriesEnd[i], this.name(i), this.family(i), this.normalize);
  }

  /** Sample i's series as written in the body: a cache key, as SampleCursor.seriesText. */
  seriesText(i: number): string {
    return this.body.slice(this.seriesStart[i], this.seriesEnd[i]);
  }

  /** Sample i as a plain object. */
  sample(i: number): ExpositionSample {
    const ts = this.timestampsMs[i];
    return {
      name: this.name(i),
      labels: this.labels(i),
      value: this.values[i],
      timestampMs: ts === ts ? ts : undefined,
      exemplar: this.exemplars.get(i),
      family: this.family(i),
      line: this.lines[i],
    };
  }

  /** All samples as plain objects (convenient for small bodies and tests; allocates per sample). */
  samples(): ExpositionSample[] {
    const out: ExpositionSample[] = [];
    for (let i = 0; i < this.length; i++) out.push(this.sample(i));
    return out;
  }
}
