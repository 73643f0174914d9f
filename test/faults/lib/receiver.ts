// A webhook receiver on a fixed loopback port that can be taken down (connection refused) and brought back, recording every POST.
import { createServer, type Server } from 'node:http';

/** A received webhook notification (Alertmanager's version 4 payload, the fields the tests read). */
export interface Hook {
  at: number;
  status: 'firing' | 'resolved';
  alerts: Array<{ status: string; labels: Record<string, string>; startsAt: string; endsAt: string }>;
}

export class OutageReceiver {
  readonly received: Hook[] = [];
  private server: Server | null = null;

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  /** Starts listening (the receiver is "up"). */
  async up(): Promise<void> {
    if (this.server !== null) return;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        try {
          const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Omit<Hook, 'at'>;
          this.received.push({ at: Date.now(), status: body.status, alerts: body.alerts });
        } catch {
          // Not a notification: still answered, not recorded.
        }
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
      });
    });
    await new Promise<void>((ok, fail) => {
      server.once('error', fail);
      server.listen(this.port, '127.0.0.1', () => ok());
    });
    this.server = server;
  }

  /** Stops listening and drops open connections: senders get connection refused until `up()`. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (server === null) return;
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  }
}
