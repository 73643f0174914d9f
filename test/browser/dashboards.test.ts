// Dashboards in Chromium against a real gateway: the built-in self-monitoring dashboard, a Grafana import, and first-frame time of 20 panels.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { ensureStudioBuilt, freePort, launchBrowser, outputDir, startGateway, type Browser, type RunningGateway } from './harness.ts';

const HOSTS = 50;
const CORES = 20;

/** An exporter with HOSTS × CORES gauge series (1,000) and one classic histogram, values moving with time. */
function exporterText(): string {
  const t = Date.now() / 1000;
  const lines = ['# TYPE demo_load gauge'];
  for (let h = 0; h < HOSTS; h++) for (let c = 0; c < CORES; c++) lines.push(`demo_load{host="h${h}",core="c${c}"} ${(50 + 40 * Math.sin(t / 20 + h + c / 7)).toFixed(3)}`);
  lines.push('# TYPE demo_latency_seconds histogram');
  let cum = 0;
  const n = Math.floor(t);
  for (const [le, w] of [['0.005', 3], ['0.01', 7], ['0.025', 15], ['0.05', 30], ['0.1', 22], ['0.25', 12], ['0.5', 6], ['1', 3], ['+Inf', 2]] as const) {
    cum += w * n;
    lines.push(`demo_latency_seconds_bucket{le="${le}"} ${cum}`);
  }
  lines.push(`demo_latency_seconds_sum ${n * 9}`, `demo_latency_seconds_count ${cum}`, '');
  return lines.join('\n');
}

/** A small Grafana dashboard (classic `graph` and `singlestat` types included) over the exporter's metrics. */
const GRAFANA_FIXTURE = {
  title: 'Demo fleet (Grafana)',
  uid: 'demo-fleet',
  schemaVersion: 39,
  time: { from: 'now-5m', to: 'now' },
  templating: {
    list: [{ name: 'host', type: 'query', datasource: { type: 'prometheus', uid: 'prom' }, query: 'label_values(demo_load, host)', multi: true, includeAll: true, current: { text: 'All', value: '$__all' } }],
  },
  panels: [
    { id: 1, type: 'text', title: 'About', gridPos: { x: 0, y: 0, w: 6, h: 6 }, options: { mode: 'markdown', content: '## Demo fleet\nImported from **Grafana** JSON.\n\n- host: `$host`\n- <b>not html</b>' } },
    { id: 2, type: 'stat', title: 'Average load', gridPos: { x: 6, y: 0, w: 6, h: 6 }, targets: [{ refId: 'A', expr: 'avg(demo_load{host=~"$host"})' }], fieldConfig: { defaults: { unit: 'percent', thresholds: { mode: 'absolute', steps: [{ value: null, color: 'green' }, { value: 60, color: 'orange' }, { value: 80, color: 'red' }] } } }, options: { reduceOptions: { calcs: ['lastNotNull'] }, graphMode: 'area' } },
    { id: 3, type: 'gauge', title: 'Max load', gridPos: { x: 12, y: 0, w: 6, h: 6 }, targets: [{ refId: 'A', expr: 'max(demo_load{host=~"$host"})' }], fieldConfig: { defaults: { unit: 'percent', min: 0, max: 100, thresholds: { mode: 'absolute', steps: [{ value: null, color: 'green' }, { value: 70, color: 'orange' }, { value: 90, color: 'red' }] } } } },
    { id: 4, type: 'bargauge', title: 'Load by host (top 5)', gridPos: { x: 18, y: 0, w: 6, h: 6 }, targets: [{ refId: 'A', expr: 'topk(5, avg by (host) (demo_load{host=~"$host"}))', legendFormat: '{{host}}', instant: true }], fieldConfig: { defaults: { unit: 'percent', min: 0, max: 100 } } },
    { id: 5, type: 'graph', title: 'Load by host', gridPos: { x: 0, y: 6, w: 12, h: 8 }, targets: [{ refId: 'A', expr: 'avg by (host) (demo_load{host=~"h[0-4]"})', legendFormat: '{{host}}' }], yaxes: [{ format: 'percent' }, { format: 'short' }] },
    { id: 6, type: 'heatmap', title: 'Latency', gridPos: { x: 12, y: 6, w: 12, h: 8 }, targets: [{ refId: 'A', expr: 'sum by (le) (rate(demo_latency_seconds_bucket[$__rate_interval]))', format: 'heatmap', legendFormat: '{{le}}' }], fieldConfig: { defaults: { unit: 's' } } },
    { id: 7, type: 'singlestat', title: 'Series', gridPos: { x: 0, y: 14, w: 6, h: 5 }, targets: [{ refId: 'A', expr: 'count(demo_load)' }] },
    { id: 8, type: 'table', title: 'Hottest cores', gridPos: { x: 6, y: 14, w: 18, h: 5 }, targets: [{ refId: 'A', expr: 'topk(4, demo_load)', instant: true, format: 'table' }], fieldConfig: { defaults: { unit: 'percent', decimals: 1 } } },
  ],
};

