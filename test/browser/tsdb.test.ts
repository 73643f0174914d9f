// The TSDB in Chromium: ingest, PromQL over it (against the memory store), reopen, out-of-order merges, metadata,
// exemplars and retention.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TsdbTest } from './fixtures/tsdb.entry.ts';
import { launchBrowser, type Browser } from './harness.ts';
import { fixturePage } from './tsdb-kit.ts';
import { MAX_EXEMPLARS_PER_SERIES } from '../../web/src/tsdb/flush.ts';

type Api = { tsdbTest: TsdbTest };

describe('TSDB in Chromium', () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    browser = await launchBrowser();
    page = await fixturePage(browser.context, 'tsdb.entry.ts');
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('answers PromQL exactly as the memory store does, from the head and after reopening, decoding only overlapping chunks', async () => {
    const r = await page.evaluate(() => (globalThis as unknown as Api).tsdbTest.ingestAndQuery('q1', { series: 30, step: 15_000 }, 1000));
    expect(r.beforeFlush).toBeGreaterThan(0); // some samples were still only in memory when queried
    expect(r.openDiff).toEqual([]);
    expect(r.reopenDiff).toEqual([]);
    expect(r.statsReopen).toEqual(r.statsOpen);
    expect(r.statsReopen.samples).toBe(30 * 1000);
    expect(r.check).toMatchObject({ ok: true, droppedHeads: 0, droppedChunks: 0, samples: 30 * 1000 });
    // 10 minutes at 15 s is 41 samples inside one or two chunks of a 30-minute chunk range.
    expect(r.narrow.samples).toBe(41);
    expect(r.narrow.decoded).toBeGreaterThanOrEqual(1);
    expect(r.narrow.decoded).toBeLessThanOrEqual(2);
    expect(r.narrow.fetched).toBeLessThanOrEqual(r.narrow.decoded + 4);
    expect(r.all.samples).toBe(1000);
    expect(r.all.decoded).toBeGreaterThan(5);
    expect(r.warm).toEqual({ decoded: 0, cached: r.narrow.decoded });
    expect(r.staleCount).toBe(r.expectedStale);
    expect(r.expectedStale).toBeGreaterThan(5);
  });

  it('upgrades a version 1 store (shards by arrival order) to grouped shards, keeping every sample and record', async () => {
    const r = await page.evaluate(() => (globalThis as unknown as Api).tsdbTest.migrationScenario('mig1', { series: 30, step: 15_000 }, 1500));
    expect(r.version).toBe(1);
    expect(r.afterVersion).toBe(2);
    // The old layout really differs: one shard per metric name, against one per metric and mode now.
    expect(r.oldBlockKeys.length).toBeGreaterThan(0);
    expect(r.oldSameSeries).toBe(false);
    expect(r.oldBlockKeys).not.toEqual(r.freshBlockKeys);
    expect(r.freshBlockKeys.length).toBe(2 * r.oldBlockKeys.length);
    // After the upgrade the records are exactly those the current code writes, and the data answers the same.
    expect(r.afterBlockKeys).toEqual(r.freshBlockKeys);
    expect(r.sameBlocks).toBe(true);
    expect(r.sameSeries).toBe(true);
    expect(r.sameWal).toBe(true);
    expect(r.afterBuckets).toEqual(r.freshBuckets);
    expect((r.oldBuckets as Array<[number, number, number, number]>).map((b) => b[2])).toEqual((r.freshBuckets as Array<[number, number, number, number]>).map((b) => b[2]));
    expect(r.diff).toEqual([]);
    expect(r.stats.samples).toBe(30 * 1500);
    expect(r.check).toMatchObject({ ok: true, droppedHeads: 0, droppedChunks: 0, samples: 30 * 1500 });
  });

  it('merges late samples into the open region and into finalised blocks exactly, replacing a repeated timestamp', async () => {
    const r = await page.evaluate(() => (globalThis as unknown as Api).tsdbTest.outOfOrderScenario('ooo1'));
    expect(r.series.map((s) => [s.instance, s.n, s.sorted])).toEqual([
      ['host-0', 401, true],
      ['host-1', 401, true],
      ['host-2', 401, true],
    ]);
    expect(r.series[1].v11).toBe(-42);
    expect(r.deep).toMatchObject({ ok: true, samples: 3 * 401 });
    expect(r.deep.chunks).toBeGreaterThan(0); // the blocks exist
    expect(r.stats.samples).toBe(3 * 401);
  });

  it('stores metadata and exemplars from the stream, queryable before and after a flush', async () => {
    const r = await page.evaluate(() => (globalThis as unknown as Api).tsdbTest.metadataScenario('meta1'));
    const want = {
      req: [{ type: 'counter', help: 'Requests served.', unit: '' }],
      temp: [{ type: 'gauge', help: 'Temperature\nin "celsius".', unit: '' }],
    };
    expect(r.pendingMeta).toEqual(want);
    expect(r.storedMeta).toEqual(want);
    const host0 = { seriesLabels: { __name__: 'req_total', job: 'app', instance: 'host-0', mode: 'user' }, exemplars: [{ labels: { trace_id: 'abc' }, value: 0.5, timestamp: 1_699_999_200_000 + 15_000 }] };
    expect(r.pendingEx).toEqual([host0]);
    expect(r.storedEx).toEqual([
      { seriesLabels: { __name__: 'never_sampled', job: 'x' }, exemplars: [{ labels: { trace_id: 'def' }, value: 2, timestamp: 1_699_999_200_000 + 16_000 }] },
      host0,
    ]);
    expect(r.outside).toEqual([]);
  });

  it('keeps the newest exemplars per series (bounded), a repeated time replacing the stored one', async () => {
    const r = await page.evaluate(() => (globalThis as unknown as Api).tsdbTest.exemplarBoundScenario('ex1'));
    expect(r.count).toBe(MAX_EXEMPLARS_PER_SERIES);
    expect(r.first).toEqual({ labels: { trace_id: `t${100 - MAX_EXEMPLARS_PER_SERIES}` }, value: 100 - MAX_EXEMPLARS_PER_SERIES, timestamp: 1_699_999_200_000 + (100 - MAX_EXEMPLARS_PER_SERIES) * 15_000 });
    expect(r.last).toEqual([
      { labels: { trace_id: 'again' }, value: -1, timestamp: 1_699_999_200_000 + 98 * 15_000 },
      { labels: { trace_id: 't99' }, value: 99, timestamp: 1_699_999_200_000 + 99 * 15_000 },
    ]);
  });

  it('group commit (the studio policy) makes every append durable without waiting in appendBatch', async () => {
    const r = await page.evaluate(() => (globalThis as unknown as Api).tsdbTest.groupCommitScenario('gc1'));
    expect(r.acceptedAtEnd).toBe(200);
    // Flushes ran in the background while appends went on.
    expect(r.durableDuringAppends).toBeGreaterThan(0);
    expect(r.durable).toEqual({ epoch: 'e1', seq: 200 });
    expect(r.pendingAfter).toBe(0);
    expect(r.position).toEqual({ epoch: 'e1', seq: 200 });
    expect(r.samples).toBe(20 * 200);
  });

  it('applies time retention by whole chunks measured from the newest sample, then a size limit, keeping totals exact', async () => {
    const r = await page.evaluate(() => (globalThis as unknown as Api).tsdbTest.retentionScenario('ret1'));
    expect(r.before.samples).toBe(6 * 3 * 1440);
    expect(r.time.reason).toBe('time');
    expect(r.time.cutoff).not.toBeNull();
    // Whole 2 h buckets: what is left starts at the cutoff and reaches back at least one day from the newest sample.
    expect(r.oldestSelected).toBe(r.afterTime.oldest);
    expect(r.oldestSelected).toBeGreaterThanOrEqual(r.time.cutoff!);
    expect(r.oldestSelected).toBeLessThanOrEqual(r.newest - 86_400_000);
    expect(r.afterTime.samples).toBe(r.before.samples - r.time.samples);
    expect(r.countAfterTime).toBe(r.afterTime.samples);
    expect(r.deep1).toMatchObject({ ok: true, samples: r.afterTime.samples });
    expect(r.size.reason).toBe('size');
    expect(r.bytesBefore).toBeGreaterThan(20_000);
    expect(r.bytesAfter).toBeLessThan(r.bytesBefore);
    expect(r.deep2).toMatchObject({ ok: true, samples: r.statsAfterSize.samples });
    expect(r.statsAfterSize.newest).toBe(r.newest);
  });
});
