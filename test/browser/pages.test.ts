// The studio's pages in Chromium against a real gateway with rules, a notifier and a hostile exporter: Explore
// (editor completion, graph, table, explain, CSV), Targets, Rules, Alerts (silence), Notifications (test send),
// Configuration, Storage, Settings, escaping of scraped text, and the offline indicator. Screenshots go to test-output/.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { ensureStudioBuilt, freePort, launchBrowser, outputDir, startGateway, type Browser, type RunningGateway } from './harness.ts';

/** Scraped text that would run script if any page rendered it as markup. */
const XSS = {
  label: '<script>window.__xss="label"</script>',
  img: '<img src=x onerror="window.__xss=\'img\'">',
  link: 'javascript:window.__xss="link"',
  help: 'Hostile help <img src=x onerror="window.__xss=\'help\'"> <script>window.__xss="help2"</script>',
};

/** An exporter whose labels and HELP carry markup, plus a byte-sized gauge for units. */
function exposition(): string {
  const esc = (s: string): string => s.replaceAll('\\', '\\\\').replaceAll('"', '\\"');
  return [
    `# HELP xss_metric ${XSS.help}`,
    '# TYPE xss_metric gauge',
    `xss_metric{payload="${esc(XSS.label)}",img="${esc(XSS.img)}",link="${esc(XSS.link)}"} 1`,
    '# HELP demo_memory_bytes Resident memory of the demo.',
    '# TYPE demo_memory_bytes gauge',
    `demo_memory_bytes{pod="a"} ${150 * 1024 * 1024}`,
    `demo_memory_bytes{pod="b"} ${90 * 1024 * 1024}`,
    '',
  ].join('\n');
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)));
}

const poll = <T>(fn: () => T | Promise<T>, timeout = 20_000) => expect.poll(fn, { timeout, interval: 200 });

