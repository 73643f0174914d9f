// Export and import in Chromium: a binary snapshot and OpenMetrics text exported from one browser profile and
// imported into a fresh one give identical PromQL results, metadata and (snapshot) exemplars.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TsdbTest } from './fixtures/tsdb.entry.ts';
import { launchBrowser, type Browser } from './harness.ts';
import { fixturePage } from './tsdb-kit.ts';

type Api = { tsdbTest: TsdbTest };
type Exported = Awaited<ReturnType<TsdbTest['exportBoth']>>;
const shape = { series: 12, step: 15_000 };
const steps = 600;
/** Stale markers in the source data (series host-0 at every k with k % 97 = 50). */
const staleMarkers = Array.from({ length: steps }, (_, i) => i + 1).filter((k) => k % 97 === 50).length;

describe('TSDB export and import (Chromium)', () => {
  let source: Exported;
  let fresh: Browser;
  let page: Page;

  beforeAll(async () => {
    const first = await launchBrowser();
    try {
      const p = await fixturePage(first.context, 'tsdb.entry.ts');
      source = await p.evaluate(([s, n]) => (globalThis as unknown as Api).tsdbTest.exportBoth('source', s, n), [shape, steps] as const);
    } finally {
      await first.close();
    }
    fresh = await launchBrowser();
    page = await fixturePage(fresh.context, 'tsdb.entry.ts');
  });

  afterAll(async () => {
    await fresh?.close();
  });

  it('a snapshot imported into a fresh profile answers every query identically, with metadata and exemplars', async () => {
    const r = await page.evaluate(([d, s, n]) => (globalThis as unknown as Api).tsdbTest.importAndQuery('from-snapshot', 'snapshot', d, s, n), [source.snapshot, shape, steps] as const);
    expect(r.report).toEqual({ series: 12, samples: 12 * steps, exemplars: steps / 10, families: 2 });
    expect(r.results).toEqual(source.results);
    expect(r.metadata).toEqual(source.metadata);
    expect(r.exemplars).toEqual(source.exemplars);
    expect(r.exemplars[0].exemplars).toHaveLength(steps / 10);
    expect(r.check).toMatchObject({ ok: true, samples: 12 * steps });
    expect(r.stale).toBe(staleMarkers);
  });

  it('a snapshot of selected series and a time range holds exactly that selection', async () => {
    const r = await page.evaluate(([d, s, n]) => (globalThis as unknown as Api).tsdbTest.importAndQuery('from-partial', 'snapshot', d, s, n), [source.partial, shape, steps] as const);
    expect(r.raw).toEqual(source.partialExpected);
    expect(r.raw).toHaveLength(4);
    expect(r.raw[0].t).toHaveLength(steps - 80 + 1);
    expect(r.report.series).toBe(4);
  });

  it('OpenMetrics text imported into a fresh profile answers every query identically and keeps HELP/TYPE and exemplars', async () => {
    expect(source.om.endsWith('# EOF\n')).toBe(true);
    expect(source.om).toContain('# TYPE req counter\n# HELP req Requests served.\n');
    expect(source.om).toContain('# HELP temp Temperature\\nin "celsius".\n');
    expect(source.om).toContain('\nreq_total{instance="host-3",job="app",mode="idle"} 304.0 1699999215\n');
    expect(source.om).toContain('\ntemp{instance="host-1",job="app",mode="idle"} 89.1 1699999215\n');
    expect(source.om).toContain('\n# TYPE up unknown\n');
    const r = await page.evaluate(([d, s, n]) => (globalThis as unknown as Api).tsdbTest.importAndQuery('from-om', 'om', d, s, n), [source.om, shape, steps] as const);
    expect(r.results).toEqual(source.results);
    expect(r.metadata).toEqual(source.metadata);
    // Stale markers cannot be written in OpenMetrics: host-0 loses its few, everything else is complete.
    expect(r.report.samples).toBe(12 * steps - staleMarkers);
    expect(r.stale).toBe(0);
    expect(r.check.ok).toBe(true);
    // Exemplars ride on their counter's sample lines (each at a sample's time here), so all of them come back.
    expect(source.om).toMatch(/\nreq_total\{instance="host-0",job="app",mode="user"\} \S+ \S+ # \{trace_id="t\d+"\} \S+ \S+\n/);
    expect(r.report.exemplars).toBe(steps / 10);
    expect(r.exemplars).toEqual(source.exemplars);
  });
});
