// Many scrape targets from one process: one request handler listening on N loopback ports, each port a target with its own page and scrape counter.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SoakExporterOptions {
  targets: number;
  /** Series per target page, the scrape counter included (≥ 1). */
  series: number;
  /** Loopback address to bind (default 127.0.0.1). */
  host?: string;
}

export interface SoakExporter {
  /** `host:port` of each target, in target order. */
  readonly addresses: readonly string[];
  /** Address of the control endpoint (`GET /served` → per-target response counts). */
  readonly control: string;
  /** Responses each target has fully handed to its socket so far. */
  served(): number[];
  stop(): Promise<void>;
}

/** Name of the counter each page carries: its value is the number of the scrape that fetched the page (1, 2, …). */
export const SCRAPE_COUNTER = 'soak_scrapes_total';

const FAMILIES = 5;
const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * The page of one target without values: series 0 is the scrape counter, the rest are gauges spread over a few
 * families with two labels each, so label sets look like real exporters' and the gateway interns 500 distinct series.
 */
function pageTemplate(series: number): { head: string; lines: string[] } {
  const lines: string[] = [];
  let head = `# HELP ${SCRAPE_COUNTER} Scrapes this target has answered.\n# TYPE ${SCRAPE_COUNTER} counter\n`;
  const perFamily = Math.ceil((series - 1) / FAMILIES);
  for (let i = 1; i < series; i++) {
    const family = Math.floor((i - 1) / perFamily);
    const prefix = (i - 1) % perFamily === 0 ? `# HELP soak_family_${family} Synthetic gauge family ${family}.\n# TYPE soak_family_${family} gauge\n` : '';
    lines.push(`${prefix}soak_family_${family}{shard="s${i % 16}",item="i${i}"} `);
  }
  return { head, lines };
}

function renderPage(tpl: { head: string; lines: string[] }, scrape: number, target: number): string {
  let out = `${tpl.head}${SCRAPE_COUNTER} ${scrape}\n`;
  // Values change each scrape (a mix of slow counters and jittery gauges) so the gateway stores real floats.
  for (let i = 0; i < tpl.lines.length; i++) out += `${tpl.lines[i]}${(scrape * (i + 1) + target) % 1000 === 0 ? 0 : ((scrape * 31 + i * 7 + target) % 997) / 8}\n`;
  return out;
}

/** Starts the targets and the control endpoint, all on `host` with free ports. */
export async function startSoakExporter(options: SoakExporterOptions): Promise<SoakExporter> {
  const host = options.host ?? '127.0.0.1';
  if (options.series < 1 || options.targets < 1) throw new Error('soak exporter: targets and series must be at least 1');
  const tpl = pageTemplate(options.series);
  const counts = new Array<number>(options.targets).fill(0);
  const served = new Array<number>(options.targets).fill(0);
  const byPort = new Map<number, number>();

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const target = byPort.get(req.socket.localPort ?? -1);
    if (target === undefined || !(req.url ?? '').startsWith('/metrics')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found\n');
      return;
    }
    const n = ++counts[target];
    const body = renderPage(tpl, n, target);
    res.once('finish', () => served[target]++);
    res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(body) });
    res.end(body);
  };

  const servers: Server[] = [];
  const listen = (server: Server): Promise<number> =>
    new Promise((ok, fail) => {
      server.once('error', fail);
      server.listen(0, host, () => ok((server.address() as AddressInfo).port));
    });
  try {
    const addresses: string[] = [];
    for (let i = 0; i < options.targets; i++) {
      const server = createServer(handle);
      server.keepAliveTimeout = 60_000;
      servers.push(server);
      const port = await listen(server);
      byPort.set(port, i);
      addresses.push(`${host}:${port}`);
    }
    const control = createServer((req, res) => {
      res.writeHead(req.url === '/served' ? 200 : 404, { 'Content-Type': 'application/json' });
      res.end(req.url === '/served' ? JSON.stringify({ served, addresses }) : '{}');
    });
    servers.push(control);
    const controlPort = await listen(control);
    return {
      addresses,
      control: `${host}:${controlPort}`,
      served: () => [...served],
      stop: () => closeAll(servers),
    };
  } catch (e) {
    await closeAll(servers);
    throw e;
  }
}

function closeAll(servers: readonly Server[]): Promise<void> {
  return Promise.all(
    servers.map(
      (s) =>
        new Promise<void>((ok) => {
          if (!s.listening) return ok();
          s.closeAllConnections();
          s.close(() => ok());
        }),
    ),
  ).then(() => undefined);
}
