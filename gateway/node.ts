// Node entry point: flags, config loading, static studio files, process metrics, HTTP server, graceful shutdown.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { DEFAULT_CONFIG_FILE, defaultConfigText } from '../shared/config/index.ts';
import { corsRegExp, listenProblem, parseArgs, USAGE, type GatewayArgs } from './args.ts';
import { nodeDashboardFiles } from './cli/node-dashboards.ts';
import { dashboardRoutes } from './dashboards/routes.ts';
import { nodeFiles, nodeLogDir } from './cli/node-files.ts';
import { nodeRuleOptions } from './cli/node-rules.ts';
import { nodeTlsFetch } from './cli/node-tls-fetch.ts';
import { nodeScrapeGet } from './cli/node-scrape-get.ts';
import { createGateway, type ConfigLoad } from './gateway.ts';
import { LogHeadStore } from './head/log-store.ts';
import type { ProcessStats } from './metrics/self-metrics.ts';
import { systemClock, systemScheduler, type FetchFn } from './runtime/ports.ts';
import { loadConfigFile, loadConfigText } from './scrape/load-config.ts';
import { parseScrapeBody } from './scrape/parse.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), process.env);
  if ('error' in args) {
    process.stderr.write(`sightline: ${args.error}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const token = args.token ?? args.adminToken;
  const problem = listenProblem({ listenAddress: args.listenAddress, token });
  if (problem !== null) {
    process.stderr.write(`sightline: ${problem}\n`);
    process.exit(2);
  }

  const configFile = args.configFile;
  const load = (): Promise<ConfigLoad> => loadNodeConfig(args, token);
  const initial = await load();
  if (!initial.ok) {
    for (const e of initial.errors) process.stderr.write(`${e}\n`);
    process.exit(1);
  }
  for (const w of initial.warnings ?? []) process.stderr.write(`warning: ${w}\n`);

  // Rules and alerting: rule files from disk, state under --storage.path, the built-in notifier from --alertmanager-config.
  const externalHost = args.listenAddress.includes(':') && !args.listenAddress.startsWith('[') ? `[${args.listenAddress}]` : args.listenAddress;
  const rulesSetup = nodeRuleOptions({
    alertmanagerConfigFile: args.alertmanagerConfigFile,
    storagePath: args.storagePath,
    externalURL: `http://${externalHost}:${args.port}`,
    env: process.env,
  });
  if (!rulesSetup.ok) {
    for (const e of rulesSetup.errors) process.stderr.write(`${e}\n`);
    process.exit(1);
  }
  for (const w of rulesSetup.warnings) process.stderr.write(`warning: ${w}\n`);

  // --storage.path: the epoch and the head survive restarts (within retention), so studios resume instead of reloading.
  const store =
    args.storagePath === null
      ? null
      : new LogHeadStore(nodeLogDir(join(args.storagePath, 'head')), {
          retentionMs: args.retentionMs,
          clock: systemClock,
          scheduler: systemScheduler,
          log: (line) => process.stderr.write(`${line}\n`),
        });
  let persisted: Awaited<ReturnType<LogHeadStore['load']>> = null;
  try {
    persisted = (await store?.load()) ?? null;
  } catch (e) {
    process.stderr.write(`sightline: cannot read the stored head in ${args.storagePath}: ${(e as Error).message}; starting a new epoch\n`);
  }
  const epoch = persisted?.epoch ?? randomUUID().slice(0, 8);

  const version = readVersion();
  const fetchFn: FetchFn = (input, init) => fetch(input, init);
  const gateway = createGateway({
    config: initial.config,
    reloadConfig: load,
    parse: parseScrapeBody,
    fetchFn,
    scrapeGet: nodeScrapeGet(),
    files: nodeFiles,
    tlsFetch: nodeTlsFetch(nodeFiles.read, fetchFn),
    runtimeName: 'Node',
    clock: systemClock,
    scheduler: systemScheduler,
    epoch,
    build: { version, revision: '', branch: '', buildUser: '', buildDate: '', runtime: `node ${process.version}` },
    configYaml: initial.text,
    flags: {
      'config.file': configFile ?? '',
      'web.listen-address': `${args.listenAddress}:${args.port}`,
      'web.cors.origin': args.corsOrigin ?? '',
      'storage.retention': `${args.retentionMs / 60_000}m`,
      'storage.path': args.storagePath ?? '',
      dashboards: args.dashboardsDir ?? '',
      'query.max-samples': String(args.queryMaxSamples),
      'query.timeout': `${args.queryTimeoutMs / 1000}s`,
      'query.lookback-delta': `${args.lookbackDeltaMs / 1000}s`,
      'auth.token': token === null ? 'false' : 'true',
    },
    processStats: nodeProcessStats,
    retentionMs: args.retentionMs,
    queryLimits: { maxSamples: args.queryMaxSamples, timeoutMs: args.queryTimeoutMs, lookbackDeltaMs: args.lookbackDeltaMs },
    security: {
      token: args.token ?? undefined,
      adminToken: args.adminToken ?? undefined,
      corsOrigin: args.corsOrigin === null ? null : corsRegExp(args.corsOrigin),
      loopbackOnly: token === null,
    },
    log: (line) => process.stderr.write(`${line}\n`),
    staticFiles: studioFiles(),
    rules: rulesSetup.options,
    dashboards: args.dashboardsDir === null ? undefined : dashboardRoutes(nodeDashboardFiles(args.dashboardsDir)),
  });
  const rulesLoaded = await gateway.rules?.load();
  if (rulesLoaded && !rulesLoaded.ok) {
    for (const e of rulesLoaded.errors) process.stderr.write(`${e}\n`);
    process.exit(1);
  }

  if (store !== null) {
    if (persisted !== null) {
      gateway.head.restore(persisted.snapshot, Date.now());
      process.stdout.write(`resumed epoch ${epoch} from ${args.storagePath}: ${gateway.head.stats().batches} batch(es), next sequence ${gateway.head.nextSeq}\n`);
    }
    store.attach(gateway.head, epoch);
  }

  const server = serve({ fetch: gateway.app.fetch, port: args.port, hostname: args.listenAddress }, (info) => {
    const targets = gateway.manager;
    const jobs = gateway.config?.scrapeConfigs.map((sc) => sc.jobName).join(', ') || 'none';
    const access =
      token === null
        ? 'loopback only: no auth token configured; set SIGHTLINE_TOKEN to listen on other addresses'
        : `bearer token required on the API and stream${args.adminToken !== null ? '; admin token on /-/reload' : ''}`;
    gateway.start();
    process.stdout.write(
      `Sightline gateway ${version} listening on http://${info.address}:${info.port} (${access})\n` +
        `config: ${configFile ?? 'built-in (scraping itself every 5s)'}; ${targets.targets().length} target(s) in job(s): ${jobs}\n`,
    );
  });
  server.on('error', (e: NodeJS.ErrnoException) => {
    process.stderr.write(`sightline: cannot listen on ${args.listenAddress}:${args.port}: ${e.message}\n`);
    process.exit(1);
  });

  process.on('SIGHUP', () => {
    process.stdout.write('received SIGHUP, reloading the configuration\n');
    void gateway.reload().then((r) => {
      if (r.ok) process.stdout.write(`configuration reloaded: ${gateway.manager.targets().length} target(s)\n`);
    });
  });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`received ${signal}, shutting down\n`);
    gateway.stop();
    // Alert state and notification history are written before the process goes.
    const saved = Promise.all([gateway.rules?.stop(), store?.close()]);
    server.close(() => void saved.finally(() => process.exit(0)));
    // Stream responses never end by themselves; cut them so close() can finish.
    if ('closeAllConnections' in server) server.closeAllConnections();
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

