// Attaching target labels to scraped samples with Prometheus's honor_labels semantics.
import { METRIC_NAME, type Labels } from '../model/labels.ts';

/** Prefix Prometheus gives scraped labels that clash with target labels when honor_labels is false. */
export const EXPORTED_LABEL_PREFIX = 'exported_';

/**
 * Merges target labels into a scraped label set. honor_labels=true keeps the scraped value on a clash;
 * false moves the scraped value to `exported_<name>` (prefixing again while that name is taken), shortest names
 * first, and sets the target's value. Empty values mean "absent", as in Prometheus.
 */
export function applyTargetLabels(scraped: Labels, target: Labels, honorLabels: boolean): Labels {
  const out: Record<string, string> = {};
  for (const name in scraped) if (scraped[name] !== '') out[name] = scraped[name];
  if (honorLabels) {
    for (const name in target) if (!(name in out) && target[name] !== '') out[name] = target[name];
    return out;
  }
  const conflicts: Array<[string, string]> = [];
  for (const name in target) {
    const existing = out[name];
    if (existing !== undefined) conflicts.push([name, existing]);
    if (target[name] === '') delete out[name];
    else out[name] = target[name];
  }
  conflicts.sort((a, b) => a[0].length - b[0].length);
  for (const [name, value] of conflicts) {
    let renamed = name;
    do renamed = EXPORTED_LABEL_PREFIX + renamed;
    while (out[renamed] !== undefined);
    out[renamed] = value;
  }
  return out;
}

/** Labels of a synthetic report series (`up`, `scrape_duration_seconds`, …): the name plus the target labels. */
export function reportLabels(metricName: string, target: Labels): Labels {
  const out: Record<string, string> = { [METRIC_NAME]: metricName };
  for (const name in target) if (target[name] !== '' && name !== METRIC_NAME) out[name] = target[name];
  return out;
}