describe('studio pages (Chromium + gateway with rules and notifier)', () => {
  let gw: RunningGateway;
  let browser: Browser;
  let page: Page;
  let exporter: Server;
  let sink: Server;
  let dir: string;
  const hooks: string[] = [];
  const problems: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sightline-pages-'));
    exporter = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
      res.end(exposition());
    });
    sink = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        hooks.push(body);
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('sink says ok');
      });
    });
    const [exporterPort, sinkPort, deadPort] = await Promise.all([listen(exporter), listen(sink), freePort()]);
    writeFileSync(
      join(dir, 'rules.yml'),
      [
        'groups:',
        '  - name: demo',
        '    interval: 1s',
        '    rules:',
        '      - record: job:up:sum',
        '        expr: sum by (job) (up)',
        '      - alert: HostileLabels',
        '        expr: xss_metric > 0',
        '        labels:',
        '          severity: page',
        '        annotations:',
        `          summary: '${XSS.label.replaceAll("'", "''")} {{ $labels.img }}'`,
        `          description: '${XSS.help.replaceAll("'", "''")}'`,
        '      - alert: TargetDown',
        '        expr: up == 0',
        '        for: 1h',
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'alertmanager.yml'),
      ['route:', '  receiver: hook', '  group_by: [alertname]', '  group_wait: 0s', '  group_interval: 1s', '  repeat_interval: 1h', 'receivers:', '  - name: hook', '    webhook_configs:', `      - url: http://127.0.0.1:${sinkPort}/hook`, ''].join('\n'),
    );
    const config = [
      'global:',
      '  scrape_interval: 1s',
      '  evaluation_interval: 1s',
      'rule_files:',
      `  - ${join(dir, 'rules.yml')}`,
      'scrape_configs:',
      "  - job_name: 'sightline'",
      '    static_configs:',
      "      - targets: ['127.0.0.1:{{PORT}}']",
      "  - job_name: 'hostile'",
      '    static_configs:',
      `      - targets: ['127.0.0.1:${exporterPort}']`,
      "  - job_name: 'broken'",
      '    static_configs:',
      `      - targets: ['127.0.0.1:${deadPort}']`,
      '',
    ].join('\n');
    await ensureStudioBuilt();
    gw = await startGateway({ config, extraArgs: ['--alertmanager-config', join(dir, 'alertmanager.yml')] });
    browser = await launchBrowser();
    mkdirSync(outputDir, { recursive: true });
    page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => m.type() === 'error' && !/Failed to load resource|ERR_CONNECTION_REFUSED/.test(m.text()) && problems.push(`console: ${m.text()}`));
    page.on('dialog', (d) => {
      problems.push(`dialog opened: ${d.message()}`);
      void d.dismiss();
    });
  });

  afterAll(async () => {
    await browser?.close();
    await gw?.stop();
    await new Promise((r) => exporter?.close(r));
    await new Promise((r) => sink?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  /** Nothing from scraped data ran as script, and no link points at javascript:. */
  async function expectNoScript(): Promise<void> {
    expect(await page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss)).toBeUndefined();
    expect(await page.locator('a[href^="javascript:" i]').count()).toBe(0);
    expect(await page.locator('script:not([src]):not([type])').evaluateAll((s) => s.filter((x) => x.textContent?.includes('__xss')).length)).toBe(0);
  }

  it('Explore: completes metric names from the local store, graphs, tabulates, explains and exports CSV', async () => {
    onTestFailed(() => console.error(`gateway output:\n${gw.logs()}`));
    await page.goto(`${gw.url}/#/graph?expr=sightline_scrapes_total&range=5m`);
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid=chart]')?.dataset.samples) >= 6, null, { timeout: 60_000 });

    // Autocompletion offers a metric name that only the browser's own store knows about.
    const editor = page.getByTestId('expr');
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.type('xss_met');
    const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'xss_metric' });
    await poll(() => option.count()).toBeGreaterThan(0);
    await page.keyboard.press('Escape');

    // A range query in stacked bytes: legend values formatted in IEC units.
    await editor.fill('demo_memory_bytes');
    await page.getByRole('button', { name: 'Run' }).click();
    await poll(() => page.getByTestId('legend').innerText()).toContain('pod="b"');
    await page.getByTestId('unit').selectOption('bytes');
    await page.getByRole('button', { name: 'Stacked' }).click();
    await poll(() => page.getByTestId('legend').innerText()).toContain('150 MiB');
    expect(page.url()).toContain('unit=bytes');
    expect(page.url()).toContain('mode=stacked');
    expect(await page.getByTestId('step-used').innerText()).toMatch(/^\d+s auto$/);
    // Clicking a legend entry isolates it.
    await page.getByTestId('legend').getByRole('button').first().click();
    await poll(() => page.getByTestId('legend').getByRole('button', { pressed: false }).count()).toBe(1);
    await page.mouse.move(760, 330);
    await page.screenshot({ path: join(outputDir, 'explore.png') });

    // CSV of the range result: one row per timestamp, a column per series.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv').click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    const head = csv.split('\r\n')[0];
    expect(head.startsWith('time,timestamp,"demo_memory_bytes{')).toBe(true);
    expect(head).toContain('pod=""a""}"');
    expect(head).toContain('pod=""b""}"');
    expect(csv.split('\r\n').length).toBeGreaterThan(3);

    // Dragging across the plot zooms into that stretch: an absolute window in the URL; a quick range returns to "now".
    const plot = (await page.locator('[data-testid=chart] .u-over').boundingBox())!;
    await page.mouse.move(plot.x + plot.width * 0.3, plot.y + plot.height / 2);
    await page.mouse.down();
    await page.mouse.move(plot.x + plot.width * 0.7, plot.y + plot.height / 2, { steps: 6 });
    await page.mouse.up();
    await poll(() => page.url()).toContain('end=');
    expect(await page.getByTestId('range-label').innerText()).toContain('→');
    await page.getByRole('button', { name: '5m', exact: true }).click();
    await poll(() => page.url()).not.toContain('end=');

    // The same view as a table: an instant query, sortable, exportable.
    await page.getByTestId('tab-table').click();
    const table = page.getByTestId('result-table');
    await poll(() => table.getAttribute('data-rows')).toBe('2');
    await table.getByRole('button', { name: /^Value/ }).click();
    const firstPod = async (): Promise<string> => (await table.locator('tbody tr').first().innerText()).includes('\tb\t') ? 'b' : 'a';
    await poll(firstPod).toBe('a');
    await table.getByRole('button', { name: /^Value/ }).click();
    await poll(firstPod).toBe('b');
    expect(await page.title()).toBe('Table · Sightline');
    await page.screenshot({ path: join(outputDir, 'explore-table.png') });
    const [tableDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('csv').click()]);
    expect(readFileSync((await tableDownload.path())!, 'utf8').split('\r\n')[0]).toBe('__name__,instance,job,pod,timestamp,value');

    // Explain: the tree of sub-expressions with each one's series count from the worker.
    await editor.fill('sum by (job) (rate(sightline_scrapes_total[10s]))');
    await page.getByTestId('tab-explain').click();
    const nodes = page.getByTestId('explain-node');
    await poll(() => nodes.count()).toBe(3);
    await poll(() => nodes.first().getAttribute('data-series')).toBe('1');
    expect(await nodes.nth(2).innerText()).toContain('sightline_scrapes_total[10s]');
    await page.screenshot({ path: join(outputDir, 'explore-explain.png') });

    // Past queries are in the history.
    await page.getByTestId('history').click();
    await poll(() => page.getByRole('dialog', { name: 'Query history' }).innerText()).toContain('demo_memory_bytes');
    await page.keyboard.press('Escape');

    // The URL reproduces the view.
    const link = page.url();
    expect(link).toContain('tab=explain');
    await page.goto('about:blank');
    await page.goto(link);
    await poll(() => nodes.count()).toBe(3);

    // A parse error is underlined in the editor and explained in words.
    await page.getByTestId('tab-graph').click();
    await editor.fill('rate(up[5m]');
    await page.getByRole('button', { name: 'Run' }).click();
    await poll(() => page.getByTestId('query-error').innerText()).toContain('unclosed left parenthesis');
    await poll(() => page.locator('.cm-lintRange-error').count()).toBeGreaterThan(0);

    // The metric browser lists stored metrics; picking one queries it. Hostile label values are shown as text.
    await page.getByTestId('open-metrics').click();
    const browserDialog = page.getByTestId('metric-browser');
    // No HELP in the local store yet: the browser takes it from the gateway, as text.
    await poll(() => browserDialog.innerText()).toContain('Hostile help <img src=x onerror=');
    await page.screenshot({ path: join(outputDir, 'explore-metrics.png') });
    await browserDialog.getByRole('button', { name: /xss_metric/ }).click();
    // Label values read as PromQL writes them: quotes escaped, markup as plain characters.
    await poll(() => page.getByTestId('legend').innerText()).toContain('payload="<script>window.__xss=\\"label\\"</script>"');
    expect(await page.getByTestId('legend').innerText()).toContain('link="javascript:window.__xss=\\"link\\""');
    await expectNoScript();
    expect(problems).toEqual([]);
  });

  it('Targets: pools with state, errors and the raw last scrape; Rules with health and evaluation times', async () => {
    await page.goto(`${gw.url}/#/targets`);
    await poll(() => page.getByTestId('pool').count()).toBe(3);
    const broken = page.locator('[data-testid=pool][data-pool=broken]');
    await poll(() => broken.innerText()).toMatch(/down/i);
    expect(await broken.innerText()).toMatch(/connect|refused|fetch failed/i);
    const hostile = page.locator('[data-testid=pool][data-pool=hostile]');
    await hostile.getByRole('button', { name: 'Raw' }).click();
    const raw = page.getByTestId('last-scrape');
    await poll(() => raw.innerText()).toContain('# HELP xss_metric Hostile help <img');
    await page.getByTestId('targets-filter').fill('hostile');
    await poll(() => page.getByTestId('pool').count()).toBe(1);
    await page.getByTestId('targets-filter').fill('');
    await page.getByRole('button', { name: /^Down/ }).click();
    await poll(() => page.getByTestId('target-row').count()).toBe(1);
    await page.getByRole('button', { name: /^All/ }).click();
    await page.screenshot({ path: join(outputDir, 'targets.png') });
    await expectNoScript();

    await page.getByRole('link', { name: 'Rules' }).click();
    await poll(() => page.getByTestId('rule').count()).toBe(3);
    await poll(() => page.getByTestId('rule-group').innerText()).toMatch(/job:up:sum[\s\S]*ok/i);
    await page.screenshot({ path: join(outputDir, 'rules.png') });
    await expectNoScript();
    expect(problems).toEqual([]);
  });

  it('Alerts: firing alert with annotations as text, and a silence created from it', async () => {
    await page.goto(`${gw.url}/#/alerts`);
    const alert = page.getByTestId('alert').filter({ hasText: 'HostileLabels' });
    await poll(() => alert.count()).toBe(1);
    await poll(() => alert.innerText()).toMatch(/firing/i);
    expect(await alert.innerText()).toContain(XSS.label);
    expect(await alert.innerText()).toContain('Hostile help <img src=x');
    await page.screenshot({ path: join(outputDir, 'alerts.png') });
    await alert.getByRole('button', { name: 'Silence' }).click();
    const form = page.getByTestId('silence-form');
    await form.getByRole('button', { name: 'Remove matcher img' }).click();
    await form.getByPlaceholder('your name').fill('browser test');
    await form.getByPlaceholder(/^why/).fill('testing silences');
    await form.getByRole('button', { name: 'Create silence' }).click();
    await poll(() => page.getByTestId('silence-created').innerText()).toMatch(/Silence \S+ created/);
    const silences = (await (await fetch(`${gw.url}/api/v1/silences`)).json()) as { data: { silences: Array<{ createdBy: string; matchers: Array<{ name: string }> }> } };
    const mine = silences.data.silences.find((s) => s.createdBy === 'browser test');
    expect(mine?.matchers.map((m) => m.name).sort()).toEqual(['alertname', 'instance', 'job', 'link', 'payload', 'severity']);
    await expectNoScript();
    expect(problems).toEqual([]);
  });

  it('Notifications: receivers with a test send showing the answer, and the delivery history', async () => {
    await page.goto(`${gw.url}/#/notifications`);
    const receiver = page.getByTestId('receiver').filter({ hasText: 'hook' });
    await poll(() => receiver.count()).toBe(1);
    const before = hooks.length;
    await receiver.getByRole('button', { name: 'Send test notification' }).click();
    const result = page.getByTestId('test-result');
    await poll(() => result.innerText()).toContain('sink says ok');
    expect(await result.innerText()).toMatch(/Delivered[\s\S]*HTTP 200/);
    expect(hooks.length).toBeGreaterThan(before);
    await poll(() => page.getByTestId('notification-history').locator('tbody tr').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(outputDir, 'notifications.png') });
    await expectNoScript();
    expect(problems).toEqual([]);
  });

  it('Configuration, Storage and Settings: YAML, store figures, a token that is never shown again', async () => {
    await page.goto(`${gw.url}/#/config`);
    await poll(() => page.getByTestId('config-yaml').innerText()).toContain("job_name: 'hostile'");
    await page.screenshot({ path: join(outputDir, 'config.png') });

    await page.getByRole('link', { name: 'Storage' }).click();
    await poll(async () => Number(await page.getByTestId('storage-stats').getAttribute('data-samples'))).toBeGreaterThan(0);
    await poll(() => page.getByTestId('storage-stats').innerText()).toMatch(/Stored bytes/);
    await page.screenshot({ path: join(outputDir, 'storage.png') });

    await page.getByRole('link', { name: 'Settings' }).click();
    expect(await page.getByTestId('token-state').innerText()).toBe('not set');
    await page.getByTestId('gateway-token').fill('tok-visible-nowhere');
    await page.getByRole('button', { name: 'Save and reconnect' }).click();
    await poll(() => page.getByTestId('token-state').innerText()).toBe('set');
    expect(await page.getByTestId('gateway-token').inputValue()).toBe('');
    await page.reload();
    await poll(() => page.getByTestId('token-state').innerText()).toBe('set');
    expect(await page.getByTestId('gateway-token').inputValue()).toBe('');
    expect(await page.content()).not.toContain('tok-visible-nowhere');
    await page.getByTestId('clear-token').check();
    await page.getByRole('button', { name: 'Save and reconnect' }).click();
    await poll(() => page.getByTestId('token-state').innerText()).toBe('not set');
    await poll(() => page.getAttribute('[data-testid=stream-state]', 'data-state')).toBe('live');
    await page.screenshot({ path: join(outputDir, 'settings.png') });
    expect(problems).toEqual([]);
  });

  it('works in the dark theme and at tablet width', async () => {
    await page.evaluate(() => localStorage.setItem('sightline.settings', JSON.stringify({ theme: 'dark' })));
    await page.goto(`${gw.url}/#/graph?expr=rate(sightline_scrapes_total[10s])&range=5m`);
    await page.reload();
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid=chart]')?.dataset.samples) >= 3, null, { timeout: 30_000 });
    await page.mouse.move(760, 330);
    await page.screenshot({ path: join(outputDir, 'explore-dark.png') });
    await page.goto(`${gw.url}/#/alerts`);
    await poll(() => page.getByTestId('alert').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(outputDir, 'alerts-dark.png') });

    await page.setViewportSize({ width: 820, height: 1100 });
    for (const route of ['graph', 'targets', 'alerts', 'rules', 'notifications', 'storage', 'settings']) {
      await page.goto(`${gw.url}/#/${route}`);
      await page.waitForTimeout(300);
      if (route === 'graph') {
        await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('[data-testid=chart]')?.dataset.samples) > 0);
        await page.screenshot({ path: join(outputDir, 'explore-tablet.png') });
      }
      // Nothing wider than the screen: tables scroll inside their cards.
      expect(await page.evaluate(() => document.documentElement.scrollWidth), route).toBeLessThanOrEqual(820);
    }
    await page.goto(`${gw.url}/#/targets`);
    await poll(() => page.getByTestId('pool').count()).toBe(3);
    await page.screenshot({ path: join(outputDir, 'targets-tablet.png') });
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.evaluate(() => localStorage.removeItem('sightline.settings'));
    expect(problems).toEqual([]);
  });

  it('shows an offline indicator and the stored `up` view when the gateway is gone', async () => {
    await page.goto(`${gw.url}/#/targets`);
    await poll(() => page.getByTestId('pool').count()).toBe(3);
    await gw.stop();
    await poll(() => page.getByTestId('offline').count(), 40_000).toBe(1);
    await poll(() => page.getByTestId('stored-targets').innerText()).toContain('hostile');
    await page.screenshot({ path: join(outputDir, 'targets-offline.png') });
    await expectNoScript();
  });
});
