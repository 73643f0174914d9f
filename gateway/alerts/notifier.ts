// The built-in notifier: drives shared/alerting's Dispatcher on timers, delivers with retries, keeps history, silences and a restart-safe log.
import type { AlertmanagerConfig, IntegrationConfig } from '../../shared/alerting/notify/config.ts';
import { Dispatcher, type Notification } from '../../shared/alerting/notify/dispatcher.ts';
import { afterAttempt, checkResponse, DEFAULT_RETRY_POLICY, type NotificationRecord, type RetryPolicy } from '../../shared/alerting/notify/retry.ts';
import { buildRouteTree, routeKey, type Route } from '../../shared/alerting/notify/route.ts';
import type { PostableAlert } from '../../shared/alerting/state.ts';
import type { Clock, FetchFn, Scheduler, TimerHandle } from '../runtime/ports.ts';
import { STATE_KEYS, type StateStore } from '../rules/state-store.ts';
import type { NotificationHistory } from './history.ts';
import { sendRequest, type HttpOutcome } from './http.ts';
import { sendTestNotification, type TestNotificationResult } from './test-notification.ts';

export interface BuiltinNotifierDeps {
  config: AlertmanagerConfig;
  fetchFn: FetchFn;
  clock: Clock;
  scheduler: Scheduler;
  history: NotificationHistory;
  store?: StateStore;
  /** Link target in payloads (Alertmanager's --web.external-url): the gateway's own URL. */
  externalURL?: string;
  retryPolicy?: RetryPolicy;
  /** Jitter source in [0, 1); tests pass a constant. */
  random?: () => number;
  log?: (line: string) => void;
  /** Per-attempt timeout when the integration sets none (default 10 s). */
  defaultTimeoutMs?: number;
}

/** What was delivered last for one receiver integration of one group (Alertmanager's nflog entry). */
interface DeliveredEntry {
  key: string;
  firing: string[];
  resolved: string[];
  timestamp: number;
}

interface PersistedNotifier {
  version: 1;
  log: DeliveredEntry[];
}

/** One delivery's place in its group+integration's queue. */
interface Slot {
  /** A newer flush of the same group and integration exists: stop retrying. */
  superseded: boolean;
  /** Ends the backoff sleep early (set while sleeping). */
  wake?: () => void;
  /** Settles when this delivery is over (sent, given up or skipped); never rejects. */
  done: Promise<void>;
}

/** Alertmanager keeps its notification log this long (--data.retention). */
const LOG_RETENTION_MS = 120 * 3600_000;

function logKey(n: { receiver: string; groupKey: string; integrationIndex: number }): string {
  return `${n.receiver}\u0000${n.groupKey}\u0000${n.integrationIndex}`;
}

/** The notification timeout of an integration. */
function timeoutOf(integ: IntegrationConfig | undefined, fallback: number): number {
  return integ?.kind === 'webhook' && integ.timeoutMs ? integ.timeoutMs : fallback;
}

/** Alertmanager's routing, grouping, dedup and silencing, delivered from this process. */
export class BuiltinNotifier {
  readonly dispatcher: Dispatcher;
  private readonly root: Route;
  private timer: TimerHandle | null = null;
  private timerAt = Infinity;
  private stopped = false;
  private readonly delivered = new Map<string, DeliveredEntry>();
  /** Entries restored from before a restart, consulted once per key to suppress duplicate notifications. */
  private readonly beforeRestart = new Map<string, DeliveredEntry>();
  private readonly inFlight = new Set<Promise<void>>();
  /** The newest delivery per receiver integration and group; older ones wait for it or give up (see deliver). */
  private readonly current = new Map<string, Slot>();
  private saving: Promise<void> | null = null;
  private saveAgain = false;

  constructor(readonly deps: BuiltinNotifierDeps) {
    this.dispatcher = new Dispatcher(deps.config, { clock: deps.clock, externalURL: deps.externalURL });
    this.root = buildRouteTree(deps.config.route);
  }

  get config(): AlertmanagerConfig {
    return this.deps.config;
  }

