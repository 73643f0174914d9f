// The current hash route as reactive state, with navigation helpers; context helpers so pages can reach it.
import { getContext } from 'svelte';
import { formatHash, parseHash, type Page, type Route } from '../lib/route.ts';

export class Router {
  route = $state.raw<Route>(parseHash(location.hash));

  constructor() {
    addEventListener('hashchange', () => (this.route = parseHash(location.hash)));
  }

  /** Link target for a page (with parameters). */
  href(page: Page, params: Record<string, string> = {}): string {
    return formatHash({ page, params });
  }

  /** Changes the parameters of the current page; `replace` keeps the history entry (for edits while typing). */
  setParams(params: Record<string, string>, replace = true): void {
    const next: Route = { page: this.route.page, params };
    const hash = formatHash(next);
    if (hash === location.hash) return;
    if (replace) history.replaceState(history.state, '', hash);
    else history.pushState(history.state, '', hash);
    this.route = next;
  }
}

const KEY = Symbol('router');

/** The context entry for mount({ context }), so the app shell is handed the instance main.ts created. */
export function routerContext(value: Router): [symbol, Router] {
  return [KEY, value];
}

export function getRouter(): Router {
  return getContext<Router>(KEY);
}
