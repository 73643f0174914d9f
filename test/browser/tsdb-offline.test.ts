// Offline studio in Chromium: the production build registers its service worker, which precaches the app shell, so
// with the gateway stopped a reload still opens the studio over the samples stored in IndexedDB, with the offline
// indicator; when the gateway comes back (same origin, same --storage.path) the stream resumes and backfills.
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import type { Page } from 'playwright-core';
import { labelsKey } from '../../shared/model/labels.ts';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import type { studioDb } from './fixtures/studio-db.entry.ts';
import { ensureStudioBuilt, freePort, launchBrowser, startGateway, type Browser, type RunningGateway } from './harness.ts';
import { bundleFixture } from './tsdb-kit.ts';

type Api = { studioDb: typeof studioDb };
const poll = <T>(fn: () => T | Promise<T>, timeout = 30_000) => expect.poll(fn, { timeout, interval: 250 });

interface Footer {
  samples: number;
  oldest: number;
  epoch: string;
  seq: number;
  gaps: number;
}

async function footer(page: Page): Promise<Footer> {
  return page.locator('[data-testid=store-stats]').evaluate((el: HTMLElement) => ({
    samples: Number(el.dataset.samples),
    oldest: Number(el.dataset.oldest),
    epoch: el.dataset.epoch ?? '',
    seq: Number(el.dataset.seq),
    gaps: Number(el.dataset.gaps),
  }));
}

const streamState = (page: Page) => page.getAttribute('[data-testid=stream-state]', 'data-state');

/** Raw `up` samples the gateway holds (its query API), as sorted timestamps per series key. */
async function gatewayUp(gw: RunningGateway): Promise<Map<string, number[]>> {
  const res = await fetch(`${gw.url}/api/v1/query?query=${encodeURIComponent('up[1h]')}&time=${Date.now() / 1000}`);
  const body = (await res.json()) as { data: { result: Array<{ metric: Record<string, string>; values: Array<[number, string]> }> } };
  const out = new Map<string, number[]>();
  for (const r of body.data.result) {
    out.set(labelsKey({ __name__: 'up', ...r.metric }), r.values.map(([t]) => Math.round(t * 1000)));
  }
  return out;
}


const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };

