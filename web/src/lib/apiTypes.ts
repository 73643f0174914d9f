// JSON shapes of the gateway routes the pages read (Prometheus's where they exist): the shared ones re-exported, the rest mirrored here.
export type { APIAlert, APIAlertingRule, APIRecordingRule, APIRuleGroup } from '../../../shared/alerting/api.ts';
export type { NotificationRecord } from '../../../shared/alerting/notify/retry.ts';

export type { ActiveTargetJSON as ActiveTarget, TargetsJSON as TargetsData, LastScrapeJSON as LastScrapeData } from '../../../shared/scrape/api.ts';

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
