// Quota in Chromium: when the browser refuses a write (QuotaExceededError), ingest stops with a visible status,
// nothing stored before is lost, and after more space is granted resume() makes the pending data durable.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CDPSession, Page } from 'playwright-core';
import type { TsdbTest } from './fixtures/tsdb.entry.ts';
import { launchBrowser, type Browser } from './harness.ts';
import { fixturePage, ORIGIN } from './tsdb-kit.ts';

type Api = { tsdbTest: TsdbTest };
const shape = { series: 400, step: 15_000 };

describe('TSDB at the storage quota (Chromium)', () => {
  let browser: Browser;
  let page: Page;
  let cdp: CDPSession;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await fixturePage(browser.context, 'tsdb.entry.ts');
    cdp = await browser.context.newCDPSession(page);
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('stops ingest with a quota-exceeded status, keeps what was stored, and resumes once space is granted', async () => {
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: ORIGIN, quotaSize: 3 * 1024 * 1024 });
    const full = await page.evaluate(([s]) => (globalThis as unknown as Api).tsdbTest.ingestUntilQuota('quota', s), [shape] as const);
    expect(full.error).toMatch(/^TsdbQuotaError: .*quota/);
    expect(full.refused).toBe('TsdbQuotaError');
    expect(full.status.state).toBe('quota-exceeded');
    expect(full.status.message).toMatch(/everything stored so far is intact/);
    expect(full.durableBefore).toBeGreaterThan(0);
    expect(full.status.durable?.seq).toBe(full.durableBefore);

    await cdp.send('Storage.overrideQuotaForOrigin', { origin: ORIGIN });
    const after = await page.evaluate(([s]) => (globalThis as unknown as Api).tsdbTest.resumeAfterQuota('quota', s), [shape] as const);
    expect(after.status.state).toBe('ok');
    expect(after.verify.problems).toEqual([]);
    expect(after.verify.deep.ok).toBe(true);
    // Every batch accepted before the refusal became durable after resuming, plus the one appended after.
    expect(after.verify.p).toBe(full.lastTried + 1);
  });
});
