// Tests for scrape timing: stable offsets that spread targets, and the next slot on the absolute grid.
import { describe, expect, it } from 'vitest';
import { alignScrapeTimestamp, fnv1a32, nextScrapeTime, scrapeOffset } from './offset.ts';

describe('scrapeOffset', () => {
  it('is stable for a target and within the interval', () => {
    const a = scrapeOffset('job=node,instance=a:9100', 15_000);
    expect(scrapeOffset('job=node,instance=a:9100', 15_000)).toBe(a);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(15_000);
  });

  it('spreads many targets over the interval', () => {
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 1000; i++) buckets[Math.floor(scrapeOffset(`host-${i}:9100`, 10_000) / 1000)]++;
    for (const n of buckets) expect(n).toBeGreaterThan(50);
  });

  it('changes with the seed', () => {
    const same = [1, 2, 3, 4, 5].filter((seed) => scrapeOffset('t', 60_000, seed) === scrapeOffset('t', 60_000, 0));
    expect(same.length).toBeLessThan(5);
  });

  it('hashes with FNV-1a', () => {
    expect(fnv1a32('')).toBe(0x811c9dc5);
    expect(fnv1a32('a')).toBe(0xe40c292c);
  });
});

describe('nextScrapeTime', () => {
  it('returns the next grid slot strictly after now', () => {
    expect(nextScrapeTime(10_000, 5000, 1200)).toBe(11_200);
    expect(nextScrapeTime(11_200, 5000, 1200)).toBe(16_200);
    expect(nextScrapeTime(11_199, 5000, 1200)).toBe(11_200);
  });

  it('keeps the phase however late it is called', () => {
    for (const now of [0, 1, 4999, 123_456_789]) {
      const next = nextScrapeTime(now, 5000, 1200);
      expect(next).toBeGreaterThan(now);
      expect(next - now).toBeLessThanOrEqual(5000);
      expect((next - 1200) % 5000).toBe(0);
    }
  });
});

describe('alignScrapeTimestamp', () => {
  it('snaps to the slot within 2 ms, not beyond', () => {
    expect(alignScrapeTimestamp(1002, 1000)).toBe(1000);
    expect(alignScrapeTimestamp(1003, 1000)).toBe(1003);
    expect(alignScrapeTimestamp(1003, null)).toBe(1003);
  });
});
