// The alert output side with fake time and a fake fetch: Alertmanager batches, built-in delivery and retries, restarts, silences, tests.
import { describe, expect, it } from 'vitest';
import { loadAlertmanagerConfig } from '../../shared/alerting/notify/config.ts';
import type { PostableAlert } from '../../shared/alerting/state.ts';
import { formatRFC3339 } from '../../shared/alerting/time.ts';
import { loadConfig } from '../../shared/config/index.ts';
import { FakeTime } from '../runtime/fake-time.ts';
import { MemoryStateStore, STATE_KEYS } from '../rules/state-store.ts';
import { Alerting } from './alerting.ts';
import { MAX_BATCH, resolveAlertmanagers } from './external.ts';
import { alertsRoutes } from './routes.ts';

interface Req {
  at: number;
  method: string;
  url: string;
  body: string;
  headers: Record<string, string>;
}

function fakeFetch(time: FakeTime, answer: (r: Req) => { status: number; body?: string } = () => ({ status: 200 })) {
  const requests: Req[] = [];
  const fetchFn = async (url: string, init: RequestInit): Promise<Response> => {
    const r: Req = { at: time.now(), method: init.method ?? 'GET', url, body: String(init.body ?? ''), headers: init.headers as Record<string, string> };
    requests.push(r);
    const a = answer(r);
    return new Response(a.body ?? '', { status: a.status });
  };
  return { requests, fetchFn };
}

const PROM = `global:
  external_labels: { cluster: c1, replica: a }
alerting:
  alert_relabel_configs:
    - action: labeldrop
      regex: replica
  alertmanagers:
    - static_configs: [{ targets: ['127.0.0.1:9093'] }]
      timeout: 2s
      alert_relabel_configs:
        - source_labels: [severity]
          regex: debug
          action: drop
`;

const AM = `route:
  receiver: hook
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
  routes:
    - receiver: pager
      matchers: ['severity="page"']
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:5001/hook
  - name: pager
    webhook_configs:
      - url: http://127.0.0.1:5001/pager/secret-token
        send_resolved: true
`;

function setup(opts: { prom?: string; am?: string; store?: MemoryStateStore; time?: FakeTime; answer?: (r: Req) => { status: number; body?: string } } = {}) {
  const time = opts.time ?? new FakeTime(1_700_000_000_000);
  const cfg = loadConfig(opts.prom ?? PROM, 'prometheus.yml');
  if (!cfg.config) throw new Error(JSON.stringify(cfg.errors));
  const am = opts.am === '' ? undefined : loadAlertmanagerConfig(opts.am ?? AM, 'am.yml').config;
  const f = fakeFetch(time, opts.answer);
  const logs: string[] = [];
  let n = 0;
  const alerting = new Alerting({
    fetchFn: f.fetchFn,
    clock: time,
    scheduler: time,
    store: opts.store,
    log: (l) => logs.push(l),
    userAgent: 'Sightline/test',
    externalURL: 'http://127.0.0.1:9090',
    alerting: cfg.config.alerting,
    externalLabels: cfg.config.global.externalLabels,
    notifierConfig: am,
    newId: () => `s${++n}`,
    random: () => 0.5,
  });
  return { time, alerting, requests: f.requests, logs };
}

function alert(time: FakeTime, labels: Record<string, string>, resolvedAt?: number): PostableAlert {
  return {
    labels,
    annotations: { summary: 'x' },
    startsAt: formatRFC3339(time.now() - 1000),
    endsAt: formatRFC3339(resolvedAt ?? time.now() + 240_000),
    generatorURL: 'http://127.0.0.1:9090/graph?g0.expr=up&g0.tab=1',
  };
}

