// Tests for file_sd and http_sd discovery with an in-memory file system, a fake HTTP server and fake time.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../shared/config/load.ts';
import type { ScrapeConfigFile } from '../../shared/config/types.ts';
import { FakeTime } from '../runtime/fake-time.ts';
import type { FetchFn, FileSource } from '../runtime/ports.ts';
import { Discovery, type DiscoveryDeps } from './discovery.ts';

/** Files in memory; `*` patterns in the last segment; watchers fire on every write. */
function memoryFiles() {
  const files = new Map<string, string>();
  const watchers = new Set<() => void>();
  const source: FileSource = {
    read: async (p) => {
      const v = files.get(p);
      if (v === undefined) throw new Error(`ENOENT: no such file or directory, open '${p}'`);
      return v;
    },
    glob: async (pattern) => {
      const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*')}$`);
      return [...files.keys()].filter((f) => re.test(f));
    },
    watch: (_dirs, onChange) => {
      watchers.add(onChange);
      return () => watchers.delete(onChange);
    },
  };
  const write = (p: string, text: string) => {
    files.set(p, text);
    for (const w of watchers) w();
  };
  const remove = (p: string) => {
    files.delete(p);
    for (const w of watchers) w();
  };
  return { source, write, remove, watchers };
}

function config(yaml: string): ScrapeConfigFile {
  const r = loadConfig(yaml, '/etc/s/prometheus.yml');
  if (!r.config) throw new Error(r.errors.map((e) => e.message).join('; '));
  return r.config;
}

function setup(over: Partial<DiscoveryDeps> = {}) {
  const time = new FakeTime();
  let changes = 0;
  const errors: string[] = [];
  const d = new Discovery({
    fetchFn: async () => new Response('[]', { headers: { 'Content-Type': 'application/json' } }),
    clock: time,
    scheduler: time,
    userAgent: 'Sightline/test',
    onChange: () => changes++,
    onError: (_m, e) => errors.push(e),
    ...over,
  });
  const addresses = (jobName: string) => (d.groups().get(jobName) ?? []).flatMap((g) => g.targets.map((t) => t.__address__));
  return { d, time, addresses, errors, changes: () => changes };
}

const FILE_SD = `scrape_configs:
  - job_name: files
    file_sd_configs:
      - files: ['targets/*.json', 'more.yml']
        refresh_interval: 1m
`;

describe('file_sd_configs', () => {
  it('reads every matching JSON and YAML file with __meta_filepath, and picks up changes through the watcher', async () => {
    const fs = memoryFiles();
    fs.write('/etc/s/targets/a.json', '[{"targets": ["a:1", "b:2"], "labels": {"env": "prod"}}]');
    fs.write('/etc/s/more.yml', '- targets: [c:3]\n');
    const { d, time, addresses, changes } = setup({ files: fs.source });
    d.apply(config(FILE_SD));
    await time.advance(0);
    expect(addresses('files')).toEqual(['a:1', 'b:2', 'c:3']);
    const group = d.groups().get('files')?.[0];
    expect(group?.labels).toEqual({ env: 'prod', __meta_filepath: '/etc/s/targets/a.json' });
    expect(changes()).toBe(1);

    fs.write('/etc/s/targets/b.json', '[{"targets": ["d:4"]}]');
    await time.advance(200);
    expect(addresses('files')).toEqual(['a:1', 'b:2', 'd:4', 'c:3']);
    fs.remove('/etc/s/targets/a.json');
    await time.advance(200);
    expect(addresses('files')).toEqual(['d:4', 'c:3']);
    d.stop();
    expect(fs.watchers.size).toBe(0);
  });

  it('re-reads on refresh_interval without a watcher', async () => {
    const fs = memoryFiles();
    const source: FileSource = { read: fs.source.read, glob: fs.source.glob };
    fs.write('/etc/s/more.yml', '- targets: [c:3]\n');
    const { d, time, addresses } = setup({ files: source });
    d.apply(config(FILE_SD));
    await time.advance(0);
    fs.write('/etc/s/more.yml', '- targets: [c:3, e:5]\n');
    await time.advance(30_000);
    expect(addresses('files')).toEqual(['c:3']);
    await time.advance(30_000);
    expect(addresses('files')).toEqual(['c:3', 'e:5']);
    d.stop();
  });

  it('keeps a file’s last good targets while it is broken, and reports the error with its position', async () => {
    const fs = memoryFiles();
    fs.write('/etc/s/more.yml', '- targets: [c:3]\n');
    const { d, time, addresses, errors } = setup({ files: fs.source });
    d.apply(config(FILE_SD));
    await time.advance(0);
    fs.write('/etc/s/more.yml', '- targets: [c:3\n');
    await time.advance(200);
    expect(addresses('files')).toEqual(['c:3']);
    expect(errors.at(-1)).toMatch(/^job files: file_sd \/etc\/s\/more\.yml:\d+:\d+: /);
    d.stop();
  });

  it('says clearly when the runtime has no file system', async () => {
    const { d, time, errors } = setup({ runtimeName: 'Cloudflare Workers' });
    d.apply(config(FILE_SD));
    await time.advance(0);
    expect(errors).toEqual(['job files: file_sd_configs are not supported on Cloudflare Workers (no file system); use http_sd_configs or static_configs']);
    d.stop();
  });
});

