// A test notification for one receiver: a sample alert routed like a real one, sent through each integration, with the receivers' answers.
import type { AlertmanagerConfig, IntegrationConfig, ReceiverConfig } from '../../shared/alerting/notify/config.ts';
import { labelSetString } from '../../shared/alerting/notify/dispatcher.ts';
import { fingerprint } from '../../shared/alerting/notify/hash.ts';
import { integrationRequest, type NotificationContext } from '../../shared/alerting/notify/payloads.ts';
import { buildRouteTree, groupLabels, matchRoutes, routeKey, type Route } from '../../shared/alerting/notify/route.ts';
import type { NotifyAlert } from '../../shared/alerting/notify/templating.ts';
import type { HttpOutcome } from './http.ts';

/** One integration's answer to the test notification. */
export interface TestIntegrationResult {
  integration: IntegrationConfig['kind'];
  index: number;
  /** The destination with any path or query hidden (they often hold secrets). */
  destination: string;
  ok: boolean;
  httpStatus?: number;
  /** The receiver's response body (first 4 KiB). */
  response?: string;
  error?: string;
  durationMs: number;
}

export interface TestNotificationResult {
  receiver: string;
  /** Route key the sample alert was grouped under. */
  route: string;
  /** Receivers the sample alert's labels route to (it may also reach others when routes `continue`). */
  routedTo: string[];
  alert: { labels: Record<string, string>; annotations: Record<string, string> };
  results: TestIntegrationResult[];
  ok: boolean;
}

/** Hides everything after the host: webhook paths and Slack URLs carry tokens. */
export function redactURL(url: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/[^/?#]+)(.*)$/i.exec(url);
  if (!m) return '<invalid URL>';
  return m[2] === '' || m[2] === '/' ? m[1] + m[2] : `${m[1]}/<redacted>`;
}

/** The first route (depth first) that delivers to `receiver`, with the path of routes leading to it. */
function routeTo(root: Route, receiver: string): Route[] | undefined {
  const walk = (r: Route, path: Route[]): Route[] | undefined => {
    const here = [...path, r];
    for (const c of r.routes) {
      const found = walk(c, here);
      if (found) return found;
    }
    return r.receiver === receiver ? here : undefined;
  };
  return walk(root, []);
}


/**
 * Sends a sample firing alert to every integration of `receiver`: its labels satisfy the equality matchers of the
 * first route leading to the receiver, and it is grouped by that route, so templates see what a real alert would.
 */
export async function sendTestNotification(
  config: AlertmanagerConfig,
  receiverName: string,
  post: (url: string, body: string, headers: Record<string, string>, integ: IntegrationConfig) => Promise<HttpOutcome>,
  opts: { now: number; externalURL: string },
): Promise<TestNotificationResult | undefined> {
  const receiver: ReceiverConfig | undefined = config.receivers.find((r) => r.name === receiverName);
  if (!receiver) return undefined;
  const root = buildRouteTree(config.route);
  const path = routeTo(root, receiverName) ?? [root];
  const route = path[path.length - 1];
  const labels: Record<string, string> = { alertname: 'SightlineTestNotification', severity: 'test', instance: 'sightline' };
  for (const r of path) for (const m of r.matchers) if (m.type === '=' && m.value !== '') labels[m.name] = m.value;
  const annotations = { summary: 'Test notification from Sightline', description: `Sent to check receiver "${receiverName}"; no action needed.` };
  const alert: NotifyAlert = { status: 'firing', labels, annotations, startsAt: opts.now, generatorURL: opts.externalURL, fingerprint: fingerprint(labels) };
  const gl = groupLabels(route, labels);
  const ctx: NotificationContext = { receiver: receiverName, groupKey: `${routeKey(route)}:${labelSetString(gl)}`, groupLabels: gl, externalURL: opts.externalURL };
  const results = await Promise.all(
    receiver.integrations.map(async (integ, index): Promise<TestIntegrationResult> => {
      const built = integrationRequest(integ, ctx, [alert]);
      const destination = redactURL(integ.kind === 'slack' ? integ.apiURL : integ.url);
      if (!built.ok) return { integration: integ.kind, index, destination, ok: false, error: built.error, durationMs: 0 };
      const res = await post(built.request.url, built.request.body, built.request.headers, integ);
      const ok = res.status !== undefined && res.status >= 200 && res.status < 300;
      const out: TestIntegrationResult = { integration: integ.kind, index, destination, ok, durationMs: res.durationMs };
      if (res.status !== undefined) {
        out.httpStatus = res.status;
        out.response = res.body;
      }
      if (res.error !== undefined) out.error = res.error;
      else if (!ok) out.error = `unexpected status code ${res.status}`;
      return out;
    }),
  );
  return {
    receiver: receiverName,
    route: routeKey(route),
    routedTo: [...new Set(matchRoutes(root, labels).map((r) => r.receiver))],
    alert: { labels, annotations },
    results,
    ok: results.length > 0 && results.every((r) => r.ok),
  };
}