/** A Sightline dashboard of 20 time series panels, each aggregating over the 1,000 demo series. */
function twentyPanels(): unknown {
  const panels = Array.from({ length: 20 }, (_, i) => ({
    id: i + 1,
    type: 'timeseries',
    title: `Panel ${i + 1}`,
    gridPos: { x: (i % 4) * 6, y: Math.floor(i / 4) * 6, w: 6, h: 6 },
    targets: [{ refId: 'A', expr: i % 2 ? `avg by (host) (demo_load{core="c${i}"})` : `max by (core) (demo_load{host=~"h${i}.*"})`, instant: false, hide: false }],
    options: { legend: { show: false, placement: 'bottom', displayMode: 'list', calcs: [] } },
  }));
  return { schemaVersion: 1, uid: 'twenty', title: 'Twenty panels', tags: [], time: { from: 'now-5m', to: 'now' }, refresh: '', timezone: 'browser', graphTooltip: 'default', variables: [], panels, rows: [] };
}

/** Files of the gateway's --dashboards folder: a Sightline dashboard and (in a subfolder) a Grafana one. */
function provisionFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-provisioned-'));
  mkdirSync(join(dir, 'grafana'));
  const sightline = {
    schemaVersion: 1,
    uid: 'prov-fleet',
    title: 'Provisioned fleet',
    tags: ['ops'],
    variables: [],
    time: { from: 'now-5m', to: 'now' },
    panels: [
      { id: 1, type: 'stat', title: 'Series', gridPos: { x: 0, y: 0, w: 6, h: 8 }, targets: [{ refId: 'A', expr: 'count(demo_load)' }] },
      { id: 2, type: 'timeseries', title: 'Load of h1', gridPos: { x: 6, y: 0, w: 18, h: 8 }, targets: [{ refId: 'A', expr: 'avg by (core) (demo_load{host="h1"})' }] },
      { id: 3, type: 'stat', title: 'Latency count', gridPos: { x: 0, y: 8, w: 12, h: 4 }, targets: [{ refId: 'A', expr: 'sum(demo_latency_seconds_count)' }] },
      { id: 4, type: 'stat', title: 'Targets up', gridPos: { x: 12, y: 8, w: 12, h: 4 }, targets: [{ refId: 'A', expr: 'sum(up)' }] },
    ],
  };
  writeFileSync(join(dir, 'fleet.json'), JSON.stringify(sightline));
  writeFileSync(join(dir, 'grafana', 'fleet-grafana.json'), JSON.stringify({ ...GRAFANA_FIXTURE, uid: 'prov-grafana', title: 'Provisioned Grafana fleet' }));
  writeFileSync(join(dir, 'broken.json'), '{ not json');
  return dir;
}

/** Alerting rules over the exporter's metrics: one firing on every load series, one pending on host h7, one never active. */
const RULES = [
  'groups:',
  '  - name: demo',
  '    rules:',
  '      - alert: DemoLoadAny',
  '        expr: demo_load > -1',
  '        labels: { severity: page }',
  '      - alert: DemoH7Slow',
  '        expr: demo_load{host="h7"} > -1',
  '        for: 1h',
  '      - alert: DemoLatencyNegative',
  '        expr: demo_latency_seconds_count < 0',
  '',
].join('\n');

