// Builds an ExposedScrape from plain sample objects: for producers other than the exposition parser, and tests.
import type { ExposedExemplar, ExposedFamily, ExposedScrape } from './types.ts';

/** One sample as a plain object; labels are a flat `[name0, value0, …]` list without the metric name. */
export interface PlainSample {
  name: string;
  labels: readonly string[];
  value: number;
  timestampMs?: number;
  exemplar?: ExposedExemplar;
}

/** Wraps plain samples in the column-wise shape the scrape logic reads. */
export function exposedScrape(samples: readonly PlainSample[], families: readonly ExposedFamily[] = []): ExposedScrape {
  const exemplars = new Map<number, ExposedExemplar>();
  samples.forEach((s, i) => s.exemplar && exemplars.set(i, s.exemplar));
  const seriesText = (i: number): string => {
    const l = samples[i].labels;
    const pairs: string[] = [];
    for (let j = 0; j + 1 < l.length; j += 2) pairs.push(`${l[j]}=${JSON.stringify(l[j + 1])}`);
    return `${samples[i].name}{${pairs.join(',')}}`;
  };
  return {
    length: samples.length,
    values: samples.map((s) => s.value),
    timestampsMs: samples.map((s) => s.timestampMs ?? NaN),
    exemplars,
    families,
    name: (i) => samples[i].name,
    labels: (i) => samples[i].labels,
    seriesText,
    seriesTextIs: (i, text) => seriesText(i) === text,
  };
}
