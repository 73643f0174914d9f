// Crash safety in Chromium: a tab closed mid-flush and a browser killed outright leave a store that checks clean
// and holds exactly the batches up to its durable position (no gaps, no duplicates, no torn chunks).
import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TsdbTest } from './fixtures/tsdb.entry.ts';
import { launchBrowser, type Browser } from './harness.ts';
import { fixturePage, launchKillable, launchOnProfile, removeProfile, tempProfile, waitFor } from './tsdb-kit.ts';

type Api = { tsdbTest: TsdbTest; __flushes?: number; __seq?: number; __durable?: number };
// Ten-minute steps: every dozen batches a bucket is finalised into blocks, so the crashes also hit those flushes.
const shape = { series: 50, step: 600_000 };

/** Starts the endless writer in `page` and waits until it has flushed `flushes` times. */
async function writeUntil(page: Page, name: string, flushes: number): Promise<void> {
  // Never resolves: the page dies under it.
  page.evaluate(([n, s]) => (globalThis as unknown as Api).tsdbTest.writeForever(n, s, { maxBatches: 3, maxDelayMs: 50 }), [name, shape] as const).catch(() => undefined);
  await waitFor(`${flushes} flushes`, async () => ((await page.evaluate(() => (globalThis as unknown as Api).__flushes ?? 0)) as number) >= flushes);
}

describe('TSDB crash safety (Chromium)', () => {
  let browser: Browser | undefined;

  afterAll(async () => {
    await browser?.close();
  });

  it('a tab closed in the middle of flushing leaves exactly the durable batches', async () => {
    browser = await launchBrowser();
    for (const round of [1, 2, 3]) {
      const writer = await fixturePage(browser.context, 'tsdb.entry.ts');
      await writeUntil(writer, 'crash-tab', 4 * round);
      const seq = (await writer.evaluate(() => (globalThis as unknown as Api).__seq)) as number;
      await writer.close({ runBeforeUnload: false });
      const reader = await fixturePage(browser.context, 'tsdb.entry.ts');
      const r = await reader.evaluate(([s]) => (globalThis as unknown as Api).tsdbTest.verifyContiguous('crash-tab', s), [shape] as const);
      expect(r.problems).toEqual([]);
      expect(r.openCheck).toMatchObject({ ok: true, droppedHeads: 0 });
      expect(r.deep).toMatchObject({ ok: true, droppedChunks: 0 });
      // Bounded loss: at most the unflushed batches (3 per flush, one flush in flight) trail what had been appended
      // before the close was requested (the writer went on appending until the page died).
      expect(r.p).toBeGreaterThanOrEqual(seq - 6);
      await reader.close();
    }
  });

  it('with group commit (the studio policy), a closed tab keeps everything it reported durable and nothing torn', async () => {
    browser ??= await launchBrowser();
    for (const round of [1, 2]) {
      const writer = await fixturePage(browser.context, 'tsdb.entry.ts');
      writer.evaluate(([n, s]) => (globalThis as unknown as Api).tsdbTest.writeForever(n, s, { eager: true }, true), ['crash-gc', shape] as const).catch(() => undefined);
      await waitFor(`${6 * round} flushes`, async () => ((await writer.evaluate(() => (globalThis as unknown as Api).__flushes ?? 0)) as number) >= 6 * round);
      const [seq, durable] = (await writer.evaluate(() => [(globalThis as unknown as Api).__seq, (globalThis as unknown as Api).__durable])) as [number, number];
      await writer.close({ runBeforeUnload: false });
      const reader = await fixturePage(browser.context, 'tsdb.entry.ts');
      const r = await reader.evaluate(([s]) => (globalThis as unknown as Api).tsdbTest.verifyContiguous('crash-gc', s), [shape] as const);
      expect(r.problems).toEqual([]);
      expect(r.openCheck).toMatchObject({ ok: true, droppedHeads: 0 });
      expect(r.deep).toMatchObject({ ok: true, droppedChunks: 0 });
      expect(r.p).toBeGreaterThanOrEqual(durable);
      expect(durable).toBeGreaterThan(0);
      // Appends went on until the page died, so p may pass seq; what it lost is only what no flush had committed.
      expect(r.p).toBeGreaterThan(0);
      expect(seq).toBeGreaterThanOrEqual(durable);
      await reader.close();
    }
  });

  it('a killed browser leaves a store that checks clean and resumes from its durable position', async () => {
    const profile = tempProfile();
    try {
      const killable = await launchKillable(profile);
      const page = await fixturePage(killable.context, 'tsdb.entry.ts');
      await writeUntil(page, 'crash-kill', 10);
      await killable.kill();
      const context = await launchOnProfile(profile);
      try {
        const reader = await fixturePage(context, 'tsdb.entry.ts');
        const r = await reader.evaluate(([s]) => (globalThis as unknown as Api).tsdbTest.verifyContiguous('crash-kill', s), [shape] as const);
        expect(r.problems).toEqual([]);
        expect(r.openCheck?.ok).toBe(true);
        expect(r.deep).toMatchObject({ ok: true, droppedChunks: 0, droppedHeads: 0 });
        expect(r.p).toBeGreaterThan(0);
      } finally {
        await context.close();
      }
    } finally {
      removeProfile(profile);
    }
  });
});
