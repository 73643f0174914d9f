// The studio in Chromium against the Workers gateway (wrangler dev / workerd): token in Settings, live node_exporter data, a firing alert.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest';
import { CONTRACT_RULES, contractConfig, startNodeExporter } from '../gateway-contract/contract.ts';
import type { Proc } from '../integration/processes.ts';
import { startWranglerDev, type WranglerDev } from '../workerd/wrangler-dev.ts';
import { ensureStudioBuilt, launchBrowser, outputDir, type Browser } from './harness.ts';

const TOKEN = 'studio-on-workerd-token';

/** expect.poll with room for a loaded machine (wrangler, workerd, Chromium and the exporter share two cores). */
const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 30_000, interval: 250 });

async function chartSamples(page: Page): Promise<number> {
  return Number(await page.locator('[data-testid=chart]').getAttribute('data-samples'));
}

describe('studio served by and streaming from the Workers gateway (workerd)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'sightline-studio-workerd-'));
  let exporter: { proc: Proc; address: string };
  let dev: WranglerDev;
  let browser: Browser;
  const problems: string[] = [];

  beforeAll(async () => {
    // The deployed layout: the studio build as Workers assets, the API behind the token in the Durable Object.
    const assets = await ensureStudioBuilt();
    exporter = await startNodeExporter();
    dev = await startWranglerDev({
      dir: scratch,
      persistTo: join(scratch, 'state'),
      assets,
      token: TOKEN,
      configYaml: contractConfig(exporter.address),
      vars: { SIGHTLINE_RULE_FILES: JSON.stringify({ 'rules/contract.yml': CONTRACT_RULES }) },
    });
    browser = await launchBrowser();
    mkdirSync(outputDir, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await Promise.all([dev?.stop(), exporter?.proc.stop()]);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('takes the token in Settings, then charts node_exporter data live and shows the firing alert', async () => {
    onTestFailed(() => console.error(`wrangler dev output:\n${dev.output()}`));
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    const streams: { url: string; auth: string | undefined }[] = [];
    browser.context.on('request', (r) => {
      if (r.url().includes('/api/v1/stream')) streams.push({ url: r.url(), auth: r.headers().authorization });
    });

    // The Worker answers the API only with its token: the user enters it in Settings (kept in local storage).
    await page.goto(`${dev.baseUrl}/#/settings`);
    await poll(() => page.title()).toMatch(/Sightline/);
    await page.getByTestId('gateway-token').fill(TOKEN);
    await page.getByRole('button', { name: 'Save and reconnect' }).click();
    await poll(() => page.getByTestId('token-state').innerText()).toBe('set');

    // node_exporter's load average, scraped by the Durable Object's alarm-driven loop, streamed into the chart.
    await page.goto(`${dev.baseUrl}/#/graph?range=5m`);
    await page.getByTestId('expr').fill('node_load1');
    await page.getByRole('button', { name: 'Run' }).click();
    await poll(() => page.getAttribute('[data-testid=stream-state]', 'data-state')).toBe('live');
    await poll(() => page.getByTestId('legend').innerText()).toContain(`instance="${exporter.address}"`);
    expect(await page.getByTestId('legend').innerText()).toContain('job="node"');
    const first = await chartSamples(page);
    expect(first).toBeGreaterThan(0);
    // Live: more samples arrive while we watch (1 s scrapes).
    await poll(() => chartSamples(page)).toBeGreaterThan(first + 2);
    const authorised = streams.filter((s) => s.auth === `Bearer ${TOKEN}`);
    expect(authorised.length).toBeGreaterThan(0);
    expect(new URL(authorised[0].url).origin).toBe(dev.baseUrl);
    await page.mouse.move(900, 330);
    await page.screenshot({ path: join(outputDir, 'workerd-graph.png') });

    // The alert the Durable Object evaluates, on the Alerts page.
    await page.goto(`${dev.baseUrl}/#/alerts`);
    const alert = page.getByTestId('alert').filter({ hasText: 'ContractExporterUp' });
    await poll(() => alert.count()).toBe(1);
    await poll(() => alert.innerText()).toMatch(/firing/i);
    expect(await alert.innerText()).toContain(`node_exporter ${exporter.address} is up`);
    await page.screenshot({ path: join(outputDir, 'workerd-alerts.png') });
    expect(problems).toEqual([]);
  });
});
