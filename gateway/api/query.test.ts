// Tests for the Prometheus query API over a head with known samples: exact JSON bodies, error types and status codes.
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../shared/promql/engine/index.ts';
import { Head } from '../head/head.ts';
import type { Clock } from '../runtime/ports.ts';
import { DEFAULT_QUERY_LIMITS, queryApi, type QueryLimits } from './query.ts';

/** 2020-09-14T15:22:25Z, the time used by the examples in Prometheus's API documentation. */
const T0 = 1_600_096_945_000;

function fixture(limits: Partial<QueryLimits> = {}, clock: Clock = { now: () => T0 + 60_000 }) {
  const head = new Head({ epoch: 'e', retentionMs: 24 * 3_600_000 });
  const up = (job: string, instance: string) => ({ __name__: 'up', job, instance });
  for (let i = 0; i <= 6; i++) {
    const t = T0 + i * 10_000;
    head.append(
      [
        { labels: up('prometheus', 'localhost:9090'), t, v: 1 },
        { labels: up('node', 'localhost:9100'), t, v: i < 4 ? 1 : 0 },
        { labels: { __name__: 'http_requests_total', code: '200', job: 'api' }, t, v: 100 + i * 50 },
        { labels: { __name__: 'temperature_celsius', room: 'a"b<c>' }, t, v: 21.5 },
      ],
      t,
      [
        ['up', { type: 'gauge', help: 'Health of the scrape target.', unit: '' }],
        ['http_requests', { type: 'counter', help: 'Requests served.', unit: '' }],
        ['temperature_celsius', { type: 'gauge', help: 'Room "temperature".', unit: 'celsius' }],
      ],
      i === 2
        ? [{ series: { __name__: 'http_requests_total', code: '200', job: 'api' }, labels: { trace_id: 'EpTxMJ40fUus7aGY' }, value: 6, timestamp: T0 + 20_479 }]
        : [],
    );
  }
  const engine = createEngine({ now: () => clock.now() });
  const app = queryApi({ store: head, engine, clock, limits: { ...DEFAULT_QUERY_LIMITS, ...limits } });
  const get = async (path: string) => {
    const res = await app.request(path);
    return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
  };
  return { app, head, get };
}

const enc = encodeURIComponent;

