// `npm run bench:dashboard`: first frame of a 20-panel dashboard over 1,000 series in headless Chromium, against a real
// gateway streaming into the studio's store; a one-panel dashboard is the reference. Writes bench/results/dashboard.json.
//
// First frame = the dashboard view's data-first-frame-ms: from the view's mount until the animation frame after every
// panel's first result is on screen. "warm" opens the dashboard from the list in a running studio (worker up, data in
// the store); "cold" reloads the page on the dashboard (worker start and store open included). Beside it: when the
// last panel's queries replied (ms after the mount; the worker's share ends there) and the longest main-thread task.
import { createServer, type Server } from 'node:http';
import { cpus, loadavg } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { ensureStudioBuilt, freePort, launchBrowser, startGateway } from '../test/browser/harness.ts';

const here = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(here, 'results', 'dashboard.json');

const USAGE = `Usage: bench:dashboard [--runs N] [--fill SECONDS] [--panels N]
  --runs N        measured opens per scenario, median reported (default 7)
  --fill SECONDS  scrape this long (1 s interval) before measuring, so the store holds data (default 60)
  --panels N      panels of the big dashboard (default 20)`;

interface Args {
  runs: number;
  fillS: number;
  panels: number;
}

function parseArgs(argv: string[]): Args {
  const out: Args = { runs: 7, fillS: 60, panels: 20 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--runs') out.runs = Math.max(1, Number(argv[++i]));
    else if (a === '--fill') out.fillS = Math.max(5, Number(argv[++i]));
    else if (a === '--panels') out.panels = Math.max(1, Number(argv[++i]));
    else {
      console.error(USAGE);
      process.exit(a === '-h' || a === '--help' ? 0 : 1);
    }
  }
  return out;
}

const HOSTS = 50;
const CORES = 20;

/** HOSTS × CORES gauges (1,000 series) moving with time. */
function exporterText(): string {
  const t = Date.now() / 1000;
  const lines = ['# TYPE demo_load gauge'];
  for (let h = 0; h < HOSTS; h++) for (let c = 0; c < CORES; c++) lines.push(`demo_load{host="h${h}",core="c${c}"} ${(50 + 40 * Math.sin(t / 20 + h + c / 7)).toFixed(3)}`);
  return lines.join('\n') + '\n';
}

/** The dashboard the test suite measures: time series panels, each aggregating over the 1,000 series. */
function dashboard(uid: string, panels: number): unknown {
  return {
    schemaVersion: 1,
    uid,
    title: uid,
    variables: [],
    time: { from: 'now-5m', to: 'now' },
    panels: Array.from({ length: panels }, (_, i) => ({
      id: i + 1,
      type: 'timeseries',
      title: `Panel ${i + 1}`,
      gridPos: { x: (i % 4) * 6, y: Math.floor(i / 4) * 6, w: 6, h: 6 },
      targets: [{ refId: 'A', expr: i % 2 ? `avg by (host) (demo_load{core="c${i % CORES}"})` : `max by (core) (demo_load{host=~"h${i % HOSTS}.*"})` }],
      options: { legend: { show: false } },
    })),
  };
}

async function waitFor<T>(fn: () => Promise<T | null>, timeoutMs: number, what: string): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== null) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

interface Open {
  /** First frame, ms after the view's mount. */
  frame: number;
  /** When the last panel's queries replied, ms after the mount (the worker's share ends here). */
  replied: number;
  /** The longest main-thread task between the click and the first frame, ms. */
  longTask: number;
}

/** Starts recording main-thread long tasks in the page (before a dashboard opens); `buffered` adds those since the page loaded. */
async function watchLongTasks(page: Page, buffered: boolean): Promise<void> {
  await page.evaluate((buffered) => {
    const g = globalThis as unknown as { __longTasks: number[]; PerformanceObserver: new (cb: (l: { getEntries(): { duration: number }[] }) => void) => { observe(o: object): void } };
    g.__longTasks = [];
    new g.PerformanceObserver((l) => {
      for (const e of l.getEntries()) g.__longTasks.push(e.duration);
    }).observe({ type: 'longtask', buffered });
  }, buffered);
}