describe('http_sd_configs', () => {
  const HTTP_SD = `scrape_configs:
  - job_name: web
    http_sd_configs:
      - url: http://127.0.0.1:8000/sd
        refresh_interval: 30s
        authorization: { credentials: abc }
`;

  it('fetches target groups with Prometheus’s headers and __meta_url, refreshes, and keeps the last good list on failure', async () => {
    let body = '[{"targets": ["a:1"], "labels": {"team": "x"}}]';
    let status = 200;
    const seen: Headers[] = [];
    const fetchFn: FetchFn = async (_url, init) => {
      seen.push(new Headers(init.headers));
      return new Response(body, { status, statusText: status === 500 ? 'Internal Server Error' : 'OK', headers: { 'Content-Type': 'application/json; charset=utf-8' } });
    };
    const { d, time, addresses, errors } = setup({ fetchFn });
    d.apply(config(HTTP_SD));
    await time.advance(0);
    expect(addresses('web')).toEqual(['a:1']);
    expect(d.groups().get('web')?.[0].labels).toEqual({ team: 'x', __meta_url: 'http://127.0.0.1:8000/sd' });
    expect(Object.fromEntries(seen[0])).toEqual({
      accept: 'application/json',
      authorization: 'Bearer abc',
      'user-agent': 'Sightline/test',
      'x-prometheus-refresh-interval-seconds': '30',
    });
    body = '[{"targets": ["a:1", "b:2"]}]';
    await time.advance(30_000);
    expect(addresses('web')).toEqual(['a:1', 'b:2']);
    status = 500;
    await time.advance(30_000);
    expect(addresses('web')).toEqual(['a:1', 'b:2']);
    expect(errors.at(-1)).toBe('job web: http_sd http://127.0.0.1:8000/sd: server returned HTTP status 500 Internal Server Error');
    d.stop();
  });

  it('rejects a response that is not JSON', async () => {
    const fetchFn: FetchFn = async () => new Response('<html>', { headers: { 'Content-Type': 'text/html' } });
    const { d, time, errors } = setup({ fetchFn });
    d.apply(config(HTTP_SD));
    await time.advance(0);
    expect(errors).toEqual(['job web: http_sd http://127.0.0.1:8000/sd: unsupported content type "text/html"']);
    d.stop();
  });

  it('keeps providers whose settings did not change across apply(), restarting only changed ones', async () => {
    let calls = 0;
    const fetchFn: FetchFn = async () => {
      calls++;
      return new Response('[{"targets": ["a:1"]}]', { headers: { 'Content-Type': 'application/json' } });
    };
    const { d, time, addresses } = setup({ fetchFn });
    d.apply(config(HTTP_SD));
    await time.advance(0);
    d.apply(config(HTTP_SD));
    await time.advance(0);
    expect(calls).toBe(1);
    expect(addresses('web')).toEqual(['a:1']);
    d.apply(config(HTTP_SD.replace('30s', '20s')));
    await time.advance(0);
    expect(calls).toBe(2);
    d.stop();
  });
});
