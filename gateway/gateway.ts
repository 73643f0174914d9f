// Composes a running gateway from its parts: head, engine, self-metrics, discovery, scrape manager, reload and the HTTP app.
import type { Hono, MiddlewareHandler } from 'hono';
import type { ScrapeConfigFile } from '../shared/config/types.ts';
import { userAgent } from '../shared/exposition/index.ts';
import { createEngine, type Engine } from '../shared/promql/engine/index.ts';
import { createApp, type ReloadResult } from './app.ts';
import type { QueryLimits } from './api/query.ts';
import type { SecurityOptions } from './api/security.ts';
import { Head } from './head/head.ts';
import { createSelfMetrics, type BuildInfo, type ProcessStatsProvider, type SelfMetrics } from './metrics/self-metrics.ts';
import type { Clock, FetchFn, FileSource, Scheduler, ScrapeGetFn, TlsFetchFactory } from './runtime/ports.ts';
import { Discovery } from './scrape/discovery.ts';
import { resolveTargets } from './scrape/from-config.ts';
import { ScrapeManager, type DroppedTargetSpec, type ExpositionParser, type TargetSpec } from './scrape/manager.ts';
import { createRuleSystem, type RuleSystem, type RuleSystemOptions } from './rules/system.ts';

/** A configuration as the runtime loaded it (file read, YAML checked), or why it could not. */
export type ConfigLoad = { ok: true; config: ScrapeConfigFile; text: string; warnings?: string[] } | { ok: false; errors: string[] };

export interface GatewayOptions {
  /**
   * The loaded configuration: the gateway runs its service discovery and resolves its targets (and re-resolves
   * them whenever discovery or a reload changes something). Without it, `targets` are scraped as given.
   */
  config?: ScrapeConfigFile;
  /** Targets to scrape, already resolved (used when `config` is absent). */
  targets?: { active: readonly TargetSpec[]; dropped: readonly DroppedTargetSpec[] };
  parse: ExpositionParser;
  fetchFn: FetchFn;
  /** The scrapes' GET where the runtime has a faster one than over fetchFn (Node). */
  scrapeGet?: ScrapeGetFn;
  clock: Clock;
  scheduler: Scheduler;
  /** Stream epoch; a fresh random one per process start unless persisted. */
  epoch: string;
  build: BuildInfo;
  configYaml: string;
  flags: Record<string, string>;
  processStats?: ProcessStatsProvider;
  retentionMs?: number;
  heartbeatMs?: number;
  staticFiles?: MiddlewareHandler;
  /** Re-reads the configuration for POST /-/reload and SIGHUP; absent = reload unsupported. */
  reloadConfig?: () => Promise<ConfigLoad>;
  /** file_sd files and credential files (Node); absent where there is no file system. */
  files?: FileSource;
  /** A fetch honouring tls_config (Node); absent where the runtime cannot. */
  tlsFetch?: TlsFetchFactory;
  /** For error messages about what this runtime cannot do, e.g. "Cloudflare Workers". */
  runtimeName?: string;
  queryLimits?: QueryLimits;
  security?: SecurityOptions;
  /** Operational log lines (reloads, discovery problems, invalid targets); never carries secrets. */
  log?: (line: string) => void;
  /** Rule evaluation and alerting (needs `config`); call gateway.rules.load() before start(). */
  rules?: Omit<RuleSystemOptions, 'config' | 'log'>;
  /** Provisioned dashboards' routes (dashboardRoutes over --dashboards DIR on Node); absent = none. */
  dashboards?: Hono;
}

/** Runs after the scrape configuration of a successful reload is in force; returns errors that fail the reload. */
export type ReloadListener = (config: ScrapeConfigFile) => string[] | Promise<string[]>;

export interface Gateway {
  app: Hono;
  head: Head;
  engine: Engine;
  manager: ScrapeManager;
  metrics: SelfMetrics;
  /** The configuration in force (undefined when the gateway was given resolved targets only). */
  readonly config: ScrapeConfigFile | undefined;
  /** Starts discovery and the scrape loops and marks the gateway ready. */
  start(): void;
  /** Stops scraping and discovery and marks the gateway not ready (open streams are the runtime's to close). */
  stop(): void;
  /**
   * Loads the configuration again; on errors the old one stays in force. Unchanged targets keep their state,
   * new ones start, removed ones get stale markers. Reloads run one at a time.
   */
  reload(): Promise<ReloadResult>;
  /** Registers a component (rules, notifier) that must follow reloads. */
  onReload(listener: ReloadListener): void;
  /** Rules and alerting, when configured. */
  rules?: RuleSystem;
}

