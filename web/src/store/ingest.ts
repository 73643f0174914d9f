// Ingestion rules shared by every SampleStore implementation.
import type { Labels } from '../../../shared/model/labels.ts';

/** Drops labels with empty values, as Prometheus does on ingestion (an empty label equals an absent one). */
export function dropEmptyLabels(labels: Labels): Labels {
  for (const n in labels) {
    if (labels[n] === '') {
      const out: Record<string, string> = {};
      for (const m in labels) if (labels[m] !== '') out[m] = labels[m];
      return out;
    }
  }
  return labels;
}
