// The gateway's HTTP app (Web-standard only): access control, query API, stream, targets, status, lifecycle, health and self-metrics.
import { Hono, type MiddlewareHandler } from 'hono';
import type { Engine } from '../shared/promql/engine/index.ts';
import type { Head } from './head/head.ts';
import type { Clock, Scheduler } from './runtime/ports.ts';
import type { DroppedTargetSpec, TargetStatus } from './scrape/manager.ts';
import type { BuildInfo, SelfMetrics } from './metrics/self-metrics.ts';
import { TEXT_CONTENT_TYPE } from './metrics/registry.ts';
import { failure, statusFor, success } from './api/envelope.ts';
import { redactSecrets } from './api/redact.ts';
import { DEFAULT_QUERY_LIMITS, queryApi, type QueryLimits } from './api/query.ts';
import { security, type SecurityOptions } from './api/security.ts';
import { lastScrapeJSON, targetsJSON } from './api/targets.ts';
import type { LastScrape } from './scrape/manager.ts';
import { openStream } from './stream/connection.ts';

/** Outcome of a configuration reload: the errors that kept the old configuration in force. */
export interface ReloadResult {
  ok: boolean;
  errors: string[];
}

/** Everything the routes read; built by createGateway, or by tests with fakes. */
export interface AppDeps {
  head: Head;
  scrapes: {
    targets(): TargetStatus[];
    droppedTargets(): readonly DroppedTargetSpec[];
    /** Dropped targets per pool when some were not kept (keep_dropped_targets); else counted from droppedTargets(). */
    droppedTargetCounts?(): Record<string, number>;
    /** The last scrape body of the target of this pool with this instance label (or scrape URL). */
    lastScrape?(pool: string, instance: string, url?: string): LastScrape | undefined;
  };
  metrics: SelfMetrics;
  /** The PromQL engine behind /api/v1/query and /api/v1/query_range. */
  engine: Engine;
  /** --query.max-samples, --query.timeout, --query.lookback-delta (Prometheus's defaults when absent). */
  queryLimits?: QueryLimits;
  /** Tokens, CORS and body limits; absent = no token (open to whoever reaches a loopback Host). */
  security?: SecurityOptions;
  /** POST /-/reload and SIGHUP: re-reads the configuration; absent = the runtime cannot reload (405). */
  reload?: () => Promise<ReloadResult>;
  clock: Clock;
  scheduler: Scheduler;
  build: BuildInfo;
  /** The configuration in force (changes on reload), shown by /api/v1/status/config with secrets hidden. */
  configYaml: () => string;
  /** Command-line flags, shown by /api/v1/status/flags. */
  flags: Record<string, string>;
  /** Idle time before a stream heartbeat (default 15 s). */
  heartbeatMs?: number;
  /** False while starting up or shutting down: /-/ready answers 503. */
  ready?: () => boolean;
  /** Serves the built studio (runtime-specific); requests no API route matched fall through to it. */
  staticFiles?: MiddlewareHandler;
  /** More API routes (rules, alerts, silences: gateway/rules/system.ts), mounted before the API catch-all. */
  routes?: Hono;
  /**
   * Provisioned dashboards' routes (gateway/dashboards/routes.ts, built by the Node entry for --dashboards DIR), mounted
   * before the API catch-all; absent = none (404). Passed in so runtimes without them do not bundle the importer.
   */
  dashboards?: Hono;
}

const API_ROUTES = new Set([
  '/metrics',
  '/api/v1/stream',
  '/api/v1/targets',
  '/api/v1/targets/last_scrape',
  '/api/v1/query',
  '/api/v1/query_range',
  '/api/v1/series',
  '/api/v1/labels',
  '/api/v1/metadata',
  '/api/v1/query_exemplars',
  '/api/v1/format_query',
  '/api/v1/parse_query',
  '/-/reload',
  '/api/v1/status/buildinfo',
  '/api/v1/status/config',
  '/api/v1/status/flags',
  '/-/healthy',
  '/-/ready',
  '/api/v1/dashboards',
]);

/** Builds the Hono app over its dependencies. */
export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const { head, metrics } = deps;

  app.use('*', async (c, next) => {
    await next();
    const path = c.req.path;
    const handler = API_ROUTES.has(path)
      ? path
      : path.startsWith('/api/v1/label/')
        ? '/api/v1/label/:name/values'
        : path.startsWith('/api/v1/dashboards/')
          ? '/api/v1/dashboards/:uid'
          : path.startsWith('/api/')
            ? '/api/other'
            : '/static';
    metrics.httpRequests.inc([handler, String(c.res.status)]);
  });
  app.use('*', security(deps.security ?? {}));

  app.get('/-/healthy', (c) => c.text('Sightline is Healthy.\n'));
  app.get('/-/ready', (c) => (deps.ready?.() ?? true ? c.text('Sightline is Ready.\n') : c.text('Service Unavailable\n', 503)));

  app.get('/metrics', () => new Response(metrics.registry.expose(), { headers: { 'Content-Type': TEXT_CONTENT_TYPE } }));

  app.get('/api/v1/targets', (c) =>
    c.json(
      success(
        targetsJSON(deps.scrapes.targets(), deps.scrapes.droppedTargets(), c.req.query('state'), c.req.query('scrapePool'), deps.scrapes.droppedTargetCounts?.()),
      ),
    ),
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
  app.get('/api/v1/status/config', (c) => c.json(success({ yaml: redactSecrets(deps.configYaml()) })));
  app.get('/api/v1/status/flags', (c) => c.json(success(deps.flags)));

  app.get('/api/v1/targets/last_scrape', (c) => {
    const pool = c.req.query('scrapePool') ?? '';
    const instance = c.req.query('instance') ?? '';
    const url = c.req.query('scrapeUrl');
    if (pool === '' || (instance === '' && url === undefined)) {
      return c.json(failure('bad_data', 'parameters "scrapePool" and "instance" (or "scrapeUrl") are required'), statusFor('bad_data'));
    }
    const last = deps.scrapes.lastScrape?.(pool, instance, url);
    if (last === undefined) {
      return c.json(failure('not_found', `no active target with scrapePool=${JSON.stringify(pool)} and instance=${JSON.stringify(instance)}`), statusFor('not_found'));
    }
    return c.json(success(lastScrapeJSON(last)));
  });

  app.route('/api/v1', queryApi({ store: head, engine: deps.engine, clock: deps.clock, limits: deps.queryLimits ?? DEFAULT_QUERY_LIMITS }));

  const reload = async (): Promise<Response> => {
    if (deps.reload === undefined) return new Response('This runtime cannot reload its configuration.\n', { status: 405 });
    const result = await deps.reload();
    if (result.ok) return new Response(null, { status: 200 });
    return new Response(`failed to reload config: ${result.errors.join('\n')}\n`, { status: 500, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });
  };
  app.post('/-/reload', reload);
  app.put('/-/reload', reload);
  app.all('/-/reload', () => new Response('Only POST or PUT requests allowed\n', { status: 405, headers: { Allow: 'POST, PUT' } }));

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

  if (deps.routes) app.route('/', deps.routes);
  if (deps.dashboards) app.route('/', deps.dashboards);
  app.all('/api/*', (c) => c.json(failure('not_found', `no API endpoint ${c.req.method} ${c.req.path}`), statusFor('not_found')));
  if (deps.staticFiles) app.use('*', deps.staticFiles);
  return app;
}
