// Tests for the scrape manager with fake time and a fake fetch serving real exposition text.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/load.ts';
import { formatLabels } from '../../shared/model/labels.ts';
import { isStaleMarker } from '../../shared/model/stale.ts';
import { Head } from '../head/head.ts';
import { FakeTime } from '../runtime/fake-time.ts';
import type { FetchFn } from '../runtime/ports.ts';
import { resolveTargets } from './from-config.ts';
import { ScrapeManager } from './manager.ts';
import { parseScrapeBody } from './parse.ts';

const NODE_EXPORTER = `# HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
# TYPE node_cpu_seconds_total counter
node_cpu_seconds_total{cpu="0",mode="idle"} 1234.5
node_cpu_seconds_total{cpu="0",mode="user"} 56.25
# HELP node_load1 1m load average.
# TYPE node_load1 gauge
node_load1 0.42
`;

const CONFIG = `global:
  scrape_interval: 10s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:9100']
        labels: { env: test }
`;

function targetsOf(yaml: string) {
  const loaded = loadConfig(yaml, 'prometheus.yml');
  if (!loaded.config) throw new Error(JSON.stringify(loaded.errors));
  return resolveTargets(loaded.config);
}

/** A fake exporter whose body and availability the test controls; records request headers. */
function exporter() {
  const state = { body: NODE_EXPORTER, down: false, requests: [] as Array<{ url: string; headers: Headers; at: number }> };
  return (time: FakeTime) => {
    const fetchFn: FetchFn = async (url, init) => {
      state.requests.push({ url, headers: new Headers(init.headers), at: time.now() });
      if (state.down) throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 127.0.0.1:9100') });
      return new Response(state.body, { headers: { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' } });
    };
    return { state, fetchFn };
  };
}

function setup(yaml = CONFIG) {
  const time = new FakeTime(1_700_000_000_000);
  const head = new Head({ epoch: 'e' });
  const { state, fetchFn } = exporter()(time);
  const manager = new ScrapeManager({ head, fetchFn, clock: time, scheduler: time, parse: parseScrapeBody, userAgent: 'Sightline/test' });
  const targets = targetsOf(yaml);
  manager.apply(targets.active, targets.dropped);
  /** Every sample appended so far, as `series value` lines (the last batch only when `last`). */
  const lines = (fromSeq = 1) => {
    const out: string[] = [];
    for (let seq = fromSeq; seq < head.nextSeq; seq++) {
      const b = head.batch(seq);
      if (!b) continue;
      b.ids.forEach((id, i) => {
        const v = b.vals[i];
        out.push(`${formatLabels(head.series(id)?.labels ?? {})} ${isStaleMarker(v) ? 'stale' : v}`);
      });
    }
    return out;
  };
  return { time, head, state, manager, lines, targets };
}

describe('ScrapeManager', () => {
  it('scrapes each target once per interval at its stable offset, with Prometheus headers', async () => {
    const { time, state } = setup();
    await time.advance(30_000);
    expect(state.requests.length).toBe(3);
    const [r1, r2, r3] = state.requests;
    expect(r2.at - r1.at).toBe(10_000);
    expect(r3.at - r2.at).toBe(10_000);
    expect(r1.url).toBe('http://127.0.0.1:9100/metrics');
    expect(r1.headers.get('accept')).toContain('application/openmetrics-text;version=1.0.0');
    expect(r1.headers.get('x-prometheus-scrape-timeout-seconds')).toBe('10');
    expect(r1.headers.get('user-agent')).toBe('Sightline/test');
  });

  it('labels scraped samples with job, instance and target labels and records the report series', async () => {
    const { time, lines, manager, head, state } = setup();
    await time.advance(10_000);
    expect(lines()).toEqual([
      'node_cpu_seconds_total{cpu="0", env="test", instance="127.0.0.1:9100", job="node", mode="idle"} 1234.5',
      'node_cpu_seconds_total{cpu="0", env="test", instance="127.0.0.1:9100", job="node", mode="user"} 56.25',
      'node_load1{env="test", instance="127.0.0.1:9100", job="node"} 0.42',
      'up{env="test", instance="127.0.0.1:9100", job="node"} 1',
      'scrape_duration_seconds{env="test", instance="127.0.0.1:9100", job="node"} 0',
      'scrape_samples_scraped{env="test", instance="127.0.0.1:9100", job="node"} 3',
      'scrape_samples_post_metric_relabeling{env="test", instance="127.0.0.1:9100", job="node"} 3',
      'scrape_series_added{env="test", instance="127.0.0.1:9100", job="node"} 3',
    ]);
    expect(head.familyMetadata().get('node_load1')).toEqual({ type: 'gauge', help: '1m load average.', unit: '' });
    const [status] = manager.targets();
    expect(status).toMatchObject({ health: 'up', lastError: '' });
    // Samples carry the scrape's (scheduled) start as their timestamp.
    expect(head.batch(1)?.ts).toBe(state.requests[0].at);
  });

  it('turns a dead target into up 0 with the error, and stale markers for its series', async () => {
    const { time, state, lines, manager, head } = setup();
    await time.advance(10_000);
    state.down = true;
    const from = head.nextSeq;
    await time.advance(10_000);
    expect(lines(from)).toEqual([
      'node_cpu_seconds_total{cpu="0", env="test", instance="127.0.0.1:9100", job="node", mode="idle"} stale',
      'node_cpu_seconds_total{cpu="0", env="test", instance="127.0.0.1:9100", job="node", mode="user"} stale',
      'node_load1{env="test", instance="127.0.0.1:9100", job="node"} stale',
      'up{env="test", instance="127.0.0.1:9100", job="node"} 0',
      'scrape_duration_seconds{env="test", instance="127.0.0.1:9100", job="node"} 0',
      'scrape_samples_scraped{env="test", instance="127.0.0.1:9100", job="node"} 0',
      'scrape_samples_post_metric_relabeling{env="test", instance="127.0.0.1:9100", job="node"} 0',
      'scrape_series_added{env="test", instance="127.0.0.1:9100", job="node"} 0',
    ]);
    expect(manager.targets()[0]).toMatchObject({
      health: 'down',
      lastError: 'Get "http://127.0.0.1:9100/metrics": connect ECONNREFUSED 127.0.0.1:9100',
    });
    // It keeps trying, and recovers.
    state.down = false;
    await time.advance(10_000);
    expect(manager.targets()[0].health).toBe('up');
  });

  it('fails the scrape on a malformed body, naming the line', async () => {
    const { time, state, manager } = setup();
    state.body = 'node_load1 0.42\nnode_load1{ 1\n';
    await time.advance(10_000);
    expect(manager.targets()[0].health).toBe('down');
    expect(manager.targets()[0].lastError).toMatch(/^line 2: /);
  });

  it('stales every series of a target removed by a reload, report series included; keeps unchanged ones running', async () => {
    const two = CONFIG + `  - job_name: other\n    static_configs:\n      - targets: ['127.0.0.1:9200']\n`;
    const { time, manager, head, lines } = setup(two);
    await time.advance(10_000);
    const before = manager.targets().map((t) => t.spec.pool);
    expect(before).toEqual(['node', 'other']);
    const from = head.nextSeq;
    const onlyNode = targetsOf(CONFIG);
    manager.apply(onlyNode.active, onlyNode.dropped);
    const staled = lines(from);
    expect(staled.every((l) => l.endsWith(' stale') && l.includes('job="other"'))).toBe(true);
    expect(staled.map((l) => l.split('{')[0])).toEqual([
      'node_cpu_seconds_total',
      'node_cpu_seconds_total',
      'node_load1',
      'up',
      'scrape_duration_seconds',
      'scrape_samples_scraped',
      'scrape_samples_post_metric_relabeling',
      'scrape_series_added',
    ]);
    expect(manager.targets().map((t) => t.spec.pool)).toEqual(['node']);
    await time.advance(10_000);
    expect(lines(from).filter((l) => l.includes('job="node"') && l.endsWith(' stale'))).toEqual([]);
  });

  it('stops all loops on stop()', async () => {
    const { time, state, manager } = setup();
    manager.stop();
    await time.advance(60_000);
    expect(state.requests.length).toBe(0);
    expect(time.pending).toBe(0);
  });
});

describe('ScrapeManager robustness', () => {
  it('turns an exception in parsing into a failed scrape and keeps scraping', async () => {
    const time = new FakeTime();
    const head = new Head({ epoch: 'e' });
    let calls = 0;
    const manager = new ScrapeManager({
      head,
      fetchFn: async () => new Response('up 1\n', { headers: { 'Content-Type': 'text/plain' } }),
      clock: time,
      scheduler: time,
      parse: () => {
        calls++;
        throw new Error('boom');
      },
      userAgent: 'x',
    });
    manager.apply(targetsOf(CONFIG).active);
    await time.advance(20_000);
    expect(calls).toBe(2);
    expect(manager.targets()[0]).toMatchObject({ health: 'down', lastError: 'internal error: boom' });
    manager.stop();
  });
});

describe('ScrapeManager with OpenMetrics', () => {
  it('negotiates OpenMetrics by Content-Type and keeps exemplars with their series', async () => {
    const time = new FakeTime();
    const head = new Head({ epoch: 'e' });
    const body = `# TYPE http_requests counter
# HELP http_requests Requests served.
http_requests_total{code="200"} 7 # {trace_id="abc"} 1.0 1700000000.5
# EOF
`;
    const manager = new ScrapeManager({
      head,
      fetchFn: async () => new Response(body, { headers: { 'Content-Type': 'application/openmetrics-text; version=1.0.0; charset=utf-8' } }),
      clock: time,
      scheduler: time,
      parse: parseScrapeBody,
      userAgent: 'x',
    });
    manager.apply(targetsOf(CONFIG).active);
    await time.advance(10_000);
    expect(manager.targets()[0].health).toBe('up');
    const batch = head.batch(1);
    expect(batch?.exemplars).toEqual([[head.series(batch?.ids[0] ?? 0)?.id, { trace_id: 'abc' }, 1, 1_700_000_000_500]]);
    expect(head.series(batch?.ids[0] ?? 0)?.labels).toEqual({ __name__: 'http_requests_total', code: '200', env: 'test', instance: '127.0.0.1:9100', job: 'node' });
    expect(head.familyMetadata().get('http_requests')).toEqual({ type: 'counter', help: 'Requests served.', unit: '' });
    manager.stop();
  });

  it('fails a scrape without Content-Type unless fallback_scrape_protocol is set, as Prometheus 3 does', async () => {
    const run = async (yaml: string) => {
      const time = new FakeTime();
      const manager = new ScrapeManager({
        head: new Head({ epoch: 'e' }),
        fetchFn: async () => new Response(new TextEncoder().encode('up 1\n')),
        clock: time,
        scheduler: time,
        parse: parseScrapeBody,
        userAgent: 'x',
      });
      manager.apply(targetsOf(yaml).active);
      await time.advance(10_000);
      manager.stop();
      return manager.targets()[0];
    };
    expect((await run(CONFIG)).lastError).toBe('response has no Content-Type and no fallback format is set');
    expect((await run(CONFIG.replace('  - job_name: node\n', '  - job_name: node\n    fallback_scrape_protocol: PrometheusText0.0.4\n'))).health).toBe('up');
  });
});
