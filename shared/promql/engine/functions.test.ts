import { describe, expect, it } from 'vitest';
import { createEngine } from './index.ts';
import { storeOf, vectorOf } from './testkit.ts';

const engine = createEngine();
const q = async (store: ReturnType<typeof storeOf>, expr: string, t = 0) => vectorOf(await engine.instantQuery(store, expr, t));

describe('label_replace / label_join', () => {
  const s = storeOf(`
    m{src="a-1", x="k"} 1
    m{src="b-2", x="k"} 2
  `);
  it('expands $1 / ${name} from a fully anchored regex (Go template rules); no match leaves the series alone', async () => {
    expect(await q(s, 'label_replace(m, "dst", "${1}_${2}x", "src", "(.)-(.)")')).toEqual([
      ['m{dst="a_1x", src="a-1", x="k"}', 1],
      ['m{dst="b_2x", src="b-2", x="k"}', 2],
    ]);
    // As in Go, `$1_` names the (missing) group "1_".
    expect(await q(s, 'label_replace(m, "dst", "$1_${2}x", "src", "(.)-(.)")')).toEqual([
      ['m{dst="1x", src="a-1", x="k"}', 1],
      ['m{dst="2x", src="b-2", x="k"}', 2],
    ]);
    expect(await q(s, 'label_replace(m, "dst", "y", "src", "a")')).toEqual([
      ['m{src="a-1", x="k"}', 1],
      ['m{src="b-2", x="k"}', 2],
    ]);
  });
  it('fails on an invalid regex and on colliding output label sets', async () => {
    await expect(engine.instantQuery(s, 'label_replace(m, "dst", "", "src", "(.*")', 0)).rejects.toThrow(
      'invalid regular expression in label_replace(): (.*',
    );
    await expect(engine.instantQuery(s, 'label_replace(m, "src", "", "", "")', 0)).rejects.toThrow(
      'vector cannot contain metrics with the same labelset',
    );
  });
  it('label_join joins source values with the separator', async () => {
    expect(await q(s, 'label_join(m, "j", "/", "x", "src", "missing")')).toEqual([
      ['m{j="k/a-1/", src="a-1", x="k"}', 1],
      ['m{j="k/b-2/", src="b-2", x="k"}', 2],
    ]);
  });
});

describe('sorting', () => {
  const s = storeOf(`
    m{n="node10"} 3
    m{n="node9"} NaN
    m{n="node2"} 1
  `);
  it('sort / sort_desc order by value with NaN last', async () => {
    expect((await q(s, 'sort(m)')).map((e) => e[0])).toEqual(['m{n="node2"}', 'm{n="node10"}', 'm{n="node9"}']);
    expect((await q(s, 'sort_desc(m)')).map((e) => e[0])).toEqual(['m{n="node10"}', 'm{n="node2"}', 'm{n="node9"}']);
  });
  it('sort_by_label uses natural order', async () => {
    expect((await q(s, 'sort_by_label(m, "n")')).map((e) => e[0])).toEqual(['m{n="node2"}', 'm{n="node9"}', 'm{n="node10"}']);
    expect((await q(s, 'sort_by_label_desc(m, "n")')).map((e) => e[0])).toEqual([
      'm{n="node10"}',
      'm{n="node9"}',
      'm{n="node2"}',
    ]);
  });
  it('warns that sorting a range query is ineffective', async () => {
    const res = await engine.rangeQuery(s, 'sort(m)', 0, 60_000, 60_000);
    expect(res.annotations.warnings).toEqual([
      'PromQL warning: sort is ineffective for range queries since results are always ordered by labels (1:1)',
    ]);
  });
});

describe('instant-vector math and misc functions', () => {
  const s = storeOf('m{a="x"} -2.5');
  it('round to nearest (ties up), clamp, abs, sgn drop the metric name', async () => {
    expect(await q(s, 'round(m)')).toEqual([['{a="x"}', -2]]);
    expect(await q(s, 'round(m, 2)')).toEqual([['{a="x"}', -2]]);
    expect(await q(s, 'clamp(m, -1, 1)')).toEqual([['{a="x"}', -1]]);
    expect(await q(s, 'clamp(m, 1, -1)')).toEqual([]);
    expect(await q(s, 'abs(m)')).toEqual([['{a="x"}', 2.5]]);
    expect(await q(s, 'sgn(m)')).toEqual([['{a="x"}', -1]]);
  });
  it('absent returns the equality matchers as labels only when nothing matches', async () => {
    expect(await q(s, 'absent(m)')).toEqual([]);
    expect(await q(s, 'absent(nope{job="j", x=~"y"})')).toEqual([['{job="j"}', 1]]);
    expect(await q(s, 'absent_over_time(nope{job="j"}[5m])')).toEqual([['{job="j"}', 1]]);
  });
  it('scalar() is NaN unless exactly one series; vector() and time() give the evaluation time', async () => {
    const r = await engine.instantQuery(s, 'scalar(m)', 0);
    expect(r.resultType === 'scalar' && r.result.v).toBe(-2.5);
    expect(await q(s, 'vector(time())', 90_000)).toEqual([['{}', 90]]);
  });
  it('date functions work in UTC on the value, or on the evaluation time without argument', async () => {
    // 1136239445 = 2006-01-02T22:04:05Z, a Monday.
    expect(await q(s, 'hour(vector(1136239445))')).toEqual([['{}', 22]]);
    expect(await q(s, 'day_of_week(vector(1136239445))')).toEqual([['{}', 1]]);
    expect(await q(s, 'day_of_year(vector(1136239445))')).toEqual([['{}', 2]]);
    expect(await q(s, 'days_in_month(vector(1136239445))')).toEqual([['{}', 31]]);
    expect(await q(s, 'month()', 0)).toEqual([['{}', 1]]);
  });
  it('histogram_count and friends ignore float samples', async () => {
    expect(await q(s, 'histogram_count(m)')).toEqual([]);
  });
});

