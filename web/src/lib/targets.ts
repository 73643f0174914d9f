// Targets page logic: active targets grouped by scrape pool, filtered by text and health.
import type { ActiveTarget } from './apiTypes.ts';

export type HealthFilter = 'all' | 'up' | 'down' | 'unknown';

export interface TargetPool {
  pool: string;
  targets: ActiveTarget[];
  up: number;
  /** Targets in the pool before filtering. */
  total: number;
}

/** Go's zero time: Prometheus's "never scraped". */
export const NEVER_SCRAPED = '0001-01-01T00:00:00Z';

/** Whether a target matches every word of the filter in its endpoint, labels, pool or last error. */
export function targetMatches(t: ActiveTarget, filter: string): boolean {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return true;
  const hay = [t.scrapeUrl, t.scrapePool, t.lastError, ...Object.entries(t.labels).map(([k, v]) => `${k}="${v}"`)].join('\n').toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** Pools in name order with their matching targets (by instance, naturally); pools left empty are dropped. */
export function groupTargets(targets: readonly ActiveTarget[], filter: string, health: HealthFilter): TargetPool[] {
  const collator = new Intl.Collator('en', { numeric: true });
  const pools = new Map<string, TargetPool>();
  for (const t of targets) {
    let p = pools.get(t.scrapePool);
    if (!p) pools.set(t.scrapePool, (p = { pool: t.scrapePool, targets: [], up: 0, total: 0 }));
    p.total++;
    if (t.health === 'up') p.up++;
    if ((health === 'all' || t.health === health) && targetMatches(t, filter)) p.targets.push(t);
  }
  const out = [...pools.values()].filter((p) => p.targets.length > 0).sort((a, b) => collator.compare(a.pool, b.pool));
  for (const p of out) p.targets.sort((a, b) => collator.compare(a.labels.instance ?? a.scrapeUrl, b.labels.instance ?? b.scrapeUrl));
  return out;
}

/** Unix ms of the last scrape, or null for Go's zero time / unparsable text. */
export function lastScrapeMs(text: string): number | null {
  if (text === NEVER_SCRAPED || text.startsWith('0001-')) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : ms;
}
