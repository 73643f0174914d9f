// Tests for scrape_config features end to end through the manager: credentials files, TLS, limits, extra metrics, last body.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/load.ts';
import { formatLabels } from '../../shared/model/labels.ts';
import { isStaleMarker } from '../../shared/model/stale.ts';
import { Head } from '../head/head.ts';
import { FakeTime } from '../runtime/fake-time.ts';
import type { FetchFn, FileReader, ScrapeGetFn, TlsFetchFactory } from '../runtime/ports.ts';
import { resolveTargets } from './from-config.ts';
import { DEFAULT_BODY_SIZE_LIMIT, LAST_SCRAPE_MAX_BYTES, ScrapeManager, type ScrapeManagerDeps } from './manager.ts';
import { parseScrapeBody } from './parse.ts';

const BODY = `# TYPE a gauge
a{x="1"} 1
a{x="2"} 2
a{x="3"} 3
`;

function setup(yaml: string, over: Partial<ScrapeManagerDeps> = {}, body = () => BODY) {
  const time = new FakeTime(1_700_000_000_000);
  const head = new Head({ epoch: 'e' });
  const requests: Array<{ url: string; headers: Headers }> = [];
  const fetchFn: FetchFn = async (url, init) => {
    requests.push({ url, headers: new Headers(init.headers) });
    return new Response(body(), { headers: { 'Content-Type': 'text/plain; version=0.0.4' } });
  };
  const manager = new ScrapeManager({ head, fetchFn, clock: time, scheduler: time, parse: parseScrapeBody, userAgent: 'Sightline/test', ...over });
  const loaded = loadConfig(yaml, '/etc/sightline/prometheus.yml');
  if (!loaded.config) throw new Error(loaded.errors.map((e) => e.message).join('; '));
  const targets = resolveTargets(loaded.config);
  manager.apply(targets.active, targets.dropped);
  const latest = (): Map<string, number | 'stale'> => {
    const out = new Map<string, number | 'stale'>();
    for (let seq = head.oldestSeq; seq < head.nextSeq; seq++) {
      const b = head.batch(seq);
      b?.ids.forEach((id, i) => out.set(formatLabels(head.series(id)?.labels ?? {}), isStaleMarker(b.vals[i]) ? 'stale' : b.vals[i]));
    }
    return out;
  };
  return { time, head, manager, requests, latest };
}

const job = (extra: string) => `scrape_configs:
  - job_name: j
    scrape_interval: 10s
    scrape_timeout: 5s
${extra}
    static_configs:
      - targets: ['127.0.0.1:9100']
`;

describe('credentials from files', () => {
  it('reads password_file and credentials_file at every scrape (trimmed), so rotated secrets apply', async () => {
    const files: Record<string, string> = { '/etc/sightline/pw': 'hunter2\n', '/etc/sightline/tok': ' t0k \n' };
    const readFile: FileReader = async (p) => {
      if (!(p in files)) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
      return files[p];
    };
    const basic = setup(job('    basic_auth: { username: u, password_file: pw }'), { readFile });
    await basic.manager.scrapeAllNow();
    expect(basic.requests[0].headers.get('authorization')).toBe(`Basic ${btoa('u:hunter2')}`);
    files['/etc/sightline/pw'] = 'rotated';
    await basic.manager.scrapeAllNow();
    expect(basic.requests[1].headers.get('authorization')).toBe(`Basic ${btoa('u:rotated')}`);

    const bearer = setup(job('    authorization: { credentials_file: tok }'), { readFile });
    await bearer.manager.scrapeAllNow();
    expect(bearer.requests[0].headers.get('authorization')).toBe('Bearer t0k');

    const missing = setup(job('    authorization: { type: Token, credentials_file: /nope }'), { readFile });
    await missing.manager.scrapeAllNow();
    expect(missing.requests).toEqual([]);
    expect(missing.manager.targets()[0]).toMatchObject({ health: 'down', lastError: expect.stringMatching(/^unable to read credentials_file \/nope: ENOENT/) });
    expect(missing.latest().get('up{instance="127.0.0.1:9100", job="j"}')).toBe(0);
  });

  it('sends http_headers values, secrets and files', async () => {
    const readFile: FileReader = async () => 'from-file\n';
    const { manager, requests } = setup(
      job('    http_headers:\n      X-Static: { values: [a, b] }\n      X-Mixed: { values: [v], secrets: [s], files: [h.txt] }'),
      { readFile },
    );
    await manager.scrapeAllNow();
    expect(requests[0].headers.get('x-static')).toBe('a, b');
    expect(requests[0].headers.get('x-mixed')).toBe('v, s, from-file');
  });

  it('fails such a target clearly where the runtime cannot read files', async () => {
    const { manager } = setup(job('    basic_auth: { username: u, password_file: pw }'), { runtimeName: 'Cloudflare Workers' });
    await manager.scrapeAllNow();
    expect(manager.targets()[0].lastError).toBe(
      'password_file /etc/sightline/pw: reading files is not supported on Cloudflare Workers; put the secret in the config instead',
    );
  });
});

