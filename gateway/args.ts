// Command-line flags of the gateway (pure: argv and environment in, options or a usage error out).
import { parseDuration } from '../shared/config/duration.ts';

export interface GatewayArgs {
  /** --config FILE; null means the embedded default (scrape the gateway itself). */
  configFile: string | null;
  port: number;
  listenAddress: string;
  /** --retention: how long the in-memory head keeps samples, ms. */
  retentionMs: number;
  /** --alertmanager-config FILE ($SIGHTLINE_ALERTMANAGER_CONFIG): the built-in notifier's Alertmanager-format config; null = none. */
  alertmanagerConfigFile: string | null;
  /** --query.max-samples (default 50,000,000, as Prometheus). */
  queryMaxSamples: number;
  /** --query.timeout (default 2m). */
  queryTimeoutMs: number;
  /** --query.lookback-delta (default 5m). */
  lookbackDeltaMs: number;
  /** --cors.origin / --web.cors.origin: regex of extra origins browsers may call from; null = the gateway's own only. */
  corsOrigin: string | null;
  /** --storage.path DIR: persist the head there so a restart keeps epoch, sequence numbers and data; null = memory only. */
  storagePath: string | null;
  /** $SIGHTLINE_TOKEN: bearer token for the API and stream; null = none (loopback only). Never printed. */
  token: string | null;
  /** $SIGHTLINE_ADMIN_TOKEN: bearer token for reload and other admin endpoints; null = the main token. Never printed. */
  adminToken: string | null;
  /** --dashboards DIR: serve the dashboard JSON files under DIR to the studio (provisioned dashboards); null = none. */
  dashboardsDir: string | null;
  help: boolean;
}

export const USAGE = `Usage: sightline-gateway [--config FILE] [--port N] [--listen-address ADDR] [--retention DURATION]
                         [--alertmanager-config FILE] [--dashboards DIR]

  --config FILE           prometheus.yml to scrape by (default: scrape the gateway itself every 5s)
  --port N                HTTP port (default: $PORT, else 9090)
  --listen-address ADDR   interface to bind (default 127.0.0.1; only loopback until an auth token is configured)
  --retention DURATION    how long the in-memory head keeps samples for queries and stream replay (default 1h)
  --alertmanager-config FILE  Alertmanager-format routes and receivers for the built-in notifier
                          (default: $SIGHTLINE_ALERTMANAGER_CONFIG, else none)
  --query.max-samples N   most samples a query may hold in memory (default 50000000)
  --query.timeout DURATION        longest a query may run (default 2m)
  --query.lookback-delta DURATION how far back an instant selector looks for a sample (default 5m)
  --web.listen-address HOST:PORT  Prometheus's form of --listen-address and --port
  --cors.origin REGEX     other origins browsers may call the API from, anchored (alias --web.cors.origin;
                          default: none, only the studio served by this gateway)
  --storage.path DIR      keep the head on disk so a restart resumes epoch, sequence numbers and data (default: memory only);
                          alert state, silences and notification history are kept in DIR/alerting
  --dashboards DIR        serve the dashboard JSON files under DIR (Sightline's or Grafana's format) to the studio
                          as read-only provisioned dashboards; files are re-read on each request

Environment:
  SIGHTLINE_TOKEN         bearer token the API, stream and /metrics require (without it: loopback only)
  SIGHTLINE_ADMIN_TOKEN   bearer token for POST /-/reload and other admin endpoints (default: SIGHTLINE_TOKEN)
  SIGHUP                  (signal) reloads the configuration, as POST /-/reload does
`;

