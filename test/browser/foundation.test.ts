// The studio end to end in Chromium against a real gateway: live chart, exact resume after reload, history kept in IndexedDB.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { ensureStudioBuilt, launchBrowser, outputDir, startGateway, type Browser, type RunningGateway } from './harness.ts';

interface StoreView {
  samples: number;
  series: number;
  oldest: number;
  epoch: string;
  seq: number;
  gaps: number;
}

async function storeView(page: Page): Promise<StoreView> {
  return page.locator('[data-testid=store-stats]').evaluate((el: HTMLElement) => ({
    samples: Number(el.dataset.samples),
    series: Number(el.dataset.series),
    oldest: Number(el.dataset.oldest),
    epoch: el.dataset.epoch ?? '',
    seq: Number(el.dataset.seq),
    gaps: Number(el.dataset.gaps),
  }));
}

/** The stream sequence number the studio's IndexedDB store holds as durable (its `meta` record). */
async function durableStreamSeq(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('sightline-tsdb');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const get = db.transaction('meta', 'readonly').objectStore('meta').get('state');
          get.onerror = () => reject(get.error);
          get.onsuccess = () => {
            db.close();
            resolve(Number((get.result as { seq?: number } | undefined)?.seq ?? 0));
          };
        };
      }),
  );
}

/**
 * Canvas pixels close to the first series colour (#4c7cf3), proof that uPlot actually drew a line, and where they
 * lie across the canvas (fractions of its width).
 */
async function lineExtent(page: Page): Promise<{ pixels: number; minX: number; maxX: number }> {
  return page.locator('[data-testid=chart] canvas').evaluate((canvas: HTMLCanvasElement) => {
    const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    let pixels = 0;
    let minX = Infinity;
    let maxX = -Infinity;
    for (let i = 0; i < data.length; i += 4) {
      if (Math.abs(data[i] - 0x4c) < 24 && Math.abs(data[i + 1] - 0x7c) < 24 && Math.abs(data[i + 2] - 0xf3) < 24 && data[i + 3] > 200) {
        pixels++;
        const x = (i / 4) % canvas.width;
        minX = Math.min(minX, x);
        maxX = Math.max(maxX, x);
      }
    }
    return { pixels, minX: minX / canvas.width, maxX: maxX / canvas.width };
  });
}

async function linePixels(page: Page): Promise<number> {
  return (await lineExtent(page)).pixels;
}

/** expect.poll with room for a loaded CI machine. */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000, interval: 200 });

async function chartSamples(page: Page): Promise<number> {
  return Number(await page.locator('[data-testid=chart]').getAttribute('data-samples'));
}

/** Waits until the Graph chart holds at least n samples and the store footer shows stored data. */
async function waitForChart(page: Page, n: number): Promise<void> {
  await page.waitForFunction(
    (min) => {
      const chart = document.querySelector<HTMLElement>('[data-testid=chart]');
      const store = document.querySelector<HTMLElement>('[data-testid=store-stats]');
      return Number(chart?.dataset.samples) >= min && Number(store?.dataset.samples) > 0;
    },
    n,
    { timeout: 60_000 },
  );
}

