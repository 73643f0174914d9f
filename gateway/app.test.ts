// Tests for the HTTP routes through app.request(), over a gateway wired with fake time and a fake exporter.
import { describe, expect, it } from 'vitest';
import { defaultConfig, defaultConfigText } from '../shared/config/index.ts';
import { StreamDecoder } from '../shared/stream/decode.ts';
import type { StreamMessage } from '../shared/stream/protocol.ts';
import { createGateway } from './gateway.ts';
import { FakeTime } from './runtime/fake-time.ts';
import type { FetchFn } from './runtime/ports.ts';
import { resolveTargets } from './scrape/from-config.ts';
import { parseScrapeBody } from './scrape/parse.ts';

function setup(fetchFn?: FetchFn) {
  const time = new FakeTime();
  let app: ReturnType<typeof createGateway>['app'] | undefined;
  // The default config scrapes the gateway itself: route its fetches into the app.
  const selfFetch: FetchFn = async (url, init) => (app as NonNullable<typeof app>).request(url, init);
  const gw = createGateway({
    targets: resolveTargets(defaultConfig(9090)),
    parse: parseScrapeBody,
    fetchFn: fetchFn ?? selfFetch,
    clock: time,
    scheduler: time,
    epoch: 'ep1',
    build: { version: '1.2.3', revision: 'abc', branch: 'main', buildUser: 'ci', buildDate: '2026', runtime: 'test' },
    configYaml: defaultConfigText(9090),
    flags: { 'web.listen-address': '127.0.0.1:9090' },
    processStats: () => ({ cpuSecondsTotal: 1.5, residentMemoryBytes: 1024 }),
  });
  app = gw.app;
  return { gw, app: gw.app, time };
}

async function json(res: Response): Promise<unknown> {
  expect(res.headers.get('content-type')).toContain('application/json');
  return res.json();
}