describe('tls_config', () => {
  it('scrapes through the runtime’s TLS fetch with the job’s settings', async () => {
    const seen: unknown[] = [];
    const tlsFetch: TlsFetchFactory = async (tls) => {
      seen.push(tls);
      return async () => new Response('b 1\n', { headers: { 'Content-Type': 'text/plain; version=0.0.4' } });
    };
    const { manager, requests, latest } = setup(
      job('    scheme: https\n    tls_config: { ca_file: ca.pem, server_name: exporter.internal, insecure_skip_verify: false }'),
      { tlsFetch },
    );
    await manager.scrapeAllNow();
    expect(seen).toEqual([{ caFile: '/etc/sightline/ca.pem', serverName: 'exporter.internal', insecureSkipVerify: false }]);
    expect(requests).toEqual([]); // the plain fetch was not used
    expect(latest().get('b{instance="127.0.0.1:9100", job="j"}')).toBe(1);
  });

  it('fails with a clear error where the runtime has no TLS options, and leaves default TLS alone', async () => {
    const custom = setup(job('    scheme: https\n    tls_config: { insecure_skip_verify: true }'), { runtimeName: 'Cloudflare Workers' });
    await custom.manager.scrapeAllNow();
    expect(custom.manager.targets()[0].lastError).toBe(
      'tls_config (CA, client certificate, server_name, insecure_skip_verify) is not supported on Cloudflare Workers',
    );
    const plain = setup(job('    scheme: https'));
    await plain.manager.scrapeAllNow();
    expect(plain.requests.map((r) => r.url)).toEqual(['https://127.0.0.1:9100/metrics']);
  });
});