describe('real Alertmanagers', () => {
  it('posts JSON arrays to /api/v2/alerts with external labels, after global and per-Alertmanager relabeling, in batches of 64', async () => {
    const f = setup({ am: '' });
    const many = Array.from({ length: MAX_BATCH + 6 }, (_, i) => alert(f.time, { alertname: 'A', i: String(i) }));
    f.alerting.send([alert(f.time, { alertname: 'Dbg', severity: 'debug' }), ...many]);
    await f.alerting.stop();
    expect(f.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['POST http://127.0.0.1:9093/api/v2/alerts', 'POST http://127.0.0.1:9093/api/v2/alerts']);
    const first = JSON.parse(f.requests[0].body) as PostableAlert[];
    const second = JSON.parse(f.requests[1].body) as PostableAlert[];
    // The debug alert was dropped by the Alertmanager's own relabeling, after taking a place in the batch.
    expect(first).toHaveLength(MAX_BATCH - 1);
    expect(second).toHaveLength(7);
    expect(first[0]).toEqual({ ...many[0], labels: { alertname: 'A', i: '0', cluster: 'c1' } });
    expect(f.requests[0].headers['Content-Type']).toBe('application/json');
    expect(f.requests[0].headers['User-Agent']).toBe('Sightline/test');
    expect(f.alerting.external.getStats()).toMatchObject({ sent: MAX_BATCH + 6, errors: 0, queueLength: 0 });
  });

  it('counts and logs a failing Alertmanager without retrying (rules re-send)', async () => {
    const f = setup({ am: '', answer: () => ({ status: 500, body: 'boom' }) });
    f.alerting.send([alert(f.time, { alertname: 'A' })]);
    await f.alerting.stop();
    expect(f.requests).toHaveLength(1);
    expect(f.alerting.external.getStats().errors).toBe(1);
    expect(f.logs).toEqual(['error sending 1 alert(s) to Alertmanager http://127.0.0.1:9093/api/v2/alerts: bad response status 500: boom']);
  });
});

describe('Alertmanager targets', () => {
  it('builds URLs from scheme, path_prefix and relabel_configs, with credentials, and lists dropped ones', () => {
    const cfg = loadConfig(
      `alerting:
  alertmanagers:
    - scheme: https
      path_prefix: /am/
      basic_auth: { username: u, password: p }
      static_configs: [{ targets: ['am1:9093', 'am2', 'skip:9093'] }]
      relabel_configs:
        - source_labels: [__address__]
          regex: skip.*
          action: drop
`,
      'p.yml',
    );
    if (!cfg.config) throw new Error(JSON.stringify(cfg.errors));
    const r = resolveAlertmanagers(cfg.config.alerting);
    expect(r.active.map((t) => [t.alertsURL, t.baseURL, t.timeoutMs])).toEqual([
      ['https://am1:9093/am/api/v2/alerts', 'https://am1:9093/am', 10_000],
      ['https://am2:443/am/api/v2/alerts', 'https://am2:443/am', 10_000],
    ]);
    expect(r.active[0].headers.Authorization).toBe(`Basic ${btoa('u:p')}`);
    expect(r.dropped).toEqual(['https://skip:9093/am/api/v2/alerts']);
  });

  it('gives up on an Alertmanager that does not answer within its timeout', async () => {
    const time = new FakeTime();
    const cfg = loadConfig(PROM, 'prometheus.yml');
    if (!cfg.config) throw new Error('config');
    const logs: string[] = [];
    const hanging = (_url: string, init: RequestInit) =>
      new Promise<Response>((_, fail) => init.signal?.addEventListener('abort', () => fail(new Error('aborted'))));
    const alerting = new Alerting({
      fetchFn: hanging,
      clock: time,
      scheduler: time,
      log: (l) => logs.push(l),
      userAgent: 'Sightline/test',
      externalURL: '',
      alerting: cfg.config.alerting,
      externalLabels: {},
      newId: () => 'x',
    });
    alerting.send([alert(time, { alertname: 'A' })]);
    await time.advance(1999);
    expect(logs).toEqual([]);
    await time.advance(1);
    expect(logs).toEqual(['error sending 1 alert(s) to Alertmanager http://127.0.0.1:9093/api/v2/alerts: POST http://127.0.0.1:9093/api/v2/alerts: context deadline exceeded (timeout 2s)']);
  });
});

