// Tests for the runner's own logic with a tiny stub engine (never used to count conformance): loads, checks, skips.
import { describe, expect, it } from 'vitest';
import { compareLabels } from '../../shared/model/labels.ts';
import { isStaleMarker } from '../../shared/model/stale.ts';
import { MemoryStore } from '../../shared/promql/memstore.ts';
import type { Queryable } from '../../shared/promql/queryable.ts';
import { QueryError, type MatrixSeries, type QueryEngine, type QueryResult, type VectorElement } from '../../shared/promql/result.ts';
import { atModifierTimes, runScript, type RunnerEnv } from './runner.ts';

const LOOKBACK = 300_000;

/**
 * Understands just enough for the runner's tests: `name`, `<query> @ <seconds>`, number literals, `sort_desc(name)`,
 * `time()`, `fail <message>` (QueryError), `boom` (TypeError), `warn <name>` (adds a warning) and `badrange <name>`
 * (range queries come back unsorted).
 */
async function evalAt(store: Queryable, query: string, t: number): Promise<QueryResult> {
  const annotations = { warnings: [] as string[], infos: [] as string[] };
  let q = query;
  let at = t;
  const atm = /^(.+) @ (-?[\d.]+)$/.exec(q);
  if (atm) {
    q = atm[1];
    at = Math.round(Number(atm[2]) * 1000);
  }
  if (q.startsWith('fail ')) throw new QueryError('execution', q.slice(5));
  if (q === 'boom') throw new TypeError('cannot read properties of undefined');
  if (q.startsWith('warn ')) {
    annotations.warnings.push('PromQL warning: careful (1:6)');
    q = q.slice(5);
  }
  if (q.startsWith('badrange ')) q = q.slice(9);
  if (q === 'time()') return { resultType: 'scalar', result: { t, v: t / 1000 }, annotations };
  if (/^-?\d+(\.\d+)?$/.test(q)) return { resultType: 'scalar', result: { t, v: Number(q) }, annotations };
  let desc = false;
  const sortDesc = /^sort_desc\((\w+)\)$/.exec(q);
  if (sortDesc) {
    q = sortDesc[1];
    desc = true;
  }
  const series = await store.select([{ type: '=', name: '__name__', value: q }], { start: at - LOOKBACK + 1, end: at });
  const result: VectorElement[] = [];
  for (const s of series) {
    const n = s.t.length;
    if (n > 0 && !isStaleMarker(s.v[n - 1])) result.push({ labels: s.labels, t, v: s.v[n - 1] });
  }
  if (desc) result.sort((a, b) => b.v - a.v);
  return { resultType: 'vector', result, annotations };
}

const stubEngine: QueryEngine = {
  instantQuery: (store, query, t) => evalAt(store, query, t),
  async rangeQuery(store, query, start, end, step) {
    const bySeries = new Map<string, MatrixSeries>();
    const annotations = { warnings: [] as string[], infos: [] as string[] };
    for (let t = start; t <= end; t += step) {
      const r = await evalAt(store, query, t);
      annotations.warnings.push(...r.annotations.warnings);
      const els = r.resultType === 'scalar' ? [{ labels: {}, t, v: r.result.v }] : r.resultType === 'vector' ? r.result : [];
      for (const el of els) {
        const key = JSON.stringify(el.labels);
        if (!bySeries.has(key)) bySeries.set(key, { labels: el.labels, points: [] });
        bySeries.get(key)!.points.push({ t, v: el.v });
      }
    }
    const result = [...bySeries.values()].sort((a, b) => compareLabels(a.labels, b.labels));
    if (query.startsWith('badrange ')) result.reverse();
    return { resultType: 'matrix', result, annotations };
  },
};

function env(log?: Array<[string, number]>): RunnerEnv {
  return {
    engine: {
      instantQuery(store, query, t, opts) {
        log?.push([query, t]);
        return stubEngine.instantQuery(store, query, t, opts);
      },
      rangeQuery: stubEngine.rangeQuery,
    },
    newStore: () => new MemoryStore(),
    rewriteAt: (expr, t) => (expr.includes('time()') ? null : `${expr} @ ${t / 1000}`),
  };
}

async function statuses(script: string) {
  const out = await runScript(script, env());
  return out.evals.map((e) => [e.line, e.status, e.message ?? e.skipReason ?? '']);
}

