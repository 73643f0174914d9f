// A scrape target on 127.0.0.1 that is up or down per request by a fixed pattern, recording what it answered.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The series an up page exposes; `flap_value{a="1"}` carries the request number so a sample names its scrape. */
export const FLAP_SERIES = [
  { name: 'flap_value', labels: { a: '1' } },
  { name: 'flap_value', labels: { a: '2' } },
  { name: 'flap_info', labels: {} },
] as const;

export interface Flapper {
  readonly address: string;
  /** What each request got, in order: true = 200 with the page, false = 503. */
  readonly answered: boolean[];
  stop(): Promise<void>;
}

/** Request k (1-based) is answered up when `pattern[(k - 1) % pattern.length]` is true. */
export async function startFlapper(pattern: readonly boolean[]): Promise<Flapper> {
  const answered: boolean[] = [];
  const server: Server = createServer((req, res) => {
    const k = answered.length + 1;
    const up = pattern[(k - 1) % pattern.length];
    answered.push(up);
    if (!up) {
      res.writeHead(503, { 'Content-Type': 'text/plain' });
      res.end('down for the test\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(`# TYPE flap_value gauge\nflap_value{a="1"} ${k}\nflap_value{a="2"} ${k * 2}\n# TYPE flap_info gauge\nflap_info 1\n`);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    answered,
    stop: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
