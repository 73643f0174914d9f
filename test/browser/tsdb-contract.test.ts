// Runs the SampleStore contract (web/src/store/contract.ts) against the TSDB (web/src/tsdb) inside Chromium.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeContract } from '../../web/src/store/contract.ts';
import type { CaseResult } from './fixtures/tsdb-contract.entry.ts';
import { launchBrowser, type Browser } from './harness.ts';
import { fixturePage } from './tsdb-kit.ts';

describe('TSDB SampleStore contract (Chromium)', () => {
  let browser: Browser;
  let results: CaseResult[] = [];

  beforeAll(async () => {
    browser = await launchBrowser();
    const page = await fixturePage(browser.context, 'tsdb-contract.entry.ts');
    results = await page.evaluate(() => (globalThis as unknown as { runTsdbContract: () => Promise<CaseResult[]> }).runTsdbContract());
  });

  afterAll(async () => {
    await browser?.close();
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
