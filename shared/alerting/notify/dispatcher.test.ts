// Dispatcher behaviour with a fake clock: group_wait/group_interval/repeat_interval timing, resolution, muting, routing, payloads.
import { describe, expect, it } from 'vitest';
import type { PostableAlert } from '../state.ts';
import { formatRFC3339 } from '../time.ts';
import { loadAlertmanagerConfig } from './config.ts';
import { Dispatcher, type Notification } from './dispatcher.ts';

const S = 1000;
const H = 3600 * S;

function setup(yaml: string, externalURL = 'http://am.example:9093') {
  const r = loadAlertmanagerConfig(yaml, 'am.yml', { env: { KEY: 'pd-key' } });
  if (!r.config) throw new Error(JSON.stringify(r.errors));
  const clock = { t: 0, now: () => clock.t };
  const d = new Dispatcher(r.config, { clock, externalURL });
  const post = (t: number, labels: Record<string, string>, opts: { startsAt?: number; endsAt?: number; annotations?: Record<string, string> } = {}) => {
    clock.t = t;
    const a: PostableAlert = {
      labels,
      annotations: opts.annotations ?? {},
      startsAt: formatRFC3339(opts.startsAt ?? t),
      endsAt: opts.endsAt === undefined ? '' : formatRFC3339(opts.endsAt),
      generatorURL: 'http://prom/graph?g0.expr=up&g0.tab=1',
    };
    return d.receiveAlerts([a]);
  };
  /** Ticks at t, reports every notification as delivered, and summarises them. */
  const tick = (t: number, ok = true): Notification[] => {
    clock.t = t;
    const ns = d.tick();
    for (const n of ns) d.report(n.id, ok);
    return ns;
  };
  const summary = (ns: Notification[]) => ns.map((n) => `${n.receiver}:${n.alerts.map((a) => `${a.labels.instance ?? a.labels.alertname}=${a.status}`).join(',')}`);
  return { d, clock, post, tick, summary };
}

const TIMING = `route:
  receiver: hook
  group_by: [alertname]
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:5001/
`;

