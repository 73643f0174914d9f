// Helpers for the TSDB browser suites: bundle fixtures, open pages on a fixed loopback origin, crash and relaunch Chromium.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, type Rolldown } from 'vite';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
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

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Chromium on a given profile directory, as a process this test can kill outright (a crash, not a shutdown). */
export interface KillableBrowser {
  context: BrowserContext;
  /** SIGKILL to the whole browser process group. */
  kill(): Promise<void>;
}

/** Starts Chromium on `userDataDir` with DevTools on a loopback port and connects to it. */
export async function launchKillable(userDataDir: string): Promise<KillableBrowser> {
  const child = spawn(CHROMIUM, [...CHROMIUM_ARGS, `--user-data-dir=${userDataDir}`, '--remote-debugging-address=127.0.0.1', '--remote-debugging-port=0', 'about:blank'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const ws = await new Promise<string>((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`Chromium printed no DevTools address:\n${err}`)), 30_000);
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', () => reject(new Error(`Chromium exited early:\n${err}`)));
  });
  const browser = await chromium.connectOverCDP(ws);
  return {
    context: browser.contexts()[0],
    async kill() {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
      await exited;
    },
  };
}

/** Chromium on an existing profile directory (kept afterwards: the caller removes it). */
export async function launchOnProfile(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** A fresh profile directory. */
export function tempProfile(): string {
  return mkdtempSync(join(tmpdir(), 'sightline-tsdb-'));
}

/** Removes a profile directory. */
export function removeProfile(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Polls `probe` until it returns true (or throws after `ms`). */
export async function waitFor(what: string, probe: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
