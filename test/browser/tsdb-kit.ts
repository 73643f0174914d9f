// Helpers for the TSDB browser suites: bundle an entry for the page, open blank pages on a fixed loopback origin.
import { join } from 'node:path';
import { build, type Rolldown } from 'vite';
import type { BrowserContext, Page } from 'playwright-core';
import { repoRoot } from './harness.ts';

/** A loopback origin that is never contacted: pages are served by Playwright's router. */
export const ORIGIN = 'http://127.0.0.1:9';

const bundles = new Map<string, Promise<string>>();

/** Bundles test/browser/fixtures/<file> (and what it imports) into one script that sets globals on window. */
export function bundleFixture(file: string): Promise<string> {
  let b = bundles.get(file);
  if (!b) {
    b = (async () => {
      const out = await build({
        configFile: false,
        root: repoRoot,
        logLevel: 'warn',
        build: {
          write: false,
          minify: false,
          lib: { entry: join(repoRoot, 'test/browser/fixtures', file), formats: ['iife'], name: file.replace(/\W/g, '_') },
        },
      });
      const first = (Array.isArray(out) ? out[0] : out) as Rolldown.RolldownOutput;
      return first.output[0].code;
    })();
    bundles.set(file, b);
  }
  return b;
}

/** A new page at ORIGIN/<path> with the fixture's script loaded. */
export async function fixturePage(context: BrowserContext, file: string, path = '/tsdb.html'): Promise<Page> {
  const code = await bundleFixture(file);
  const page = await context.newPage();
  await page.route(`${ORIGIN}/**`, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>tsdb</title>' }));
  await page.goto(`${ORIGIN}${path}`);
  await page.addScriptTag({ content: code });
  return page;
}