describe('timing', () => {
  it('waits group_wait for a new group, group_interval for changes, repeat_interval for re-sends', () => {
    const { d, post, tick, summary } = setup(TIMING);
    post(0, { alertname: 'Foo', instance: '1' }, { endsAt: 10 * H });
    expect(d.nextDue()).toBe(30 * S);
    expect(tick(29 * S)).toEqual([]);
    expect(summary(tick(30 * S))).toEqual(['hook:1=firing']);
    post(60 * S, { alertname: 'Foo', instance: '2' }, { endsAt: 10 * H });
    expect(tick(60 * S)).toEqual([]);
    expect(d.nextDue()).toBe(330 * S);
    expect(summary(tick(330 * S))).toEqual(['hook:1=firing,2=firing']);
    // Unchanged groups are re-sent only once repeat_interval has passed at a group_interval tick.
    for (let t = 630; t <= 3930; t += 300) expect(tick(t * S)).toEqual([]);
    expect(summary(tick(4230 * S))).toEqual(['hook:1=firing,2=firing']);
  });

  it('sends resolved alerts (send_resolved) once, then forgets them and the group', () => {
    const { d, post, tick, summary } = setup(TIMING);
    post(0, { alertname: 'Foo', instance: '1' }, { endsAt: 10 * H });
    post(0, { alertname: 'Foo', instance: '2' }, { endsAt: 10 * H });
    expect(summary(tick(30 * S))).toEqual(['hook:1=firing,2=firing']);
    post(100 * S, { alertname: 'Foo', instance: '1' }, { startsAt: 0, endsAt: 100 * S });
    expect(summary(tick(330 * S))).toEqual(['hook:1=resolved,2=firing']);
    expect(tick(630 * S)).toEqual([]);
    post(700 * S, { alertname: 'Foo', instance: '2' }, { startsAt: 0, endsAt: 700 * S });
    const last = tick(930 * S);
    expect(summary(last)).toEqual(['hook:2=resolved']);
    expect(last[0].request?.body).toContain('"status":"resolved"');
    expect(d.nextDue()).toBeUndefined();
  });

  it('resolves alerts posted without endsAt after resolve_timeout', () => {
    const { post, tick, summary } = setup(TIMING);
    post(0, { alertname: 'Foo', instance: '1' });
    expect(summary(tick(30 * S))).toEqual(['hook:1=firing']);
    expect(summary(tick(330 * S))).toEqual(['hook:1=resolved']);
  });

  it('flushes at once when the first alert is older than group_wait', () => {
    const { d, post, tick, summary } = setup(TIMING);
    post(100 * S, { alertname: 'Old', instance: '1' }, { startsAt: 40 * S, endsAt: 10 * H });
    expect(d.nextDue()).toBe(100 * S);
    expect(summary(tick(100 * S))).toEqual(['hook:1=firing']);
  });

  it('retries at the next group_interval after a failed delivery', () => {
    const { post, tick, summary } = setup(TIMING);
    post(0, { alertname: 'Foo', instance: '1' }, { endsAt: 10 * H });
    expect(summary(tick(30 * S, false))).toEqual(['hook:1=firing']);
    expect(summary(tick(330 * S))).toEqual(['hook:1=firing']);
    expect(tick(630 * S)).toEqual([]);
  });

  it('stillNeeded: a flush made while the previous delivery was in flight is dropped once that delivery succeeds', () => {
    const { d, clock, post, summary } = setup(TIMING);
    post(0, { alertname: 'Foo', instance: '1' }, { endsAt: 10 * H });
    clock.t = 30 * S;
    const [first] = d.tick();
    // Not reported yet: the next flush sees nothing logged and flushes the same alert again.
    clock.t = 330 * S;
    const again = d.tick();
    expect(summary(again)).toEqual(['hook:1=firing']);
    expect(d.stillNeeded(again[0].id)).toBe(true);
    d.report(first.id, true);
    expect(d.stillNeeded(again[0].id)).toBe(false);
    // Settled without being logged: the log keeps the time the first delivery was reported (330 s), so the repeat
    // comes at the first group_interval tick more than 1 h after that.
    const repeats: number[] = [];
    for (let t = 630; t <= 4230; t += 300) {
      clock.t = t * S;
      for (const n of d.tick()) {
        repeats.push(t);
        d.report(n.id, true);
      }
    }
    expect(repeats).toEqual([4230]);
  });

  it('stillNeeded: a newer alert in the group still goes out', () => {
    const { d, clock, post, summary } = setup(TIMING);
    post(0, { alertname: 'Foo', instance: '1' }, { endsAt: 10 * H });
    clock.t = 30 * S;
    const [first] = d.tick();
    post(60 * S, { alertname: 'Foo', instance: '2' }, { endsAt: 10 * H });
    clock.t = 330 * S;
    const again = d.tick();
    d.report(first.id, true);
    expect(summary(again)).toEqual(['hook:1=firing,2=firing']);
    expect(d.stillNeeded(again[0].id)).toBe(true);
  });

  it('rejects invalid alerts', () => {
    const { d } = setup(TIMING);
    const base = { annotations: {}, startsAt: '', endsAt: '', generatorURL: '' };
    expect(d.receiveAlerts([{ ...base, labels: {} }, { ...base, labels: { 'bad-name': 'x' } }, { ...base, labels: { a: 'b' }, startsAt: '1970-01-01T00:01:00Z', endsAt: '1970-01-01T00:00:00Z' }])).toEqual({
      accepted: 0,
      errors: ['at least one label pair required', 'invalid label name "bad-name"', 'start time must be before end time'],
    });
  });
});

const ROUTING = `route:
  receiver: default
  group_by: [alertname]
  group_wait: 10s
  routes:
    - matchers: [team="db"]
      receiver: db
      continue: true
    - matchers: [team="db", severity="critical"]
      receiver: pager
      group_by: [alertname, cluster]
      group_wait: 1s
    - matchers: [team="web"]
      receiver: web
      routes:
        - matchers: [env="prod"]
          receiver: web-prod
inhibit_rules:
  - source_matchers: [severity="critical"]
    target_matchers: [severity="warning"]
    equal: [cluster]
receivers:
  - name: default
    webhook_configs: [{ url: "http://127.0.0.1:1/default" }]
  - name: db
    webhook_configs: [{ url: "http://127.0.0.1:1/db" }]
  - name: pager
    webhook_configs: [{ url: "http://127.0.0.1:1/pager" }]
  - name: web
    webhook_configs: [{ url: "http://127.0.0.1:1/web" }]
  - name: web-prod
    slack_configs: [{ api_url: "http://127.0.0.1:1/slack", send_resolved: false }]
`;

