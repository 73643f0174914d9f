// Whole-body parse output stored column-wise, so a 100k-sample page costs a few arrays, not 100k objects.

import { buildLabels, type Cursor } from './cursor.ts';
import { SampleScanner } from './scan.ts';
import type { Exemplar, ExpositionFormat, ExpositionSample, ExpositionText, FlatLabels, MetricFamily } from './types.ts';

const BUILD_DIALECT = { whitespace: true, quotedNames: true, trailingComma: true };

function grow<T extends Float64Array | Uint32Array | Int32Array>(a: T, make: (n: number) => T): T {
  const b = make(a.length * 2);
  b.set(a);
  return b;
}

/** The column storage of one ParseResult, all columns of one capacity. */
interface Columns {
  values: Float64Array;
  timestampsMs: Float64Array;
  lines: Uint32Array;
  nameIds: Uint32Array;
  familyIds: Uint32Array;
  seriesStart: Uint32Array;
  labelsStart: Int32Array;
  seriesEnd: Uint32Array;
  /** Which piece of the body holds the sample's line (offsets are within that piece). */
  pieceIds: Uint32Array;
}

function newColumns(n: number): Columns {
  return {
    values: new Float64Array(n),
    timestampsMs: new Float64Array(n),
    lines: new Uint32Array(n),
    nameIds: new Uint32Array(n),
    familyIds: new Uint32Array(n),
    seriesStart: new Uint32Array(n),
    labelsStart: new Int32Array(n),
    seriesEnd: new Uint32Array(n),
    pieceIds: new Uint32Array(n),
  };
}

/** Largest capacity kept for reuse (44 bytes a sample: ~11 MB). */
export const SPARE_COLUMNS_MAX = 1 << 18;

/**
 * Columns of a released ParseResult, taken by the next one that fits: a scrape of a large page then reuses its
 * columns instead of allocating them anew (their memory is outside the JS heap, and allocating it is what starts the
 * engine's full garbage collections). One set, of at most SPARE_COLUMNS_MAX samples: a scraper parses and ingests one
 * body at a time.
 */
let spare: Columns | null = null;

function takeColumns(n: number): Columns {
  const s = spare;
  if (s !== null && s.values.length >= n) {
    spare = null;
    return s;
  }
  return newColumns(n);
}

const NO_F64 = new Float64Array(0);
const NO_U32 = new Uint32Array(0);
const NO_I32 = new Int32Array(0);

/**
 * Samples of one parsed body, column-wise. Sample i is name(i), values[i], timestampsMs[i] (NaN:
 * none), family(i), lines[i], exemplars.get(i), and labels(i), built on demand. Treat the columns
 * as read-only. Label arrays are shared between consecutive samples of one series: never mutate them.
 */
export class ParseResult {
  /** Families in order of first appearance. */
  readonly families: MetricFamily[] = [];
  length = 0;
  values: Float64Array = NO_F64;
  timestampsMs: Float64Array = NO_F64;
  lines: Uint32Array = NO_U32;
  readonly exemplars = new Map<number, Exemplar>();
  // Names and families repeat on every line: store small ids, not one pointer push per sample.
  private nameIds: Uint32Array = NO_U32;
  private readonly nameTable: string[] = [];
  private readonly nameIndex = new Map<string, number>();
  private lastName = '';
  private lastNameId = -1;
  private familyIds: Uint32Array = NO_U32;
  private readonly familyIndex = new Map<MetricFamily, number>();
  private lastFamily: MetricFamily | null = null;
  private lastFamilyId = -1;
  private seriesStart: Uint32Array = NO_U32;
  private labelsStart: Int32Array = NO_I32;
  private seriesEnd: Uint32Array = NO_U32;
  /** The texts the samples' lines are in: the body, or the pieces it came in (see ParseResult.push). */
  private pieces: string[] = [];
  private lastPiece: string | null = null;
  private pieceIds: Uint32Array = NO_U32;
  /** The full-capacity columns (values, timestampsMs and lines are views of them once sealed); null once released. */
  private cols: Columns | null = null;
  private readonly builder = new SampleScanner(BUILD_DIALECT);

