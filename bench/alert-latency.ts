// `npm run bench:alert-latency`: time from a condition change at the exporter to the webhook, Sightline alone vs through Alertmanager vs Prometheus + Alertmanager.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startAlertmanager, startDemoExporter, startGateway, startReceiver } from './lib/alert-chain.ts';
import { startScrapingPrometheus } from './lib/live-prometheus.ts';
import { which } from './lib/prometheus.ts';
import { median } from './lib/scrape-sightline.ts';

const here = dirname(fileURLToPath(import.meta.url));
const RESULTS = join(here, 'results', 'alert-latency.json');

const USAGE = `Usage: bench:alert-latency [--runs N]
  --runs N   condition changes per setup, median reported (default 5)`;

const RULES = `groups:
  - name: latency
    rules:
      - alert: LatencyProbe
        expr: demo_value > 5
`;

const amYaml = (url: string): string => `route:
  receiver: hook
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: hook
    webhook_configs:
      - url: ${url}
        send_resolved: true
`;

const promYaml = (target: string, rules: string, am?: number): string => `global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files: ['${rules}']
scrape_configs:
  - job_name: demo
    static_configs: [{ targets: ['${target}'] }]
${am === undefined ? '' : `alerting:\n  alertmanagers:\n    - static_configs: [{ targets: ['127.0.0.1:${am}'] }]\n`}`;

interface Setup {
  name: string;
  /** Firing and resolved latencies from the condition change at the exporter, ms. */
  fire: number[];
  resolve: number[];
  /** From the evaluation that fired or resolved the alert (its startsAt / endsAt) to the webhook, ms. */
  fireAfterEval: number[];
  resolveAfterEval: number[];
}

/** Flips the condition `runs` times at random phases and times each webhook. */
type Exporter = Awaited<ReturnType<typeof startDemoExporter>>;
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

async function measure(name: string, exporter: Exporter, hook: Receiver, runs: number): Promise<Setup> {
  const out: Setup = { name, fire: [], resolve: [], fireAfterEval: [], resolveAfterEval: [] };
  for (let i = 0; i < runs; i++) {
    // Random phase against the 1s scrape and evaluation grids, so the median is not one lucky alignment.
    await new Promise((r) => setTimeout(r, 1500 + Math.random() * 1000));
    let from = hook.received.length;
    await exporter.set(10);
    let t0 = Date.now();
    const fired = await hook.waitFor('firing', from, 30_000);
    out.fire.push(fired.at - t0);
    out.fireAfterEval.push(fired.at - fired.evaluatedAt);
    await new Promise((r) => setTimeout(r, 1500 + Math.random() * 1000));
    from = hook.received.length;
    await exporter.set(0);
    t0 = Date.now();
    const resolved = await hook.waitFor('resolved', from, 30_000);
    out.resolve.push(resolved.at - t0);
    out.resolveAfterEval.push(resolved.at - resolved.evaluatedAt);
    process.stderr.write(`  ${name} run ${i + 1}: fire ${out.fire[i]} ms (${out.fireAfterEval[i]} after evaluation), resolve ${out.resolve[i]} ms (${out.resolveAfterEval[i]})\n`);
  }
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  let runs = 5;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs') runs = Math.max(1, Number(args[++i]));
    else {
      console.error(USAGE);
      process.exit(args[i] === '-h' || args[i] === '--help' ? 0 : 1);
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'sightline-alert-latency-'));
  const rules = join(dir, 'rules.yml');
  writeFileSync(rules, RULES);
  const amBinary = which('prometheus-alertmanager') ?? which('alertmanager');
  if (!amBinary) throw new Error('prometheus-alertmanager is not installed');
  const exporter = await startDemoExporter();
  const hook = await startReceiver();
  const results: Setup[] = [];
  let am: Awaited<ReturnType<typeof startAlertmanager>> | undefined;
  const stops: (() => Promise<void>)[] = [];
  try {
    // 1. Sightline's built-in notifier.
    writeFileSync(join(dir, 'am.yml'), amYaml(hook.url('/builtin')));
    writeFileSync(join(dir, 'p1.yml'), promYaml(exporter.address, rules));
    let gw = await startGateway(['--config', join(dir, 'p1.yml'), '--alertmanager-config', join(dir, 'am.yml'), '--storage.path', join(dir, 'd1')]);
    results.push(await measure('Sightline built-in notifier', exporter, hook, runs));
    await gw.stop();

    // 2. Sightline → Alertmanager → webhook.
    am = await startAlertmanager(amBinary, amYaml(hook.url('/am')));
    writeFileSync(join(dir, 'p2.yml'), promYaml(exporter.address, rules, am.port));
    gw = await startGateway(['--config', join(dir, 'p2.yml'), '--storage.path', join(dir, 'd2')]);
    results.push(await measure('Sightline → Alertmanager 0.25', exporter, hook, runs));
    await gw.stop();

    // 3. Prometheus → Alertmanager → webhook.
    const prometheus = which('prometheus');
    if (prometheus) {
      const pdir = join(dir, 'prom');
      mkdirSync(pdir);
      const p = await startScrapingPrometheus(prometheus, promYaml(exporter.address, rules, am.port), pdir);
      stops.push(() => p.stop());
      const version = /version (\S+)/.exec(p.version)?.[1] ?? '?';
      results.push(await measure(`Prometheus ${version} → Alertmanager 0.25`, exporter, hook, runs));
      await p.stop();
    } else {
      process.stderr.write('prometheus not installed: skipping the Prometheus + Alertmanager setup\n');
    }
  } finally {
    for (const s of stops) await s().catch(() => undefined);
    await am?.stop();
    await exporter.stop();
    await hook.stop();
    rmSync(dir, { recursive: true, force: true });
  }

  const rows = results.map((r) => ({
    setup: r.name,
    fireMedianMs: median(r.fire),
    resolveMedianMs: median(r.resolve),
    fireAfterEvalMedianMs: median(r.fireAfterEval),
    resolveAfterEvalMedianMs: median(r.resolveAfterEval),
    fireMs: r.fire,
    resolveMs: r.resolve,
    fireAfterEvalMs: r.fireAfterEval,
    resolveAfterEvalMs: r.resolveAfterEval,
  }));
  console.log(`\nNotification latency, median of ${runs} (scrape 1s, evaluation 1s, for 0s, group_wait 0s, group_interval 1s, loopback):`);
  console.log('condition = value changed at the exporter; evaluation = the rule evaluation that fired/resolved it (alert startsAt/endsAt).\n');
  console.log('| setup | condition → firing webhook | evaluation → firing webhook | condition → resolved webhook | evaluation → resolved webhook |');
  console.log('|---|---:|---:|---:|---:|');
  const ms = (v: number): string => `${Math.round(v)} ms`;
  for (const r of rows) console.log(`| ${r.setup} | ${ms(r.fireMedianMs)} | ${ms(r.fireAfterEvalMedianMs)} | ${ms(r.resolveMedianMs)} | ${ms(r.resolveAfterEvalMedianMs)} |`);
  mkdirSync(dirname(RESULTS), { recursive: true });
  writeFileSync(RESULTS, JSON.stringify({ date: new Date().toISOString(), runs, loadavg: loadavg(), results: rows }, null, 2) + '\n');
  console.log(`\nwritten to ${RESULTS}`);
}

void main().catch((e: unknown) => {
  console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  process.exit(1);
});
