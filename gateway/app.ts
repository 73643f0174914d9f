// The gateway's HTTP app (Web-standard only): stream, targets, status, health and self-metrics routes.
import { Hono, type MiddlewareHandler } from 'hono';
import type { Head } from './head/head.ts';
import type { Clock, Scheduler } from './runtime/ports.ts';
import type { DroppedTargetSpec, TargetStatus } from './scrape/manager.ts';
import type { BuildInfo, SelfMetrics } from './metrics/self-metrics.ts';
import { TEXT_CONTENT_TYPE } from './metrics/registry.ts';
import { failure, statusFor, success } from './api/envelope.ts';
import { redactSecrets } from './api/redact.ts';
import { targetsJSON } from './api/targets.ts';
import { openStream } from './stream/connection.ts';

/** Everything the routes read; built by createGateway, or by tests with fakes. */
export interface AppDeps {
  head: Head;
  scrapes: { targets(): TargetStatus[]; droppedTargets(): readonly DroppedTargetSpec[] };
  metrics: SelfMetrics;
  clock: Clock;
  scheduler: Scheduler;
  build: BuildInfo;
  /** The configuration as loaded, shown by /api/v1/status/config. */
  configYaml: string;
  /** Command-line flags, shown by /api/v1/status/flags. */
  flags: Record<string, string>;
  /** Idle time before a stream heartbeat (default 15 s). */
  heartbeatMs?: number;
  /** False while starting up or shutting down: /-/ready answers 503. */
  ready?: () => boolean;
  /** Serves the built studio (runtime-specific); requests no API route matched fall through to it. */
  staticFiles?: MiddlewareHandler;
}

const API_ROUTES = new Set([
  '/metrics',
  '/api/v1/stream',
  '/api/v1/targets',
  '/api/v1/status/buildinfo',
  '/api/v1/status/config',
  '/api/v1/status/flags',
  '/-/healthy',
  '/-/ready',
]);

/** Builds the Hono app over its dependencies. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const { head, metrics } = deps;

  app.use('*', async (c, next) => {
    await next();
    const path = c.req.path;
    const handler = API_ROUTES.has(path) ? path : path.startsWith('/api/') ? '/api/other' : '/static';
    metrics.httpRequests.inc([handler, String(c.res.status)]);
  });

  app.get('/-/healthy', (c) => c.text('Sightline is Healthy.\n'));
  app.get('/-/ready', (c) => (deps.ready?.() ?? true ? c.text('Sightline is Ready.\n') : c.text('Service Unavailable\n', 503)));

  app.get('/metrics', () => new Response(metrics.registry.expose(), { headers: { 'Content-Type': TEXT_CONTENT_TYPE } }));

  app.get('/api/v1/targets', (c) =>
    c.json(success(targetsJSON(deps.scrapes.targets(), deps.scrapes.droppedTargets(), c.req.query('state'), c.req.query('scrapePool')))),
  );
  app.get('/api/v1/status/buildinfo', (c) =>
    c.json(
      success({
        version: deps.build.version,
        revision: deps.build.revision,
        branch: deps.build.branch,
        buildUser: deps.build.buildUser,
        buildDate: deps.build.buildDate,
        goVersion: deps.build.runtime,
      }),
    ),
  );
  const shownConfig = redactSecrets(deps.configYaml);
  app.get('/api/v1/status/config', (c) => c.json(success({ yaml: shownConfig })));
  app.get('/api/v1/status/flags', (c) => c.json(success(deps.flags)));

  app.get('/api/v1/stream', (c) => {
    let epoch = c.req.query('epoch') ?? null;
    let afterText = c.req.query('after');
    // An EventSource reconnecting on its own sends the last event id (`epoch:seq`) instead of query parameters.
    const lastEventId = c.req.header('Last-Event-ID');
    if (epoch === null && afterText === undefined && lastEventId) {
      const m = /^(.*):(\d+)$/.exec(lastEventId);
      if (m) [epoch, afterText] = [m[1], m[2]];
    }
    let after: number | null = null;
    if (afterText !== undefined) {
      if (!/^\d{1,15}$/.test(afterText)) {
        return c.json(failure('bad_data', `invalid parameter "after": ${JSON.stringify(afterText)} is not a sequence number`), statusFor('bad_data'));
      }
      after = Number(afterText);
    }
    metrics.streamClients.inc();
    metrics.streamConnections.inc();
    const body = openStream({
      head,
      clock: deps.clock,
      scheduler: deps.scheduler,
      request: { epoch, after },
      heartbeatMs: deps.heartbeatMs ?? 15_000,
      onClose: () => metrics.streamClients.inc([], -1),
      onMessage: (bytes) => metrics.streamBytes.inc([], bytes),
    });
    return new Response(body, {
      headers: {
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        'X-Accel-Buffering': 'no',
      },
    });
  });

  app.all('/api/*', (c) => c.json(failure('not_found', `no API endpoint ${c.req.method} ${c.req.path}`), statusFor('not_found')));
  if (deps.staticFiles) app.use('*', deps.staticFiles);
  return app;
}
