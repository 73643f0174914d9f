// HTTP routes of provisioned dashboards: GET /api/v1/dashboards (every one, with file errors) and GET /api/v1/dashboards/<uid>.
import { Hono } from 'hono';
import { failure, statusFor, success } from '../api/envelope.ts';
import { loadProvisioned, type DashboardFile } from './provision.ts';

/** Reads the folder's files afresh (so edits show without a restart); the runtime decides what is inside the folder. */
export type DashboardFiles = () => Promise<DashboardFile[]>;

/** The sub-app; mount with `app.route('/', dashboardRoutes(files))` before the API catch-all. */
export function dashboardRoutes(files: DashboardFiles): Hono {
  const app = new Hono();
  const load = async () => loadProvisioned(await files());

  app.get('/api/v1/dashboards', async (c) => {
    const set = await load();
    return c.json(
      success({
        dashboards: set.dashboards.map((d) => ({ ...d.dashboard, provisioned: { file: d.file, format: d.format } })),
        errors: set.errors,
      }),
    );
  });

  // The uid names a dashboard among those read; it is never used as a path.
  app.get('/api/v1/dashboards/:uid', async (c) => {
    const uid = c.req.param('uid');
    const found = (await load()).dashboards.find((d) => d.dashboard.uid === uid);
    if (!found) return c.json(failure('not_found', `no provisioned dashboard with uid ${JSON.stringify(uid)}`), statusFor('not_found'));
    return c.json(success({ dashboard: found.dashboard, file: found.file, format: found.format, report: found.report }));
  });

  return app;
}