describe('routing, inheritance and muting', () => {
  it('continues to later siblings and inherits options in nested routes', () => {
    const { post, tick, summary, d } = setup(ROUTING);
    post(0, { alertname: 'Disk', team: 'db', severity: 'critical', cluster: 'a', instance: 'x' }, { endsAt: H });
    post(0, { alertname: 'Slow', team: 'web', env: 'prod', instance: 'y' }, { endsAt: H });
    expect(summary(tick(1 * S))).toEqual(['pager:x=firing']);
    const ns = tick(10 * S);
    expect(summary(ns).sort()).toEqual(['db:x=firing', 'web-prod:y=firing']);
    expect(ns.find((n) => n.receiver === 'db')?.groupKey).toBe('{}/{team="db"}:{alertname="Disk"}');
    expect(ns.find((n) => n.receiver === 'web-prod')?.groupKey).toBe('{}/{team="web"}/{env="prod"}:{alertname="Slow"}');
    expect(d.alertGroups().find((g) => g.receiver === 'pager')?.groupKey).toBe('{}/{severity="critical",team="db"}:{alertname="Disk", cluster="a"}');
  });

  it('inhibits targets sharing the equal labels with a firing source', () => {
    const { post, tick, summary, d } = setup(ROUTING);
    post(0, { alertname: 'Load', severity: 'warning', cluster: 'a', instance: 'wa' }, { endsAt: H });
    post(0, { alertname: 'Load', severity: 'warning', cluster: 'b', instance: 'wb' }, { endsAt: H });
    post(0, { alertname: 'Down', severity: 'critical', cluster: 'a', instance: 'c' }, { endsAt: H });
    expect(summary(tick(10 * S)).sort()).toEqual(['default:c=firing', 'default:wb=firing']);
    const wa = d.alerts().find((a) => a.labels.instance === 'wa');
    expect(wa).toMatchObject({ state: 'suppressed', inhibitedBy: [d.alerts().find((a) => a.labels.instance === 'c')?.fingerprint], receivers: ['default'] });
    // Once the source resolves, the target is notified at the next interval.
    post(20 * S, { alertname: 'Down', severity: 'critical', cluster: 'a', instance: 'c' }, { startsAt: 0, endsAt: 20 * S });
    expect(summary(tick(310 * S)).sort()).toEqual(['default:c=resolved', 'default:wa=firing,wb=firing']);
  });

  it('silences matching alerts while the silence is active', () => {
    const { post, tick, summary, d } = setup(ROUTING);
    expect(d.putSilence({ id: 's1', matchers: [{ name: 'instance', type: '=~', value: 'q.*' }], startsAt: 0, endsAt: 200 * S, createdBy: 'me', comment: 'maintenance' })).toEqual({ ok: true });
    expect(d.putSilence({ id: 's2', matchers: [{ name: 'x', type: '=', value: '' }], startsAt: 0, endsAt: 1, createdBy: 'me', comment: 'c' })).toEqual({ ok: false, error: 'at least one matcher must not match the empty string' });
    post(0, { alertname: 'A', instance: 'q1' }, { endsAt: H });
    post(0, { alertname: 'A', instance: 'r1' }, { endsAt: H });
    expect(summary(tick(10 * S))).toEqual(['default:r1=firing']);
    expect(d.alerts().find((a) => a.labels.instance === 'q1')).toMatchObject({ state: 'suppressed', silencedBy: ['s1'] });
    expect(summary(tick(310 * S))).toEqual(['default:q1=firing,r1=firing']);
    expect(d.expireSilence('s1', 400 * S)).toBe(false);
  });

  it('does not send resolved-only groups when send_resolved is false', () => {
    const { post, tick, summary } = setup(ROUTING);
    post(0, { alertname: 'Slow', team: 'web', env: 'prod', instance: 'y' }, { endsAt: 20 * S });
    expect(summary(tick(10 * S))).toEqual(['web-prod:y=firing']);
    expect(tick(310 * S)).toEqual([]);
    expect(tick(610 * S)).toEqual([]);
  });
});

