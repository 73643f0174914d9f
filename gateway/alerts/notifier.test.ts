// The built-in notifier's per group+integration serialization, with fake time and a fetch whose answers the test releases.
import { describe, expect, it } from 'vitest';
import { loadAlertmanagerConfig } from '../../shared/alerting/notify/config.ts';
import type { PostableAlert } from '../../shared/alerting/state.ts';
import { formatRFC3339 } from '../../shared/alerting/time.ts';
import { FakeTime } from '../runtime/fake-time.ts';
import { NotificationHistory } from './history.ts';
import { BuiltinNotifier } from './notifier.ts';

const AM = `route:
  receiver: hook
  group_by: [team]
  group_wait: 0s
  group_interval: 5s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: http://127.0.0.1:5001/hook
        send_resolved: true
`;

interface Call {
  at: number;
  /** Alert names in the payload. */
  alerts: string[];
  answer(status: number): void;
  answered: boolean;
}

/** A fetch that holds every request until the test answers it; counts how many are open at once. */
function heldFetch(time: FakeTime) {
  const calls: Call[] = [];
  let open = 0;
  let maxOpen = 0;
  const fetchFn = (_url: string, init: RequestInit): Promise<Response> =>
    new Promise<Response>((resolve) => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      const body = JSON.parse(String(init.body)) as { alerts: { labels: Record<string, string> }[] };
      const call: Call = {
        at: time.now(),
        alerts: body.alerts.map((a) => a.labels.alertname),
        answered: false,
        answer(status) {
          if (call.answered) throw new Error('answered twice');
          call.answered = true;
          open--;
          resolve(new Response('', { status }));
        },
      };
      calls.push(call);
    });
  return { calls, fetchFn, maxOpen: () => maxOpen };
}

function setup(retry?: { initialMs: number }) {
  const time = new FakeTime(1_700_000_000_000);
  const cfg = loadAlertmanagerConfig(AM, 'am.yml');
  if (!cfg.config) throw new Error(JSON.stringify(cfg.errors));
  const f = heldFetch(time);
  const history = new NotificationHistory();
  const notifier = new BuiltinNotifier({
    config: cfg.config,
    fetchFn: f.fetchFn,
    clock: time,
    scheduler: time,
    history,
    random: () => 0.5,
    // Long per-attempt timeouts: an attempt ends only when the test answers it.
    defaultTimeoutMs: 3_600_000,
    retryPolicy: { initialMs: retry?.initialMs ?? 500, multiplier: 1.5, maxIntervalMs: 60_000, randomization: 0.5, maxAttempts: 100 },
  });
  const fire = (name: string) => {
    const a: PostableAlert = { labels: { alertname: name, team: 't' }, annotations: {}, startsAt: formatRFC3339(time.now() - 1000), endsAt: formatRFC3339(time.now() + 3_600_000), generatorURL: '' };
    notifier.receive([a]);
  };
  const records = () => history.list().reverse().map((h) => `${h.id} ${h.status} #${h.attempt}${h.httpStatus ? ` ${h.httpStatus}` : ''}`);
  return { time, notifier, fire, records, ...f };
}

describe('built-in notifier: one delivery at a time per group and integration', () => {
  it('does not send the same alerts twice when the next flush comes while a retry is in flight and both would succeed', async () => {
    const f = setup();
    f.fire('A');
    await f.time.advance(0);
    expect(f.calls).toHaveLength(1);
    f.calls[0].answer(503);
    // Retry after 500 ms; this attempt hangs until the receiver comes back.
    await f.time.advance(500);
    expect(f.calls).toHaveLength(2);
    // The group's next flush (group_interval 5 s): nothing was logged as sent, so it flushes the same alert again.
    await f.time.advance(4500);
    // It waits for the attempt in flight instead of sending alongside it.
    expect(f.calls).toHaveLength(2);
    // The receiver comes back and takes the attempt in flight; the waiting flush then finds it delivered.
    f.calls[1].answer(200);
    await f.time.advance(0);
    await f.notifier.idle();
    expect(f.calls.map((c) => c.alerts)).toEqual([['A'], ['A']]);
    expect(f.maxOpen()).toBe(1);
    expect(f.records()).toEqual(['n1 retrying #1 503', 'n1 success #2 200']);
    // Later flushes find it in the log too, until repeat_interval.
    await f.time.advance(60_000);
    await f.notifier.idle();
    expect(f.calls).toHaveLength(2);
    f.notifier.stop();
  });

  it('sends the newer flush after the attempt in flight fails, never two at once', async () => {
    const f = setup();
    f.fire('A');
    await f.time.advance(0);
    f.calls[0].answer(503);
    await f.time.advance(500);
    f.fire('B');
    await f.time.advance(4500);
    expect(f.calls).toHaveLength(2);
    f.calls[1].answer(503);
    await f.time.advance(0);
    // The older delivery gave up at once (no backoff sleep), and the newer payload went out.
    expect(f.calls.map((c) => c.alerts)).toEqual([['A'], ['A'], ['A', 'B']]);
    expect(f.calls[2].at).toBe(f.calls[1].at + 4500);
    f.calls[2].answer(200);
    await f.notifier.idle();
    expect(f.maxOpen()).toBe(1);
    expect(f.records()).toEqual([
      'n1 retrying #1 503',
      'n1 retrying #2 503',
      'n1 failed #2',
      'n2 success #1 200',
    ]);
    f.notifier.stop();
  });

  it('ends a retry waiting in its backoff at once when the group flushes again, and delivers the newer payload', async () => {
    // Backoff 10 s, longer than group_interval.
    const f = setup({ initialMs: 10_000 });
    f.fire('A');
    await f.time.advance(0);
    f.calls[0].answer(503);
    f.fire('B');
    await f.time.advance(5000);
    expect(f.calls.map((c) => c.alerts)).toEqual([['A'], ['A', 'B']]);
    f.calls[1].answer(200);
    await f.notifier.idle();
    // Nothing of the old delivery is left waiting to send its stale payload.
    await f.time.advance(30_000);
    expect(f.calls).toHaveLength(2);
    expect(f.records()).toEqual(['n1 retrying #1 503', 'n1 failed #1', 'n2 success #1 200']);
    f.notifier.stop();
  });

  it('skips a flush that was queued behind a newer one', async () => {
    const f = setup();
    f.fire('A');
    await f.time.advance(0);
    // Attempt 1 hangs across two group intervals; the first queued flush (A, B) is superseded by the second (A, B, C).
    f.fire('B');
    await f.time.advance(5000);
    f.fire('C');
    await f.time.advance(5000);
    expect(f.calls).toHaveLength(1);
    f.calls[0].answer(200);
    await f.time.advance(0);
    expect(f.calls.map((c) => c.alerts)).toEqual([['A'], ['A', 'B', 'C']]);
    f.calls[1].answer(200);
    await f.notifier.idle();
    expect(f.maxOpen()).toBe(1);
    expect(f.records()).toEqual(['n1 success #1 200', 'n3 success #1 200']);
    f.notifier.stop();
  });
});
