// The dashboards route as reactive state, following the location hash (the studio router knows only flat pages).
import { parseDashboardsHash, type DashboardsRoute } from './route.ts';

class DashboardsHash {
  route = $state.raw<DashboardsRoute | null>(parseDashboardsHash(location.hash));

  constructor() {
    addEventListener('hashchange', () => (this.route = parseDashboardsHash(location.hash)));
  }
}

/** The one instance the app shell and the dashboards section share. */
export const dashboardsHash = new DashboardsHash();