describe('gateway routes', () => {
  it('answers health and readiness like Prometheus', async () => {
    const { gw, app } = setup();
    expect(await (await app.request('/-/healthy')).text()).toBe('Sightline is Healthy.\n');
    expect((await app.request('/-/ready')).status).toBe(503);
    gw.start();
    expect(await (await app.request('/-/ready')).text()).toBe('Sightline is Ready.\n');
    gw.stop();
  });

  it('serves status endpoints in the API envelope', async () => {
    const { app } = setup();
    expect(await json(await app.request('/api/v1/status/buildinfo'))).toEqual({
      status: 'success',
      data: { version: '1.2.3', revision: 'abc', branch: 'main', buildUser: 'ci', buildDate: '2026', goVersion: 'test' },
    });
    expect(await json(await app.request('/api/v1/status/config'))).toEqual({ status: 'success', data: { yaml: defaultConfigText(9090) } });
    expect(await json(await app.request('/api/v1/status/flags'))).toEqual({ status: 'success', data: { 'web.listen-address': '127.0.0.1:9090' } });
    const missing = await app.request('/api/v1/nope');
    expect(missing.status).toBe(404);
    expect(await json(missing)).toEqual({ status: 'error', errorType: 'not_found', error: 'no API endpoint GET /api/v1/nope' });
  });

  it('scrapes itself and lists the target in /api/v1/targets', async () => {
    const { gw, app, time } = setup();
    gw.start();
    const before = (await json(await app.request('/api/v1/targets'))) as { data: { activeTargets: Array<Record<string, unknown>> } };
    expect(before.data.activeTargets[0]).toMatchObject({ health: 'unknown', lastScrape: '0001-01-01T00:00:00Z' });
    await time.advance(5000);
    const body = (await json(await app.request('/api/v1/targets'))) as { data: Record<string, unknown> };
    expect(body.data).toEqual({
      activeTargets: [
        {
          discoveredLabels: {
            __address__: 'localhost:9090',
            __metrics_path__: '/metrics',
            __scheme__: 'http',
            __scrape_interval__: '5s',
            __scrape_timeout__: '5s',
            job: 'sightline',
          },
          labels: { instance: 'localhost:9090', job: 'sightline' },
          scrapePool: 'sightline',
          scrapeUrl: 'http://localhost:9090/metrics',
          globalUrl: 'http://localhost:9090/metrics',
          lastError: '',
          lastScrape: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
          lastScrapeDuration: 0,
          health: 'up',
          scrapeInterval: '5s',
          scrapeTimeout: '5s',
        },
      ],
      droppedTargets: [],
      droppedTargetCounts: {},
    });
    const dropped = (await json(await app.request('/api/v1/targets?state=dropped'))) as { data: { activeTargets: unknown[] } };
    expect(dropped.data.activeTargets).toEqual([]);
    gw.stop();
  });

  it('serves the last scrape body of a target, and says what is missing or unknown', async () => {
    const { gw, app, time } = setup();
    gw.start();
    await time.advance(5000);
    const res = await app.request('/api/v1/targets/last_scrape?scrapePool=sightline&instance=localhost:9090');
    const body = (await json(res)) as { data: Record<string, unknown> };
    expect(body.data).toMatchObject({
      scrapePool: 'sightline',
      scrapeUrl: 'http://localhost:9090/metrics',
      labels: { instance: 'localhost:9090', job: 'sightline' },
      lastError: '',
      contentType: 'text/plain; version=0.0.4; charset=utf-8',
      truncated: false,
    });
    expect(body.data.body).toContain('# TYPE sightline_build_info gauge');
    expect(body.data.bodyBytes).toBe(new TextEncoder().encode(body.data.body as string).length);
    expect((await app.request('/api/v1/targets/last_scrape?scrapePool=sightline')).status).toBe(400);
    const missing = await app.request('/api/v1/targets/last_scrape?scrapePool=sightline&instance=other:1');
    expect([missing.status, ((await json(missing)) as { errorType: string }).errorType]).toEqual([404, 'not_found']);
    gw.stop();
  });

  it('exposes self-metrics in text format, counting requests by route and code and scrapes by job', async () => {
    const { gw, app, time } = setup();
    gw.start();
    await time.advance(10_000);
    await app.request('/api/v1/nope');
    const res = await app.request('/metrics');
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(text).toContain('# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total 1.5\n');
    expect(text).toContain('sightline_http_requests_total{handler="/metrics",code="200"} 2\n');
    expect(text).toContain('sightline_http_requests_total{handler="/api/other",code="404"} 1\n');
    expect(text).toContain('sightline_scrapes_total{job="sightline"} 2\n');
    expect(text).toMatch(/sightline_head_series \d+\n/);
    expect(text).toContain('sightline_stream_clients 0\n');
    gw.stop();
  });

  it('streams hello, the retained batches with the self-scrape samples, and counts the client', async () => {
    const { gw, app, time } = setup();
    gw.start();
    await time.advance(5000);
    const res = await app.request('/api/v1/stream');
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new StreamDecoder();
    const text = new TextDecoder();
    const messages: StreamMessage[] = [];
    while (messages.length < 2) {
      const { value } = await reader.read();
      for (const r of decoder.push(text.decode(value))) if (r.ok) messages.push(r.message);
    }
    expect(messages[0]).toEqual({ type: 'hello', epoch: 'ep1', oldestSeq: 1, nextSeq: 2 });
    const batch = messages[1];
    if (batch.type !== 'batch') throw new Error('expected a batch');
    const up = batch.defs?.find(([, l]) => l.__name__ === 'up');
    expect(up?.[1]).toEqual({ __name__: 'up', instance: 'localhost:9090', job: 'sightline' });
    expect(batch.vals[batch.ids.indexOf(up?.[0] ?? -1)]).toBe(1);
    expect(gw.metrics.streamClients.get()).toBe(1);
    await reader.cancel();
    expect(gw.metrics.streamClients.get()).toBe(0);
    gw.stop();
  });

  it('rejects a malformed `after`', async () => {
    const { app } = setup();
    const res = await app.request('/api/v1/stream?after=-1');
    expect(res.status).toBe(400);
    expect(await json(res)).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });

  it('answers garbage resume input with a named 400 or a plain fresh start, and keeps serving', async () => {
    const { gw, app, time } = setup();
    gw.start();
    await time.advance(15_000);
    for (const after of ['', 'soon', '1e3', '0x10', '1.5', '9'.repeat(16), '%00', '٣']) {
      const res = await app.request(`/api/v1/stream?epoch=ep1&after=${encodeURIComponent(after)}`);
      expect([after, res.status]).toEqual([after, 400]);
      expect(await json(res)).toEqual({
        status: 'error',
        errorType: 'bad_data',
        error: `invalid parameter "after": ${JSON.stringify(after)} is not a sequence number`,
      });
    }
    /** The first message of a stream opened with these headers / query. */
    const hello = async (query: string, headers: Record<string, string> = {}): Promise<StreamMessage> => {
      const res = await app.request(`/api/v1/stream${query}`, { headers });
      expect(res.status).toBe(200);
      const reader = (res.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new StreamDecoder();
      for (;;) {
        const { value } = await reader.read();
        for (const r of decoder.push(new TextDecoder().decode(value))) {
          if (!r.ok) throw new Error(r.error);
          await reader.cancel();
          return r.message;
        }
      }
    };
    // A Last-Event-ID that is not `epoch:seq` is ignored: a fresh start, no gap.
    for (const id of ['garbage', 'ep1:', 'ep1:-3', 'ep1:1.5', '\u00ff:x'.repeat(100)]) {
      expect(await hello('', { 'Last-Event-ID': id }), id).toMatchObject({ type: 'hello', epoch: 'ep1', oldestSeq: 1 });
      expect(await hello('', { 'Last-Event-ID': id })).not.toHaveProperty('gap');
    }
    // An unknown (even huge or hostile) epoch is another epoch: an explicit gap, then everything retained.
    const odd = '"><script>'.repeat(500);
    expect(await hello(`?epoch=${encodeURIComponent(odd)}&after=3`)).toMatchObject({ gap: { epoch: odd, afterSeq: 3, resumedAtSeq: 1 } });
    // `epoch` without `after` is a fresh start.
    expect(await hello('?epoch=ep1')).not.toHaveProperty('gap');
    expect(gw.metrics.streamClients.get()).toBe(0);
    gw.stop();
  });
});

describe('stream resume through Last-Event-ID', () => {
  it('resumes from the id an EventSource sends back', async () => {
    const { gw, app, time } = setup();
    gw.start();
    await time.advance(15_000);
    const res = await app.request('/api/v1/stream', { headers: { 'Last-Event-ID': 'ep1:2' } });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new StreamDecoder();
    const messages: StreamMessage[] = [];
    while (messages.length < 2) {
      const { value } = await reader.read();
      for (const r of decoder.push(new TextDecoder().decode(value))) if (r.ok) messages.push(r.message);
    }
    expect(messages[0]).not.toHaveProperty('gap');
    expect(messages[1]).toMatchObject({ type: 'batch', seq: 3 });
    await reader.cancel();
    gw.stop();
  });
});