const DURATION_RE = /^(\d+)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses argv (without node and script) and the environment; returns an error message for bad usage. */
export function parseArgs(argv: readonly string[], env: Record<string, string | undefined>): GatewayArgs | { error: string } {
  const args: GatewayArgs = {
    configFile: null,
    port: 9090,
    listenAddress: '127.0.0.1',
    retentionMs: 3_600_000,
    alertmanagerConfigFile: env.SIGHTLINE_ALERTMANAGER_CONFIG || null,
    queryMaxSamples: 50_000_000,
    queryTimeoutMs: 120_000,
    lookbackDeltaMs: 300_000,
    corsOrigin: null,
    storagePath: null,
    token: env.SIGHTLINE_TOKEN || null,
    adminToken: env.SIGHTLINE_ADMIN_TOKEN || null,
    dashboardsDir: null,
    help: false,
  };
  if (env.PORT !== undefined && env.PORT !== '') {
    const p = parsePort(env.PORT);
    if (p === null) return { error: `invalid PORT environment variable ${JSON.stringify(env.PORT)}: want a port number 1-65535` };
    args.port = p;
  }
  for (let i = 0; i < argv.length; i++) {
    let flag = argv[i];
    let value: string | undefined;
    const eq = flag.indexOf('=');
    if (flag.startsWith('--') && eq > 0) {
      value = flag.slice(eq + 1);
      flag = flag.slice(0, eq);
    }
    const take = (): string | null => {
      if (value !== undefined) return value;
      const next = argv[i + 1];
      if (next === undefined) return null;
      i++;
      return next;
    };
    switch (flag) {
      case '-h':
      case '--help':
        args.help = true;
        break;
      case '--config':
      case '--config.file': {
        const v = take();
        if (v === null || v === '') return { error: `${flag} needs a file name` };
        args.configFile = v;
        break;
      }
      case '--port': {
        const v = take();
        const p = v === null ? null : parsePort(v);
        if (p === null) return { error: `${flag} needs a port number 1-65535, got ${JSON.stringify(v ?? '')}` };
        args.port = p;
        break;
      }
      case '--listen-address': {
        const v = take();
        if (v === null || v === '') return { error: `${flag} needs an address` };
        args.listenAddress = v;
        break;
      }
      case '--retention': {
        const v = take();
        const m = v === null ? null : DURATION_RE.exec(v);
        if (m === null || Number(m[1]) === 0) return { error: `${flag} needs a duration like 30m or 2h, got ${JSON.stringify(v ?? '')}` };
        args.retentionMs = Number(m[1]) * UNIT_MS[m[2]];
        break;
      }
      case '--alertmanager-config': {
        const v = take();
        if (v === null || v === '') return { error: `${flag} needs a file name` };
        args.alertmanagerConfigFile = v;
        break;
      }
      case '--web.listen-address': {
        // Prometheus's form: [HOST]:PORT (an empty host means every interface, as in Go).
        const v = take();
        const m = v === null ? null : /^(\[[^\]]*\]|[^:]*):(\d{1,5})$/.exec(v);
        const p = m === null ? null : parsePort(m[2]);
        if (m === null || p === null) return { error: `${flag} needs HOST:PORT, e.g. 127.0.0.1:9090, got ${JSON.stringify(v ?? '')}` };
        args.listenAddress = m[1] === '' ? '0.0.0.0' : m[1].replace(/^\[(.*)\]$/, '$1');
        args.port = p;
        break;
      }
      case '--query.max-samples': {
        const v = take();
        if (v === null || !/^\d{1,15}$/.test(v) || Number(v) === 0) return { error: `${flag} needs a positive number of samples, got ${JSON.stringify(v ?? '')}` };
        args.queryMaxSamples = Number(v);
        break;
      }
      case '--query.timeout':
      case '--query.lookback-delta': {
        const v = take();
        const ms = v === null ? null : parseDuration(v);
        if (ms === null || ms === 0) return { error: `${flag} needs a duration like 30s or 2m, got ${JSON.stringify(v ?? '')}` };
        if (flag === '--query.timeout') args.queryTimeoutMs = ms;
        else args.lookbackDeltaMs = ms;
        break;
      }
      case '--cors.origin':
      case '--web.cors.origin': {
        const v = take();
        if (v === null || v === '') return { error: `${flag} needs a regular expression of origins, e.g. 'https?://(studio\\.example\\.com|localhost:5173)'` };
        if (corsRegExp(v) === null) return { error: `${flag}: invalid regular expression ${JSON.stringify(v)}` };
        args.corsOrigin = v;
        break;
      }
      case '--dashboards': {
        const v = take();
        if (v === null || v === '') return { error: `${flag} needs a directory` };
        args.dashboardsDir = v;
        break;
      }
      case '--storage.path': {
        const v = take();
        if (v === null || v === '') return { error: `${flag} needs a directory` };
        args.storagePath = v;
        break;
      }
      default:
        return { error: `unknown argument ${JSON.stringify(argv[i])}` };
    }
  }
  return args;
}

function parsePort(text: string): number | null {
  if (!/^\d{1,5}$/.test(text)) return null;
  const n = Number(text);
  return n >= 1 && n <= 65535 ? n : null;
}

/** The anchored origin pattern of --cors.origin (Prometheus anchors --web.cors.origin the same way), or null if invalid. */
export function corsRegExp(pattern: string): RegExp | null {
  try {
    return new RegExp(`^(?:${pattern})$`);
  } catch {
    return null;
  }
}

/** Null when the gateway may listen on this address, else why not: without a token only loopback is allowed. */
export function listenProblem(args: Pick<GatewayArgs, 'listenAddress' | 'token'>): string | null {
  if (isLoopback(args.listenAddress) || args.token !== null) return null;
  return (
    `refusing to listen on ${args.listenAddress} without an auth token: anyone who can reach it could read your metrics ` +
    `and reload the configuration. Set SIGHTLINE_TOKEN (a long random string; the studio sends it as a bearer token) ` +
    `or listen on 127.0.0.1`
  );
}

/** True for addresses that only this machine can reach. */
export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || address === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}