/** Waits for the open dashboard's first frame; checks every panel got series. */
async function firstFrame(page: Page, panels: number): Promise<Open> {
  const frame = await firstFrameMs(page, panels);
  const dash = page.locator('[data-testid=dashboard]');
  const started = Number(await dash.getAttribute('data-started-at'));
  const replied = Math.max(...(await page.locator('[data-testid=panel]').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-replied-at'))))));
  const longTask = await page.evaluate(() => Math.max(0, ...((globalThis as unknown as { __longTasks?: number[] }).__longTasks ?? [])));
  return { frame, replied: Math.round(replied - started), longTask: Math.round(longTask) };
}

async function firstFrameMs(page: Page, panels: number): Promise<number> {
  const dash = page.locator('[data-testid=dashboard]');
  const ms = await waitFor(async () => {
    const v = await dash.getAttribute('data-first-frame-ms').catch(() => null);
    return v ? Number(v) : null;
  }, 120_000, 'the first frame');
  const withData = await page.locator('[data-testid=panel]').evaluateAll((els) => els.filter((e) => Number(e.getAttribute('data-series')) > 0).length);
  if (withData !== panels) throw new Error(`only ${withData} of ${panels} panels had series at the first frame`);
  return ms;
}

async function importDashboard(page: Page, url: string, json: unknown): Promise<void> {
  await page.goto(`${url}/#/dashboards`);
  await page.locator('[data-testid=import-text]').fill(JSON.stringify(json));
  await page.locator('[data-testid=import-button]').click();
  await page.locator('[data-testid=import-report]').waitFor();
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  await ensureStudioBuilt();
  const exporterPort = await freePort();
  const exporter: Server = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(exporterText()));
  await new Promise<void>((r) => exporter.listen(exporterPort, '127.0.0.1', r));
  const config = ['global:', '  scrape_interval: 1s', 'scrape_configs:', "  - job_name: 'demo'", '    static_configs:', `      - targets: ['127.0.0.1:${exporterPort}']`, ''].join('\n');
  const gw = await startGateway({ config });
  const browser = await launchBrowser({ width: 1400, height: 1000 });
  const rows: { scenario: string; panels: number; runs: Open[] }[] = [];
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await importDashboard(page, gw.url, dashboard('bench-big', args.panels));
    await importDashboard(page, gw.url, dashboard('bench-one', 1));
    console.log(`scraping ${HOSTS * CORES} series every 1 s for ${args.fillS} s into the studio's store…`);
    await page.goto(`${gw.url}/#/dashboards`);
    await new Promise((r) => setTimeout(r, args.fillS * 1000));

    for (const [uid, panels] of [['bench-one', 1], ['bench-big', args.panels]] as const) {
      const warm: Open[] = [];
      const cold: Open[] = [];
      // One unmeasured open first: the studio's code and the engine's paths are compiled by then.
      for (let i = 0; i <= args.runs; i++) {
        await page.goto(`${gw.url}/#/dashboards`);
        await page.locator('[data-testid=dashboard-list]').waitFor();
        await watchLongTasks(page, false);
        await page.locator('[data-testid=dashboard-list]').getByRole('link', { name: uid, exact: true }).click();
        const open = await firstFrame(page, panels);
        if (i > 0) warm.push(open);
      }
      for (let i = 0; i < args.runs; i++) {
        await page.reload();
        await watchLongTasks(page, true);
        cold.push(await firstFrame(page, panels));
      }
      rows.push({ scenario: 'warm', panels, runs: warm }, { scenario: 'cold', panels, runs: cold });
    }
    if (errors.length) throw new Error(`page errors:\n${errors.join('\n')}`);
  } finally {
    await browser.close();
    await gw.stop();
    await new Promise((r) => exporter.close(r));
  }

  const frames = (r: (typeof rows)[number]) => r.runs.map((o) => o.frame);
  const ref = (scenario: string) => median(frames(rows.find((r) => r.scenario === scenario && r.panels === 1)!));
  const table = rows.map((r) => ({
    scenario: `${r.scenario}, ${r.panels} panel${r.panels > 1 ? 's' : ''}`,
    median_ms: median(frames(r)),
    min_ms: Math.min(...frames(r)),
    max_ms: Math.max(...frames(r)),
    vs_one_panel: median(frames(r)) / ref(r.scenario),
    replied_median_ms: median(r.runs.map((o) => o.replied)),
    longest_task_median_ms: median(r.runs.map((o) => o.longTask)),
    runs: r.runs,
  }));
  const header = ['scenario', 'median ms', 'min ms', 'max ms', '× one panel', 'last reply ms', 'longest task ms'];
  const body = table.map((t) => [t.scenario, String(t.median_ms), String(t.min_ms), String(t.max_ms), t.vs_one_panel.toFixed(2), String(t.replied_median_ms), String(t.longest_task_median_ms)]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  console.log(`\nfirst frame over ${HOSTS * CORES} series, ${args.fillS} s of 1 s scrapes in the store (median of ${args.runs})`);
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const b of body) console.log(line(b));
  mkdirSync(dirname(RESULTS), { recursive: true });
  const result = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? '', loadavg: loadavg() },
    series: HOSTS * CORES,
    fillSeconds: args.fillS,
    runs: args.runs,
    results: table,
  };
  writeFileSync(RESULTS, JSON.stringify(result, null, 2) + '\n');
  console.log(`wrote ${RESULTS}`);
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
