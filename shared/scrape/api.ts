// JSON shapes of /api/v1/targets (Prometheus's) and /api/v1/targets/last_scrape (Sightline's): the gateway builds them, the studio reads them.
import type { Labels } from '../model/labels.ts';

/** An entry of /api/v1/targets `activeTargets`. */
export interface ActiveTargetJSON {
  discoveredLabels: Labels;
  labels: Labels;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  lastError: string;
  /** RFC 3339; Go's zero time before the first scrape. */
  lastScrape: string;
  /** Seconds. */
  lastScrapeDuration: number;
  health: 'up' | 'down' | 'unknown';
  scrapeInterval: string;
  scrapeTimeout: string;
}

export interface DroppedTargetJSON {
  discoveredLabels: Labels;
  scrapePool: string;
}

export interface TargetsJSON {
  activeTargets: ActiveTargetJSON[];
  droppedTargets: DroppedTargetJSON[];
  droppedTargetCounts: Record<string, number>;
}

/** The `data` of GET /api/v1/targets/last_scrape (a Sightline extension, documented in docs/api.md). */
export interface LastScrapeJSON {
  scrapePool: string;
  scrapeUrl: string;
  labels: Labels;
  /** RFC 3339 start of the scrape, Go's zero time before the first one. */
  lastScrape: string;
  lastError: string;
  contentType: string;
  /** Uncompressed size of the whole response body. */
  bodyBytes: number;
  /** True when `body` holds only the first 2 MiB. */
  truncated: boolean;
  body: string;
}