const poll = <T>(fn: () => T | Promise<T>, timeout = 30_000) => expect.poll(fn, { timeout, interval: 250 });

/** Panels of the open dashboard whose last run returned series. */
async function panelsWithSeries(page: Page): Promise<number> {
  return page.locator('[data-testid=panel]').evaluateAll((els) => els.filter((e) => Number((e as HTMLElement).dataset.series) > 0).length);
}

/** The dashboard's first-frame time (ms from mount until every panel's first result is on screen). */
async function firstFrame(page: Page): Promise<number> {
  await poll(() => page.locator('[data-testid=dashboard]').getAttribute('data-first-frame-ms'), 90_000).toMatch(/^\d+$/);
  return Number(await page.locator('[data-testid=dashboard]').getAttribute('data-first-frame-ms'));
}

async function importJson(page: Page, gwUrl: string, json: unknown): Promise<string> {
  await page.goto(`${gwUrl}/#/dashboards`);
  await page.locator('[data-testid=import-text]').fill(JSON.stringify(json));
  await page.locator('[data-testid=import-button]').click();
  return page.locator('[data-testid=import-report]').innerText();
}

describe('dashboards (Chromium + gateway)', () => {
  let gw: RunningGateway;
  let browser: Browser;
  let exporter: Server;
  const problems: string[] = [];
  let provisionDir: string;

  beforeAll(async () => {
    provisionDir = provisionFolder();
    await ensureStudioBuilt();
    const port = await freePort();
    exporter = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' }).end(exporterText()));
    await new Promise<void>((r) => exporter.listen(port, '127.0.0.1', r));
    writeFileSync(join(provisionDir, '..', `${provisionDir.split('/').pop()}-rules.yml`), RULES);
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      `  - ${provisionDir}-rules.yml`,
      'scrape_configs:',
      "  - job_name: 'sightline'",
      '    static_configs:',
      "      - targets: ['127.0.0.1:{{PORT}}']",
      "  - job_name: 'demo'",
      '    static_configs:',
      `      - targets: ['127.0.0.1:${port}']`,
      '',
    ].join('\n');
    gw = await startGateway({ config, extraArgs: ['--dashboards', provisionDir] });
    browser = await launchBrowser({ width: 1400, height: 1000 });
    mkdirSync(outputDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await new Promise((r) => exporter?.close(r));
    if (provisionDir) rmSync(provisionDir, { recursive: true, force: true });
    if (provisionDir) rmSync(`${provisionDir}-rules.yml`, { force: true });
  });

  it('shows the built-in Gateway self-monitoring dashboard with data', async () => {
    onTestFailed(() => console.error(`gateway output:\n${gw.logs()}\n${problems.join('\n')}`));
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('response', (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} ${r.url()}`));
    page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));

    await page.goto(`${gw.url}/#/dashboards`);
    await poll(() => page.locator('[data-testid=dashboard-list]').innerText()).toContain('Gateway self-monitoring');
    await page.getByRole('link', { name: 'Gateway self-monitoring' }).click();
    await poll(() => page.url()).toContain('#/dashboards/sightline-gateway');
    // Let a few scrapes land, then refresh every 2 s until the panels fill.
    await page.selectOption('select[aria-label="Auto refresh"]', '5s');
    await page.selectOption('select[aria-label="Time range"]', '5m');
    await poll(() => page.url()).toContain('refresh=5s');
    await poll(() => panelsWithSeries(page), 60_000).toBeGreaterThanOrEqual(14);
    // Variables resolved from the store and mirrored in the URL.
    expect(page.url()).toContain('var-job=sightline');
    expect(await page.locator('[data-testid=panel][data-title="Targets up"] [data-testid=stat-value]').innerText()).toBe('2');
    // Rows collapse and expand.
    const before = await page.locator('[data-testid=panel]').count();
    await page.locator('[data-testid=row-toggle]', { hasText: 'Scrapes' }).click();
    await poll(() => page.locator('[data-testid=panel]').count()).toBeLessThan(before);
    await page.locator('[data-testid=row-toggle]', { hasText: 'Scrapes' }).click();
    await poll(() => page.locator('[data-testid=panel]').count()).toBe(before);
    await poll(() => panelsWithSeries(page), 30_000).toBeGreaterThanOrEqual(14);
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(outputDir, 'dashboard.png'), fullPage: true });

    // Time zone: UTC from the menu redraws the time axes in UTC, goes into the link and survives a reload; an IANA
    // zone from a shared link joins the menu; back to the browser's time drops the parameter.
    await page.selectOption('select[aria-label="Time zone"]', 'utc');
    await poll(() => page.url()).toContain('tz=utc');
    await poll(() => page.locator('.chart[data-time-zone="utc"]').count()).toBeGreaterThan(0);
    expect(await page.locator('.chart[data-time-zone="browser"]').count()).toBe(0);
    await page.reload();
    await poll(() => page.locator('select[aria-label="Time zone"]').inputValue()).toBe('utc');
    await page.goto(page.url().replace('tz=utc', 'tz=Asia%2FKolkata'));
    await page.reload();
    await poll(() => page.locator('select[aria-label="Time zone"]').inputValue()).toBe('Asia/Kolkata');
    await poll(() => panelsWithSeries(page), 30_000).toBeGreaterThanOrEqual(14);
    await poll(() => page.locator('.chart[data-time-zone="Asia/Kolkata"]').count()).toBeGreaterThan(0);
    await page.selectOption('select[aria-label="Time zone"]', 'browser');
    await poll(() => page.url()).not.toContain('tz=');
    expect(problems).toEqual([]);
  });

  it('lists the gateway\'s provisioned dashboards (Sightline and Grafana files), renders one read-only and saves a copy', async () => {
    const page = browser.context.pages()[0];
    await page.goto(`${gw.url}/#/dashboards`);
    const list = page.locator('[data-testid=dashboard-list]');
    await poll(() => list.innerText()).toContain('Provisioned Grafana fleet');
    const row = list.locator('li', { hasText: 'Provisioned fleet' }).first();
    expect(await row.locator('[data-testid=dashboard-source]').innerText()).toMatch(/Provisioned\s*From the gateway\s*fleet\.json/);
    expect(await list.locator('li', { hasText: 'Provisioned Grafana fleet' }).locator('[data-testid=dashboard-source]').innerText()).toContain('grafana/fleet-grafana.json');
    // The broken file is reported, not fatal.
    await poll(() => page.locator('.note').allInnerTexts()).toContainEqual(expect.stringContaining('broken.json not loaded'));
    await page.screenshot({ path: join(outputDir, 'dashboard-list.png') });
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
    await page.screenshot({ path: join(outputDir, 'dashboard-list-dark.png') });
    await page.evaluate(() => document.documentElement.removeAttribute('data-theme'));
    await row.getByRole('link', { name: 'Provisioned fleet' }).click();
    await poll(() => page.url()).toContain('#/dashboards/prov-fleet');
    await expect(page.locator('[data-testid=provisioned-badge]').innerText()).resolves.toMatch(/read-only/i);
    // Refresh until the first scrapes are in the store (this test may run first).
    await page.selectOption('select[aria-label="Auto refresh"]', '5s');
    await poll(() => panelsWithSeries(page), 60_000).toBe(4);
    await poll(() => page.locator('[data-testid=panel][data-title="Series"] [data-testid=stat-value]').innerText()).toBe('1000');
    await page.waitForTimeout(300);
    await page.screenshot({ path: join(outputDir, 'dashboard-provisioned.png'), fullPage: true });
    // Layout changes on a read-only dashboard wait for Save a copy, which keeps them.
    await page.locator('[data-testid=grid-cell][data-key="4"]').focus();
    await page.keyboard.press('Shift+ArrowLeft');
    await poll(() => page.locator('[data-testid=layout-unsaved]').count()).toBe(1);
    // A copy is saved in this browser under a new uid and opens editable.
    await page.locator('[data-testid=save-copy]').click();
    await poll(() => page.url()).toContain('#/dashboards/prov-fleet-copy');
    await poll(() => page.locator('[data-testid=grid-cell][data-key="4"]').getAttribute('data-grid')).toBe('12,8,11,4');
    await poll(() => page.locator('[data-testid=dashboard] h1').innerText()).toBe('Provisioned fleet (copy)');
    expect(await page.locator('[data-testid=provisioned-badge]').count()).toBe(0);
    await page.goto(`${gw.url}/#/dashboards`);
    await poll(() => list.locator('li', { hasText: 'Provisioned fleet (copy)' }).locator('[data-testid=dashboard-source]').innerText()).toContain('Saved in this browser');
    expect(problems).toEqual([]);
  });

  it('shows the alert state of rules matching a panel\'s metrics, with a tooltip listing the alerts', async () => {
    const page = browser.context.pages()[0];
    await page.goto(`${gw.url}/#/dashboards/prov-fleet`);
    const badge = (title: string) => page.locator(`[data-testid=panel][data-title="${title}"] [data-testid=panel-alert]`);
    // count(demo_load) selects h7 too: firing (DemoLoadAny) beats pending (DemoH7Slow).
    await poll(() => badge('Series').getAttribute('data-state'), 60_000).toBe('firing');
    expect(await badge('Series').innerText()).toMatch(/firing/i);
    // host="h1" cannot overlap host="h7": only DemoLoadAny.
    await poll(() => badge('Load of h1').getAttribute('data-state')).toBe('firing');
    expect(await badge('Latency count').getAttribute('data-state')).toBe('ok');
    expect(await badge('Targets up').count()).toBe(0);
    await badge('Series').hover();
    const tip = page.locator('[data-testid=panel][data-title="Series"] [data-testid=panel-alert-tip]');
    await expect(tip.isVisible()).resolves.toBe(true);
    const text = await tip.innerText();
    expect(text).toMatch(/DemoLoadAny\s*firing/i);
    expect(text).toMatch(/DemoH7Slow\s*pending/i);
    expect(text).toContain('host="h7"');
    expect(text).toContain('+'); // 1,000 firing alerts: the first few and a count of the rest
    const tipH1 = await page.locator('[data-testid=panel][data-title="Load of h1"] [data-testid=panel-alert-tip]').innerHTML();
    expect(tipH1).not.toContain('DemoH7Slow');
    await page.screenshot({ path: join(outputDir, 'dashboard-alerts.png') });
    await page.evaluate(() => document.documentElement.setAttribute('data-theme', 'dark'));
    await page.screenshot({ path: join(outputDir, 'dashboard-alerts-dark.png') });
    await page.evaluate(() => document.documentElement.removeAttribute('data-theme'));
    expect(problems).toEqual([]);
  });

  it('moves and resizes panels with the pointer and the keyboard; the layout is saved and survives a reload', async () => {
    const page = browser.context.pages()[0];
    const text = (id: number, title: string, gridPos: object) => ({ id, type: 'text', title, gridPos, options: { mode: 'markdown', content: `Panel **${title}**` } });
    await importJson(page, gw.url, {
      schemaVersion: 1,
      uid: 'layout-edit',
      title: 'Layout editing',
      variables: [],
      panels: [text(1, 'A', { x: 0, y: 0, w: 12, h: 6 }), text(2, 'B', { x: 12, y: 0, w: 12, h: 6 }), text(3, 'C', { x: 0, y: 6, w: 24, h: 4 })],
    });
    await page.goto(`${gw.url}/#/dashboards/layout-edit`);
    const cell = (key: string) => page.locator(`[data-testid=grid-cell][data-key="${key}"]`);
    const grid = async () => Object.fromEntries(await page.locator('[data-testid=grid-cell]').evaluateAll((els) => els.map((e) => [(e as HTMLElement).dataset.key, (e as HTMLElement).dataset.grid])));
    await poll(() => grid()).toEqual({ 1: '0,0,12,6', 2: '12,0,12,6', 3: '0,6,24,4' });
    const gridBox = (await page.locator('.grid').first().boundingBox())!;
    const colPx = (gridBox.width - 23 * 8) / 24 + 8;
    const rowPx = 30 + 8;

    // Drag A by its title 12 columns right: it takes B's place, B and C are pushed down.
    const header = (await cell('1').locator('header').boundingBox())!;
    await page.mouse.move(header.x + 40, header.y + header.height / 2);
    await page.mouse.down();
    await page.mouse.move(header.x + 40 + 12 * colPx, header.y + header.height / 2, { steps: 8 });
    await page.mouse.up();
    await poll(() => grid()).toEqual({ 1: '12,0,12,6', 2: '12,6,12,6', 3: '0,12,24,4' });

    // Resize C from its corner: half as wide, two rows taller; it floats up into the free left half.
    await cell('3').hover();
    const handle = (await cell('3').locator('[data-testid=resize-handle]').boundingBox())!;
    await page.mouse.move(handle.x + 7, handle.y + 7);
    await page.mouse.down();
    await page.mouse.move(handle.x + 7 - 12 * colPx, handle.y + 7 + 2 * rowPx, { steps: 8 });
    await page.mouse.up();
    await poll(() => grid()).toEqual({ 1: '12,0,12,6', 2: '12,6,12,6', 3: '0,0,12,6' });

    // Keyboard: B one column left, then one row shorter.
    await cell('2').focus();
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('Shift+ArrowUp');
    await poll(() => grid()).toEqual({ 1: '12,0,12,6', 2: '11,6,12,5', 3: '0,0,12,6' });
    await page.screenshot({ path: join(outputDir, 'dashboard-layout-edit.png') });

    // Saved in IndexedDB: a reload lays the panels out the same.
    await page.reload();
    await poll(() => grid()).toEqual({ 1: '12,0,12,6', 2: '11,6,12,5', 3: '0,0,12,6' });
    expect(await page.locator('[data-testid=save-copy]').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('imports a Grafana dashboard, reports the mapping and renders its panels', async () => {
    const page = browser.context.pages()[0];
    const report = await importJson(page, gw.url, GRAFANA_FIXTURE);
    expect(report).toContain('panels mapped');
    await page.locator('[data-testid=dashboard-list]').getByRole('link', { name: 'Demo fleet (Grafana)' }).click();
    await poll(() => page.url()).toContain('#/dashboards/demo-fleet');
    await poll(() => panelsWithSeries(page), 60_000).toBeGreaterThanOrEqual(7);
    const types = await page.locator('[data-testid=panel]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.type).sort());
    expect(types).toEqual(['bargauge', 'gauge', 'heatmap', 'stat', 'stat', 'table', 'text', 'timeseries']);
    // Markdown through DOM nodes: HTML in the content stays text.
    const text = page.locator('[data-testid=panel][data-type=text]');
    expect(await text.locator('strong').innerText()).toBe('Grafana');
    expect(await text.locator('b').count()).toBe(0);
    expect(await text.innerText()).toContain('<b>not html</b>');
    expect(await page.locator('[data-testid=panel][data-title="Series"] [data-testid=stat-value]').innerText()).toBe('1000');
    await page.waitForTimeout(500);
    await page.screenshot({ path: join(outputDir, 'dashboard-grafana.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('measures the first frame of 20 panels over 1,000 series', async () => {
    const page = browser.context.pages()[0];
    await importJson(page, gw.url, twentyPanels());
    // Warm: the worker is running and streaming; the view mounts when the link is clicked.
    await page.locator('[data-testid=dashboard-list]').getByRole('link', { name: 'Twenty panels' }).click();
    const warm = await firstFrame(page);
    expect(await panelsWithSeries(page)).toBe(20);
    // Cold: a reload on the dashboard, so the worker also reopens the store and resumes the stream.
    await page.reload();
    const cold = await firstFrame(page);
    expect(await panelsWithSeries(page)).toBe(20);
    console.log(`[dashboards] first frame of 20 panels over ${HOSTS * CORES} series: ${warm} ms warm, ${cold} ms after a page reload`);
    await page.screenshot({ path: join(outputDir, 'dashboard-twenty.png') });
  });
});
