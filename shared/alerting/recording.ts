// Recording-rule output shaping: metric name and labels override, duplicate and limit checks, as Prometheus's RecordingRule.Eval.
import { labelsKey, METRIC_NAME, type Labels } from '../model/labels.ts';
import type { RuleSample, VectorSample } from './state.ts';

export const ERR_DUPLICATE_RULE_LABELSET = 'vector contains metrics with the same labelset after applying rule labels';

/** Renames each sample to `record`, applies the rule labels, then checks duplicates and the group limit. */
export function shapeRecordingOutput(
  rule: { name: string; labels: Readonly<Record<string, string>> },
  vector: readonly VectorSample[],
  t: number,
  limit = 0,
): { ok: true; samples: RuleSample[] } | { ok: false; error: string } {
  const seen = new Set<string>();
  const samples: RuleSample[] = [];
  for (const s of vector) {
    const labels: Record<string, string> = { ...s.labels, [METRIC_NAME]: rule.name };
    for (const [k, v] of Object.entries(rule.labels)) {
      if (v === '') delete labels[k];
      else labels[k] = v;
    }
    const key = labelsKey(labels);
    if (seen.has(key)) return { ok: false, error: ERR_DUPLICATE_RULE_LABELSET };
    seen.add(key);
    samples.push({ labels: labels as Labels, t, v: s.value });
  }
  if (limit > 0 && samples.length > limit) return { ok: false, error: `exceeded limit of ${limit} with ${samples.length} series` };
  return { ok: true, samples };
}
