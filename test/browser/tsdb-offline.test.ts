// Offline studio in Chromium: the build with the service worker plugin precaches the app shell, so with the server
// gone a reload still opens the studio, and the samples stored in IndexedDB are still there to query.
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sightlineServiceWorker } from '../../web/src/sw/vite-plugin.ts';
import type { TsdbTest } from './fixtures/tsdb.entry.ts';
import { freePort, launchBrowser, repoRoot, type Browser } from './harness.ts';
import { bundleFixture } from './tsdb-kit.ts';

type Api = { tsdbTest: TsdbTest };
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json', '.svg': 'image/svg+xml' };

/** Serves `dir` on 127.0.0.1 (index.html for the root), with /api/ answering 200 so a cached copy would show. */
function serve(dir: string, port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/api/')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success"}');
      return;
    }
    const file = join(dir, normalize(path === '/' ? '/index.html' : path));
    if (!file.startsWith(dir) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

describe('offline studio (Chromium)', () => {
  let out: string;
  let browser: Browser;

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'sightline-sw-build-'));
    await build({ configFile: join(repoRoot, 'vite.config.ts'), logLevel: 'warn', plugins: [sightlineServiceWorker()], build: { outDir: out, emptyOutDir: true } });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    rmSync(out, { recursive: true, force: true });
  });

  it('builds sw.js without module syntax and a precache list of the whole build', () => {
    const sw = readFileSync(join(out, 'sw.js'), 'utf8');
    expect(sw).not.toMatch(/^\s*(import|export)\b/m);
    const pre = JSON.parse(readFileSync(join(out, 'precache.json'), 'utf8')) as { version: string; files: string[] };
    expect(pre.files).toContain('index.html');
    expect(pre.files.some((f) => /^assets\/.*\.js$/.test(f))).toBe(true);
    expect(pre.files).not.toContain('sw.js');
  });

  it('reopens the studio and its stored samples with the server stopped, never caching /api/', async () => {
    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    let server = await serve(out, port);
    const page = await browser.context.newPage();
    try {
      await page.goto(origin);
      // Until the studio's main.ts registers it (see the report), the test registers the worker itself.
      await page.evaluate(async () => {
        await navigator.serviceWorker.register('/sw.js');
        await navigator.serviceWorker.ready;
      });
      await page.reload();
      expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
      expect(await page.evaluate(async () => (await fetch('/api/v1/status')).status)).toBe(200);
      // Store samples the way the studio does.
      const code = await bundleFixture('tsdb.entry.ts');
      await page.addScriptTag({ content: code });
      const before = await page.evaluate(() => (globalThis as unknown as Api).tsdbTest.ingestAndQuery('offline', { series: 6, step: 15_000 }, 200));
      expect(before.statsReopen.samples).toBe(6 * 200);

      await new Promise<void>((r) => server.close(() => r()));
      server.closeAllConnections();
      await page.reload();
      // The shell came from the cache: the page, its module scripts and the app mounted into #app.
      expect(await page.title()).toContain('Sightline');
      await page.waitForFunction(() => (document.getElementById('app')?.childElementCount ?? 0) > 0, undefined, { timeout: 20_000 });
      expect(await page.evaluate(async () => fetch('/api/v1/status').then((r) => r.status, () => 'network error'))).toBe('network error');
      await page.addScriptTag({ content: code });
      const view = await page.evaluate(() => (globalThis as unknown as Api).tsdbTest.readView('offline'));
      expect(view.counts).toEqual(new Array(6).fill(200));
    } finally {
      await page.close();
      if (server.listening) await new Promise<void>((r) => server.close(() => r()));
      server = undefined as unknown as Server;
    }
  });
});
