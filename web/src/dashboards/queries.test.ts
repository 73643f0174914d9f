// Pins how a panel's targets become worker queries: interpolation, hidden targets, instant vs range, step alignment.
import { describe, expect, it } from 'vitest';
import { defaultOptions, type TimeseriesPanel } from '../../../shared/dashboards/model.ts';
import { plannedQueries } from './queries.ts';

const panel: TimeseriesPanel = {
  id: 1,
  type: 'timeseries',
  title: 't',
  gridPos: { x: 0, y: 0, w: 12, h: 8 },
  options: defaultOptions('timeseries'),
  targets: [
    { refId: 'A', expr: 'rate(x{job=~"$job"}[$__rate_interval])', instant: false, hide: false },
    { refId: 'B', expr: 'up', instant: true, hide: false },
    { refId: 'C', expr: 'hidden', instant: false, hide: true },
  ],
};

describe('planned panel queries', () => {
  it('interpolates variables and step built-ins, skips hidden targets, runs instant queries at the range end', () => {
    const range = { from: 1_700_000_000_000, to: 1_700_003_600_000 };
    const q = plannedQueries({ panel, scope: { job: { value: ['a', 'b'], text: ['a', 'b'], regex: true } }, range, widthPx: 600 });
    expect(q.map((x) => x.refId)).toEqual(['A', 'B']);
    // 1 h over 600 px rounds to a 5 s interval, below the 15 s scrape interval; rate interval = max(15+15, 60) s.
    expect(q[0]).toMatchObject({ expr: 'rate(x{job=~"(a|b)"}[60s])', step: 15_000, instant: false });
    expect(q[0].start % 15_000).toBe(0);
    expect(q[1]).toMatchObject({ expr: 'up', instant: true, start: range.to, end: range.to });
  });
});
