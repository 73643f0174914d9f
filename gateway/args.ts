// Command-line flags of the gateway (pure: argv and environment in, options or a usage error out).

export interface GatewayArgs {
  /** --config FILE; null means the embedded default (scrape the gateway itself). */
  configFile: string | null;
  port: number;
  listenAddress: string;
  /** --retention: how long the in-memory head keeps samples, ms. */
  retentionMs: number;
  help: boolean;
}

export const USAGE = `Usage: sightline-gateway [--config FILE] [--port N] [--listen-address ADDR] [--retention DURATION]

  --config FILE           prometheus.yml to scrape by (default: scrape the gateway itself every 5s)
  --port N                HTTP port (default: $PORT, else 9090)
  --listen-address ADDR   interface to bind (default 127.0.0.1; only loopback until an auth token is configured)
  --retention DURATION    how long the in-memory head keeps samples for queries and stream replay (default 1h)
`;

const DURATION_RE = /^(\d+)(ms|s|m|h)$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses argv (without node and script) and the environment; returns an error message for bad usage. */
export function parseArgs(argv: readonly string[], env: Record<string, string | undefined>): GatewayArgs | { error: string } {
  const args: GatewayArgs = { configFile: null, port: 9090, listenAddress: '127.0.0.1', retentionMs: 3_600_000, help: false };
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

/** True for addresses that only this machine can reach. */
export function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || address === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}
