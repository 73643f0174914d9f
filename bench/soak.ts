// `npm run bench:soak`: the Node gateway scrapes many loopback targets for minutes while stream clients read everything; drift, durations, memory, CPU, lag and loss.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseDuration } from '../shared/config/duration.ts';
import { freePort } from './lib/prometheus.ts';
import { StreamFollower } from './lib/soak-client.ts';
import { SCRAPE_COUNTER } from './lib/soak-exporter.ts';
import { repoRoot, spawnTs, startGatewayProcess, type Spawned } from './lib/soak-process.ts';
import { mainIsolate, parseGatewayGauges, parseGcLine, ResourceSampler, summary, type GatewayGauges, type GcEvent, type ResourceSample } from './lib/soak-stats.ts';
import { halvesFlatness } from './lib/soak-flatness.ts';
import { REPORT_SERIES, SoakTally, type Completeness } from './lib/soak-tally.ts';

const USAGE = `Usage: bench:soak [--minutes N] [--targets N] [--series N] [--clients N] [--interval DURATION] [--retention DURATION] [--out FILE]
  --minutes N           how long to scrape and stream (default 10; fractions allowed for a quick check)
  --targets N           loopback targets, one port each, all served by one exporter process (default 200)
  --series N            series per target page, its scrape counter included (default 500)
  --clients N           stream clients in this process, each decoding everything (default 5)
  --interval DURATION   scrape_interval (default 5s); scrape_timeout is 80% of it
  --retention DURATION  the gateway's head window (default 5m): memory must be flat once it is full
  --out FILE            result JSON (default bench/results/soak.json)
  --profile DIR         write a V8 CPU profile of the gateway into DIR (node --cpu-prof), to see where its time goes
  --storage             run the gateway with --storage.path (a temp dir): batches are streamed once written to its log`;

interface Args {
  minutes: number;
  targets: number;
  series: number;
  clients: number;
  intervalMs: number;
  retention: string;
  retentionMs: number;
  out: string;
  profileDir: string | null;
  storage: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const a: Args = { minutes: 10, targets: 200, series: 500, clients: 5, intervalMs: 5000, retention: '5m', retentionMs: 300_000, out: join(repoRoot, 'bench/results/soak.json'), profileDir: null, storage: false };
  const fail = (msg: string): never => {
    throw new Error(`${msg}\n${USAGE}`);
  };
  const int = (v: string | undefined, name: string): number => (v !== undefined && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : fail(`${name} needs a positive integer`));
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--storage') {
      a.storage = true;
      continue;
    }
    const v = argv[i + 1];
    i++;
    switch (flag) {
      case '--minutes':
        a.minutes = v !== undefined && Number(v) > 0 ? Number(v) : fail('--minutes needs a positive number');
        break;
      case '--targets':
        a.targets = int(v, flag);
        break;
      case '--series':
        a.series = int(v, flag);
        break;
      case '--clients':
        a.clients = int(v, flag);
        break;
      case '--interval': {
        const ms = v === undefined ? null : parseDuration(v);
        a.intervalMs = ms !== null && ms >= 100 ? ms : fail('--interval needs a duration of at least 100ms, like 5s');
        break;
      }
      case '--retention': {
        const m = v === undefined ? null : /^(\d+)(s|m|h)$/.exec(v);
        if (m === null || Number(m[1]) === 0) fail('--retention needs a duration like 5m');
        a.retention = v as string;
        a.retentionMs = parseDuration(v as string) as number;
        break;
      }
      case '--out':
        a.out = v ?? fail('--out needs a file');
        break;
      case '--profile':
        a.profileDir = v ?? fail('--profile needs a directory');
        break;
      case '-h':
      case '--help':
        process.stdout.write(`${USAGE}\n`);
        process.exit(0);
      // eslint-disable-next-line no-fallthrough
      default:
        fail(`unknown argument ${JSON.stringify(flag)}`);
    }
  }
  return a;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const mb = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;
const round = (v: number, digits = 1): number => (Number.isFinite(v) ? Math.round(v * 10 ** digits) / 10 ** digits : v);

function prometheusYml(addresses: readonly string[], intervalMs: number): string {
  const timeoutMs = Math.max(100, Math.floor(intervalMs * 0.8));
  return `global:
  scrape_interval: ${intervalMs}ms
  scrape_timeout: ${timeoutMs}ms
scrape_configs:
  - job_name: soak
    static_configs:
      - targets:
${addresses.map((a) => `          - '${a}'`).join('\n')}
`;
}

