// HTTP routes for rules and alerts in Prometheus's shapes: /api/v1/rules, /api/v1/alerts, /api/v1/alertmanagers.
import { Hono } from 'hono';
import type { APIAlert, APIRuleGroup } from '../../shared/alerting/api.ts';
import { failure, statusFor, success } from '../api/envelope.ts';

/** What the routes read. */
export interface RulesRoutesDeps {
  rules: { apiGroups(type?: 'alerting' | 'recording'): APIRuleGroup[]; apiAlerts(): APIAlert[] };
  /** Real Alertmanagers the gateway sends to (Prometheus's /api/v1/alertmanagers). */
  alertmanagers?: () => { activeAlertmanagers: { url: string }[]; droppedAlertmanagers: { url: string }[] };
}

const TYPES: Record<string, 'alerting' | 'recording'> = { alert: 'alerting', record: 'recording' };

/** The sub-app; mount with `app.route('/', rulesRoutes(deps))` before the API catch-all. */
export function rulesRoutes(deps: RulesRoutesDeps): Hono {
  const app = new Hono();

  app.get('/api/v1/rules', (c) => {
    const typ = (c.req.query('type') ?? '').toLowerCase();
    if (typ !== '' && !(typ in TYPES)) {
      return c.json(failure('bad_data', `invalid parameter "type": not supported value ${JSON.stringify(typ)}`), statusFor('bad_data'));
    }
    const names = new Set(c.req.queries('rule_name[]') ?? []);
    const groups = new Set(c.req.queries('rule_group[]') ?? []);
    const files = new Set(c.req.queries('file[]') ?? []);
    const excludeAlerts = c.req.query('exclude_alerts') === 'true';
    const out: APIRuleGroup[] = [];
    for (const g of deps.rules.apiGroups(typ === '' ? undefined : TYPES[typ])) {
      if (groups.size > 0 && !groups.has(g.name)) continue;
      if (files.size > 0 && !files.has(g.file)) continue;
      let rules = names.size > 0 ? g.rules.filter((r) => names.has(r.name)) : g.rules;
      if (excludeAlerts) rules = rules.map((r) => (r.type === 'alerting' ? { ...r, alerts: [] } : r));
      // Filters by name drop groups left without rules, as Prometheus does.
      if (names.size > 0 && rules.length === 0) continue;
      out.push({ ...g, rules });
    }
    return c.json(success({ groups: out }));
  });

  app.get('/api/v1/alerts', (c) => c.json(success({ alerts: deps.rules.apiAlerts() })));

  app.get('/api/v1/alertmanagers', (c) => c.json(success(deps.alertmanagers?.() ?? { activeAlertmanagers: [], droppedAlertmanagers: [] })));

  return app;
}