describe('limits', () => {
  it('fails the whole scrape on sample_limit, reporting why and up 0', async () => {
    const { manager, latest } = setup(job('    sample_limit: 2'));
    await manager.scrapeAllNow();
    expect(manager.targets()[0]).toMatchObject({ health: 'down', lastError: 'sample limit exceeded' });
    const l = latest();
    expect(l.get('up{instance="127.0.0.1:9100", job="j"}')).toBe(0);
    expect(l.get('scrape_samples_scraped{instance="127.0.0.1:9100", job="j"}')).toBe(3);
    expect(l.has('a{instance="127.0.0.1:9100", job="j", x="1"}')).toBe(false);
  });

  it('enforces label limits', async () => {
    const count = setup(job('    label_limit: 3'));
    await count.manager.scrapeAllNow();
    expect(count.manager.targets()[0].lastError).toBe('label_limit exceeded (metric: a, number of labels: 4, limit: 3)');
    const value = setup(job('    label_value_length_limit: 8'));
    await value.manager.scrapeAllNow();
    expect(value.manager.targets()[0].lastError).toBe(
      'label_value_length_limit exceeded (metric: a, label name: instance, value: 127.0.0.1:9100, length: 14, limit: 8)',
    );
    const name = setup(job('    label_name_length_limit: 3'));
    await name.manager.scrapeAllNow();
    expect(name.manager.targets()[0].lastError).toMatch(/^label_name_length_limit exceeded \(metric: a, label name: __name__, length: 8, limit: 3\)$/);
  });

  it('fails every target of a pool past target_limit, each reporting it with up 0, without scraping', async () => {
    const yaml = `scrape_configs:
  - job_name: j
    target_limit: 1
    static_configs:
      - targets: ['a:1', 'b:2']
`;
    const { manager, requests, latest } = setup(yaml);
    await manager.scrapeAllNow();
    expect(requests).toEqual([]);
    expect(manager.targets().map((t) => [t.health, t.lastError])).toEqual([
      ['down', 'target_limit exceeded (number of targets: 2, limit: 1)'],
      ['down', 'target_limit exceeded (number of targets: 2, limit: 1)'],
    ]);
    expect(latest().get('up{instance="a:1", job="j"}')).toBe(0);
  });

  it('caps bodies at body_size_limit, and at 64 MiB when the job sets none', async () => {
    const { manager, latest } = setup(job('    body_size_limit: 20B\n    extra_scrape_metrics: true'));
    await manager.scrapeAllNow();
    expect(manager.targets()[0].lastError).toBe('body size limit exceeded (limit: 20 bytes)');
    expect(latest().get('scrape_body_size_bytes{instance="127.0.0.1:9100", job="j"}')).toBe(-1);

    const huge = 'a 1\n'.repeat(DEFAULT_BODY_SIZE_LIMIT / 4 + 1);
    const unset = setup(job(''), {}, () => huge);
    await unset.manager.scrapeAllNow();
    expect(unset.manager.targets()[0].lastError).toBe(`body size limit exceeded (limit: ${DEFAULT_BODY_SIZE_LIMIT} bytes)`);
  });
});

describe('extra_scrape_metrics', () => {
  it('adds scrape_timeout_seconds, scrape_sample_limit and scrape_body_size_bytes after the five report series', async () => {
    const { manager, head, latest } = setup(job('    extra_scrape_metrics: true\n    sample_limit: 100'));
    await manager.scrapeAllNow();
    const l = latest();
    const t = '{instance="127.0.0.1:9100", job="j"}';
    expect([l.get(`scrape_timeout_seconds${t}`), l.get(`scrape_sample_limit${t}`), l.get(`scrape_body_size_bytes${t}`)]).toEqual([5, 100, BODY.length]);
    const batch = head.batch(head.nextSeq - 1);
    const names = [...(batch?.ids ?? [])].map((id) => head.series(id)?.labels.__name__);
    expect(names.slice(-8)).toEqual([
      'up',
      'scrape_duration_seconds',
      'scrape_samples_scraped',
      'scrape_samples_post_metric_relabeling',
      'scrape_series_added',
      'scrape_timeout_seconds',
      'scrape_sample_limit',
      'scrape_body_size_bytes',
    ]);
    const plain = setup(job(''));
    await plain.manager.scrapeAllNow();
    expect(plain.latest().has(`scrape_timeout_seconds${t}`)).toBe(false);
  });
});

describe('relabelling end to end', () => {
  it('applies params, relabel_configs, honor_labels and metric_relabel_configs to what is stored', async () => {
    const yaml = `scrape_configs:
  - job_name: j
    honor_labels: true
    params: { module: [m1] }
    relabel_configs:
      - { source_labels: [__param_module], target_label: module }
      - { source_labels: [__address__], regex: '(.*):\\d+', target_label: host, replacement: '\${1}' }
    metric_relabel_configs:
      - { source_labels: [x], regex: '2', action: drop }
    static_configs:
      - targets: ['127.0.0.1:9100']
`;
    const { manager, requests, latest } = setup(yaml, {}, () => 'a{x="1",job="mine"} 1\na{x="2"} 2\n');
    await manager.scrapeAllNow();
    expect(requests[0].url).toBe('http://127.0.0.1:9100/metrics?module=m1');
    const series = [...latest().keys()].filter((k) => k.startsWith('a{'));
    expect(series).toEqual(['a{host="127.0.0.1", instance="127.0.0.1:9100", job="mine", module="m1", x="1"}']);
  });
});