async function servedByInstance(control: string): Promise<{ served: Map<string, number>; addresses: string[] }> {
  const res = await fetch(`http://${control}/served`);
  const body = (await res.json()) as { served: number[]; addresses: string[] };
  return { served: new Map(body.addresses.map((a, i) => [a, body.served[i]])), addresses: body.addresses };
}

interface ClientReport extends Completeness {
  batches: number;
  duplicateBatches: number;
  duplicateSamples: number;
  duplicateScrapes: number;
  silentSeqGaps: number;
  reportedGaps: number;
  decodeErrors: number;
  sessionErrors: number;
  connections: number;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const work = mkdtempSync(join(tmpdir(), 'sightline-soak-'));
  const children: Spawned[] = [];
  const followers: StreamFollower[] = [];
  let sampler: ResourceSampler | null = null;
  let gaugeTimer: NodeJS.Timeout | null = null;
  let interrupted = false;
  const onSignal = (): void => {
    interrupted = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    const load0 = loadavg()[0];
    process.stdout.write(
      `soak: ${args.targets} targets × ${args.series} series every ${args.intervalMs / 1000}s for ${args.minutes} min, ` +
        `${args.clients} stream clients, head window ${args.retention} (load average ${load0.toFixed(1)} on ${cpus().length} cores)\n`,
    );
    const exporter = spawnTs('bench/lib/soak-exporter-main.ts', ['--targets', String(args.targets), '--series', String(args.series)]);
    children.push(exporter);
    const control = (await exporter.waitFor(/soak exporter ready control=(127\.0\.0\.1:\d+)/))[1];
    const { addresses } = await servedByInstance(control);
    const configFile = join(work, 'prometheus.yml');
    writeFileSync(configFile, prometheusYml(addresses, args.intervalMs));

    const port = await freePort();
    const profile = args.profileDir === null ? [] : ['--cpu-prof', `--cpu-prof-dir=${args.profileDir}`];
    // --trace-gc: live heap after each full GC is the leak signal RSS alone cannot give, and pauses explain stalls.
    const gcs: Array<GcEvent & { t: number }> = [];
    let startedAt = Date.now();
    const onLine = (line: string): void => {
      const gc = parseGcLine(line);
      if (gc !== null) gcs.push({ ...gc, t: (Date.now() - startedAt) / 1000 });
    };
    const storage = args.storage ? ['--storage.path', join(work, 'data')] : [];
    const gateway = await startGatewayProcess(['--config', configFile, '--retention', args.retention, ...storage], port, ['--trace-gc', ...profile], onLine);
    children.push(gateway);
    startedAt = Date.now();

    const tallies = Array.from({ length: args.clients }, () => new SoakTally({ intervalMs: args.intervalMs, seriesPerTarget: args.series, counterName: SCRAPE_COUNTER }));
    for (const tally of tallies) {
      followers.push(new StreamFollower({ base: gateway.base, onEvent: (ev, at) => tally.onEvent(ev, at), reconnect: { delayMs: 1000, maxFailures: 5 } }).start());
    }
    sampler = new ResourceSampler(gateway.pid, startedAt);
    sampler.start(10_000);
    // The gateway's heap and head size next to RSS: tells a leak from V8 simply keeping a bigger heap.
    const gauges: GatewayGauges[] = [];
    const readGauges = async (): Promise<void> => {
      const page = await fetch(`${gateway.base}/metrics`).then((r) => r.text(), () => '');
      const g = parseGatewayGauges(page, (Date.now() - startedAt) / 1000);
      if (g !== null) gauges.push(g);
    };
    gaugeTimer = setInterval(() => void readGauges(), 10_000);

    const endAt = startedAt + args.minutes * 60_000;
    let nextReport = startedAt + 30_000;
    while (Date.now() < endAt && !interrupted) {
      if (!gateway.running) throw new Error(`gateway exited during the soak:\n${gateway.output().slice(-4000)}`);
      await sleep(Math.min(1000, Math.max(0, endAt - Date.now())));
      if (Date.now() >= nextReport) {
        nextReport += 30_000;
        const s = sampler.samples.at(-1);
        process.stdout.write(
          `  ${Math.round((Date.now() - startedAt) / 1000)}s: ${tallies[0].batches} batches, ${tallies[0].samples} samples per client; ` +
            `gateway RSS ${s ? mb(s.rssBytes) : '?'} MB, CPU ${s ? round(s.cpuPercent) : '?'}%\n`,
        );
      }
    }
    if (interrupted) throw new Error('interrupted');

    // Everything the exporter answered up to now must reach every client; give the last scrapes time to arrive.
    const { served } = await servedByInstance(control);
    await sleep(Math.max(3000, Math.min(args.intervalMs, 10_000)));
    sampler.take();
    sampler.stop();
    if (gaugeTimer !== null) clearInterval(gaugeTimer);
    await readGauges();
    for (const f of followers) await f.stop();
    const elapsedS = (Date.now() - startedAt) / 1000;

    const clients: ClientReport[] = tallies.map((t, i) => ({
      ...t.completeness(served),
      batches: t.batches,
      duplicateBatches: t.duplicateBatches,
      duplicateSamples: t.duplicateSamples,
      duplicateScrapes: t.duplicateScrapes(),
      silentSeqGaps: t.silentSeqGaps,
      reportedGaps: t.reportedGaps,
      decodeErrors: followers[i].decodeErrors.length,
      sessionErrors: t.errors.length,
      connections: followers[i].connections,
    }));
    const drift = summary(tallies[0].intervalDrift().map(Math.abs));
    const durations = summary(tallies[0].scrapeDurations.map((s) => s * 1000));
    const lag = summary(tallies.flatMap((t) => t.lagMs));
    const res = resources(sampler.samples, args.retentionMs, gauges, gcs);
    const perMinute = minuteBuckets(startedAt, tallies[0].intervalDriftAt(), tallies[0].scrapeLog);
    const scrapes = [...served.values()].reduce((a, b) => a + b, 0);

    const problems: string[] = [];
    clients.forEach((c, i) => {
      const bad = Object.entries({
        lostSamples: c.lostSamples,
        lostInStream: c.lostInStream,
        missingScrapes: c.missingScrapes,
        failedScrapes: c.failedScrapes,
        duplicateBatches: c.duplicateBatches,
        duplicateSamples: c.duplicateSamples,
        duplicateScrapes: c.duplicateScrapes,
        silentSeqGaps: c.silentSeqGaps,
        reportedGaps: c.reportedGaps,
        decodeErrors: c.decodeErrors,
        sessionErrors: c.sessionErrors,
      }).filter(([, v]) => v !== 0);
      if (bad.length > 0) problems.push(`client ${i}: ${bad.map(([k, v]) => `${k}=${v}`).join(', ')}`);
    });
    const rss = res.rssFlatness;
    if (rss === null) problems.push(`RSS flatness not judged: less than ${JUDGED_MIN_S} s of readings from the first full GC after the head filled (at ${res.settledAtS ?? 'never'} s)`);
    else if (Math.max(rss.peakGrowthPct, rss.troughGrowthPct) > 10) {
      problems.push(`RSS grew after the head window filled: peaks ${rss.peakGrowthPct}%, troughs ${rss.troughGrowthPct}% (second half against first)`);
    }
    if (res.liveHeapAfterFullMB !== null && res.liveHeapAfterFullMB.pct > 10) problems.push(`live heap grew ${res.liveHeapAfterFullMB.pct}% after the head window filled`);
    if (tallies[0].errors.length > 0) problems.push(`session errors, first: ${tallies[0].errors[0]}`);
    if (followers[0].decodeErrors.length > 0) problems.push(`decode errors, first: ${followers[0].decodeErrors[0]}`);

    const result = {
      config: { minutes: args.minutes, targets: args.targets, series: args.series, clients: args.clients, intervalMs: args.intervalMs, retention: args.retention, storage: args.storage },
      machine: { cores: cpus().length, node: process.version, loadAverageStart: round(load0, 2), loadAverageEnd: round(loadavg()[0], 2) },
      startedAt: new Date(startedAt).toISOString(),
      elapsedS: round(elapsedS),
      scrapes,
      samplesPerClient: clients[0]?.receivedSamples ?? 0,
      intervalDriftMs: { p50: round(drift.p50), p99: round(drift.p99), max: round(drift.max), n: drift.n },
      scrapeDurationMs: { p50: round(durations.p50), p99: round(durations.p99), max: round(durations.max), n: durations.n },
      streamLagMs: { p50: round(lag.p50), p99: round(lag.p99), max: round(lag.max), n: lag.n },
      gateway: res,
      perMinute,
      clients,
      pass: problems.length === 0,
      problems,
    };
    mkdirSync(dirname(args.out), { recursive: true });
    writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
    printTable(result, clients);
    process.stdout.write(`wrote ${args.out}\n`);
    if (problems.length > 0) {
      process.stdout.write(`FAIL:\n  ${problems.join('\n  ')}\n`);
      process.exitCode = 1;
    }
  } finally {
    sampler?.stop();
    if (gaugeTimer !== null) clearInterval(gaugeTimer);
    await Promise.all(followers.map((f) => f.stop()));
    for (const c of children.reverse()) await c.stop();
    rmSync(work, { recursive: true, force: true });
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** p99 of drift, scrape duration and lag per minute of the run, to tell warm-up stalls from steady-state ones. */
function minuteBuckets(startedAt: number, drift: ReadonlyArray<[number, number]>, log: ReadonlyArray<[number, number, number]>) {
  const minute = (t: number): number => Math.max(0, Math.floor((t - startedAt) / 60_000));
  const buckets = new Map<number, { drift: number[]; duration: number[]; lag: number[] }>();
  const get = (m: number) => {
    let b = buckets.get(m);
    if (b === undefined) buckets.set(m, (b = { drift: [], duration: [], lag: [] }));
    return b;
  };
  for (const [t, d] of drift) get(minute(t)).drift.push(Math.abs(d));
  for (const [t, lag, dur] of log) {
    const b = get(minute(t));
    b.lag.push(lag);
    if (!Number.isNaN(dur)) b.duration.push(dur * 1000);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([m, b]) => ({
      minute: m,
      scrapes: b.lag.length,
      driftP99Ms: round(summary(b.drift).p99),
      durationP99Ms: round(summary(b.duration).p99),
      lagP99Ms: round(summary(b.lag).p99),
    }));
}

/**
 * When the head is full: the first /metrics reading after one window with at least 95 % of the most samples the
 * head ever held (scrapes missed under load fill it later than the clock says); without readings, window + 60 s.
 */
function fullAtSeconds(retentionMs: number, gauges: readonly GatewayGauges[]): number {
  const most = Math.max(0, ...gauges.map((g) => g.headSamples).filter((n) => Number.isFinite(n)));
  const full = gauges.find((g) => g.t * 1000 >= retentionMs && g.headSamples >= 0.95 * most);
  return full?.t ?? (retentionMs + 60_000) / 1000;
}

/** Mean of the first and of the last `n` values (fewer when there are not 2n); growth between them in %. */
function growth(values: readonly number[], most: number): { first: number; last: number; pct: number } | null {
  const n = Math.min(most, Math.floor(values.length / 2));
  if (n < 1) return null;
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = mean(values.slice(0, n));
  const last = mean(values.slice(-n));
  return { first: round(first), last: round(last), pct: round(((last - first) / first) * 100) };
}

/** Seconds of RSS readings the flatness verdict needs, from the first full GC after the head filled. */
const JUDGED_MIN_S = 120;

/** RSS, CPU, heap and GC once the head is full: memory must stay flat from then on. */
function resources(samples: readonly ResourceSample[], retentionMs: number, gauges: readonly GatewayGauges[], allGcs: ReadonlyArray<GcEvent & { t: number }>) {
  const gcs = mainIsolate(allGcs);
  const fullAtS = fullAtSeconds(retentionMs, gauges);
  const gFull = gauges.find((g) => g.t >= fullAtS) ?? null;
  const gEnd = gauges.at(-1) ?? null;
  const after = samples.filter((s) => s.t >= fullAtS);
  const first = samples[0];
  const last = samples.at(-1);
  const firstFull = after[0] ?? null;
  // Too little time after filling says nothing about flatness.
  const fullLongEnough = firstFull !== null && last !== undefined && last.t - firstFull.t >= 120;
  const cpuAvg = first && last && last.t > first.t ? ((last.cpuSeconds - first.cpuSeconds) / (last.t - first.t)) * 100 : NaN;
  const cpuAfter = firstFull && last && last.t > firstFull.t ? ((last.cpuSeconds - firstFull.cpuSeconds) / (last.t - firstFull.t)) * 100 : null;
  const majors = gcs.filter((g) => g.kind === 'mark-compact');
  const liveAfterFull = growth(
    majors.filter((g) => g.t >= fullAtS).map((g) => g.afterMB),
    3,
  );
  const settled = majors.find((g) => g.t >= fullAtS)?.t ?? null;
  const judged = settled === null ? [] : samples.filter((s) => s.t >= settled).map((s) => ({ t: s.t, value: mb(s.rssBytes) }));
  const pauses = (kind: GcEvent['kind']) => summary(gcs.filter((g) => g.kind === kind).map((g) => g.pauseMs));
  return {
    fullAtS: round(fullAtS),
    fullLongEnough,
    rssStartMB: first ? mb(first.rssBytes) : null,
    rssFirstFullMB: firstFull ? mb(firstFull.rssBytes) : null,
    rssEndMB: last ? mb(last.rssBytes) : null,
    rssMaxAfterFullMB: after.length ? mb(Math.max(...after.map((s) => s.rssBytes))) : null,
    /** Last reading against the first at full: informational only, as both are arbitrary points on V8's sawtooth. */
    growthPct: fullLongEnough && firstFull && last ? round(((last.rssBytes - firstFull.rssBytes) / firstFull.rssBytes) * 100) : null,
    /** First full GC once the head is full: V8 defers collection, so RSS climbs until then without any leak. */
    settledAtS: settled === null ? null : round(settled),
    /** The verdict: RSS peaks and troughs of the second half after settling against the first half's (MB). */
    rssFlatness: judged.length > 0 && judged[judged.length - 1].t - judged[0].t >= JUDGED_MIN_S ? halvesFlatness(judged) : null,
    /** Live heap (after full GCs): mean of the first three after filling vs the last three. */
    liveHeapAfterFullMB: liveAfterFull,
    gc: {
      majorCount: majors.length,
      majorPauseMs: { p50: round(pauses('mark-compact').p50), max: round(pauses('mark-compact').max) },
      scavengeCount: gcs.filter((g) => g.kind === 'scavenge').length,
      scavengePauseMs: { p50: round(pauses('scavenge').p50), p99: round(pauses('scavenge').p99), max: round(pauses('scavenge').max) },
      totalPauseS: round(gcs.reduce((a, g) => a + g.pauseMs, 0) / 1000),
    },
    cpuAvgPercent: round(cpuAvg),
    cpuAfterFullPercent: cpuAfter === null ? null : round(cpuAfter),
    cpuSeconds: last ? round(last.cpuSeconds, 2) : null,
    heapFirstFullMB: gFull ? mb(gFull.heapBytes) : null,
    heapEndMB: gEnd ? mb(gEnd.heapBytes) : null,
    externalFirstFullMB: gFull ? mb(gFull.externalBytes) : null,
    externalEndMB: gEnd ? mb(gEnd.externalBytes) : null,
    headSamplesFirstFull: gFull?.headSamples ?? null,
    headSamplesEnd: gEnd?.headSamples ?? null,
    headSeriesEnd: gEnd?.headSeries ?? null,
    timeline: samples.map((s) => ({ t: round(s.t), rssMB: mb(s.rssBytes), cpuPercent: round(s.cpuPercent) })),
    gauges: gauges.map((g) => ({ t: round(g.t), heapMB: mb(g.heapBytes), externalMB: mb(g.externalBytes), headSeries: g.headSeries, headSamples: g.headSamples })),
    liveHeapAfterMajorGc: majors.map((g) => ({ t: round(g.t), mb: g.afterMB, pauseMs: g.pauseMs })),
  };
}

function printTable(
  r: {
    scrapes: number;
    elapsedS: number;
    intervalDriftMs: { p50: number; p99: number; max: number };
    scrapeDurationMs: { p50: number; p99: number; max: number };
    streamLagMs: { p50: number; p99: number; max: number };
    gateway: ReturnType<typeof resources>;
    perMinute: ReturnType<typeof minuteBuckets>;
  },
  clients: readonly ClientReport[],
): void {
  const rows: Array<[string, string]> = [
    ['scrapes answered (all targets)', String(r.scrapes)],
    ['scrape interval drift p50 / p99 / max', `${r.intervalDriftMs.p50} / ${r.intervalDriftMs.p99} / ${r.intervalDriftMs.max} ms`],
    ['scrape duration p50 / p99 / max', `${r.scrapeDurationMs.p50} / ${r.scrapeDurationMs.p99} / ${r.scrapeDurationMs.max} ms`],
    ['stream lag p50 / p99 / max', `${r.streamLagMs.p50} / ${r.streamLagMs.p99} / ${r.streamLagMs.max} ms`],
    ['head full at', `${r.gateway.fullAtS} s${r.gateway.fullLongEnough ? '' : ' (less than 2 min before the end: flatness not judged)'}`],
    ['gateway RSS start / first full / end', `${r.gateway.rssStartMB} / ${r.gateway.rssFirstFullMB ?? 'n/a'} / ${r.gateway.rssEndMB} MB`],
    ['gateway heap first full / end', `${r.gateway.heapFirstFullMB ?? 'n/a'} / ${r.gateway.heapEndMB ?? 'n/a'} MB`],
    ['gateway external memory first full / end', `${r.gateway.externalFirstFullMB ?? 'n/a'} / ${r.gateway.externalEndMB ?? 'n/a'} MB`],
    ['head samples first full / end', `${r.gateway.headSamplesFirstFull ?? 'n/a'} / ${r.gateway.headSamplesEnd ?? 'n/a'} (${r.gateway.headSeriesEnd ?? '?'} series)`],
    ['RSS first full → end (max after full)', r.gateway.growthPct === null ? 'n/a' : `${r.gateway.growthPct}% (${r.gateway.rssMaxAfterFullMB} MB)`],
    [
      `RSS from ${r.gateway.settledAtS ?? '?'} s, peak / trough by half`,
      r.gateway.rssFlatness === null
        ? 'not judged'
        : `${r.gateway.rssFlatness.first.peak} / ${r.gateway.rssFlatness.first.trough} → ${r.gateway.rssFlatness.second.peak} / ${r.gateway.rssFlatness.second.trough} MB (peaks ${r.gateway.rssFlatness.peakGrowthPct}%, troughs ${r.gateway.rssFlatness.troughGrowthPct}%)`,
    ],
    [
      'live heap after full GCs, after full',
      r.gateway.liveHeapAfterFullMB === null ? 'n/a' : `${r.gateway.liveHeapAfterFullMB.first} → ${r.gateway.liveHeapAfterFullMB.last} MB (${r.gateway.liveHeapAfterFullMB.pct}%)`,
    ],
    [
      'GC: full GCs (max pause) / scavenges (p99 pause)',
      `${r.gateway.gc.majorCount} (${r.gateway.gc.majorPauseMs.max} ms) / ${r.gateway.gc.scavengeCount} (${r.gateway.gc.scavengePauseMs.p99} ms), ${r.gateway.gc.totalPauseS} s paused`,
    ],
    ['gateway CPU avg / after full', `${r.gateway.cpuAvgPercent}% / ${r.gateway.cpuAfterFullPercent ?? 'n/a'}% of one core`],
  ];
  clients.forEach((c, i) =>
    rows.push([
      `client ${i}: expected / received / lost`,
      `${c.expectedSamples} / ${c.receivedSamples} / ${c.lostSamples} (in stream ${c.lostInStream}; missing scrapes ${c.missingScrapes}, failed ${c.failedScrapes}; dup ${c.duplicateBatches + c.duplicateSamples + c.duplicateScrapes}; gaps ${c.silentSeqGaps + c.reportedGaps})`,
    ]),
  );
  const w = Math.max(...rows.map(([k]) => k.length));
  process.stdout.write(`\nsoak results (${r.elapsedS} s)\n${rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`).join('\n')}\n`);
  process.stdout.write(`\n  minute  scrapes  drift p99  duration p99  lag p99 (ms)\n`);
  for (const m of r.perMinute) {
    process.stdout.write(`  ${String(m.minute).padStart(6)}  ${String(m.scrapes).padStart(7)}  ${String(m.driftP99Ms).padStart(9)}  ${String(m.durationP99Ms).padStart(12)}  ${String(m.lagP99Ms).padStart(7)}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:soak failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
