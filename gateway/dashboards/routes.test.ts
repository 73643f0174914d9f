// /api/v1/dashboards through the whole app: token required, list with file errors, one by uid, uids never read as paths.
import { describe, expect, it } from 'vitest';
import { defaultConfig, defaultConfigText } from '../../shared/config/index.ts';
import { createGateway } from '../gateway.ts';
import { FakeTime } from '../runtime/fake-time.ts';
import { resolveTargets } from '../scrape/from-config.ts';
import { parseScrapeBody } from '../scrape/parse.ts';
import type { DashboardFile } from './provision.ts';
import { dashboardRoutes } from './routes.ts';

const ONE = {
  schemaVersion: 1,
  uid: 'prov-one',
  title: 'Provisioned one',
  variables: [],
  panels: [{ id: 1, type: 'timeseries', title: 'Up', gridPos: { x: 0, y: 0, w: 12, h: 6 }, targets: [{ refId: 'A', expr: 'up' }] }],
};
const GRAFANA = { title: 'From Grafana', uid: 'graf-one', panels: [{ id: 3, type: 'stat', title: 'Targets', gridPos: { x: 0, y: 0, w: 6, h: 4 }, targets: [{ refId: 'A', expr: 'count(up)' }] }] };

function setup(files: DashboardFile[] | undefined) {
  const time = new FakeTime();
  const reads: number[] = [];
  const gw = createGateway({
    targets: resolveTargets(defaultConfig(9090)),
    parse: parseScrapeBody,
    fetchFn: async () => new Response('', { status: 500 }),
    clock: time,
    scheduler: time,
    epoch: 'ep1',
    build: { version: '1', revision: '', branch: '', buildUser: '', buildDate: '', runtime: 'test' },
    configYaml: defaultConfigText(9090),
    flags: {},
    security: { token: 'sekrit' },
    dashboards: files && dashboardRoutes(async () => (reads.push(1), files)),
  });
  const get = (path: string, token: string | null = 'sekrit') => gw.app.request(`http://127.0.0.1:9090${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return { get, reads };
}

describe('provisioned dashboards API', () => {
  const files: DashboardFile[] = [
    { path: 'one.json', text: JSON.stringify(ONE) },
    { path: 'grafana/g.json', text: JSON.stringify(GRAFANA) },
    { path: 'bad.json', text: 'nope' },
  ];

  it('needs the token like the rest of the API', async () => {
    const { get, reads } = setup(files);
    expect((await get('/api/v1/dashboards', null)).status).toBe(401);
    expect((await get('/api/v1/dashboards/prov-one', 'wrong')).status).toBe(401);
    expect(reads).toEqual([]);
  });

  it('lists every dashboard with its file and format, and the files that failed', async () => {
    const { get } = setup(files);
    const res = await get('/api/v1/dashboards');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { status: string; data: { dashboards: { uid: string; title: string; provisioned: unknown }[]; errors: { file: string }[] } };
    expect(body.status).toBe('success');
    expect(body.data.dashboards.map((d) => [d.uid, d.title, d.provisioned])).toEqual([
      ['graf-one', 'From Grafana', { file: 'grafana/g.json', format: 'grafana' }],
      ['prov-one', 'Provisioned one', { file: 'one.json', format: 'sightline' }],
    ]);
    expect(body.data.errors.map((e) => e.file)).toEqual(['bad.json']);
  });

  it('serves one dashboard by uid and 404s for unknown uids, whatever they look like', async () => {
    const { get } = setup(files);
    const one = (await (await get('/api/v1/dashboards/graf-one')).json()) as { data: { dashboard: { uid: string }; file: string; format: string; report: string[] } };
    expect(one.data).toMatchObject({ dashboard: { uid: 'graf-one' }, file: 'grafana/g.json', format: 'grafana' });
    expect(one.data.report[0]).toMatch(/panels mapped/);
    for (const uid of ['nope', 'one.json', '..%2F..%2Fetc%2Fpasswd', '..%2Fone', '%2Fetc%2Fpasswd']) {
      const res = await get(`/api/v1/dashboards/${uid}`);
      expect(res.status, uid).toBe(404);
      expect(((await res.json()) as { errorType: string }).errorType).toBe('not_found');
    }
    expect((await get('/api/v1/dashboards/../../etc/passwd')).status).toBe(404);
  });

  it('is a 404 when the gateway has no dashboards folder', async () => {
    const { get } = setup(undefined);
    expect((await get('/api/v1/dashboards')).status).toBe(404);
  });
});
