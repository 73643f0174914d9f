// The reusable SampleCursor the parsers hand to sinks: fields of the current line, labels built on demand.

import { normalizeLabel } from './normalize.ts';
import type { SampleScanner } from './scan.ts';
import type { Exemplar, FlatLabels, MetricFamily, SampleCursor } from './types.ts';

const EMPTY: FlatLabels = [];
const NO_FAMILY: MetricFamily = { name: '', type: 'unknown', help: '', unit: '' };

/** The label Prometheus 3 normalises for this sample, if any: `le` of histogram buckets, `quantile` of summaries. */
export function normalizedLabelOf(name: string, family: MetricFamily): string | null {
  if (family.type === 'histogram') {
    return name.length === family.name.length + 7 && name.endsWith('_bucket') && name.startsWith(family.name) ? 'le' : null;
  }
  return family.type === 'summary' && name === family.name ? 'quantile' : null;
}

/**
 * Builds the labels of a validated series text: s[labelsStart] is its `{` (or labelsStart < 0 for
 * none) and end bounds the line. `builder` is a scanner used only for building, so consecutive
 * calls reuse strings and arrays of the previous series.
 */
export function buildLabels(
  builder: SampleScanner,
  s: string,
  labelsStart: number,
  end: number,
  name: string,
  family: MetricFamily,
  normalize: boolean,
): FlatLabels {
  if (labelsStart < 0) return EMPTY;
  const labels = builder.scanLabels(s, labelsStart + 1, end, true);
  if (!normalize) return labels;
  const key = normalizedLabelOf(name, family);
  return key === null ? labels : normalizeLabel(labels, key, builder);
}

/** The parsers' cursor: they fill the public fields and the series offsets, then call the sink. */
export class Cursor implements SampleCursor {
  name = '';
  value = 0;
  timestampMs: number | undefined = undefined;
  exemplar: Exemplar | undefined = undefined;
  family: MetricFamily = NO_FAMILY;
  line = 0;
  /** The string holding the current line, and the series' offsets in it. */
  text = '';
  seriesStart = 0;
  /** Offset of `{`, or -1 when the series has no labels. */
  labelsStart = -1;
  seriesEnd = 0;
  private built: FlatLabels | null = null;
  private raw: FlatLabels | null = null;

  constructor(
    private readonly builder: SampleScanner,
    private readonly normalize: boolean,
  ) {}

  /** Starts a new sample: forgets labels built for the previous one. */
  reset(): void {
    this.built = null;
    this.raw = null;
  }

  labels(): FlatLabels {
    if (this.built === null) {
      const key = this.normalize ? normalizedLabelOf(this.name, this.family) : null;
      const raw = this.rawLabels();
      this.built = key === null ? raw : normalizeLabel(raw, key, this.builder);
    }
    return this.built;
  }

  /** The labels exactly as written (strict checks look at the unnormalised `le`). */
  rawLabels(): FlatLabels {
    if (this.raw === null) this.raw = buildLabels(this.builder, this.text, this.labelsStart, this.seriesEnd, this.name, this.family, false);
    return this.raw;
  }

  seriesText(): string {
    return this.text.slice(this.seriesStart, this.seriesEnd);
  }
}