describe('built-in notifier', () => {
  const noAM = 'global: {}\n';

  it('delivers a webhook at once with group_wait 0, then the resolved notification to a send_resolved receiver', async () => {
    const f = setup({ prom: noAM });
    f.alerting.send([alert(f.time, { alertname: 'A', severity: 'page' })]);
    await f.time.advance(0);
    await f.alerting.builtin?.idle();
    expect(f.requests.map((r) => r.url)).toEqual(['http://127.0.0.1:5001/pager/secret-token']);
    const msg = JSON.parse(f.requests[0].body) as { version: string; status: string; receiver: string; groupKey: string; alerts: { status: string; labels: Record<string, string> }[] };
    expect(msg).toMatchObject({ version: '4', status: 'firing', receiver: 'pager', groupKey: '{}/{severity="page"}:{alertname="A"}' });
    expect(msg.alerts.map((a) => a.labels)).toEqual([{ alertname: 'A', severity: 'page' }]);

    await f.time.advance(5000);
    f.alerting.send([alert(f.time, { alertname: 'A', severity: 'page' }, f.time.now())]);
    await f.time.advance(1000);
    await f.alerting.builtin?.idle();
    expect(f.requests).toHaveLength(2);
    expect(JSON.parse(f.requests[1].body).status).toBe('resolved');
    const hist = f.alerting.history.list();
    expect(hist.map((h) => [h.receiver, h.status, h.httpStatus])).toEqual([
      ['pager', 'success', 200],
      ['pager', 'success', 200],
    ]);
  });

  it('retries a 5xx with backoff, records each attempt, and gives up on a 4xx at once', async () => {
    let calls = 0;
    const f = setup({ prom: noAM, answer: (r) => (r.url.endsWith('/hook') ? { status: 400, body: 'bad' } : { status: ++calls < 3 ? 503 : 200 }) });
    f.alerting.send([alert(f.time, { alertname: 'A', severity: 'page' }), alert(f.time, { alertname: 'B' })]);
    await f.time.advance(0);
    await f.time.advance(2000);
    await f.alerting.builtin?.idle();
    const pager = f.requests.filter((r) => r.url.includes('pager'));
    // Backoff with jitter fixed at its middle (500 ms, then 750 ms), until the group's next flush (group_interval 1s) takes over.
    expect(pager.map((r) => r.at - pager[0].at)).toEqual([0, 500, 1000]);
    const hist = f.alerting.history.list().reverse();
    expect(hist.filter((h) => h.receiver === 'pager').map((h) => [h.id, h.status, h.attempt, h.httpStatus ?? h.error])).toEqual([
      ['n1', 'retrying', 1, 503],
      ['n1', 'retrying', 2, 503],
      // The next flush ends n1's backoff wait at once, before it sends.
      ['n1', 'failed', 2, "gave up: superseded by the group's next notification"],
      ['n3', 'success', 1, 200],
    ]);
    // A 4xx is not retried; the next flush (nothing was logged as sent) tries again, as Alertmanager does.
    const hook = hist.filter((h) => h.receiver === 'hook');
    expect(hook.map((h) => h.time - hook[0].time)).toEqual([0, 1000, 2000]);
    for (const h of hook) expect([h.status, h.attempt, h.error]).toEqual(['failed', 1, 'unexpected status code 400: bad']);
  });

  it('does not notify again after a restart for alerts it already delivered', async () => {
    const store = new MemoryStateStore();
    const f = setup({ prom: noAM, store });
    f.alerting.send([alert(f.time, { alertname: 'A', severity: 'page' })]);
    await f.time.advance(0);
    await f.alerting.stop();
    expect(f.requests).toHaveLength(1);
    expect(store.data.get(STATE_KEYS.history)?.trim().split('\n')).toHaveLength(1);

    const time = new FakeTime(f.time.now() + 10_000);
    const g = setup({ prom: noAM, store, time });
    await g.alerting.restore();
    expect(g.alerting.history.list()).toHaveLength(1);
    g.alerting.send([alert(time, { alertname: 'A', severity: 'page' })]);
    await time.advance(0);
    await g.alerting.builtin?.idle();
    expect(g.requests).toEqual([]);
    // …but its resolution is still told.
    await time.advance(3000);
    g.alerting.send([alert(time, { alertname: 'A', severity: 'page' }, time.now())]);
    await time.advance(1000);
    await g.alerting.builtin?.idle();
    expect(g.requests.map((r) => JSON.parse(r.body).status)).toEqual(['resolved']);
  });
});