/**
 * Loads --config (or the built-in self-scrape). With a token set, the built-in self-scrape sends it, since /metrics
 * then requires it too.
 */
async function loadNodeConfig(args: GatewayArgs, token: string | null): Promise<ConfigLoad> {
  const loaded =
    args.configFile === null
      ? await loadConfigText(defaultConfigText(args.port), DEFAULT_CONFIG_FILE, nodeFiles, process.env)
      : await loadConfigFile(args.configFile, nodeFiles, process.env);
  if (loaded.ok && args.configFile === null && token !== null) {
    for (const sc of loaded.config.scrapeConfigs) sc.http.authorization = { type: 'Bearer', credentials: token };
  }
  return loaded;
}

/** Serves dist/web; paths without a file extension that match no file get index.html (client-side routes). */
function studioFiles(): MiddlewareHandler {
  const root = join(repoRoot, 'dist', 'web');
  if (!existsSync(join(root, 'index.html'))) {
    process.stderr.write(`note: studio not built (${root}/index.html missing): run \`npm run build:web\`; serving the API only\n`);
    return async (c, next) => {
      if (c.req.path === '/') return c.text('Sightline gateway: the studio is not built; run `npm run build:web`.\n', 404);
      await next();
    };
  }
  return serveStatic({
    root,
    rewriteRequestPath: (path) => (/\.[A-Za-z0-9]+$/.test(path) || existsSync(join(root, path)) ? path : '/index.html'),
  });
}

function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version?: string }).version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

const startTimeSeconds = Date.now() / 1000 - process.uptime();

/** process_* values as the Go client reports them, from Node's process API and /proc where present. */
function nodeProcessStats(): ProcessStats {
  const cpu = process.cpuUsage();
  const mem = process.memoryUsage();
  const stats: ProcessStats = {
    cpuSecondsTotal: (cpu.user + cpu.system) / 1e6,
    residentMemoryBytes: mem.rss,
    heapBytes: mem.heapTotal,
    heapUsedBytes: mem.heapUsed,
    externalMemoryBytes: mem.external,
    arrayBuffersBytes: mem.arrayBuffers,
    startTimeSeconds,
  };
  try {
    stats.openFds = readdirSync('/proc/self/fd').length;
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const m = /^Max open files\s+(\d+)/m.exec(limits);
    if (m) stats.maxFds = Number(m[1]);
    const statm = readFileSync('/proc/self/statm', 'utf8').split(' ');
    stats.virtualMemoryBytes = Number(statm[0]) * 4096;
  } catch {
    // Not Linux: these metrics are simply absent.
  }
  return stats;
}

void main();
