// Composes a running gateway from its parts: head, self-metrics, scrape manager and the HTTP app.
import type { Hono, MiddlewareHandler } from 'hono';
import { userAgent } from '../shared/exposition/index.ts';
import { createApp } from './app.ts';
import { Head } from './head/head.ts';
import { createSelfMetrics, type BuildInfo, type ProcessStatsProvider, type SelfMetrics } from './metrics/self-metrics.ts';
import type { Clock, FetchFn, Scheduler } from './runtime/ports.ts';
import { ScrapeManager, type DroppedTargetSpec, type ExpositionParser, type TargetSpec } from './scrape/manager.ts';

export interface GatewayOptions {
  /** Targets to scrape, resolved from the configuration. */
  targets: { active: readonly TargetSpec[]; dropped: readonly DroppedTargetSpec[] };
  parse: ExpositionParser;
  fetchFn: FetchFn;
  clock: Clock;
  scheduler: Scheduler;
  /** Stream epoch; a fresh random one per process start. */
  epoch: string;
  build: BuildInfo;
  configYaml: string;
  flags: Record<string, string>;
  processStats?: ProcessStatsProvider;
  retentionMs?: number;
  heartbeatMs?: number;
  staticFiles?: MiddlewareHandler;
}

export interface Gateway {
  app: Hono;
  head: Head;
  manager: ScrapeManager;
  metrics: SelfMetrics;
  /** Starts the scrape loops and marks the gateway ready. */
  start(): void;
  /** Stops scraping and marks the gateway not ready (open streams are the runtime's to close). */
  stop(): void;
}

/** Wires a gateway; nothing runs until start(). */
export function createGateway(o: GatewayOptions): Gateway {
  const head = new Head({ epoch: o.epoch, retentionMs: o.retentionMs });
  const metrics = createSelfMetrics(head, o.build, o.processStats);
  const manager = new ScrapeManager({
    head,
    fetchFn: o.fetchFn,
    clock: o.clock,
    scheduler: o.scheduler,
    parse: o.parse,
    userAgent: userAgent(o.build.version),
    onScrape: (spec, output) => {
      const job = spec.pool;
      metrics.scrapes.inc([job]);
      if (output.error !== null) metrics.scrapeFailures.inc([job]);
      metrics.scrapeSamples.inc([job], output.samples.length);
    },
  });
  let ready = false;
  const app = createApp({
    head,
    scrapes: manager,
    metrics,
    clock: o.clock,
    scheduler: o.scheduler,
    build: o.build,
    configYaml: o.configYaml,
    flags: o.flags,
    heartbeatMs: o.heartbeatMs,
    ready: () => ready,
    staticFiles: o.staticFiles,
  });
  return {
    app,
    head,
    manager,
    metrics,
    start() {
      manager.apply(o.targets.active, o.targets.dropped);
      ready = true;
    },
    stop() {
      ready = false;
      manager.stop();
    },
  };
}