/** Serves the files of `dir` on 127.0.0.1 (index.html for the root): a stand-in for a gateway serving a build. */
function serveDir(dir: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const file = join(dir, normalize(path === '/' ? '/index.html' : path));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-cache' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

describe('offline studio (Chromium, registered service worker)', () => {
  let dist: string;
  let browser: Browser;

  beforeAll(async () => {
    dist = await ensureStudioBuilt();
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('builds sw.js stamped with the build version and a precache list of the whole build', () => {
    const sw = readFileSync(join(dist, 'sw.js'), 'utf8');
    expect(sw).not.toMatch(/^\s*(import|export)\b/m);
    const pre = JSON.parse(readFileSync(join(dist, 'precache.json'), 'utf8')) as { version: string; files: string[] };
    expect(pre.version).toMatch(/^[0-9a-z]+$/);
    // The cache is named after the build, and a new build is a byte-different worker the browser installs.
    expect(sw).toContain(pre.version);
    expect(sw).not.toContain('__SIGHTLINE_BUILD_VERSION__');
    expect(pre.files).toContain('index.html');
    expect(pre.files.some((f) => /^assets\/.*\.js$/.test(f))).toBe(true);
    expect(pre.files).not.toContain('sw.js');
  });

  it('reloads offline from the service worker cache, then resumes and backfills without duplicates', async () => {
    const storage = mkdtempSync(join(tmpdir(), 'sightline-offline-gw-'));
    const args = ['--storage.path', storage];
    let gw = await startGateway({ interval: '1s', extraArgs: args });
    const port = gw.port;
    const logs: string[] = [];
    onTestFailed(() => console.error(`gateway output:\n${logs.join('\n')}${gw.logs()}`));
    const pre = JSON.parse(readFileSync(join(dist, 'precache.json'), 'utf8')) as { version: string; files: string[] };
    const code = await bundleFixture('studio-db.entry.ts');
    let page = await browser.context.newPage();
    try {
      // Online: the studio registers its worker, which precaches the build and takes control of the page.
      await page.goto(gw.url + '/');
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
      expect(await page.evaluate(() => caches.keys())).toEqual([`sightline-shell-${pre.version}`]);
      const cached = await page.evaluate(async (v) => (await (await caches.open(`sightline-shell-${v}`)).keys()).map((r) => new URL(r.url).pathname), pre.version);
      for (const f of pre.files) expect(cached).toContain('/' + f);
      await poll(() => streamState(page)).toBe('live');
      await poll(async () => (await footer(page)).samples).toBeGreaterThan(20);
      // The API and the stream never go through the cache.
      expect(cached.some((p) => p.startsWith('/api/'))).toBe(false);

      // The gateway goes away; the stream notices, and a reload must still open the studio.
      await gw.stop();
      logs.push(gw.logs());
      await poll(() => streamState(page)).not.toBe('live');
      const stored = await footer(page);
      await page.reload();
      await poll(() => page.title()).toBe('Graph · Sightline');
      expect(await page.evaluate(() => fetch('/api/v1/status/buildinfo').then((r) => r.status, () => 'network error'))).toBe('network error');
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
      await page.locator('[data-testid=offline]').waitFor({ state: 'visible', timeout: 30_000 });
      expect(await page.locator('[data-testid=offline]').innerText()).toMatch(/offline/i);
      // Every stored sample is there, and the Graph page charts them.
      await poll(async () => (await footer(page)).samples).toBeGreaterThanOrEqual(stored.samples);
      const offline = await footer(page);
      expect(offline.oldest).toBe(stored.oldest);
      // (The footer may have lagged the store by a batch when it was read before the reload.)
      expect(offline.seq).toBeGreaterThanOrEqual(stored.seq);
      await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid=chart]')?.dataset.samples) > 0, undefined, { timeout: 30_000 });
      // The metric browser's HELP/TYPE come from the store (the stream's metadata): the gateway cannot supply them now.
      await page.locator('[data-testid=open-metrics]').click();
      const browserDialog = page.locator('[data-testid=metric-browser]');
      await browserDialog.getByRole('searchbox').fill('sightline_scrapes_total');
      await browserDialog.getByText('Scrapes performed, by job.').waitFor({ timeout: 30_000 });
      expect(await browserDialog.innerText()).not.toContain('from the gateway');
      await page.keyboard.press('Escape');

      // The gateway comes back at the same origin with its stored head: the waiting stream reconnects on its own.
      gw = await startGateway({ interval: '1s', extraArgs: args, port });
      await poll(() => streamState(page), 60_000).toBe('live');
      await page.locator('[data-testid=offline]').waitFor({ state: 'detached', timeout: 30_000 });
      const resumed = await footer(page);
      expect(resumed.epoch).toBe(stored.epoch);
      await poll(async () => (await footer(page)).seq).toBeGreaterThan(offline.seq);

      // Backfill: no studio open while the gateway scrapes on; the next one resumes from its durable position.
      await page.close();
      const closedAt = Date.now();
      await new Promise((r) => setTimeout(r, 4000));
      const reopenedAt = Date.now();
      page = await browser.context.newPage();
      await page.goto(gw.url + '/');
      await poll(() => streamState(page), 60_000).toBe('live');
      // Once the studio has what the gateway held a moment ago, close it (no writer left) and compare.
      const lastWanted = Math.max(...[...(await gatewayUp(gw)).values()].map((t) => t[t.length - 1]));
      await page.waitForFunction((t) => Number(document.querySelector<HTMLElement>('[data-testid=store-stats]')?.dataset.newest ?? 0) >= t, lastWanted, {
        timeout: 60_000,
      });
      await page.close();
      // Read the studio's database from a same-origin page that is not the studio (an API page the worker passes by).
      page = await browser.context.newPage();
      await page.goto(`${gw.url}/api/v1/status/buildinfo`);
      await page.addScriptTag({ content: code });
      const got = await page.evaluate(() => (globalThis as unknown as Api).studioDb.studioSamples('up'));
      const want = await gatewayUp(gw);
      expect(Object.values(got.metadata).flat()).toContainEqual({ type: 'counter', help: 'Scrapes performed, by job.', unit: '' });
      // Counted once: replayed batches were not stored twice.
      expect(got.statsSamples).toBe(got.selectedSamples);
      expect(got.series.length).toBe(want.size);
      for (const s of got.series) {
        for (let i = 1; i < s.t.length; i++) expect(s.t[i]).toBeGreaterThan(s.t[i - 1]);
        const gwT = want.get(s.key);
        expect(gwT, s.key).toBeDefined();
        // Everything the gateway holds up to what the studio last received is in the studio, and nothing else.
        const from = Math.max(gwT![0], s.t[0]);
        const to = Math.min(gwT![gwT!.length - 1], s.t[s.t.length - 1]);
        expect(s.t.filter((t) => t >= from && t <= to)).toEqual(gwT!.filter((t) => t >= from && t <= to));
        // Among it the stretch scraped while no studio was open (1 s scrapes over 4 s).
        expect(s.t.filter((t) => t > closedAt && t < reopenedAt).length).toBeGreaterThanOrEqual(2);
      }
    } finally {
      await page.close().catch(() => undefined);
      await gw.stop();
      rmSync(storage, { recursive: true, force: true });
    }
  });

  it('replaces the cached shell when a new build is deployed: the new worker activates and deletes the old cache', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sightline-sw-update-'));
    cpSync(dist, dir, { recursive: true });
    const port = await freePort();
    const server = await serveDir(dir, port);
    const page = await browser.context.newPage();
    try {
      const pre = JSON.parse(readFileSync(join(dir, 'precache.json'), 'utf8')) as { version: string; files: string[] };
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 });
      expect(await page.evaluate(() => caches.keys())).toEqual([`sightline-shell-${pre.version}`]);
      // "Deploy" a new build: same files, a new version (what a changed file name produces).
      const next = 'nextbuild1';
      writeFileSync(join(dir, 'sw.js'), readFileSync(join(dir, 'sw.js'), 'utf8').replaceAll(pre.version, next));
      writeFileSync(join(dir, 'precache.json'), JSON.stringify({ ...pre, version: next }));
      // A navigation makes the browser check sw.js; the new worker installs, takes over and drops the old cache.
      await page.reload();
      await poll(() => page.evaluate(() => caches.keys())).toEqual([`sightline-shell-${next}`]);
      await poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null)).toBe(`http://127.0.0.1:${port}/sw.js`);
      const cached = await page.evaluate(async (v) => (await (await caches.open(`sightline-shell-${v}`)).keys()).length, next);
      expect(cached).toBe(pre.files.length + 1);
    } finally {
      await page.close();
      await new Promise<void>((r) => server.close(() => r()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