describe('/api/v1/query', () => {
  it('answers an instant vector in Prometheus’s exact shape, at `time` given as Unix seconds or RFC 3339', async () => {
    const { get } = fixture();
    const expected =
      '{"status":"success","data":{"resultType":"vector","result":[' +
      '{"metric":{"__name__":"up","instance":"localhost:9090","job":"prometheus"},"value":[1600096975,"1"]},' +
      '{"metric":{"__name__":"up","instance":"localhost:9100","job":"node"},"value":[1600096975,"1"]}]}}';
    const bySeconds = await get('/query?query=up&time=1600096975');
    expect(bySeconds).toEqual({ status: 200, type: 'application/json', body: expected });
    expect((await get(`/query?query=up&time=${enc('2020-09-14T15:22:55Z')}`)).body).toBe(expected);
    expect((await get(`/query?query=up&time=${enc('2020-09-14T17:22:55+02:00')}`)).body).toBe(expected);
  });

  it('defaults `time` to now and takes POST form bodies like GET parameters', async () => {
    const { app, get } = fixture();
    const now = await get('/query?query=up%7Bjob%3D%22node%22%7D');
    expect(now.body).toBe('{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"up","instance":"localhost:9100","job":"node"},"value":[1600097005,"0"]}]}}');
    const res = await app.request('/query', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'query=up%7Bjob%3D%22node%22%7D',
    });
    expect(await res.text()).toBe(now.body);
  });

  it('answers scalars and strings with float-second times, and escapes labels as Go does', async () => {
    const { get } = fixture();
    expect((await get('/query?query=1%2F0&time=1600096975.5')).body).toBe('{"status":"success","data":{"resultType":"scalar","result":[1600096975.5,"+Inf"]}}');
    expect((await get('/query?query=%22hi%22&time=10')).body).toBe('{"status":"success","data":{"resultType":"string","result":[10,"hi"]}}');
    expect((await get('/query?query=temperature_celsius&time=1600096975')).body).toBe(
      '{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"temperature_celsius","room":"a\\"b\\u003cc\\u003e"},"value":[1600096975,"21.5"]}]}}',
    );
  });

  it('returns range vectors as a matrix for an instant query', async () => {
    const { get } = fixture();
    expect((await get(`/query?query=${enc('http_requests_total[25s]')}&time=1600096975`)).body).toBe(
      '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"http_requests_total","code":"200","job":"api"},"values":[[1600096955,"150"],[1600096965,"200"],[1600096975,"250"]]}]}}',
    );
  });

  it('reports info annotations in `infos`, as Prometheus 3 does', async () => {
    const { get } = fixture();
    const res = JSON.parse((await get(`/query?query=${enc('rate(temperature_celsius[1m])')}&time=1600097005`)).body) as { infos?: string[] };
    expect(res.infos).toEqual([expect.stringContaining('metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "temperature_celsius"')]);
  });

  it.each([
    ['/query?query=', 400, 'bad_data', 'invalid parameter "query": 1:1: parse error: no expression found in input'],
    ['/query?query=rate(up)', 400, 'bad_data', 'invalid parameter "query": 1:6: parse error: expected type range vector in call to function "rate", got instant vector'],
    ['/query?query=up&time=abc', 400, 'bad_data', 'invalid parameter "time": Invalid time value for \'time\': cannot parse "abc" to a valid timestamp'],
    ['/query?query=up&timeout=abc', 400, 'bad_data', 'invalid parameter "timeout": cannot parse "abc" to a valid duration'],
    ['/query?query=up&lookback_delta=1x', 400, 'bad_data', 'invalid parameter "lookback_delta": cannot parse "1x" to a valid duration'],
    [`/query?query=${enc('label_replace(up,"a","b","c","(")')}`, 422, 'execution', 'invalid regular expression in label_replace(): ('],
  ])('%s → %i %s', async (path, status, errorType, error) => {
    const { get } = fixture();
    const res = await get(path);
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body)).toEqual({ status: 'error', errorType, error });
  });

  it('fails with 422 when a query would hold more than --query.max-samples', async () => {
    const { get } = fixture({ maxSamples: 5 });
    const res = await get(`/query?query=${enc('http_requests_total[1m]')}&time=1600097005`);
    expect(res.status).toBe(422);
    expect(JSON.parse(res.body)).toEqual({
      status: 'error',
      errorType: 'execution',
      error: 'query processing would load too many samples into memory in query execution',
    });
    expect((await get('/query?query=up&time=1600097005')).status).toBe(200);
  });

  it('fails with 503 timeout past --query.timeout, and the `timeout` parameter can only shorten it', async () => {
    let t = T0;
    // Every reading of the clock moves it a second: any deadline shorter than the evaluation passes.
    const slowClock = { now: () => (t += 1000) };
    const { get } = fixture({ timeoutMs: 500 }, slowClock);
    const res = await get('/query?query=up&time=1600097005');
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toEqual({ status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' });
    const generous = fixture({ timeoutMs: 3_600_000 }, slowClock);
    expect((await generous.get('/query?query=up&time=1600097005')).status).toBe(200);
    expect((await generous.get('/query?query=up&time=1600097005&timeout=0.5')).status).toBe(503);
  });

  it('truncates vectors and matrices at `limit` with a warning, as Prometheus 3 does', async () => {
    const { get } = fixture();
    const res = JSON.parse((await get('/query?query=up&time=1600096975&limit=1')).body) as { data: { result: unknown[] }; warnings?: string[] };
    expect(res.data.result).toHaveLength(1);
    expect(res.warnings).toEqual(['results truncated due to limit']);
    const range = JSON.parse((await get('/query_range?query=up&start=1600096945&end=1600096975&step=10&limit=1')).body) as { data: { result: unknown[] }; warnings?: string[] };
    expect([range.data.result.length, range.warnings]).toEqual([1, ['results truncated due to limit']]);
    expect(JSON.parse((await get('/query?query=up&time=1600096975&limit=2')).body)).not.toHaveProperty('warnings');
    expect(JSON.parse((await get('/query?query=up&limit=x')).body).error).toBe('invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax');
  });

  it('honours lookback_delta', async () => {
    const { get } = fixture();
    const later = 'query=up&time=1600097045'; // 40 s after the last sample
    expect(JSON.parse((await get(`/query?${later}`)).body).data.result).toHaveLength(2);
    expect(JSON.parse((await get(`/query?${later}&lookback_delta=30s`)).body).data.result).toHaveLength(0);
  });
});

