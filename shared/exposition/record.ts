// Conversion of a parsed sample's name and flat labels to the Labels record used across Sightline.

import { METRIC_NAME, type Labels } from '../model/labels.ts';
import type { FlatLabels } from './types.ts';

/** Builds `{__name__: name, ...labels}`; for new series only, the flat form is cheaper to keep. */
export function labelsToRecord(name: string, labels: FlatLabels): Labels {
  const out: Record<string, string> = { [METRIC_NAME]: name };
  for (let k = 0; k < labels.length; k += 2) out[labels[k]] = labels[k + 1];
  return out;
}
