// Where rule alerts go: external labels and alert relabeling, then real Alertmanagers and/or the built-in notifier; plus silences and history.
import type { AlertmanagerConfig } from '../../shared/alerting/notify/config.ts';
import type { PostableAlert } from '../../shared/alerting/state.ts';
import { compileRelabelConfigs, type CompiledRelabelConfig } from '../../shared/config/relabel.ts';
import type { AlertingConfig } from '../../shared/config/types.ts';
import type { Clock, FetchFn, Scheduler } from '../runtime/ports.ts';
import type { StateStore } from '../rules/state-store.ts';
import { ExternalAlertmanagers, prepareAlerts } from './external.ts';
import { NotificationHistory } from './history.ts';
import { sendRequest } from './http.ts';
import { BuiltinNotifier } from './notifier.ts';
import { SilenceBook } from './silences.ts';

export interface AlertingDeps {
  fetchFn: FetchFn;
  clock: Clock;
  scheduler: Scheduler;
  store?: StateStore;
  log?: (line: string) => void;
  userAgent: string;
  /** The gateway's URL, for links in notifications. */
  externalURL: string;
  /** prometheus.yml's `alerting` section. */
  alerting: AlertingConfig;
  externalLabels: Readonly<Record<string, string>>;
  /** The built-in notifier's Alertmanager-format config, when one is given. */
  notifierConfig?: AlertmanagerConfig;
  readSecretFile?: (path: string) => string;
  newId: () => string;
  /** Jitter source for retries (tests). */
  random?: () => number;
}

/** The alert output side of the gateway. */
export class Alerting {
  readonly external: ExternalAlertmanagers;
  readonly builtin?: BuiltinNotifier;
  readonly history: NotificationHistory;
  readonly silences: SilenceBook;
  private relabel: CompiledRelabelConfig[];
  private externalLabels: Readonly<Record<string, string>>;

  constructor(deps: AlertingDeps) {
    this.external = new ExternalAlertmanagers({
      fetchFn: deps.fetchFn,
      clock: deps.clock,
      scheduler: deps.scheduler,
      userAgent: deps.userAgent,
      log: deps.log,
      readSecretFile: deps.readSecretFile,
    });
    this.external.apply(deps.alerting);
    this.relabel = compileRelabelConfigs(deps.alerting.alertRelabelConfigs);
    this.externalLabels = deps.externalLabels;
    this.history = new NotificationHistory(deps.store, undefined, deps.log);
    if (deps.notifierConfig) {
      this.builtin = new BuiltinNotifier({
        config: deps.notifierConfig,
        fetchFn: deps.fetchFn,
        clock: deps.clock,
        scheduler: deps.scheduler,
        history: this.history,
        store: deps.store,
        externalURL: deps.externalURL,
        log: deps.log,
        random: deps.random,
      });
    }
    const http = { fetchFn: deps.fetchFn, scheduler: deps.scheduler, now: () => deps.clock.now(), timeoutMs: 10_000 };
    this.silences = new SilenceBook({
      clock: deps.clock,
      store: deps.store,
      newId: deps.newId,
      apply: this.builtin?.dispatcher,
      alertmanagers: () => this.external.alertmanagers(),
      request: (method, url, body, headers) => sendRequest(http, method, url, body, headers),
      log: deps.log,
    });
  }

  /** A reloaded prometheus.yml: new Alertmanagers, alert relabeling and external labels (the built-in notifier keeps its file). */
  applyConfig(alerting: AlertingConfig, externalLabels: Readonly<Record<string, string>>): void {
    this.external.apply(alerting);
    this.relabel = compileRelabelConfigs(alerting.alertRelabelConfigs);
    this.externalLabels = externalLabels;
  }

  /** True when alerts have somewhere to go. */
  get enabled(): boolean {
    return this.external.enabled || this.builtin !== undefined;
  }

  /** Loads persisted history, delivery log and silences. */
  async restore(): Promise<void> {
    await this.history.load();
    await this.builtin?.restore();
    await this.silences.restore();
  }

  /** Alerts from one rule evaluation: prepared once, then handed to every destination. */
  send(alerts: readonly PostableAlert[]): void {
    const prepared = prepareAlerts(alerts, this.externalLabels, this.relabel);
    if (prepared.length === 0) return;
    this.external.send(prepared);
    this.builtin?.receive(prepared);
  }

  /** Stops timers and waits for queued sends and the last writes. */
  async stop(): Promise<void> {
    this.builtin?.stop();
    await this.external.drain();
    await this.builtin?.idle();
    await this.builtin?.save();
    await this.history.flush();
  }
}
