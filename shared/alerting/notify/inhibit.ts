// Inhibition: a firing source alert mutes target alerts that share the `equal` labels.
import type { InhibitRuleConfig } from './config.ts';
import { matchesAll } from './matchers.ts';

/** A stored alert as the inhibitor sees it. */
export interface InhibitCandidate {
  labels: Readonly<Record<string, string>>;
  fingerprint: string;
  resolved: boolean;
}

/** Fingerprint of the alert inhibiting `labels`, or undefined (Inhibitor.Mutes). */
export function inhibitedBy(rules: readonly InhibitRuleConfig[], alerts: readonly InhibitCandidate[], labels: Readonly<Record<string, string>>): string | undefined {
  for (const r of rules) {
    if (!matchesAll(r.targetMatchers, labels)) continue;
    // An alert matching both sides must not be inhibited by alerts that also match both sides.
    const twoSided = matchesAll(r.sourceMatchers, labels);
    for (const a of alerts) {
      if (a.resolved || !matchesAll(r.sourceMatchers, a.labels)) continue;
      if (!r.equal.every((n) => (a.labels[n] ?? '') === (labels[n] ?? ''))) continue;
      if (twoSided && matchesAll(r.targetMatchers, a.labels)) continue;
      return a.fingerprint;
    }
  }
  return undefined;
}
