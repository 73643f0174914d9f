// A webhook receiver on 127.0.0.1 for alerting tests: records every POST (time, path, JSON body) and waits for matching ones.
import { createServer, type Server } from 'node:http';

/** One received notification. */
export interface Received {
  /** Date.now() when the request arrived. */
  at: number;
  path: string;
  body: WebhookMessage;
}

/** The webhook payload (version 4) as Alertmanager and the built-in notifier send it. */
export interface WebhookMessage {
  version: string;
  groupKey: string;
  truncatedAlerts: number;
  status: 'firing' | 'resolved';
  receiver: string;
  groupLabels: Record<string, string>;
  commonLabels: Record<string, string>;
  commonAnnotations: Record<string, string>;
  externalURL: string;
  alerts: {
    status: 'firing' | 'resolved';
    labels: Record<string, string>;
    annotations: Record<string, string>;
    startsAt: string;
    endsAt: string;
    generatorURL: string;
    fingerprint: string;
  }[];
}

export class WebhookReceiver {
  readonly received: Received[] = [];
  /** Status and body the receiver answers with. */
  answer = { status: 200, body: 'ok' };
  /** Requests still to refuse with 503 before `answer` applies (tests of delivery retries). */
  refuseNext = 0;
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    let self: WebhookReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          self?.received.push({ at: Date.now(), path: req.url ?? '', body: JSON.parse(text) as WebhookMessage });
        } catch {
          // Not JSON: not a notification; answer anyway.
        }
        const refuse = self !== undefined && self.refuseNext > 0;
        if (refuse && self !== undefined) self.refuseNext--;
        const answer = refuse ? { status: 503, body: 'unavailable, try again' } : (self?.answer ?? { status: 200, body: '' });
        res.writeHead(answer.status, { 'Content-Type': 'text/plain' });
        res.end(answer.body);
      });
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const addr = server.address();
    const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
    self = new WebhookReceiver(server, port);
    return self;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Resolves with the first notification (received after index `from`) that matches, or fails after `ms`. */
  async waitFor(match: (r: Received) => boolean, ms: number, from = 0): Promise<Received> {
    const deadline = Date.now() + ms;
    for (;;) {
      const hit = this.received.slice(from).find(match);
      if (hit) return hit;
      if (Date.now() > deadline) {
        throw new Error(`no matching notification within ${ms} ms; received:\n${this.received.map((r) => `${new Date(r.at).toISOString()} ${r.path} ${JSON.stringify(r.body)}`).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  stop(): Promise<void> {
    return new Promise((ok) => {
      this.server.closeAllConnections();
      this.server.close(() => ok());
    });
  }
}