describe('studio foundation (Chromium + gateway)', () => {
  let gw: RunningGateway;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    await ensureStudioBuilt();
    gw = await startGateway({ interval: '1s' });
    browser = await launchBrowser();
    mkdirSync(outputDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
  });

  it('charts a gateway self-metric live, resumes exactly after a reload and keeps history without the gateway', async () => {
    onTestFailed(() => console.error(`gateway output:\n${gw.logs()}`));
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
    const streams: string[] = [];
    browser.context.on('request', (r) => r.url().includes('/api/v1/stream') && streams.push(r.url()));

    // The landing page charts the default self-metric with no input at all.
    await page.goto(gw.url + '/');
    await poll(() => page.title()).toBe('Graph · Sightline');
    await waitForChart(page, 2);
    expect(streams[0]).toBe(`${gw.url}/api/v1/stream`);
    await poll(() => page.getAttribute('[data-testid=stream-state]', 'data-state')).toBe('live');
    const legend = await page.locator('[data-testid=legend]').innerText();
    expect(legend).toContain('scrape_duration_seconds');
    expect(legend).toContain('job="sightline"');
    // The x axis spans the selected range (the last 15 minutes), as in Prometheus, not just the data: the few
    // seconds scraped so far are drawn at its right end.
    const fresh = await lineExtent(page);
    expect(fresh.pixels).toBeGreaterThan(0);
    expect(fresh.minX).toBeGreaterThan(0.8);

    // A 5m range evaluates at a 1 s step, matching the test gateway's 1 s scrapes; the route keeps it across reloads.
    await page.getByRole('button', { name: '5m', exact: true }).click();
    await poll(() => page.url()).toContain('range=5m');
    await waitForChart(page, 6);

    // Reload while the gateway keeps scraping: the worker must resume right after its last durable batch. The
    // footer shows the last accepted batch, which group commit may not have written yet, so the bound is the
    // durable position read from IndexedDB itself (it only grows).
    const before = await storeView(page);
    const durableSeq = await durableStreamSeq(page);
    expect(durableSeq).toBeGreaterThan(0);
    expect(before.samples).toBeGreaterThan(0);
    const beforeChart = await chartSamples(page);
    streams.length = 0;
    await page.reload();
    await waitForChart(page, beforeChart);
    // History can be on screen before the new worker holds the writer lock and reconnects.
    await poll(() => streams.length).toBeGreaterThan(0);
    const resume = new URL(streams[0]);
    expect(resume.searchParams.get('epoch')).toBe(before.epoch);
    expect(Number(resume.searchParams.get('after'))).toBeGreaterThanOrEqual(durableSeq);
    expect(page.url()).toContain('range=5m');
    const after = await storeView(page);
    expect(after.oldest).toBe(before.oldest);
    expect(after.samples).toBeGreaterThanOrEqual(before.samples);
    expect(after.gaps).toBe(0);

    // A little more live data for a chart worth looking at, then the screenshot.
    await waitForChart(page, beforeChart + 8);
    await page.mouse.move(900, 330);
    await page.screenshot({ path: join(outputDir, 'foundation.png') });

    // Cut the stream and reload: everything on screen now comes from IndexedDB alone.
    const stored = await storeView(page);
    const storedChart = await chartSamples(page);
    await page.route('**/api/v1/stream*', (route) => route.abort('connectionrefused'));
    await page.reload();
    await waitForChart(page, storedChart);
    expect(await linePixels(page)).toBeGreaterThan(50);
    const offline = await storeView(page);
    expect(offline.oldest).toBe(before.oldest);
    expect(offline.samples).toBeGreaterThanOrEqual(stored.samples);
    await poll(() => page.getAttribute('[data-testid=stream-state]', 'data-state')).toBe('waiting');
    await page.unroute('**/api/v1/stream*');

    // Dark theme, for the record.
    await page.evaluate(() => localStorage.setItem('sightline.settings', JSON.stringify({ theme: 'dark' })));
    await page.reload();
    await waitForChart(page, storedChart);
    await page.mouse.move(900, 330);
    await page.screenshot({ path: join(outputDir, 'foundation-dark.png') });

    expect(problems).toEqual([]);
  });

  it('lists the self-scrape target as up and shows stream and store details on the Status page', async () => {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.evaluate(() => localStorage.removeItem('sightline.settings'));
    await page.goto(`${gw.url}/#/graph?range=5m`);
    await page.reload();
    await waitForChart(page, 1);
    // A PromQL mistake comes back from the worker with Prometheus's message and the offending range underlined.
    await page.getByTestId('expr').fill('sum by (job) (rate(scrape_duration_seconds[1m])');
    await page.getByRole('button', { name: 'Run' }).click();
    const error = page.getByTestId('query-error');
    await poll(() => error.count()).toBe(1);
    expect(await error.innerText()).toContain('parse error: unclosed left parenthesis');
    expect(await error.locator('mark').count()).toBe(1);
    await page.screenshot({ path: join(outputDir, 'query-error.png') });
    // And a valid PromQL expression is evaluated by the engine in the worker.
    await page.getByTestId('expr').fill('sum by (job) (rate(sightline_scrapes_total[10s]))');
    await page.getByRole('button', { name: 'Run' }).click();
    await poll(() => page.getByTestId('legend').innerText()).toContain('job="sightline"');
    expect(await error.count()).toBe(0);

    await page.goto(`${gw.url}/#/targets`);
    const row = page.locator('tbody tr', { hasText: `127.0.0.1:${gw.port}` });
    await poll(() => row.count()).toBe(1);
    expect(await row.innerText()).toMatch(/^sightline\s+127\.0\.0\.1:\d+\s+up\s/i);
    await page.screenshot({ path: join(outputDir, 'targets.png') });

    await page.getByRole('link', { name: 'Status' }).click();
    await poll(() => page.locator('[data-testid=status-state]').innerText()).toBe('live');
    const samples = Number((await page.locator('[data-testid=status-samples]').innerText()).replaceAll(',', ''));
    expect(samples).toBeGreaterThan(0);
    await page.screenshot({ path: join(outputDir, 'status.png') });

    // Settings refuse a gateway URL the worker could not stream from, and keep streaming from the current one.
    await page.getByRole('link', { name: 'Settings' }).click();
    await page.getByTestId('gateway-url').fill('ftp://127.0.0.1/');
    await page.getByRole('button', { name: 'Save and reconnect' }).click();
    await poll(() => page.getByRole('alert').innerText()).toBe('Gateway URL: ftp://127.0.0.1/ is not an http(s) URL');
    await page.screenshot({ path: join(outputDir, 'settings.png') });
    expect(await page.evaluate(() => localStorage.getItem('sightline.settings'))).toBeNull();
    expect(await page.getAttribute('[data-testid=stream-state]', 'data-state')).toBe('live');
    expect(problems).toEqual([]);
  });

  it('lets a second tab read the same store on standby while the first tab streams', async () => {
    const first = browser.context.pages()[0];
    await first.goto(`${gw.url}/#/graph?range=5m`);
    await poll(() => first.getAttribute('[data-testid=stream-state]', 'data-state')).toBe('live');
    const second = await browser.context.newPage();
    second.on('pageerror', (e) => problems.push(`second tab: ${e.message}`));
    await second.goto(`${gw.url}/#/graph?range=5m`);
    await waitForChart(second, 1);
    await poll(() => second.getAttribute('[data-testid=stream-state]', 'data-state')).toBe('standby');
    // New batches written by the first tab's worker reach the second tab's chart through the BroadcastChannel.
    const start = await chartSamples(second);
    await poll(() => chartSamples(second)).toBeGreaterThanOrEqual(start + 2);
    // Closing the streaming tab hands the writer lock, and the stream, to the second one.
    await first.close();
    await poll(() => second.getAttribute('[data-testid=stream-state]', 'data-state')).toBe('live');
    await second.close();
    expect(problems).toEqual([]);
  });
});