describe('histogram_quantile / histogram_fraction on classic buckets', () => {
  const s = storeOf(`
    h_bucket{le="0.1"} 10
    h_bucket{le="0.5"} 30
    h_bucket{le="1"} 40
    h_bucket{le="+Inf"} 40
  `);
  it('interpolates linearly inside the bucket holding the rank', async () => {
    // rank 0.5*40 = 20 lies in (0.1, 0.5]: 0.1 + 0.4 * (10/20).
    const [[labels, v]] = await q(s, 'histogram_quantile(0.5, h_bucket)');
    expect(labels).toBe('{}');
    expect(v).toBeCloseTo(0.3, 12);
    expect(await q(s, 'histogram_quantile(1, h_bucket)')).toEqual([['{}', 1]]);
  });
  it('histogram_fraction estimates the share below a bound', async () => {
    const [[, v]] = await q(s, 'histogram_fraction(0, 0.3, h_bucket)');
    expect(v).toBeCloseTo(20 / 40, 12);
  });
  it('repairs non-monotonic buckets and says so', async () => {
    const bad = storeOf(`
      h_bucket{le="1"} 10
      h_bucket{le="2"} 5
      h_bucket{le="+Inf"} 10
    `);
    const res = await engine.instantQuery(bad, 'histogram_quantile(0.5, h_bucket)', 0);
    expect(vectorOf(res)).toEqual([['{}', 0.5]]);
    expect(res.annotations.infos).toEqual([
      'PromQL info: input to histogram_quantile needed to be fixed for monotonicity ' +
        '(see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile) for metric name "h_bucket", ' +
        'from buckets 2 to 2, with a max diff of 5, over 1 samples from 1970-01-01T00:00:00Z to 1970-01-01T00:00:00Z (1:25)',
    ]);
  });
  it('warns about malformed le labels', async () => {
    const bad = storeOf('h_bucket{le="x"} 1');
    const res = await engine.instantQuery(bad, 'histogram_quantile(0.5, h_bucket)', 0);
    expect(res.annotations.warnings).toEqual([
      'PromQL warning: bucket label "le" is missing or has a malformed value of "x" for metric name "h_bucket" (1:25)',
    ]);
  });
});

describe('histogram_quantiles (experimental) adds one series per quantile', () => {
  const s = storeOf(`
    h_bucket{le="1"} 10
    h_bucket{le="2"} 20
    h_bucket{le="+Inf"} 20
  `);
  it('labels each result with the OpenMetrics form of its quantile', async () => {
    expect((await q(s, 'histogram_quantiles(h_bucket, "q", 0.5, 1)')).sort()).toEqual([
      ['{q="0.5"}', 1],
      ['{q="1.0"}', 2],
    ]);
  });
});

describe('info() joins data labels of info series by instance and job', () => {
  const s = storeOf(`
    m{instance="a", job="j"} 1
    target_info{instance="a", job="j", region="eu"} 1
    build_info{instance="a", job="j", version="1.2"} 1
  `);
  it('defaults to target_info, and takes name and data-label matchers', async () => {
    expect(await q(s, 'info(m)')).toEqual([['m{instance="a", job="j", region="eu"}', 1]]);
    expect(await q(s, 'info(m, {__name__="build_info"})')).toEqual([['m{instance="a", job="j", version="1.2"}', 1]]);
    expect(await q(s, 'info(m, {nope=~".+"})')).toEqual([]);
  });
});

describe('absent() label edge cases', () => {
  const s = storeOf('m 1');
  it('an empty equality value or a repeated name removes the label', async () => {
    expect(await q(s, 'absent(nope{job=""})')).toEqual([['{}', 1]]);
    expect(await q(s, 'absent(nope{job="a", job="b", x="y"})')).toEqual([['{x="y"}', 1]]);
  });
});