  /** Restores the delivery log written by a previous run (silences are restored by SilenceBook). */
  async restore(): Promise<void> {
    const text = await this.deps.store?.get(STATE_KEYS.notifier);
    if (!text) return;
    let s: PersistedNotifier;
    try {
      s = JSON.parse(text) as PersistedNotifier;
    } catch (e) {
      this.deps.log?.(`ignoring unreadable notifier state: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (s.version !== 1) return;
    const now = this.deps.clock.now();
    for (const e of s.log ?? []) {
      if (e.timestamp + LOG_RETENTION_MS < now) continue;
      this.beforeRestart.set(e.key, e);
      this.delivered.set(e.key, e);
    }
  }

  /** Alerts from the rules (external labels and relabeling already applied). */
  receive(alerts: readonly PostableAlert[]): void {
    const r = this.dispatcher.receiveAlerts(alerts);
    for (const e of r.errors) this.deps.log?.(`built-in notifier rejected an alert: ${e}`);
    this.arm();
  }

  /** Arms the flush timer for the dispatcher's next due group. */
  private arm(): void {
    if (this.stopped) return;
    const due = this.dispatcher.nextDue();
    if (due === undefined || due >= this.timerAt) return;
    if (this.timer !== null) this.deps.scheduler.clearTimeout(this.timer);
    const now = this.deps.clock.now();
    this.timerAt = due;
    this.timer = this.deps.scheduler.setTimeout(() => this.onTimer(), Math.max(0, due - now));
  }

  private onTimer(): void {
    this.timer = null;
    this.timerAt = Infinity;
    for (const n of this.dispatcher.tick()) this.track(this.deliver(n));
    this.arm();
  }

  private track(p: Promise<void>): void {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
  }

  /** Waits for deliveries in progress (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.deps.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  private integration(n: Notification): IntegrationConfig | undefined {
    return this.deps.config.receivers.find((r) => r.name === n.receiver)?.integrations[n.integrationIndex];
  }

  private repeatIntervalFor(groupKey: string, receiver: string): number {
    const stack: Route[] = [this.root];
    while (stack.length > 0) {
      const r = stack.pop() as Route;
      if (r.receiver === receiver && groupKey.startsWith(routeKey(r) + ':')) return r.repeatIntervalMs;
      stack.push(...r.routes);
    }
    return this.root.repeatIntervalMs;
  }

  /** True when the same alerts were already delivered before a restart, within repeat_interval. */
  private alreadyDelivered(n: Notification): boolean {
    const key = logKey(n);
    const e = this.beforeRestart.get(key);
    if (!e) return false;
    this.beforeRestart.delete(key);
    const firing = n.alerts.filter((a) => a.status === 'firing').map((a) => a.fingerprint);
    const resolved = n.alerts.filter((a) => a.status === 'resolved').map((a) => a.fingerprint);
    const had = new Set(e.firing);
    const hadResolved = new Set(e.resolved);
    if (firing.length === 0 && e.firing.length > 0) return false;
    if (!firing.every((f) => had.has(f)) || !resolved.every((f) => hadResolved.has(f))) return false;
    return e.timestamp >= this.deps.clock.now() - this.repeatIntervalFor(n.groupKey, n.receiver);
  }

  private async deliver(n: Notification): Promise<void> {
    const base = { receiver: n.receiver, integration: n.integration, groupKey: n.groupKey, alerts: n.alerts.length };
    const request = n.request;
    if (!request) {
      this.deps.history.add({ id: n.id, time: this.deps.clock.now(), ...base, status: 'failed', error: n.error ?? 'cannot build the notification', attempt: 1 });
      return;
    }
    if (this.alreadyDelivered(n)) {
      this.dispatcher.report(n.id, true);
      this.remember(n);
      return;
    }
    const policy = this.deps.retryPolicy ?? DEFAULT_RETRY_POLICY;
    const timeoutMs = timeoutOf(this.integration(n), this.deps.defaultTimeoutMs ?? 10_000);
    // Per group and integration one delivery at a time, as Alertmanager runs a group's flushes in sequence: the
    // group's next flush supersedes the previous delivery (its deadline is group_interval), which stops at once if
    // it is waiting to retry, or after the attempt it has in flight. Only then does the new one start, and it first
    // asks the dedup log again, since that attempt may have delivered the same alerts.
    const key = logKey(n);
    const prev = this.current.get(key);
    let finish = (): void => {};
    const me: Slot = { superseded: false, done: new Promise<void>((ok) => (finish = ok)) };
    this.current.set(key, me);
    try {
      if (prev) {
        prev.superseded = true;
        prev.wake?.();
        await prev.done;
      }
      if (me.superseded) {
        // An even newer flush came while this one waited: it was never sent, and the newer one goes instead.
        this.dispatcher.report(n.id, false);
        return;
      }
      if (!this.dispatcher.stillNeeded(n.id)) return;
      await this.attempts({ ...n, request }, me, policy, timeoutMs, base);
    } finally {
      if (this.current.get(key) === me) this.current.delete(key);
      finish();
    }
  }

  private async attempts(n: Notification & { request: { url: string; body: string; headers: Record<string, string> } }, me: Slot, policy: RetryPolicy, timeoutMs: number, base: Omit<NotificationRecord, 'id' | 'time' | 'status' | 'attempt'>): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const time = this.deps.clock.now();
      const res = await this.post(n.request.url, n.request.body, n.request.headers, timeoutMs);
      const outcome = checkResponse(n.integration, res.status, res.error ?? res.body);
      const next = afterAttempt(policy, attempt, outcome, this.deps.random?.() ?? Math.random());
      const rec: NotificationRecord = { id: n.id, time, ...base, status: next.status, attempt };
      if (res.status !== undefined) rec.httpStatus = res.status;
      if (!outcome.ok) rec.error = outcome.error;
      this.deps.history.add(rec);
      if (next.status === 'success') {
        this.dispatcher.report(n.id, true);
        this.remember(n);
        return;
      }
      if (next.status === 'failed' || this.stopped) {
        this.deps.log?.(`notify ${n.receiver}/${n.integration}[${n.integrationIndex}] failed after ${attempt} attempt(s): ${rec.error ?? ''}`);
        this.dispatcher.report(n.id, false);
        return;
      }
      if (!me.superseded) await this.sleep(me, next.retryInMs ?? 0);
      if (me.superseded) {
        this.deps.history.add({ id: n.id, time: this.deps.clock.now(), ...base, status: 'failed', error: 'gave up: superseded by the group\'s next notification', attempt });
        this.dispatcher.report(n.id, false);
        return;
      }
    }
  }

  /** The backoff wait before a retry; a newer flush of the group ends it early through `slot.wake`. */
  private sleep(slot: Slot, ms: number): Promise<void> {
    return new Promise<void>((ok) => {
      const timer = this.deps.scheduler.setTimeout(() => {
        slot.wake = undefined;
        ok();
      }, ms);
      slot.wake = () => {
        slot.wake = undefined;
        this.deps.scheduler.clearTimeout(timer);
        ok();
      };
    });
  }

  private post(url: string, body: string, headers: Record<string, string>, timeoutMs: number): Promise<HttpOutcome> {
    return sendRequest({ fetchFn: this.deps.fetchFn, scheduler: this.deps.scheduler, now: () => this.deps.clock.now(), timeoutMs }, 'POST', url, body, headers);
  }

  /** Records a successful delivery in the restart-safe log. */
  private remember(n: Notification): void {
    const key = logKey(n);
    this.delivered.set(key, {
      key,
      firing: n.alerts.filter((a) => a.status === 'firing').map((a) => a.fingerprint),
      resolved: n.alerts.filter((a) => a.status === 'resolved').map((a) => a.fingerprint),
      timestamp: this.deps.clock.now(),
    });
    void this.save();
  }

  /** Sends a sample alert through `receiver`'s integrations now (no grouping wait, no dedup) and records the attempts. */
  async testReceiver(receiver: string): Promise<TestNotificationResult | undefined> {
    const now = this.deps.clock.now();
    const fallback = this.deps.defaultTimeoutMs ?? 10_000;
    const res = await sendTestNotification(this.deps.config, receiver, (url, body, headers, integ) => this.post(url, body, headers, timeoutOf(integ, fallback)), {
      now,
      externalURL: this.deps.externalURL ?? '',
    });
    for (const r of res?.results ?? []) {
      const rec: NotificationRecord = { id: `test-${now}-${r.index}`, time: now, receiver, integration: r.integration, groupKey: 'test', alerts: 1, status: r.ok ? 'success' : 'failed', attempt: 1 };
      if (r.httpStatus !== undefined) rec.httpStatus = r.httpStatus;
      if (r.error !== undefined) rec.error = r.error;
      this.deps.history.add(rec);
    }
    return res;
  }

  /** Writes the delivery log; concurrent calls coalesce. */
  save(): Promise<void> {
    const store = this.deps.store;
    if (!store) return Promise.resolve();
    if (this.saving) {
      this.saveAgain = true;
      return this.saving;
    }
    this.saving = (async () => {
      do {
        this.saveAgain = false;
        const now = this.deps.clock.now();
        for (const [k, e] of this.delivered) if (e.timestamp + LOG_RETENTION_MS < now) this.delivered.delete(k);
        const state: PersistedNotifier = { version: 1, log: [...this.delivered.values()] };
        try {
          await store.put(STATE_KEYS.notifier, JSON.stringify(state));
        } catch (e) {
          this.deps.log?.(`cannot save notifier state: ${e instanceof Error ? e.message : String(e)}`);
        }
      } while (this.saveAgain);
    })().finally(() => {
      this.saving = null;
    });
    return this.saving;
  }
}
