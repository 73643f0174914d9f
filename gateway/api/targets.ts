// /api/v1/targets in Prometheus's JSON shape, from the scrape manager's target status.
import { formatDuration } from '../../shared/config/duration.ts';
import type { Labels } from '../../shared/model/labels.ts';
import type { DroppedTargetSpec, LastScrape, TargetStatus } from '../scrape/manager.ts';
import type { ActiveTargetJSON, LastScrapeJSON, TargetsJSON } from '../../shared/scrape/api.ts';

export type { ActiveTargetJSON, DroppedTargetJSON, LastScrapeJSON, TargetsJSON } from '../../shared/scrape/api.ts';

/** Go's zero time, which Prometheus reports for a target not scraped yet. */
const NEVER = '0001-01-01T00:00:00Z';

/** Builds the `data` of /api/v1/targets, filtered like Prometheus by `state` (active|dropped|any) and `scrapePool`. */
export function targetsJSON(
  active: readonly TargetStatus[],
  dropped: readonly DroppedTargetSpec[],
  state: string | undefined,
  pool: string | undefined,
  droppedCounts?: Record<string, number>,
): TargetsJSON {
  const wantActive = state === undefined || state === '' || state === 'any' || state === 'active';
  const wantDropped = state === undefined || state === '' || state === 'any' || state === 'dropped';
  let counts: Record<string, number> = {};
  if (droppedCounts !== undefined) counts = { ...droppedCounts };
  else for (const d of dropped) counts[d.pool] = (counts[d.pool] ?? 0) + 1;
  return {
    activeTargets: wantActive
      ? active
          .filter((t) => pool === undefined || t.spec.pool === pool)
          .map((t) => ({
            discoveredLabels: t.spec.discoveredLabels,
            labels: t.spec.settings.targetLabels,
            scrapePool: t.spec.pool,
            scrapeUrl: t.spec.url,
            globalUrl: t.spec.url,
            lastError: t.lastError,
            lastScrape: t.lastScrape === null ? NEVER : new Date(t.lastScrape).toISOString(),
            lastScrapeDuration: t.lastScrapeDurationMs / 1000,
            health: t.health,
            scrapeInterval: formatDuration(t.spec.intervalMs),
            scrapeTimeout: formatDuration(t.spec.timeoutMs),
          }))
      : [],
    droppedTargets: wantDropped
      ? dropped.filter((d) => pool === undefined || d.pool === pool).map((d) => ({ discoveredLabels: d.discoveredLabels, scrapePool: d.pool }))
      : [],
    droppedTargetCounts: counts,
  };
}

/** Shapes a target's last scrape body for the API. */
export function lastScrapeJSON(l: LastScrape): LastScrapeJSON {
  return {
    scrapePool: l.spec.pool,
    scrapeUrl: l.spec.url,
    labels: l.spec.settings.targetLabels,
    lastScrape: l.at === 0 ? NEVER : new Date(l.at).toISOString(),
    lastError: l.error,
    contentType: l.contentType,
    bodyBytes: l.bytes,
    truncated: l.truncated,
    body: l.body,
  };
}