describe('last scrape body', () => {
  it('keeps the last body per target (capped) for the Targets page', async () => {
    const { manager } = setup(job(''));
    expect(manager.lastScrape('j', '127.0.0.1:9100')?.body).toBe('');
    await manager.scrapeAllNow();
    expect(manager.lastScrape('j', '127.0.0.1:9100')).toMatchObject({ body: BODY, bytes: BODY.length, truncated: false, contentType: 'text/plain; version=0.0.4' });
    expect(manager.lastScrape('j', 'other:1')).toBeUndefined();
    expect(manager.lastScrape('j', '', 'http://127.0.0.1:9100/metrics')?.body).toBe(BODY);
    const big = 'é'.repeat(LAST_SCRAPE_MAX_BYTES);
    const large = setup(job(''), {}, () => big);
    await large.manager.scrapeAllNow();
    const last = large.manager.lastScrape('j', '127.0.0.1:9100');
    expect(last?.truncated).toBe(true);
    expect(new TextEncoder().encode(last?.body).length).toBeLessThanOrEqual(LAST_SCRAPE_MAX_BYTES);
    expect(last?.body.length).toBe(LAST_SCRAPE_MAX_BYTES / 2);
  });
});

describe('last scrape body in pieces', () => {
  it('keeps the pieces that fit whole and the part of the next that fits, and parses the whole body', async () => {
    const pieces = Array.from({ length: 1500 }, (_, k) => `m{i="${k}",l="${'é'.repeat(1000)}"} ${k}\n`);
    const scrapeGet: ScrapeGetFn = async () => ({
      status: 200,
      statusText: 'OK',
      contentType: 'text/plain; version=0.0.4',
      read: async () => ({ text: pieces, bytes: new TextEncoder().encode(pieces.join('')).length }),
      discard: () => undefined,
    });
    const { manager, latest } = setup(job(''), { scrapeGet });
    await manager.scrapeAllNow();
    expect(manager.targets()[0].health).toBe('up');
    expect([...latest().keys()].filter((k) => k.startsWith('m{')).length).toBe(1500);
    const last = manager.lastScrape('j', '127.0.0.1:9100');
    const kept = last?.body ?? '';
    const bytes = new TextEncoder().encode(kept).length;
    expect(last?.truncated).toBe(true);
    expect(bytes).toBeLessThanOrEqual(LAST_SCRAPE_MAX_BYTES);
    expect(bytes).toBeGreaterThan(LAST_SCRAPE_MAX_BYTES - 4);
    expect(pieces.join('').startsWith(kept)).toBe(true);
    // A body in pieces that fits whole is kept whole.
    const few = pieces.slice(0, 3);
    const small = setup(job(''), { scrapeGet: async (url, init) => ({ ...(await scrapeGet(url, init)), read: async () => ({ text: few, bytes: 1 }) }) });
    await small.manager.scrapeAllNow();
    expect(small.manager.lastScrape('j', '127.0.0.1:9100')).toMatchObject({ body: few.join(''), truncated: false });
  });
});

describe('keep_dropped_targets', () => {
  it('keeps at most that many dropped targets in memory but counts them all', async () => {
    const yaml = `scrape_configs:
  - job_name: j
    keep_dropped_targets: 1
    relabel_configs:
      - { source_labels: [__address__], regex: 'drop.*', action: drop }
    static_configs:
      - targets: ['keep:1', 'drop1:1', 'drop2:1', 'drop3:1']
`;
    const loaded = loadConfig(yaml, 'p.yml');
    const r = resolveTargets(loaded.config!);
    expect(r.dropped.map((d) => d.discoveredLabels.__address__)).toEqual(['drop1:1']);
    expect(r.droppedCounts).toEqual({ j: 3 });
    expect(r.active.map((t) => t.url)).toEqual(['http://keep:1/metrics']);
  });
});
