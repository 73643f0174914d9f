// Unit tests for grouping and filtering targets.
import { describe, expect, it } from 'vitest';
import type { ActiveTarget } from './apiTypes.ts';
import { groupTargets, lastScrapeMs, targetMatches } from './targets.ts';

function target(pool: string, instance: string, health: ActiveTarget['health'], lastError = ''): ActiveTarget {
  return {
    discoveredLabels: {},
    labels: { job: pool, instance },
    scrapePool: pool,
    scrapeUrl: `http://${instance}/metrics`,
    globalUrl: `http://${instance}/metrics`,
    lastError,
    lastScrape: '2024-06-01T12:00:00Z',
    lastScrapeDuration: 0.01,
    health,
    scrapeInterval: '15s',
    scrapeTimeout: '10s',
  };
}

const all = [target('node', 'h:10', 'up'), target('node', 'h:9', 'down', 'connection refused'), target('app', 'a:1', 'unknown'), target('node', 'h:100', 'up')];

describe('groupTargets', () => {
  it('groups by pool in name order, targets in natural instance order, with up counts', () => {
    const g = groupTargets(all, '', 'all');
    expect(g.map((p) => [p.pool, p.up, p.total])).toEqual([
      ['app', 0, 1],
      ['node', 2, 3],
    ]);
    expect(g[1].targets.map((t) => t.labels.instance)).toEqual(['h:9', 'h:10', 'h:100']);
  });
  it('filters by health and by words in labels, endpoint and error, dropping empty pools', () => {
    expect(groupTargets(all, '', 'down').map((p) => p.targets.map((t) => t.labels.instance))).toEqual([['h:9']]);
    expect(groupTargets(all, 'refused', 'all')[0].targets.length).toBe(1);
    expect(groupTargets(all, 'job="app"', 'all').map((p) => p.pool)).toEqual(['app']);
    expect(groupTargets(all, 'nothing-like-this', 'all')).toEqual([]);
  });
  it('matches every word, case-insensitively', () => {
    expect(targetMatches(all[0], 'NODE h:10')).toBe(true);
    expect(targetMatches(all[0], 'node h:9')).toBe(false);
  });
});

describe('lastScrapeMs', () => {
  it("reads RFC 3339 and treats Go's zero time as never", () => {
    expect(lastScrapeMs('2024-06-01T12:00:00Z')).toBe(Date.UTC(2024, 5, 1, 12));
    expect(lastScrapeMs('0001-01-01T00:00:00Z')).toBeNull();
  });
});