describe('runScript', () => {
  it('passes matching instant and range evals, with loads at epoch 0', async () => {
    const got = await statuses(`load 1m
  m{a="1"} 1+1x3 _ stale 9
  m{a="2"} 10x5

eval instant at 2m m
  m{a="1"} 3
  m{a="2"} 10

eval range from 0 to 7m step 1m m
  m{a="1"} 1 2 3 4 4 _ 9 9
  m{a="2"} 10 10 10 10 10 10 10 10
`);
    expect(got).toEqual([
      [5, 'pass', ''],
      [9, 'pass', ''],
    ]);
  });

  it('re-runs instant queries with @ at the documented times', async () => {
    expect(atModifierTimes(0)).toEqual([-1000, 0, 1000]);
    expect(atModifierTimes(120_000)).toEqual([-1_200_000, 0, 24_000, 120_000, 1_200_000]);
    expect(atModifierTimes(-7)).toEqual([70, 0, -1, -7, -70]);
    const log: Array<[string, number]> = [];
    const out = await runScript('load 1m\n  m 5x10\n\neval instant at 2m m\n  m 5\n', env(log));
    expect(out.evals[0].status).toBe('pass');
    expect(log).toEqual([
      ['m', 120_000],
      ['m @ 120', -1_200_000],
      ['m @ 120', 0],
      ['m @ 120', 24_000],
      ['m @ 120', 120_000],
      ['m @ 120', 1_200_000],
    ]);
  });

  it('fails on wrong values, missing and unexpected series, and reports which query variant', async () => {
    const got = await statuses(`load 1m
  m{a="1"} 1x5

eval instant at 1m m
  m{a="1"} 2

eval instant at 1m m
  m{a="1"} 1
  m{a="2"} 1

eval instant at 1m m

eval instant at 10m m
  m{a="1"} 1
`);
    expect(got).toEqual([
      [4, 'fail', 'expected 2 for m{a="1"} but got 1'],
      [7, 'fail', 'expected metric m{a="2"} with [1] not found'],
      [11, 'fail', 'unexpected metric m{a="1"} in result, has value 1'],
      // At 10m the original query finds the series stale (beyond the lookback window)...
      [13, 'fail', 'expected metric m{a="1"} with [1] not found'],
    ]);
  });

  it('compares floats with relative tolerance 1e-6 and NaN equal to NaN', async () => {
    const got = await statuses(`load 1m
  m{a="1"} 1000000
  n NaN

eval instant at 0 m
  m{a="1"} 1000000.9

eval instant at 0 m
  m{a="1"} 1000003

eval instant at 0 n
  n NaN
`);
    expect(got.map((g) => g[1])).toEqual(['pass', 'fail', 'pass']);
  });

  it('checks expect fail, its message, and errors where none were expected', async () => {
    const got = await statuses(`eval instant at 0 fail vector cannot contain metrics with the same labelset
  expect fail msg: vector cannot contain metrics with the same labelset

eval instant at 0 fail something else
  expect fail regex: ^vector

eval range from 0 to 1m step 1m fail bad
  expect fail

eval instant at 0 7
  expect fail

eval instant at 0 fail oops
  1

eval_fail instant at 0 fail abc
  expected_fail_message abd
`);
    expect(got).toEqual([
      [1, 'pass', ''],
      [4, 'fail', 'expected error matching pattern "^vector", but got: something else'],
      [7, 'pass', ''],
      [10, 'fail', 'expected error evaluating query but got none'],
      [13, 'fail', 'error evaluating query: oops'],
      [16, 'fail', 'expected error "abd", but got: abc'],
    ]);
  });

  it('counts a thrown non-QueryError as a failure even under expect fail', async () => {
    const got = await statuses('eval instant at 0 boom\n  expect fail\n');
    expect(got).toEqual([[1, 'fail', 'error evaluating query: exception TypeError: cannot read properties of undefined']]);
  });

  it('checks annotations', async () => {
    const got = await statuses(`load 1m
  m 1

eval instant at 0 warn m
  expect warn msg: PromQL warning: careful (1:6)
  m 1

eval instant at 0 warn m
  expect no_warn
  m 1

eval instant at 0 m
  expect warn
  m 1

eval instant at 0 warn m
  expect warn regex: other
  m 1

eval instant at 0 warn m
  m 1
`);
    expect(got.map((g) => g.slice(0, 2))).toEqual([
      [4, 'pass'],
      [8, 'fail'],
      [12, 'fail'],
      [16, 'fail'],
      [20, 'pass'],
    ]);
    expect(got[1][2]).toContain('unexpected warning annotations');
    expect(got[2][2]).toBe('expected warn annotations but none were found');
  });

  it('checks order only under expect ordered, and sorting of range results', async () => {
    const got = await statuses(`load 1m
  m{a="1"} 1
  m{a="2"} 2
  s{a="1"} 1
  s{a="2"} 2

eval instant at 0 sort_desc(m)
  expect ordered
  m{a="2"} 2
  m{a="1"} 1

eval instant at 0 sort_desc(m)
  expect ordered
  m{a="1"} 1
  m{a="2"} 2

eval instant at 0 sort_desc(m)
  m{a="1"} 1
  m{a="2"} 2

eval range from 0 to 1m step 1m badrange s
  s{a="1"} 1 1
  s{a="2"} 2 2
`);
    expect(got.map((g) => g.slice(0, 2))).toEqual([
      [7, 'pass'],
      [12, 'fail'],
      [17, 'pass'],
      [21, 'fail'],
    ]);
    expect(got[1][2]).toBe('expected metric m{a="2"} at position 2 but was at 1');
    expect(got[3][2]).toContain('matrix results should always be sorted by labels');
  });

  it('checks scalars, skips the @ rewrite for unsafe functions, and the range re-check for time()', async () => {
    const log: Array<[string, number]> = [];
    const out = await runScript('eval instant at 1m time()\n  60\n\neval instant at 1m 5\n  6\n', env(log));
    expect(out.evals.map((e) => e.status)).toEqual(['pass', 'fail']);
    expect(out.evals[1].message).toBe('expected scalar 6 but got 5');
    expect(log[0]).toEqual(['time()', 60_000]);
    expect(log.filter(([q]) => q.startsWith('time()'))).toHaveLength(1);
  });

  it('skips evals that need native histograms or NHCB data, per part', async () => {
    const got = await statuses(`load 1m
  h {{schema:0 count:1}}
  m 1

eval instant at 0 m
  m 1

clear
load 1m
  m 1

eval instant at 0 h
  h {{count:1}}

eval instant at 0 m
  m 1

clear
load_with_nhcb 1m
  x_bucket{le="+Inf"} 1

eval instant at 0 x_bucket
  x_bucket{le="+Inf"} 1
`);
    expect(got).toEqual([
      [5, 'skip', 'native histograms'],
      [12, 'skip', 'native histograms'],
      [15, 'pass', ''],
      [22, 'skip', 'load_with_nhcb'],
    ]);
  });

  it('reports an unparsable script as an error', async () => {
    const out = await runScript('load 1m\n  m{a=1} 1\n', env());
    expect(out.evals).toEqual([]);
    expect(out.error?.line).toBe(2);
  });
});