/** Wires a gateway; nothing runs until start(). */
export function createGateway(o: GatewayOptions): Gateway {
  const log = o.log ?? (() => undefined);
  const head = new Head({ epoch: o.epoch, retentionMs: o.retentionMs });
  const metrics = createSelfMetrics(head, o.build, o.processStats);
  const engine = createEngine({
    now: () => o.clock.now(),
    maxSamples: o.queryLimits?.maxSamples,
    lookbackDelta: o.queryLimits?.lookbackDeltaMs,
  });
  const agent = userAgent(o.build.version);
  const manager = new ScrapeManager({
    head,
    fetchFn: o.fetchFn,
    scrapeGet: o.scrapeGet,
    clock: o.clock,
    scheduler: o.scheduler,
    parse: o.parse,
    userAgent: agent,
    readFile: o.files?.read,
    tlsFetch: o.tlsFetch,
    runtimeName: o.runtimeName,
    onScrape: (spec, output) => {
      const job = spec.pool;
      metrics.scrapes.inc([job]);
      if (output.error !== null) metrics.scrapeFailures.inc([job]);
      metrics.scrapeSamples.inc([job], output.samples.length);
    },
  });

  let config = o.config;
  let configYaml = o.configYaml;
  let ready = false;
  let running = false;
  let reportedErrors = new Set<string>();
  const listeners: ReloadListener[] = [];

  /** Resolves the configuration with what discovery found and hands the result to the scrape manager. */
  const applyTargets = (): void => {
    if (!running || config === undefined) return;
    const resolved = resolveTargets(config, discovery.groups());
    const errors = new Set(resolved.errors);
    for (const e of errors) if (!reportedErrors.has(e)) log(`invalid target: ${e}`);
    reportedErrors = errors;
    manager.apply(resolved.active, resolved.dropped, resolved.droppedCounts);
  };

  const discovery = new Discovery({
    fetchFn: o.fetchFn,
    clock: o.clock,
    scheduler: o.scheduler,
    userAgent: agent,
    files: o.files,
    tlsFetch: o.tlsFetch,
    runtimeName: o.runtimeName,
    onChange: applyTargets,
    onError: (mechanism, message) => {
      metrics.sdRefreshFailures.inc([mechanism]);
      log(`discovery: ${message}`);
    },
  });

  let reloading: Promise<ReloadResult> = Promise.resolve({ ok: true, errors: [] });
  const reloadOnce = async (): Promise<ReloadResult> => {
    if (o.reloadConfig === undefined) return { ok: false, errors: ['this gateway was started without a reloadable configuration'] };
    let loaded: ConfigLoad;
    try {
      loaded = await o.reloadConfig();
    } catch (e) {
      loaded = { ok: false, errors: [`cannot load the configuration: ${e instanceof Error ? e.message : String(e)}`] };
    }
    if (!loaded.ok) {
      metrics.configReloadSuccessful.set([], 0);
      log(`reload failed, keeping the previous configuration:\n${loaded.errors.join('\n')}`);
      return { ok: false, errors: loaded.errors };
    }
    for (const w of loaded.warnings ?? []) log(`warning: ${w}`);
    config = loaded.config;
    configYaml = loaded.text;
    if (running) {
      discovery.apply(loaded.config);
      applyTargets();
    }
    const errors: string[] = [];
    for (const listener of listeners) errors.push(...(await listener(loaded.config)));
    metrics.configReloadSuccessful.set([], errors.length === 0 ? 1 : 0);
    if (errors.length > 0) {
      log(`reload: the scrape configuration is in force, but:\n${errors.join('\n')}`);
      return { ok: false, errors };
    }
    metrics.configReloadSuccessTime.set([], o.clock.now() / 1000);
    log(`configuration reloaded: ${loaded.config.scrapeConfigs.length} scrape config(s), ${manager.targets().length} target(s)`);
    return { ok: true, errors: [] };
  };

  // Rules read the head and write their outputs through its append path, so the stream carries them like scraped series.
  const rules =
    o.rules && config
      ? createRuleSystem(
          { ...o.rules, config, log },
          { queryable: head, append: (samples, now) => head.append(samples, now), clock: o.clock, scheduler: o.scheduler, fetchFn: o.fetchFn, userAgent: agent },
        )
      : undefined;
  if (rules) listeners.push(async (c) => (await rules.applyConfig(c)).errors);

  const app = createApp({
    head,
    scrapes: manager,
    metrics,
    engine,
    queryLimits: o.queryLimits,
    security: o.security,
    clock: o.clock,
    scheduler: o.scheduler,
    build: o.build,
    configYaml: () => configYaml,
    flags: o.flags,
    heartbeatMs: o.heartbeatMs,
    ready: () => ready,
    reload: o.reloadConfig ? () => gateway.reload() : undefined,
    staticFiles: o.staticFiles,
    routes: rules?.routes,
    dashboards: o.dashboards,
  });

  const gateway: Gateway = {
    app,
    head,
    engine,
    manager,
    metrics,
    rules,
    get config() {
      return config;
    },
    start() {
      running = true;
      metrics.configReloadSuccessful.set([], 1);
      metrics.configReloadSuccessTime.set([], o.clock.now() / 1000);
      if (config !== undefined) {
        discovery.apply(config);
        applyTargets();
      } else if (o.targets !== undefined) {
        manager.apply(o.targets.active, o.targets.dropped);
      }
      rules?.start();
      ready = true;
    },
    stop() {
      ready = false;
      running = false;
      discovery.stop();
      manager.stop();
      void rules?.stop();
    },
    reload() {
      reloading = reloading.then(reloadOnce, reloadOnce);
      return reloading;
    },
    onReload(listener) {
      listeners.push(listener);
    },
  };
  return gateway;
}
