// Tests for access control through the whole app: tokens, admin token, loopback mode, CORS, CSRF, body cap, no SSRF.
import { describe, expect, it } from 'vitest';
import { defaultConfig, defaultConfigText } from '../../shared/config/index.ts';
import { createGateway, type ConfigLoad } from '../gateway.ts';
import { FakeTime } from '../runtime/fake-time.ts';
import type { FetchFn } from '../runtime/ports.ts';
import { parseScrapeBody } from '../scrape/parse.ts';
import { constantTimeEqual, isAdminRequest, isLoopbackHost, type SecurityOptions } from './security.ts';

function setup(security: SecurityOptions = {}) {
  const time = new FakeTime();
  const fetched: string[] = [];
  const fetchFn: FetchFn = async (url) => {
    fetched.push(url);
    return new Response('m 1\n', { headers: { 'Content-Type': 'text/plain; version=0.0.4' } });
  };
  let reloads = 0;
  const gw = createGateway({
    config: defaultConfig(9090),
    reloadConfig: async (): Promise<ConfigLoad> => {
      reloads++;
      return { ok: true, config: defaultConfig(9090), text: defaultConfigText(9090) };
    },
    parse: parseScrapeBody,
    fetchFn,
    clock: time,
    scheduler: time,
    epoch: 'e',
    build: { version: '1', revision: '', branch: '', buildUser: '', buildDate: '', runtime: 'test' },
    configYaml: defaultConfigText(9090),
    flags: {},
    security,
  });
  const request = (path: string, init: RequestInit = {}) =>
    gw.app.request(`http://127.0.0.1:9090${path}`, init);
  return { gw, time, fetched, request, reloads: () => reloads };
}

const bearer = (t: string) => ({ Authorization: `Bearer ${t}` });

describe('with SIGHTLINE_TOKEN', () => {
  it('requires the token on the API, the stream and /metrics; health checks and the studio stay open', async () => {
    const { request } = setup({ token: 's3cret' });
    for (const path of ['/api/v1/query?query=up', '/api/v1/stream', '/api/v1/targets', '/metrics', '/api/v1/status/config']) {
      const res = await request(path);
      expect([path, res.status]).toEqual([path, 401]);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="sightline"');
      const body = await res.text();
      expect(body).not.toContain('s3cret');
      expect(JSON.parse(body)).toMatchObject({ status: 'error', errorType: 'unauthorized' });
    }
    expect((await request('/api/v1/query?query=up', { headers: bearer('wrong') })).status).toBe(401);
    expect((await request('/api/v1/query?query=up', { headers: { Authorization: 'Basic czNjcmV0' } })).status).toBe(401);
    expect((await request('/api/v1/query?query=up', { headers: bearer('s3cret') })).status).toBe(200);
    expect((await request('/api/v1/query?query=up', { headers: { Authorization: 'bearer s3cret' } })).status).toBe(200);
    expect((await request('/-/healthy')).status).toBe(200);
    expect((await request('/-/ready')).status).toBe(503);
    // Not an API route: falls through to the studio's files (none here), not refused.
    expect((await request('/index.html')).status).toBe(404);
  });

  it('accepts the token from any Host (it is no longer loopback-only)', async () => {
    const { request } = setup({ token: 't' });
    const res = await request('/api/v1/labels', { headers: { ...bearer('t'), Host: 'metrics.example.com' } });
    expect(res.status).toBe(200);
  });

  it('guards reload with the admin token when one is set, and with the main token otherwise; POST or PUT only', async () => {
    const withAdmin = setup({ token: 'read', adminToken: 'admin' });
    const denied = await withAdmin.request('/-/reload', { method: 'POST', headers: bearer('read') });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ errorType: 'forbidden', error: 'this endpoint needs the admin token (SIGHTLINE_ADMIN_TOKEN)' });
    expect((await withAdmin.request('/-/reload', { method: 'POST', headers: bearer('admin') })).status).toBe(200);
    expect((await withAdmin.request('/api/v1/labels', { headers: bearer('admin') })).status).toBe(200);
    expect(withAdmin.reloads()).toBe(1);
    expect((await withAdmin.request('/-/reload', { headers: bearer('admin') })).status).toBe(405);

    const mainOnly = setup({ token: 'read' });
    expect((await mainOnly.request('/-/reload', { method: 'PUT', headers: bearer('read') })).status).toBe(200);
    expect((await mainOnly.request('/-/reload', { method: 'POST' })).status).toBe(401);
  });
});

describe('without a token (loopback mode)', () => {
  it('serves loopback Host names and refuses others (DNS rebinding)', async () => {
    const { request } = setup({ loopbackOnly: true });
    for (const host of ['127.0.0.1:9090', 'localhost:9090', 'localhost', '[::1]:9090']) {
      expect([host, (await request('/api/v1/labels', { headers: { Host: host } })).status]).toEqual([host, 200]);
    }
    const res = await request('/api/v1/labels', { headers: { Host: 'attacker.example:9090' } });
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: string }).error).toMatch(/loopback/);
    expect((await request('/-/healthy', { headers: { Host: 'attacker.example' } })).status).toBe(200);
    // A runtime that authenticates at its edge (Workers) does not ask for the loopback check.
    expect((await setup().request('/api/v1/labels', { headers: { Host: 'sightline.example.workers.dev' } })).status).toBe(200);
  });

  it('refuses state changes from other sites (CSRF), but not from its own origin', async () => {
    const { request, reloads } = setup();
    expect((await request('/-/reload', { method: 'POST', headers: { Origin: 'https://evil.example' } })).status).toBe(403);
    expect((await request('/-/reload', { method: 'POST', headers: { 'Sec-Fetch-Site': 'cross-site' } })).status).toBe(403);
    expect(reloads()).toBe(0);
    expect((await request('/-/reload', { method: 'POST', headers: { Origin: 'http://127.0.0.1:9090' } })).status).toBe(200);
    expect((await request('/-/reload', { method: 'POST' })).status).toBe(200);
    expect(reloads()).toBe(2);
  });
});

