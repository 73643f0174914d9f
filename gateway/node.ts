// Node entry point: flags, config loading, static studio files, process metrics, HTTP server, graceful shutdown.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';
import { serve } from '@hono/node-server';
import { serveStatic } from '@hono/node-server/serve-static';
import type { MiddlewareHandler } from 'hono';
import { DEFAULT_CONFIG_FILE, defaultConfigText, formatIssue, loadConfig } from '../shared/config/index.ts';
import { isLoopback, parseArgs, USAGE } from './args.ts';
import { createGateway } from './gateway.ts';
import type { ProcessStats } from './metrics/self-metrics.ts';
import { systemClock, systemScheduler } from './runtime/ports.ts';
import { resolveTargets } from './scrape/from-config.ts';
import { parseScrapeBody } from './scrape/parse.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function main(): void {
  const args = parseArgs(process.argv.slice(2), process.env);
  if ('error' in args) {
    process.stderr.write(`sightline: ${args.error}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (!isLoopback(args.listenAddress)) {
    process.stderr.write(
      `sightline: refusing to listen on ${args.listenAddress}: without an auth token the gateway binds loopback addresses only\n`,
    );
    process.exit(2);
  }

  const configFile = args.configFile;
  let configText: string;
  if (configFile === null) configText = defaultConfigText(args.port);
  else {
    try {
      configText = readFileSync(configFile, 'utf8');
    } catch (e) {
      process.stderr.write(`${configFile}: cannot read config file: ${(e as Error).message}\n`);
      process.exit(1);
    }
  }
  const loaded = loadConfig(configText, configFile ?? DEFAULT_CONFIG_FILE, { env: process.env });
  for (const w of loaded.warnings) process.stderr.write(`warning: ${formatIssue(w)}\n`);
  if (loaded.config === undefined) {
    for (const e of loaded.errors) process.stderr.write(`${formatIssue(e)}\n`);
    process.exit(1);
  }
  const targets = resolveTargets(loaded.config);
  for (const e of targets.errors) process.stderr.write(`warning: ${e}\n`);

  const version = readVersion();
  const gateway = createGateway({
    targets,
    parse: parseScrapeBody,
    fetchFn: (input, init) => fetch(input, init),
    clock: systemClock,
    scheduler: systemScheduler,
    epoch: randomUUID().slice(0, 8),
    build: { version, revision: '', branch: '', buildUser: '', buildDate: '', runtime: `node ${process.version}` },
    configYaml: configText,
    flags: {
      'config.file': configFile ?? '',
      'web.listen-address': `${args.listenAddress}:${args.port}`,
      'storage.retention': `${args.retentionMs / 60_000}m`,
    },
    processStats: nodeProcessStats,
    retentionMs: args.retentionMs,
    staticFiles: studioFiles(),
  });

  const server = serve({ fetch: gateway.app.fetch, port: args.port, hostname: args.listenAddress }, (info) => {
    const jobs = [...new Set(targets.active.map((t) => t.pool))].join(', ') || 'none';
    process.stdout.write(
      `Sightline gateway ${version} listening on http://${info.address}:${info.port} (loopback only: no auth token configured)\n` +
        `config: ${configFile ?? 'built-in (scraping itself every 5s)'}; ${targets.active.length} target(s) in job(s): ${jobs}\n`,
    );
    gateway.start();
  });
  server.on('error', (e: NodeJS.ErrnoException) => {
    process.stderr.write(`sightline: cannot listen on ${args.listenAddress}:${args.port}: ${e.message}\n`);
    process.exit(1);
  });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`received ${signal}, shutting down\n`);
    gateway.stop();
    server.close(() => process.exit(0));
    // Stream responses never end by themselves; cut them so close() can finish.
    if ('closeAllConnections' in server) server.closeAllConnections();
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
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

main();
