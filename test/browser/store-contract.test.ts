// Runs the SampleStore contract (web/src/store/contract.ts) against the IndexedDB store inside Chromium, then times it.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { build, type Rolldown } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeContract } from '../../web/src/store/contract.ts';
import type { CaseResult } from './fixtures/store-contract.entry.ts';
import { launchBrowser, repoRoot, type Browser } from './harness.ts';

/** A loopback origin that is never contacted: the page is served by Playwright's router. */
const ORIGIN = 'http://127.0.0.1:9';

interface BenchResult {
  appendMsPerBatch: number;
  selectMs: number;
  samples: number;
}

/** Bundles the fixture (contract + IndexedDB store) into one classic script for addScriptTag. */
async function bundle(): Promise<string> {
  const out = await build({
    configFile: false,
    root: repoRoot,
    logLevel: 'warn',
    build: {
      write: false,
      minify: false,
      lib: { entry: join(repoRoot, 'test/browser/fixtures/store-contract.entry.ts'), formats: ['iife'], name: 'storeContract' },
    },
  });
  const first = (Array.isArray(out) ? out[0] : out) as Rolldown.RolldownOutput;
  return first.output[0].code;
}

let browser: Browser;
let page: Page;

beforeAll(async () => {
  const code = await bundle();
  browser = await launchBrowser();
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  await page.route(`${ORIGIN}/**`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>store</title>' }));
  await page.goto(`${ORIGIN}/store.html`);
  await page.addScriptTag({ content: code });
});

afterAll(async () => {
  await browser?.close();
});

describe('IndexedDB SampleStore contract (Chromium)', () => {
  let results: CaseResult[] = [];

  beforeAll(async () => {
    results = await page.evaluate(() => (globalThis as unknown as { runStoreContract: () => Promise<CaseResult[]> }).runStoreContract());
  });

  it('ran every case', () => {
    expect(results.map((r) => r.name)).toEqual(storeContract.map((c) => c.name));
  });

  for (const c of storeContract) {
    it(c.name, () => {
      const r = results.find((x) => x.name === c.name);
      expect(r ? r.error : 'not run').toBeNull();
    });
  }
});

describe('IndexedDB SampleStore throughput (Chromium)', () => {
  it('appends a 200-series scrape in well under a scrape interval and reads 10k samples back quickly', async () => {
    const r = await page.evaluate(() =>
      (globalThis as unknown as { benchIdbStore: (s: number, b: number) => Promise<BenchResult> }).benchIdbStore(200, 50),
    );
    console.log(`IndexedDB store: ${r.appendMsPerBatch.toFixed(1)} ms per 200-series batch, ${r.selectMs.toFixed(0)} ms to read ${r.samples} samples`);
    expect(r.samples).toBe(200 * 50);
    // Generous bounds for a loaded 2-core CI box; a scrape interval is 5 s by default.
    expect(r.appendMsPerBatch).toBeLessThan(250);
    expect(r.selectMs).toBeLessThan(2000);
  });
});
