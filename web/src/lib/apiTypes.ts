// JSON shapes of the gateway routes the pages read (Prometheus's where they exist); mirrors of the gateway's own types.
import type { Labels } from '../../../shared/model/labels.ts';
export type { APIAlert, APIAlertingRule, APIRecordingRule, APIRuleGroup } from '../../../shared/alerting/api.ts';
export type { NotificationRecord } from '../../../shared/alerting/notify/retry.ts';

/** An entry of /api/v1/targets `activeTargets`. */
export interface ActiveTarget {
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

export interface TargetsData {
  activeTargets: ActiveTarget[];
  droppedTargets: Array<{ discoveredLabels: Labels; scrapePool?: string }>;
  droppedTargetCounts?: Record<string, number>;
}

/** GET /api/v1/targets/last_scrape (a Sightline extension). */
export interface LastScrapeData {
  scrapePool: string;
  scrapeUrl: string;
  labels: Labels;
  lastScrape: string;
  lastError: string;
  contentType: string;
  bodyBytes: number;
  truncated: boolean;
  body: string;
}

/** GET /api/v1/receivers. */
export interface ReceiversData {
  receivers: Array<{
    name: string;
    integrations: Array<{ index: number; integration: string; destination: string; sendResolved: boolean }>;
  }>;
  alertmanagers?: Array<{ url: string }>;
}

/** POST /api/v1/receivers/:name/test. */
export interface TestNotificationData {
  receiver: string;
  route: string;
  routedTo: string[];
  alert: { labels: Record<string, string>; annotations: Record<string, string> };
  results: Array<{
    integration: string;
    index: number;
    destination: string;
    ok: boolean;
    httpStatus?: number;
    response?: string;
    error?: string;
    durationMs: number;
  }>;
  ok: boolean;
}

/** A matcher of POST /api/v1/silences (Alertmanager v2). */
export interface SilenceMatcher {
  name: string;
  value: string;
  isRegex: boolean;
  isEqual: boolean;
}

export interface SilenceBody {
  matchers: SilenceMatcher[];
  startsAt: string;
  endsAt: string;
  createdBy: string;
  comment: string;
}

/** GET /api/v1/status/config. */
export interface ConfigData {
  yaml: string;
}
