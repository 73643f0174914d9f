// The soak bench's accounting (bench/lib/soak-tally.ts, soak-stats.ts): loss, duplicates, gaps, drift and GCs are counted exactly, so "lost 0" means something.
import { describe, expect, it } from 'vitest';
import type { BatchMessage, StreamMessage } from '../../shared/stream/protocol.ts';
import { StreamSession } from '../../shared/stream/session.ts';
import { mainIsolate, parseGcLine } from '../../bench/lib/soak-stats.ts';
import { REPORT_SERIES, SoakTally } from '../../bench/lib/soak-tally.ts';

const SERIES = 3;
const INTERVAL = 1000;
const REPORT = ['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added'];

/** Series ids: target t's series k (0 = counter, then gauges, then report series) is t * 100 + k + 1. */
function scrapeBatch(seq: number, target: number, n: number, t: number, opts: { up?: number; drop?: number; defs?: boolean } = {}): BatchMessage {
  const instance = `127.0.0.1:${9000 + target}`;
  const names = ['soak_scrapes_total', ...Array.from({ length: SERIES - 1 }, (_, i) => `g${i}`), ...REPORT];
  const ids = names.map((_, k) => target * 100 + k + 1);
  const vals = names.map((name, k) => (name === 'soak_scrapes_total' ? n : name === 'up' ? (opts.up ?? 1) : name === 'scrape_duration_seconds' ? 0.01 : k));
  const keep = names.map((_, k) => k !== opts.drop);
  const b: BatchMessage = { type: 'batch', seq, ids: ids.filter((_, k) => keep[k]), ts: t, vals: vals.filter((_, k) => keep[k]) };
  if (opts.defs !== false) b.defs = names.map((name, k) => [ids[k], { __name__: name, instance, job: 'soak' }]);
  return b;
}

function run(messages: StreamMessage[]): SoakTally {
  const tally = new SoakTally({ intervalMs: INTERVAL, seriesPerTarget: SERIES, counterName: 'soak_scrapes_total' });
  const session = new StreamSession();
  for (const m of messages) tally.onEvent(session.apply(m), 1_000_000 + 50);
  return tally;
}

const hello: StreamMessage = { type: 'hello', epoch: 'e', oldestSeq: 1, nextSeq: 1 };
const served = new Map([
  ['127.0.0.1:9000', 2],
  ['127.0.0.1:9001', 2],
]);

describe('soak tally', () => {
  it('counts a complete run as complete', () => {
    const tally = run([hello, scrapeBatch(1, 0, 1, 1_000_000), scrapeBatch(2, 1, 1, 1_000_000), scrapeBatch(3, 0, 2, 1_001_000), scrapeBatch(4, 1, 2, 1_001_003)]);
    const perScrape = SERIES + REPORT_SERIES;
    expect(tally.completeness(served)).toEqual({ expectedSamples: 4 * perScrape, receivedSamples: 4 * perScrape, lostSamples: 0, lostInStream: 0, missingScrapes: 0, failedScrapes: 0 });
    expect(tally.intervalDrift().sort()).toEqual([0, 3]);
    expect(tally.lagMs).toEqual([50, 50, -950, -953]);
    expect(tally.scrapeDurations).toEqual([0.01, 0.01, 0.01, 0.01]);
    expect([tally.duplicateBatches, tally.duplicateSamples, tally.silentSeqGaps, tally.duplicateScrapes()]).toEqual([0, 0, 0, 0]);
  });

  it('counts a scrape that never arrived, a short batch and a failed scrape as lost', () => {
    const tally = run([hello, scrapeBatch(1, 0, 1, 1_000_000), scrapeBatch(2, 1, 1, 1_000_000, { drop: 1 }), scrapeBatch(3, 1, 0, 1_001_000, { up: 0, drop: 0 })]);
    const perScrape = SERIES + REPORT_SERIES;
    expect(tally.completeness(served)).toEqual({ expectedSamples: 4 * perScrape, receivedSamples: 2 * perScrape - 1, lostSamples: 2 * perScrape + 1, lostInStream: perScrape + 1, missingScrapes: 2, failedScrapes: 1 });
  });

  it('counts replayed batches, repeated samples and skipped sequence numbers', () => {
    const tally = run([
      hello,
      scrapeBatch(1, 0, 1, 1_000_000),
      scrapeBatch(1, 0, 1, 1_000_000),
      scrapeBatch(3, 0, 2, 1_000_000, { defs: false }),
    ]);
    expect(tally.duplicateBatches).toBe(1);
    expect(tally.silentSeqGaps).toBe(1);
    expect(tally.duplicateSamples).toBe(SERIES + REPORT_SERIES);
  });

  it('counts the same scrape number twice as a duplicate scrape and a gap announced in hello as reported', () => {
    const tally = run([hello, scrapeBatch(1, 0, 1, 1_000_000), { ...hello, gap: { epoch: 'e', afterSeq: 1, resumedAtSeq: 1 } }, scrapeBatch(1, 0, 1, 1_001_000)]);
    expect(tally.reportedGaps).toBe(1);
    expect(tally.duplicateScrapes()).toBe(1);
  });
});

describe('soak GC accounting (bench/lib/soak-stats.ts)', () => {
  it('parses --trace-gc lines with their isolate and keeps the main isolate only', () => {
    const lines = [
      '[9697:0x14e2ee20]      204 ms: Scavenge 3.8 (4.0) -> 3.4 (5.0) MB, 56.68 / 0.00 ms  (average mu = 1.000, current mu = 1.000) allocation failure; ',
      '[9697:0x14e2ee20]    91000 ms: Mark-Compact 512.3 (540.1) -> 292.4 (545.0) MB, 120.5 / 0.0 ms  (average mu = 0.9) allocation failure; ',
      // tsx's loader thread: its own isolate, a few MB, must not count as the gateway's live heap.
      '[9697:0x7f30a8000b70]    91500 ms: Mark-Compact 7.2 (8.0) -> 7.0 (8.0) MB, 9.6 / 0.0 ms  (average mu = 1.0) low memory notification; ',
      '[9697:0x14e2ee20]    95000 ms: Scavenge 300.1 (545.0) -> 293.0 (545.0) MB, 12.0 / 0.00 ms  (average mu = 1.000) allocation failure; ',
      'resumed epoch abc',
    ];
    const events = lines.map(parseGcLine);
    expect(events[1]).toEqual({ isolate: '0x14e2ee20', at: 91000, kind: 'mark-compact', beforeMB: 512.3, afterMB: 292.4, pauseMs: 120.5 });
    expect(events[4]).toBeNull();
    const main = mainIsolate(events.filter((e) => e !== null));
    expect(main.map((e) => [e.kind, e.afterMB])).toEqual([
      ['scavenge', 3.4],
      ['mark-compact', 292.4],
      ['scavenge', 293.0],
    ]);
  });
});
