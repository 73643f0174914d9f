// Tests for Alertmanager config loading: defaults, inheritance input, env secrets, strictness and warnings.
import { describe, expect, it } from 'vitest';
import { DEFAULT_PAGERDUTY_URL, loadAlertmanagerConfig } from './config.ts';
import { buildRouteTree, matchRoutes, routeKey } from './route.ts';

const CONFIG = `global:
  slack_api_url: https://hooks.slack.com/services/\${SLACK_TOKEN}
route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: ['team="db"', 'severity=~"critical|page"']
      receiver: db-pager
      group_wait: 10s
      continue: true
    - match:
        team: db
      receiver: db-chat
      group_by: ['...']
      routes:
        - match_re:
            service: pg.*
          repeat_interval: 1h
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [cluster]
receivers:
  - name: default
    webhook_configs:
      - url: http://127.0.0.1:9999/hook
        max_alerts: 5
  - name: db-pager
    pagerduty_configs:
      - routing_key: \${PD_KEY}
        severity: critical
  - name: db-chat
    slack_configs:
      - channel: '#db'
        send_resolved: true
`;

describe('loadAlertmanagerConfig', () => {
  const env = { SLACK_TOKEN: 'T/B/X', PD_KEY: 'pd-secret' };
  it('applies defaults and expands ${ENV} secrets', () => {
    const r = loadAlertmanagerConfig(CONFIG, 'am.yml', { env });
    expect(r.errors).toEqual([]);
    const c = r.config!;
    expect(c.global).toEqual({ resolveTimeoutMs: 300_000, slackAPIURL: 'https://hooks.slack.com/services/T/B/X', pagerdutyURL: DEFAULT_PAGERDUTY_URL });
    expect(c.receivers[0].integrations[0]).toEqual({ kind: 'webhook', sendResolved: true, url: 'http://127.0.0.1:9999/hook', maxAlerts: 5 });
    expect(c.receivers[1].integrations[0]).toMatchObject({ kind: 'pagerduty', sendResolved: true, routingKey: 'pd-secret', url: DEFAULT_PAGERDUTY_URL, severity: 'critical' });
    expect(c.receivers[2].integrations[0]).toMatchObject({ kind: 'slack', sendResolved: true, apiURL: 'https://hooks.slack.com/services/T/B/X', channel: '#db' });
    expect(c.inhibitRules).toEqual([{ sourceMatchers: [{ name: 'severity', type: '=', value: 'critical' }], targetMatchers: [{ name: 'severity', type: '=', value: 'warning' }], equal: ['cluster'] }]);
  });

  it('builds a route tree with inherited options', () => {
    const root = buildRouteTree(loadAlertmanagerConfig(CONFIG, 'am.yml', { env }).config!.route);
    expect(root).toMatchObject({ receiver: 'default', groupWaitMs: 30_000, groupIntervalMs: 300_000, repeatIntervalMs: 4 * 3600_000 });
    const [pager, chat] = root.routes;
    expect(pager).toMatchObject({ receiver: 'db-pager', groupWaitMs: 10_000, continue: true, groupBy: new Set(['alertname']) });
    expect(chat.groupByAll).toBe(true);
    const leaf = chat.routes[0];
    expect(leaf).toMatchObject({ receiver: 'db-chat', groupByAll: true, repeatIntervalMs: 3600_000, groupWaitMs: 30_000 });
    expect(routeKey(leaf)).toBe('{}/{team="db"}/{service=~"pg.*"}');
    expect(routeKey(pager)).toBe('{}/{severity=~"critical|page",team="db"}');
    const hit = (labels: Record<string, string>) => matchRoutes(root, labels).map((r) => r.receiver);
    expect(hit({ team: 'db', severity: 'page', service: 'pg-main' })).toEqual(['db-pager', 'db-chat']);
    expect(hit({ team: 'db', severity: 'info' })).toEqual(['db-chat']);
    expect(hit({ team: 'web' })).toEqual(['default']);
  });

  const errs = (text: string, env: Record<string, string> = {}) => loadAlertmanagerConfig(text, 'am.yml', { env }).errors.map((e) => `${e.line}:${e.col}: ${e.message}`);

  it('reports unknown fields, missing env and bad references with positions', () => {
    expect(errs('route:\n  receiver: x\n  group_wiat: 1m\nreceivers:\n  - name: x\n')).toEqual(['3:3: field group_wiat not found in type config.Route']);
    expect(errs('route:\n  receiver: x\nreceivers:\n  - name: x\n    webhook_configs:\n      - url: ${HOOK}\n')).toEqual(['6:14: environment variable "HOOK" is not set']);
    expect(errs('route:\n  receiver: x\n  routes:\n    - receiver: nope\nreceivers:\n  - name: x\n')).toEqual(['4:7: undefined receiver "nope" used in route']);
    expect(errs('route:\n  receiver: x\nreceivers:\n  - name: x\n  - name: x\n')).toEqual(['5:5: notification config name "x" is not unique']);
    expect(errs('receivers:\n  - name: x\n')).toEqual(['1:1: no routes provided']);
    expect(errs('route:\n  group_by: [a]\nreceivers: []\n')).toEqual(['2:3: root route must specify a default receiver']);
  });

  it('validates route and integration fields like Alertmanager', () => {
    expect(errs('route:\n  receiver: x\n  group_by: [a, a, "...", "b-c"]\n  group_interval: 0s\nreceivers:\n  - name: x\n')).toEqual([
      '3:13: cannot have wildcard group_by (`...`) and other other labels at the same time',
      '3:17: duplicated label "a" in group_by',
      '3:27: invalid label name "b-c" in group_by list',
      '4:19: group_interval cannot be zero',
    ]);
    expect(errs('route:\n  receiver: x\nreceivers:\n  - name: x\n    webhook_configs:\n      - send_resolved: false\n')).toEqual(['6:9: one of url or url_file must be configured']);
    expect(errs('route:\n  receiver: x\nreceivers:\n  - name: x\n    webhook_configs:\n      - url: ftp://host/x\n')).toEqual(['6:14: unsupported scheme "ftp" for URL']);
    expect(errs('route:\n  receiver: x\nreceivers:\n  - name: x\n    slack_configs:\n      - channel: a\n')).toEqual(['6:9: no global Slack API URL set']);
    expect(errs('route:\n  receiver: x\nreceivers:\n  - name: x\n    pagerduty_configs:\n      - severity: a\n')).toEqual(['6:9: missing service or routing key in PagerDuty config']);
    expect(errs('route:\n  receiver: x\n  matchers: [\'a=~"("\']\nreceivers:\n  - name: x\n')[0]).toBe('3:14: a=~"(": error parsing regexp: missing closing ): `(`');
  });

  it('warns about integrations that need a real Alertmanager', () => {
    const r = loadAlertmanagerConfig(
      'global:\n  smtp_smarthost: mail:25\nroute:\n  receiver: x\nreceivers:\n  - name: x\n    email_configs:\n      - to: a@b.c\n    webhook_configs:\n      - url: http://h/\n',
      'am.yml',
    );
    expect(r.errors).toEqual([]);
    expect(r.warnings.map((w) => `${w.line}:${w.col}: ${w.message}`)).toEqual([
      '2:3: global.smtp_smarthost is ignored: email needs a real Alertmanager',
      '7:5: receiver "x": email needs a real Alertmanager (email_configs ignored)',
    ]);
    expect(r.config?.receivers[0].integrations.map((i) => i.kind)).toEqual(['webhook']);
  });

  it('reads *_file secrets only through the injected reader', () => {
    const text = 'route:\n  receiver: x\nreceivers:\n  - name: x\n    webhook_configs:\n      - url_file: /run/secret\n';
    expect(loadAlertmanagerConfig(text, 'am.yml').errors[0].message).toBe('url_file cannot be read here; use the inline field with a ${ENV} placeholder');
    const ok = loadAlertmanagerConfig(text, 'am.yml', { readSecretFile: (p) => ({ ok: true, content: `http://h/${p.length}\n` }) });
    expect(ok.config?.receivers[0].integrations[0]).toMatchObject({ url: 'http://h/11' });
  });
});
