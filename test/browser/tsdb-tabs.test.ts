// Several tabs on one store in Chromium: exactly one writer (Web Locks), readers notified after each flush
// (BroadcastChannel), takeover when the writer's tab closes, and safe merging when two realms write without the lock.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TsdbTest } from './fixtures/tsdb.entry.ts';
import { launchBrowser, type Browser } from './harness.ts';
import { fixturePage, waitFor } from './tsdb-kit.ts';

interface Tab {
  writer: boolean;
  notices: number;
  appended: number;
  lastSeq: number;
  stop: boolean;
}
type Api = { tsdbTest: TsdbTest; __tab?: Tab };
const shape = { series: 20, step: 15_000 };

function tabState(page: Page): Promise<Tab> {
  return page.evaluate(() => (globalThis as unknown as Api).__tab!);
}

describe('TSDB across tabs (Chromium)', () => {
  let browser: Browser;

  beforeAll(async () => {
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('lets exactly one tab write, notifies the other after flushes, and hands over when the writer closes', async () => {
    const a = await fixturePage(browser.context, 'tsdb.entry.ts');
    const b = await fixturePage(browser.context, 'tsdb.entry.ts');
    const start = (p: Page) =>
      p.evaluate(([s]) => (globalThis as unknown as Api).tsdbTest.runTab('tabs', s, 20, 'tabs-writer-lock'), [shape] as const).catch(() => undefined);
    const runA = start(a);
    await waitFor('tab A to start', async () => (await a.evaluate(() => (globalThis as unknown as Api).__tab !== undefined)) as boolean);
    const runB = start(b);
    await waitFor('40 appends', async () => (await tabState(a)).appended + (await tabState(b)).appended >= 40);
    const [sa, sb] = [await tabState(a), await tabState(b)];
    expect([sa.writer, sb.writer].filter(Boolean)).toHaveLength(1);
    const [writer, reader, readerRun] = sa.writer ? [a, b, runB] : [b, a, runA];
    expect((await tabState(writer)).appended).toBeGreaterThanOrEqual(40);
    expect((await tabState(reader)).appended).toBe(0);
    await waitFor('a flush notice in the reading tab', async () => (await tabState(reader)).notices > 0);
    const view = await reader.evaluate(() => (globalThis as unknown as Api).tsdbTest.readView('tabs'));
    expect(view.durable).toBeGreaterThan(0);
    expect(view.counts).toHaveLength(shape.series);
    expect(Math.min(...view.counts)).toBeGreaterThanOrEqual(view.durable);

    const before = (await tabState(writer)).lastSeq;
    await writer.close({ runBeforeUnload: false });
    await waitFor('the other tab to take over', async () => (await tabState(reader)).writer);
    await waitFor('20 appends by the new writer', async () => (await tabState(reader)).appended >= 20);
    expect((await tabState(reader)).lastSeq).toBeGreaterThan(before - 10);
    await reader.evaluate(() => ((globalThis as unknown as Api).__tab!.stop = true));
    await readerRun;
    const r = await reader.evaluate(([s]) => (globalThis as unknown as Api).tsdbTest.verifyContiguous('tabs', s), [shape] as const);
    expect(r.problems).toEqual([]);
    expect(r.p).toBe((await tabState(reader)).lastSeq);
    await reader.close();
  });

  it('keeps a consistent store when two realms append the same stream without the lock', async () => {
    const a = await fixturePage(browser.context, 'tsdb.entry.ts');
    const b = await fixturePage(browser.context, 'tsdb.entry.ts');
    const [sa, sb] = await Promise.all([
      a.evaluate(([s]) => (globalThis as unknown as Api).tsdbTest.writeWithoutLock('nolock', s, 1, 60, 3), [shape] as const),
      b.evaluate(([s]) => (globalThis as unknown as Api).tsdbTest.writeWithoutLock('nolock', s, 1, 60, 7), [shape] as const),
    ]);
    expect([sa.state, sb.state]).toEqual(['ok', 'ok']);
    const r = await a.evaluate(([s]) => (globalThis as unknown as Api).tsdbTest.verifyContiguous('nolock', s), [shape] as const);
    expect(r.problems).toEqual([]);
    expect(r.p).toBe(60);
    expect(r.deep.ok).toBe(true);
  });
});
