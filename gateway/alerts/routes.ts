// HTTP routes of the built-in notifier: notification history, receivers and their test, silences (Alertmanager v2-like shapes).
import { Hono } from 'hono';
import { failure, statusFor, success } from '../api/envelope.ts';
import type { Alerting } from './alerting.ts';
import { redactURL } from './test-notification.ts';

/** The sub-app; mount with `app.route('/', alertsRoutes(alerting))` before the API catch-all. */
export function alertsRoutes(alerting: Alerting): Hono {
  const app = new Hono();
  const noNotifier = 'no built-in notifier is configured (start the gateway with --alertmanager-config FILE)';

  app.get('/api/v1/notifications', (c) => {
    const limitText = c.req.query('limit');
    let limit: number | undefined;
    if (limitText !== undefined) {
      if (!/^\d{1,6}$/.test(limitText) || Number(limitText) === 0) return c.json(failure('bad_data', `invalid parameter "limit": ${JSON.stringify(limitText)} is not a positive integer`), statusFor('bad_data'));
      limit = Number(limitText);
    }
    return c.json(success({ notifications: alerting.history.list({ receiver: c.req.query('receiver'), limit }) }));
  });

  app.get('/api/v1/receivers', (c) => {
    const cfg = alerting.builtin?.config;
    const receivers = (cfg?.receivers ?? []).map((r) => ({
      name: r.name,
      integrations: r.integrations.map((i, index) => ({
        index,
        integration: i.kind,
        destination: redactURL(i.kind === 'slack' ? i.apiURL : i.url),
        sendResolved: i.sendResolved,
      })),
    }));
    return c.json(success({ receivers, alertmanagers: alerting.external.apiStatus().activeAlertmanagers }));
  });

  app.post('/api/v1/receivers/:name/test', async (c) => {
    const builtin = alerting.builtin;
    if (!builtin) return c.json(failure('unavailable', noNotifier), statusFor('unavailable'));
    const name = c.req.param('name');
    const res = await builtin.testReceiver(name);
    if (!res) return c.json(failure('not_found', `no receiver named ${JSON.stringify(name)}`), statusFor('not_found'));
    return c.json(success(res));
  });

  app.get('/api/v1/silences', (c) => c.json(success({ silences: alerting.silences.list() })));

  app.get('/api/v1/silences/:id', (c) => {
    const s = alerting.silences.get(c.req.param('id'));
    return s ? c.json(success(s)) : c.json(failure('not_found', `silence ${c.req.param('id')} not found`), statusFor('not_found'));
  });

  app.post('/api/v1/silences', async (c) => {
    if (!alerting.enabled) return c.json(failure('unavailable', `${noNotifier} and no Alertmanager is configured`), statusFor('unavailable'));
    let body: unknown;
    try {
      body = await c.req.json();
    } catch {
      return c.json(failure('bad_data', 'request body is not valid JSON'), statusFor('bad_data'));
    }
    const r = await alerting.silences.put(body);
    if (!r.ok) return c.json(failure(r.notFound ? 'not_found' : 'bad_data', r.error), statusFor(r.notFound ? 'not_found' : 'bad_data'));
    return c.json(success({ silenceID: r.id, forwarded: r.forwarded }));
  });

  app.delete('/api/v1/silences/:id', async (c) => {
    const id = c.req.param('id');
    if (!(await alerting.silences.expire(id))) return c.json(failure('not_found', `silence ${id} not found or already expired`), statusFor('not_found'));
    return c.json(success({ silenceID: id }));
  });

  return app;
}