describe('CORS', () => {
  it('sends no CORS headers by default (same origin only)', async () => {
    const { request } = setup();
    const res = await request('/api/v1/labels', { headers: { Origin: 'http://localhost:5173' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
    const pre = await request('/api/v1/query', { method: 'OPTIONS', headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' } });
    expect(pre.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows origins matching --cors.origin, preflight included, and only those', async () => {
    const { request } = setup({ token: 't', corsOrigin: /^(?:http:\/\/localhost:5173)$/ });
    const pre = await request('/api/v1/query', {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization' },
    });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(pre.headers.get('access-control-allow-headers')).toContain('Authorization');
    const res = await request('/api/v1/labels', { headers: { Origin: 'http://localhost:5173', ...bearer('t') } });
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    expect(res.headers.get('vary')).toContain('Origin');
    const other = await request('/api/v1/labels', { headers: { Origin: 'http://localhost:5173.evil.example', ...bearer('t') } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('request bodies', () => {
  it('refuses bodies over the cap with 413, with or without Content-Length', async () => {
    const { request } = setup({ maxBodyBytes: 1000 });
    const big = 'query=' + 'a'.repeat(2000);
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    expect((await request('/api/v1/query', { method: 'POST', headers: { ...form, 'Content-Length': String(big.length) }, body: big })).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode(big));
        c.close();
      },
    });
    const chunked = await request('/api/v1/query', { method: 'POST', headers: form, body: stream, duplex: 'half' } as RequestInit);
    expect(chunked.status).toBe(413);
    const ok = await request('/api/v1/query', { method: 'POST', headers: form, body: 'query=1%2B1&time=1' });
    expect(await ok.text()).toBe('{"status":"success","data":{"resultType":"scalar","result":[1,"2"]}}');
  });
});

describe('server-side request forgery audit', () => {
  it('never fetches a URL a client supplies, on any route, with any method', async () => {
    const { gw, request, fetched } = setup();
    gw.start();
    const evil = 'http://169.254.169.254/latest/meta-data/';
    const params = ['url', 'target', 'scrapeUrl', 'address', 'instance', 'query', 'match[]', 'module', 'endpoint', 'alertmanager', 'webhook']
      .map((p) => `${encodeURIComponent(p)}=${encodeURIComponent(evil)}`)
      .join('&');
    const routes = [
      '/api/v1/query',
      '/api/v1/query_range',
      '/api/v1/series',
      '/api/v1/labels',
      '/api/v1/label/job/values',
      '/api/v1/metadata',
      '/api/v1/query_exemplars',
      '/api/v1/format_query',
      '/api/v1/targets',
      '/api/v1/targets/last_scrape',
      '/api/v1/status/config',
      '/api/v1/status/flags',
      '/api/v1/status/buildinfo',
      '/api/v1/scrape',
      '/api/v1/probe',
      '/federate',
      '/-/reload',
      '/metrics',
    ];
    for (const route of routes) {
      for (const method of ['GET', 'POST', 'PUT']) {
        const res = await request(`${route}?${params}`, { method, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: method === 'GET' ? undefined : params });
        await res.text();
      }
    }
    await gw.manager.scrapeAllNow();
    expect(fetched.length).toBeGreaterThan(0);
    expect(new Set(fetched)).toEqual(new Set(['http://localhost:9090/metrics']));
    gw.stop();
  });
});

describe('helpers', () => {
  it('compares tokens exactly', () => {
    expect(constantTimeEqual('abc', 'abc')).toBe(true);
    expect(constantTimeEqual('abc', 'abd')).toBe(false);
    expect(constantTimeEqual('abc', 'abcd')).toBe(false);
    expect(constantTimeEqual('', 'a')).toBe(false);
  });

  it('treats lifecycle routes and API writes as admin, but not reads sent as POST forms', () => {
    expect(isAdminRequest('POST', '/-/reload')).toBe(true);
    expect(isAdminRequest('GET', '/-/reload')).toBe(true);
    expect(isAdminRequest('POST', '/api/v1/silences')).toBe(true);
    expect(isAdminRequest('DELETE', '/api/v1/silences/abc')).toBe(true);
    expect(isAdminRequest('POST', '/api/v1/receivers/team/test')).toBe(true);
    expect(isAdminRequest('GET', '/api/v1/silences')).toBe(false);
    expect(isAdminRequest('POST', '/api/v1/query')).toBe(false);
    expect(isAdminRequest('POST', '/api/v1/series')).toBe(false);
    expect(isAdminRequest('GET', '/-/healthy')).toBe(false);
  });

  it('knows loopback host headers', () => {
    expect(['localhost', 'localhost:1', '127.0.0.1', '127.9.9.9:80', '[::1]', '[::1]:9090'].every(isLoopbackHost)).toBe(true);
    expect(['example.com', '127.0.0.1.example.com', '[::2]:1', '0.0.0.0', 'localhost.evil'].some(isLoopbackHost)).toBe(false);
  });
});