const PAYLOADS = `route:
  receiver: all
  group_by: [alertname]
receivers:
  - name: all
    webhook_configs:
      - url: http://127.0.0.1:5001/hook
        max_alerts: 1
    slack_configs:
      - api_url: http://127.0.0.1:5001/slack
        channel: '#ops'
    pagerduty_configs:
      - routing_key: \${KEY}
        url: http://127.0.0.1:5001/pd
`;

describe('payloads', () => {
  const run = () => {
    const { post, tick } = setup(PAYLOADS);
    post(0, { alertname: 'Foo', instance: '1' }, { endsAt: H, annotations: { summary: 'x < y' } });
    return tick(30 * S);
  };

  it('webhook: Alertmanager JSON version 4, byte for byte', () => {
    const [hook] = run();
    expect(hook.request).toEqual({
      url: 'http://127.0.0.1:5001/hook',
      headers: { 'Content-Type': 'application/json' },
      body:
        '{"receiver":"all","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"Foo","instance":"1"},"annotations":{"summary":"x \\u003c y"},' +
        '"startsAt":"1970-01-01T00:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prom/graph?g0.expr=up\\u0026g0.tab=1","fingerprint":"709e4c7eeba3fd26"}],' +
        '"groupLabels":{"alertname":"Foo"},"commonLabels":{"alertname":"Foo","instance":"1"},"commonAnnotations":{"summary":"x \\u003c y"},' +
        '"externalURL":"http://am.example:9093","version":"4","groupKey":"{}:{alertname=\\"Foo\\"}","truncatedAlerts":0}\n',
    });
  });

  it('webhook: max_alerts truncates and counts the rest', () => {
    const { post, tick } = setup(PAYLOADS);
    post(0, { alertname: 'Foo', instance: '2' }, { endsAt: H });
    post(0, { alertname: 'Foo', instance: '1' }, { endsAt: H });
    const body = JSON.parse(tick(30 * S)[0].request?.body ?? '{}') as { alerts: { labels: { instance: string } }[]; truncatedAlerts: number; commonLabels: object };
    expect(body.alerts.map((a) => a.labels.instance)).toEqual(['1']);
    expect(body.truncatedAlerts).toBe(1);
    expect(body.commonLabels).toEqual({ alertname: 'Foo', instance: '1' });
  });

  it('slack: default title, fallback and danger colour', () => {
    const [, slack] = run();
    expect(slack.request?.body).toBe(
      '{"channel":"#ops","username":"Alertmanager","attachments":[{"title":"[FIRING:1] Foo (1)","title_link":"http://am.example:9093/#/alerts?receiver=all",' +
        '"text":"","fallback":"[FIRING:1] Foo (1) | http://am.example:9093/#/alerts?receiver=all","callback_id":"","footer":"","color":"danger","mrkdwn_in":["fallback","pretext","text"]}]}\n',
    );
  });

  it('pagerduty: Events API v2 with dedup_key = sha256(groupKey)', () => {
    const [, , pd] = run();
    expect(JSON.parse(pd.request?.body ?? '')).toEqual({
      routing_key: 'pd-key',
      dedup_key: 'f3622b440e395370793bd2a2505029763e67bda6ad80d3397c07399dc541f014',
      event_action: 'trigger',
      payload: {
        summary: '[FIRING:1] Foo (1)',
        source: 'Alertmanager',
        severity: 'error',
        custom_details: {
          firing: 'Labels:\n - alertname = Foo\n - instance = 1\nAnnotations:\n - summary = x < y\nSource: http://prom/graph?g0.expr=up&g0.tab=1\n',
          num_firing: '1',
          num_resolved: '0',
          resolved: '',
        },
      },
      client: 'Alertmanager',
      client_url: 'http://am.example:9093/#/alerts?receiver=all',
    });
    expect(pd.request?.url).toBe('http://127.0.0.1:5001/pd');
  });

  it('pagerduty resolves and slack stays quiet when everything resolved', () => {
    const { post, tick } = setup(PAYLOADS);
    post(0, { alertname: 'Foo', instance: '1' }, { endsAt: 60 * S });
    tick(30 * S);
    const ns = tick(330 * S);
    expect(ns.map((n) => n.integration)).toEqual(['webhook', 'pagerduty']);
    expect(JSON.parse(ns[1].request?.body ?? '{}').event_action).toBe('resolve');
    expect(JSON.parse(ns[1].request?.body ?? '{}').payload.summary).toBe('[RESOLVED] Foo (1)');
  });
});