describe('/api/v1/query_range', () => {
  it('answers a matrix in Prometheus’s exact shape, step as a duration or float seconds', async () => {
    const { get } = fixture();
    const expected =
      '{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"__name__":"up","instance":"localhost:9100","job":"node"},' +
      '"values":[[1600096945,"1"],[1600096965,"1"],[1600096985,"0"],[1600097005,"0"]]}]}}';
    const q = `query=${enc('up{job="node"}')}&start=1600096945&end=1600097005`;
    expect(await get(`/query_range?${q}&step=20s`)).toEqual({ status: 200, type: 'application/json', body: expected });
    expect((await get(`/query_range?${q}&step=20`)).body).toBe(expected);
    expect((await get(`/query_range?query=${enc('up{job="node"}')}&start=${enc('2020-09-14T15:22:25Z')}&end=${enc('2020-09-14T15:23:25.000Z')}&step=20`)).body).toBe(expected);
  });

  it.each([
    ['query=up&start=1&end=2', 'invalid parameter "step": cannot parse "" to a valid duration'],
    ['query=up&start=1&end=2&step=0', 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer'],
    ['query=up&start=1&end=2&step=-1', 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer'],
    ['query=up&start=1&end=2&step=1e300', 'invalid parameter "step": cannot parse "1e300" to a valid duration. It overflows int64'],
    ['query=up&start=1&end=0&step=1', 'invalid parameter "end": end timestamp must not be before start time'],
    ['query=up&start=x&end=2&step=1', 'invalid parameter "start": cannot parse "x" to a valid timestamp'],
    ['query=up&end=2&step=1', 'invalid parameter "start": cannot parse "" to a valid timestamp'],
    ['query=up&start=0&end=100000&step=1', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)'],
    [`query=${enc('up[1m]')}&start=1&end=2&step=1`, 'invalid expression type "range vector" for range query, must be Scalar or instant Vector'],
  ])('rejects %s with 400 bad_data', async (q, error) => {
    const { get } = fixture();
    const res = await get(`/query_range?${q}`);
    expect([res.status, JSON.parse(res.body)]).toEqual([400, { status: 'error', errorType: 'bad_data', error }]);
  });
});

describe('/api/v1/series, /labels, /label/<name>/values', () => {
  it('lists series matching any match[], sorted, within start/end', async () => {
    const { get } = fixture();
    expect((await get(`/series?match[]=up&match[]=${enc('{__name__=~"http_.*"}')}`)).body).toBe(
      '{"status":"success","data":[' +
        '{"__name__":"http_requests_total","code":"200","job":"api"},' +
        '{"__name__":"up","instance":"localhost:9090","job":"prometheus"},' +
        '{"__name__":"up","instance":"localhost:9100","job":"node"}]}',
    );
    expect((await get('/series?match[]=up&start=1700000000')).body).toBe('{"status":"success","data":[]}');
  });

  it('truncates at `limit` with Prometheus’s warning', async () => {
    const { get } = fixture();
    expect((await get('/series?match[]=up&limit=1')).body).toBe(
      '{"status":"success","data":[{"__name__":"up","instance":"localhost:9090","job":"prometheus"}],"warnings":["results truncated due to limit"]}',
    );
    expect((await get('/label/__name__/values?limit=2')).body).toBe(
      '{"status":"success","data":["http_requests_total","temperature_celsius"],"warnings":["results truncated due to limit"]}',
    );
  });

  it('lists label names and values, optionally restricted by match[]', async () => {
    const { get } = fixture();
    expect((await get('/labels')).body).toBe('{"status":"success","data":["__name__","code","instance","job","room"]}');
    expect((await get('/labels?match[]=up')).body).toBe('{"status":"success","data":["__name__","instance","job"]}');
    expect((await get('/label/job/values')).body).toBe('{"status":"success","data":["api","node","prometheus"]}');
    expect((await get(`/label/job/values?match[]=${enc('up{instance="localhost:9100"}')}`)).body).toBe('{"status":"success","data":["node"]}');
    expect((await get('/label/U__jo_62_/values')).body).toBe('{"status":"success","data":["api","node","prometheus"]}');
  });

  it.each([
    ['/series', 'no match[] parameter provided'],
    ['/series?match[]=up%7B', 'invalid parameter "match[]": 1:4: parse error: unexpected end of input inside braces'],
    [`/series?match[]=${enc('{a=""}')}`, 'invalid parameter "match[]": match[] must contain at least one non-empty matcher'],
    ['/series?match[]=up&start=abc', 'invalid parameter "start": Invalid time value for \'start\': cannot parse "abc" to a valid timestamp'],
    ['/labels?limit=x', 'invalid parameter "limit": strconv.Atoi: parsing "x": invalid syntax'],
    ['/labels?limit=-1', 'invalid parameter "limit": limit must be non-negative'],
  ])('%s → 400 %s', async (path, error) => {
    const { get } = fixture();
    const res = await get(path);
    expect([res.status, JSON.parse(res.body)]).toEqual([400, { status: 'error', errorType: 'bad_data', error }]);
  });
});

describe('/api/v1/metadata', () => {
  it('lists each family’s type, help and unit, by name, filtered by metric and limit (not the report series)', async () => {
    const { head, get } = fixture();
    head.append([], T0 + 70_000, [['scrape_series_added', { type: 'gauge', help: 'x', unit: '' }]]);
    expect((await get('/metadata')).body).toBe(
      '{"status":"success","data":{' +
        '"http_requests":[{"type":"counter","help":"Requests served.","unit":""}],' +
        '"temperature_celsius":[{"type":"gauge","help":"Room \\"temperature\\".","unit":"celsius"}]}}',
    );
    expect((await get('/metadata?metric=http_requests')).body).toBe('{"status":"success","data":{"http_requests":[{"type":"counter","help":"Requests served.","unit":""}]}}');
    expect((await get('/metadata?limit=1')).body).toBe('{"status":"success","data":{"http_requests":[{"type":"counter","help":"Requests served.","unit":""}]}}');
    expect(JSON.parse((await get('/metadata?limit=x')).body)).toEqual({ status: 'error', errorType: 'bad_data', error: 'limit must be a number' });
  });
});

describe('/api/v1/query_exemplars', () => {
  it('returns exemplars of the selected series in Prometheus’s shape, once per exemplar', async () => {
    const { get } = fixture();
    const body = '{"status":"success","data":[{"seriesLabels":{"__name__":"http_requests_total","code":"200","job":"api"},"exemplars":[{"labels":{"trace_id":"EpTxMJ40fUus7aGY"},"value":"6","timestamp":1600096965.479}]}]}';
    expect((await get(`/query_exemplars?query=${enc('rate(http_requests_total[1m])')}&start=1600096900&end=1600097100`)).body).toBe(body);
    expect((await get('/query_exemplars?query=up')).body).toBe('{"status":"success","data":[]}');
    expect((await get('/query_exemplars?query=http_requests_total&start=1600096966')).body).toBe('{"status":"success","data":[]}');
    const bad = await get('/query_exemplars?query=up%7B');
    expect([bad.status, JSON.parse(bad.body).error]).toEqual([400, '1:4: parse error: unexpected end of input inside braces']);
  });
});

describe('/api/v1/format_query', () => {
  it('prettifies like promtool, and reports parse errors', async () => {
    const { get } = fixture();
    expect((await get(`/format_query?query=${enc('sum(rate(up[1m]))by(job)')}`)).body).toBe('{"status":"success","data":"sum by (job) (rate(up[1m]))"}');
    const bad = await get('/format_query?query=up%7B');
    expect([bad.status, JSON.parse(bad.body).error]).toEqual([400, 'invalid parameter "query": 1:4: parse error: unexpected end of input inside braces']);
  });
});

describe('/api/v1/parse_query', () => {
  it('returns the expression tree in Prometheus’s translateAST shape, keys sorted as Go writes maps', async () => {
    const { get } = fixture();
    const res = await get(`/parse_query?query=${enc('sum by (job) (rate(http_requests_total{code="200"}[5m] offset 1m)) > on(job) group_left(x) up')}`);
    expect(res.status).toBe(200);
    expect(res.body).toBe(
      '{"status":"success","data":{"bool":false,' +
        '"lhs":{"expr":{"args":[{"anchored":false,"matchers":[{"name":"code","type":"=","value":"200"},{"name":"__name__","type":"=","value":"http_requests_total"}],' +
        '"name":"http_requests_total","offset":60000,"range":300000,"smoothed":false,"startOrEnd":null,"timestamp":null,"type":"matrixSelector"}],' +
        '"func":{"argTypes":["matrix"],"name":"rate","returnType":"vector","variadic":0},"type":"call"},' +
        '"grouping":["job"],"op":"sum","param":null,"type":"aggregation","without":false},' +
        '"matching":{"card":"many-to-one","fillValues":{"lhs":null,"rhs":null},"include":["x"],"labels":["job"],"on":true},' +
        '"op":"\\u003e",' + // Go's encoder escapes < > & in strings
        '"rhs":{"anchored":false,"matchers":[{"name":"__name__","type":"=","value":"up"}],"name":"up","offset":0,"smoothed":false,"startOrEnd":null,"timestamp":null,"type":"vectorSelector"},' +
        '"type":"binaryExpr"}}',
    );
    expect((await get(`/parse_query?query=${enc('"a" ')}`)).body).toBe('{"status":"success","data":{"type":"stringLiteral","val":"a"}}');
    expect((await get(`/parse_query?query=${enc('(1.5)')}`)).body).toBe('{"status":"success","data":{"expr":{"type":"numberLiteral","val":"1.5"},"type":"parenExpr"}}');
    expect((await get('/parse_query?query=up%7B')).status).toBe(400);
  });
});
