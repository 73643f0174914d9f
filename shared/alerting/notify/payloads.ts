// Request bodies exactly as Alertmanager sends them: webhook (version 4), Slack incoming webhook, PagerDuty Events API v2.
import { formatRFC3339 } from '../time.ts';
import type { IntegrationConfig, PagerDutyConfig, SlackConfig, WebhookConfig } from './config.ts';
import { goJSONEncode, sortedMap } from './gojson.ts';
import { sha256Hex } from './hash.ts';
import { buildTemplateData, executeNotificationTemplate, type NotifyAlert, type TemplateData } from './templating.ts';

/** What a notification is about: the group and where it goes. */
export interface NotificationContext {
  receiver: string;
  groupKey: string;
  groupLabels: Record<string, string>;
  /** Alertmanager's --web.external-url. */
  externalURL: string;
}

/** A ready-to-send HTTP POST. */
export interface OutgoingRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
}

export type PayloadResult = { ok: true; request: OutgoingRequest } | { ok: false; error: string };

const JSON_HEADERS = { 'Content-Type': 'application/json' };

/** notify.TruncateInRunes: keeps n runes, ending in "…" when cut. */
export function truncateRunes(s: string, n: number): string {
  const r = [...s];
  if (r.length <= n) return s;
  if (n <= 3) return r.slice(0, n).join('');
  return r.slice(0, n - 1).join('') + '…';
}

function alertJSON(a: NotifyAlert): Record<string, unknown> {
  return {
    status: a.status,
    labels: sortedMap(a.labels),
    annotations: sortedMap(a.annotations),
    startsAt: formatRFC3339(a.startsAt),
    endsAt: formatRFC3339(a.endsAt),
    generatorURL: a.generatorURL,
    fingerprint: a.fingerprint,
  };
}

function dataJSON(d: TemplateData): Record<string, unknown> {
  return {
    receiver: d.receiver,
    status: d.status,
    alerts: d.alerts.map(alertJSON),
    groupLabels: sortedMap(d.groupLabels),
    commonLabels: sortedMap(d.commonLabels),
    commonAnnotations: sortedMap(d.commonAnnotations),
    externalURL: d.externalURL,
  };
}

/** Expands notification templates, keeping the first error (the message is then not sent, as in Alertmanager). */
function firstErrorTemplater(data: TemplateData): { expand: (text: string) => string; error: string | undefined } {
  const state: { expand: (text: string) => string; error: string | undefined } = {
    error: undefined,
    expand: (text) => {
      const r = executeNotificationTemplate(text, data);
      if (r.ok) return r.value;
      state.error ??= r.error;
      return '';
    },
  };
  return state;
}

/** The webhook message (version "4"); `max_alerts` cuts the list and reports the rest in truncatedAlerts. */
export function webhookRequest(cfg: WebhookConfig, ctx: NotificationContext, alerts: NotifyAlert[]): PayloadResult {
  const kept = cfg.maxAlerts > 0 && alerts.length > cfg.maxAlerts ? alerts.slice(0, cfg.maxAlerts) : alerts;
  const data = buildTemplateData(ctx.receiver, ctx.groupLabels, kept, ctx.externalURL);
  const msg = { ...dataJSON(data), version: '4', groupKey: ctx.groupKey, truncatedAlerts: alerts.length - kept.length };
  return { ok: true, request: { url: cfg.url, body: goJSONEncode(msg), headers: { ...JSON_HEADERS } } };
}

/** A Slack incoming-webhook message with one attachment, templated like Alertmanager's. */
export function slackRequest(cfg: SlackConfig, ctx: NotificationContext, alerts: NotifyAlert[]): PayloadResult {
  const data = buildTemplateData(ctx.receiver, ctx.groupLabels, alerts, ctx.externalURL);
  const templater = firstErrorTemplater(data);
  const t = templater.expand;
  const omit = (v: string): string | undefined => (v === '' ? undefined : v);
  const attachment = {
    title: omit(truncateRunes(t(cfg.title), 1024)),
    title_link: omit(t(cfg.titleLink)),
    pretext: omit(t(cfg.pretext)),
    text: t(cfg.text),
    fallback: t(cfg.fallback),
    callback_id: t(cfg.callbackID),
    image_url: omit(t(cfg.imageURL)),
    thumb_url: omit(t(cfg.thumbURL)),
    footer: t(cfg.footer),
    color: omit(t(cfg.color)),
    mrkdwn_in: cfg.mrkdwnIn.length > 0 ? cfg.mrkdwnIn : ['fallback', 'pretext', 'text'],
  };
  const req = {
    channel: omit(t(cfg.channel)),
    username: omit(t(cfg.username)),
    icon_emoji: omit(t(cfg.iconEmoji)),
    icon_url: omit(t(cfg.iconURL)),
    link_names: cfg.linkNames ? true : undefined,
    attachments: [attachment],
  };
  if (templater.error !== undefined) return { ok: false, error: `failed to template Slack message: ${templater.error}` };
  return { ok: true, request: { url: cfg.apiURL, body: goJSONEncode(req), headers: { ...JSON_HEADERS } } };
}

/** A PagerDuty Events API v2 event: trigger while anything fires, resolve otherwise; dedup_key = SHA-256 of the group key. */
export function pagerdutyRequest(cfg: PagerDutyConfig, ctx: NotificationContext, alerts: NotifyAlert[]): PayloadResult {
  const data = buildTemplateData(ctx.receiver, ctx.groupLabels, alerts, ctx.externalURL);
  const templater = firstErrorTemplater(data);
  const t = templater.expand;
  const details: Record<string, string> = {};
  for (const k of Object.keys(cfg.details).sort()) {
    const r = executeNotificationTemplate(cfg.details[k], data);
    if (!r.ok) return { ok: false, error: `failed to template ${JSON.stringify(cfg.details[k])}: ${r.error}` };
    details[k] = r.value;
  }
  const omit = (v: string): string | undefined => (v === '' ? undefined : v);
  const msg = {
    routing_key: omit(t(cfg.routingKey)),
    dedup_key: sha256Hex(ctx.groupKey),
    event_action: data.status === 'firing' ? 'trigger' : 'resolve',
    payload: {
      summary: truncateRunes(t(cfg.description), 1024),
      source: t(cfg.source),
      severity: t(cfg.severity === '' ? 'error' : cfg.severity),
      class: omit(t(cfg.class)),
      component: omit(t(cfg.component)),
      group: omit(t(cfg.group)),
      custom_details: Object.keys(details).length > 0 ? details : undefined,
    },
    client: omit(t(cfg.client)),
    client_url: omit(t(cfg.clientURL)),
  };
  if (templater.error !== undefined) return { ok: false, error: `failed to template PagerDuty v2 message: ${templater.error}` };
  return { ok: true, request: { url: cfg.url, body: goJSONEncode(msg), headers: { ...JSON_HEADERS } } };
}

/** The request one receiver integration sends for a notification. */
export function integrationRequest(integ: IntegrationConfig, ctx: NotificationContext, alerts: NotifyAlert[]): PayloadResult {
  switch (integ.kind) {
    case 'webhook':
      return webhookRequest(integ, ctx, alerts);
    case 'slack':
      return slackRequest(integ, ctx, alerts);
    case 'pagerduty':
      return pagerdutyRequest(integ, ctx, alerts);
  }
}
