// Rules and alerting as one unit the gateway composes: rule manager + alert outputs + their HTTP routes, built from a loaded config.
import { Hono } from 'hono';
import type { AlertmanagerConfig } from '../../shared/alerting/notify/config.ts';
import type { ScrapeConfigFile } from '../../shared/config/types.ts';
import { createEngine } from '../../shared/promql/engine/index.ts';
import type { Queryable } from '../../shared/promql/queryable.ts';
import type { RuleSample } from '../../shared/alerting/state.ts';
import { Alerting } from '../alerts/alerting.ts';
import { alertsRoutes } from '../alerts/routes.ts';
import type { Clock, FetchFn, Scheduler } from '../runtime/ports.ts';
import { formatProblem, type RuleFileSource } from './load.ts';
import { RuleManager, type RuleSettings } from './manager.ts';
import { rulesRoutes } from './routes.ts';
import type { StateStore } from './state-store.ts';

/** The runtime-specific parts: where rule files, state and the notifier config come from. */
export interface RuleSystemOptions {
  config: ScrapeConfigFile;
  source: RuleFileSource;
  store?: StateStore;
  /** The built-in notifier's config (Alertmanager format), already loaded; absent = no built-in notifier. */
  notifierConfig?: AlertmanagerConfig;
  /** The gateway's own URL: generatorURL of alerts, links in notifications. */
  externalURL: string;
  log?: (line: string) => void;
  readSecretFile?: (path: string) => string;
  newId?: () => string;
  /** --rules.alert.resend-delay (default 1m). */
  resendDelayMs?: number;
}

/** The gateway parts the rules run on. */
export interface RuleSystemPorts {
  /** The head: queried by rules… */
  queryable: Queryable;
  /** …and appended to (the same path scrapes use, so the stream carries rule outputs). */
  append(samples: readonly RuleSample[], now: number): void;
  clock: Clock;
  scheduler: Scheduler;
  fetchFn: FetchFn;
  userAgent: string;
}

export interface RuleSystem {
  manager: RuleManager;
  alerting: Alerting;
  /** Mount with app.route('/', routes) before the API catch-all. */
  routes: Hono;
  /** Restores persisted state and loads the rule files; errors (FILE:LINE:COL lines) mean the gateway must not start. */
  load(): Promise<{ ok: boolean; errors: string[] }>;
  /** A reloaded prometheus.yml; rule errors keep the old rules and are returned. */
  applyConfig(config: ScrapeConfigFile): Promise<{ ok: boolean; errors: string[] }>;
  start(): void;
  stop(): Promise<void>;
}

/** prometheus.yml's rule settings. */
export function ruleSettings(config: ScrapeConfigFile): RuleSettings {
  return {
    ruleFiles: config.ruleFiles,
    globalIntervalMs: config.global.evaluationIntervalMs,
    globalQueryOffsetMs: config.global.ruleQueryOffsetMs,
    externalLabels: config.global.externalLabels,
  };
}

/** Builds the rule manager and alert outputs; nothing runs until load() and start(). */
export function createRuleSystem(o: RuleSystemOptions, p: RuleSystemPorts): RuleSystem {
  const alerting = new Alerting({
    fetchFn: p.fetchFn,
    clock: p.clock,
    scheduler: p.scheduler,
    store: o.store,
    log: o.log,
    userAgent: p.userAgent,
    externalURL: o.externalURL,
    alerting: o.config.alerting,
    externalLabels: o.config.global.externalLabels,
    notifierConfig: o.notifierConfig,
    readSecretFile: o.readSecretFile,
    newId: o.newId ?? (() => crypto.randomUUID()),
  });
  const manager = new RuleManager({
    engine: createEngine({ now: () => p.clock.now(), subqueryStep: o.config.global.evaluationIntervalMs }),
    queryable: p.queryable,
    append: p.append,
    clock: p.clock,
    scheduler: p.scheduler,
    source: o.source,
    store: o.store,
    onAlerts: (alerts) => alerting.send(alerts),
    log: o.log,
    externalURL: o.externalURL,
    resendDelayMs: o.resendDelayMs,
  });
  const routes = new Hono();
  routes.route('/', rulesRoutes({ rules: manager, alertmanagers: () => alerting.external.apiStatus() }));
  routes.route('/', alertsRoutes(alerting));
  let config = o.config;
  return {
    manager,
    alerting,
    routes,
    async load() {
      await manager.restore();
      await alerting.restore();
      const r = await manager.load(ruleSettings(config));
      return { ok: r.ok, errors: r.errors.map(formatProblem) };
    },
    async applyConfig(next) {
      const r = await manager.load(ruleSettings(next));
      if (!r.ok) return { ok: false, errors: r.errors.map(formatProblem) };
      config = next;
      alerting.applyConfig(next.alerting, next.global.externalLabels);
      return { ok: true, errors: [] };
    },
    start() {
      // The head starts empty: the first evaluations wait until every target had one scrape.
      manager.start(Math.max(config.global.scrapeIntervalMs, ...config.scrapeConfigs.map((sc) => sc.scrapeIntervalMs)));
    },
    async stop() {
      await manager.stop();
      await alerting.stop();
    },
  };
}