describe('alert routes', () => {
  const json = async (res: Response) => (await res.json()) as { status: string; data: Record<string, unknown>; error?: string };

  it('creates, lists and expires silences, which mute the built-in notifier and are forwarded to Alertmanager', async () => {
    const store = new MemoryStateStore();
    const f = setup({ store, answer: (r) => (r.url.endsWith('/api/v2/silences') ? { status: 200, body: '{"silenceID":"remote-1"}' } : { status: 200 }) });
    const app = alertsRoutes(f.alerting);
    const post = await app.request('/api/v1/silences', {
      method: 'POST',
      body: JSON.stringify({ matchers: [{ name: 'alertname', value: 'A', isRegex: false }], startsAt: '', endsAt: formatRFC3339(f.time.now() + 3600_000), createdBy: 'me', comment: 'maintenance' }),
    });
    expect(post.status).toBe(200);
    expect((await json(post)).data).toEqual({ silenceID: 's1', forwarded: [{ alertmanager: 'http://127.0.0.1:9093', id: 'remote-1' }] });
    const fwd = JSON.parse(f.requests[0].body);
    expect(fwd).toMatchObject({ matchers: [{ name: 'alertname', value: 'A', isRegex: false, isEqual: true }], createdBy: 'me', comment: 'maintenance' });

    f.alerting.send([alert(f.time, { alertname: 'A' })]);
    await f.time.advance(0);
    await f.alerting.builtin?.idle();
    expect(f.requests.filter((r) => r.url.includes('5001'))).toEqual([]);

    const list = (await json(await app.request('/api/v1/silences'))).data.silences as { id: string; status: { state: string } }[];
    expect(list.map((s) => [s.id, s.status.state])).toEqual([['s1', 'active']]);
    expect(store.data.get(STATE_KEYS.silences)).toContain('maintenance');

    const del = await app.request('/api/v1/silences/s1', { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(f.requests.at(-1)).toMatchObject({ method: 'DELETE', url: 'http://127.0.0.1:9093/api/v2/silence/remote-1' });
    expect((await app.request('/api/v1/silences/s1', { method: 'DELETE' })).status).toBe(404);
    const bad = await app.request('/api/v1/silences', { method: 'POST', body: JSON.stringify({ matchers: [], endsAt: formatRFC3339(f.time.now() + 1000), createdBy: 'me', comment: 'c' }) });
    expect(bad.status).toBe(400);
    expect((await json(bad)).error).toBe('silence invalid: at least one matcher required');
  });

  it('sends a test notification through the route to a receiver and returns its answer', async () => {
    const f = setup({ prom: 'global: {}\n', answer: () => ({ status: 202, body: 'queued' }) });
    const app = alertsRoutes(f.alerting);
    const res = await app.request('/api/v1/receivers/pager/test', { method: 'POST' });
    expect(res.status).toBe(200);
    const data = (await json(res)).data;
    expect(data).toMatchObject({
      receiver: 'pager',
      route: '{}/{severity="page"}',
      routedTo: ['pager'],
      ok: true,
      results: [{ integration: 'webhook', index: 0, destination: 'http://127.0.0.1:5001/<redacted>', ok: true, httpStatus: 202, response: 'queued' }],
    });
    const body = JSON.parse(f.requests[0].body);
    expect(body.alerts[0].labels).toEqual({ alertname: 'SightlineTestNotification', instance: 'sightline', severity: 'page' });
    expect((await app.request('/api/v1/receivers/nope/test', { method: 'POST' })).status).toBe(404);
    const receivers = (await json(await app.request('/api/v1/receivers'))).data.receivers as { name: string }[];
    expect(receivers.map((r) => r.name)).toEqual(['hook', 'pager']);
    const hist = (await json(await app.request('/api/v1/notifications?receiver=pager'))).data.notifications as { groupKey: string; status: string }[];
    expect(hist).toMatchObject([{ groupKey: 'test', status: 'success' }]);
  });
});