  constructor(
    readonly format: ExpositionFormat,
    body: ExpositionText,
    private readonly normalize: boolean,
  ) {
    let length = 0;
    if (typeof body === 'string') length = body.length;
    else for (let k = 0; k < body.length; k++) length += body[k].length;
    // Expositions run about 60-120 bytes a line: start near the right size to avoid regrowth.
    this.adopt(takeColumns(Math.max(64, Math.ceil(length / 64))));
  }

  /** Points the column fields at a (new or regrown) set of full-capacity columns. */
  private adopt(c: Columns): void {
    this.cols = c;
    this.values = c.values;
    this.timestampsMs = c.timestampsMs;
    this.lines = c.lines;
    this.nameIds = c.nameIds;
    this.familyIds = c.familyIds;
    this.seriesStart = c.seriesStart;
    this.labelsStart = c.labelsStart;
    this.seriesEnd = c.seriesEnd;
    this.pieceIds = c.pieceIds;
  }

  /**
   * Hands the columns over for reuse by a later parse: call it once done with this result (it is then empty). Until
   * then nothing is shared; a result never released just leaves its columns to the garbage collector.
   */
  release(): void {
    const c = this.cols;
    if (c === null) return;
    this.cols = null;
    this.length = 0;
    this.pieces = [];
    this.lastPiece = null;
    this.pieceIds = NO_U32;
    this.values = this.timestampsMs = NO_F64;
    this.lines = this.nameIds = this.familyIds = this.seriesStart = this.seriesEnd = NO_U32;
    this.labelsStart = NO_I32;
    this.exemplars.clear();
    if (c.values.length <= SPARE_COLUMNS_MAX && (spare === null || spare.values.length < c.values.length)) spare = c;
  }

  /** Parser side: registers a family (the sink's family callback). */
  addFamily(f: MetricFamily): void {
    this.familyIndex.set(f, this.families.length);
    this.families.push(f);
  }

  /** Parser side: appends the cursor's sample (the cursor's text is the body or the piece of it being parsed). */
  push(c: Cursor): void {
    const i = this.length;
    if (i === this.values.length) this.grow();
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
    // The cursor's text is the string its line is in: the body, or one piece of it (consecutive lines share one).
    if (c.text !== this.lastPiece) {
      this.lastPiece = c.text;
      this.pieces.push(c.text);
    }
    this.pieceIds[i] = this.pieces.length - 1;
    if (c.exemplar !== undefined) this.exemplars.set(i, c.exemplar);
    this.length = i + 1;
  }

  private grow(): void {
    const c: Columns = {
      values: grow(this.values, (n) => new Float64Array(n)),
      timestampsMs: grow(this.timestampsMs, (n) => new Float64Array(n)),
      lines: grow(this.lines, (n) => new Uint32Array(n)),
      nameIds: grow(this.nameIds, (n) => new Uint32Array(n)),
      familyIds: grow(this.familyIds, (n) => new Uint32Array(n)),
      seriesStart: grow(this.seriesStart, (n) => new Uint32Array(n)),
      labelsStart: grow(this.labelsStart, (n) => new Int32Array(n)),
      seriesEnd: grow(this.seriesEnd, (n) => new Uint32Array(n)),
      pieceIds: grow(this.pieceIds, (n) => new Uint32Array(n)),
    };
    this.adopt(c);
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
    return buildLabels(this.builder, this.pieces[this.pieceIds[i]], this.labelsStart[i], this.seriesEnd[i], this.name(i), this.family(i), this.normalize);
  }

  /** Sample i's series as written in the body: a cache key, as SampleCursor.seriesText. */
  seriesText(i: number): string {
    return this.pieces[this.pieceIds[i]].slice(this.seriesStart[i], this.seriesEnd[i]);
  }

  /** seriesText(i) === text; cuts the series text out only when the lengths agree. */
  seriesTextIs(i: number, text: string): boolean {
    const start = this.seriesStart[i];
    const end = this.seriesEnd[i];
    // A substring and native equality: ~6x faster than body.startsWith(text, start) or a charCodeAt loop in V8,
    // and the substring is garbage at once (a young-generation allocation, cheap to collect).
    return end - start === text.length && this.pieces[this.pieceIds[i]].slice(start, end) === text;
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
