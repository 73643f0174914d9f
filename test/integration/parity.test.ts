// Scrape parity: a real Prometheus 2.42 and the Sightline gateway scrape the same targets with one config and must store the same series.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLabels, labelsKey, METRIC_NAME, type Labels } from '../../shared/model/labels.ts';
import { isStaleMarker } from '../../shared/model/stale.ts';
import { parseExposition } from '../../shared/exposition/index.ts';
import { TargetScrapeState } from '../../shared/scrape/target-state.ts';
import type { DecodedBatch } from '../../shared/stream/session.ts';
import { ExporterProcess, type RecordedRequest } from './parity/exporter-client.ts';
import { promGet, promQuery, promSeries, startPrometheus, type InstantSample, type PrometheusServer } from './parity/prometheus.ts';
import {
  CHURN,
  EXPORTER_JOBS,
  HANG_TIMEOUT_S,
  initialFamilies,
  MANY_SERIES,
  scenarioConfig,
  SLOW_MS,
  SOLO_PATH,
  SOLO_SERIES,
  soloConfig,
  VANISHING,
} from './parity/scenario.ts';
import { asPrometheus3, diffSeries, ofJob } from './parity/series.ts';
import { StreamLog, type StreamedSample } from './parity/stream-log.ts';
import { freePort, Proc, startGateway } from './processes.ts';

const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter';
const ALL_JOBS = ['node', ...EXPORTER_JOBS, 'hang', 'dead', 'many'];
/** Jobs whose target never answers in time. */
const DOWN_JOBS = ['hang', 'dead'];
/** Every series but job many's generated ones (those are compared in aggregate, or through /api/v1/series). */
const ALL_BUT_MANY = '{job=~".+", job!="many"}';
const REPORT_NAMES = new Set(['up', 'scrape_duration_seconds', 'scrape_samples_scraped', 'scrape_samples_post_metric_relabeling', 'scrape_series_added']);

interface TargetJSON {
  discoveredLabels: Labels;
  labels: Labels;
  scrapePool: string;
  scrapeUrl: string;
  lastError: string;
  lastScrape: string;
  lastScrapeDuration: number;
  health: string;
  scrapeInterval: string;
  scrapeTimeout: string;
}

interface TargetsJSON {
  activeTargets: TargetJSON[];
  droppedTargets: Array<{ discoveredLabels: Labels }>;
}

function promValue(text: string): number {
  return text === '+Inf' ? Infinity : text === '-Inf' ? -Infinity : Number(text);
}

/** What the stream log keeps: job many's generated series are compared through the APIs only, not sample by sample. */
function streamed(labels: Labels): boolean {
  return labels.job !== 'many' || REPORT_NAMES.has(labels[METRIC_NAME]);
}

/** Values whose equality across the two scrapers is meaningful: everything but durations and node_exporter's readings. */
function deterministic(labels: Labels): boolean {
  const name = labels[METRIC_NAME];
  if (name === 'scrape_duration_seconds') return false;
  return labels.job !== 'node' || REPORT_NAMES.has(name);
}

/** `name{labels} value` lines, sorted, for readable diffs of two value sets. */
function valueLines(samples: Iterable<{ labels: Labels; v: number }>): string[] {
  return [...samples].map((s) => `${formatLabels(s.labels)} ${s.v}`).sort();
}

function fromProm(result: InstantSample[]): Array<{ labels: Labels; v: number }> {
  return result.map((r) => ({ labels: asPrometheus3(r.metric), v: promValue(r.value[1]) }));
}

function upSamples(log: StreamLog, job: string): StreamedSample[] {
  return [...log.samples()].filter((s) => s.labels[METRIC_NAME] === 'up' && s.labels.job === job);
}

function vanishes(labels: Labels): boolean {
  const name = labels[METRIC_NAME];
  if ((VANISHING.names as readonly string[]).includes(name)) return true;
  return VANISHING.partial.some((p) => p.name === name && Object.entries(p.labels).every(([k, v]) => labels[k] === v));
}

async function poll<T>(what: string, ms: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('scrape parity with Prometheus 2.42', () => {
  let dir: string;
  let nodeExporter: Proc;
  let exporter: ExporterProcess;
  let prometheus: PrometheusServer;
  let gateway: Proc;
  let log: StreamLog;
  let ports: { nodeExporter: number; exporter: number; dead: number; gateway: number };
  const gatewayUrl = (): string => `http://127.0.0.1:${ports.gateway}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sightline-parity-'));
    const [nodePort, deadPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
    nodeExporter = new Proc(NODE_EXPORTER, [
      `--web.listen-address=127.0.0.1:${nodePort}`,
      '--collector.disable-defaults',
      '--collector.cpu',
      '--collector.loadavg',
      '--collector.meminfo',
    ]);
    exporter = await ExporterProcess.start(['--gzip']);
    // The pushed-style sample must be recent enough for Prometheus's head and its 5 m lookback.
    await exporter.control({ op: 'set', families: initialFamilies(Date.now() - 2000) });
    ports = { nodeExporter: nodePort, exporter: exporter.port, dead: deadPort, gateway: gatewayPort };
    const config = join(dir, 'prometheus.yml');
    writeFileSync(config, scenarioConfig(ports));
    gateway = startGateway(['--config', config, '--port', String(gatewayPort)]);
    [prometheus] = await Promise.all([
      startPrometheus(config, join(dir, 'tsdb')),
      gateway.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/, 60_000),
    ]);
    log = await StreamLog.open(gatewayPort, streamed);
    // Both have scraped every target twice, and every live one successfully twice with the last scrape up, so that
    // values such as scrape_series_added are in their steady state on both sides (a first scrape may time out here).
    const live = ALL_JOBS.filter((j) => !DOWN_JOBS.includes(j));
    await Promise.all([
      log.waitUntil(
        (l) =>
          ALL_JOBS.every((job) => upSamples(l, job).length >= 2) &&
          live.every((job) => {
            const ups = upSamples(l, job);
            return ups.filter((s) => s.v === 1).length >= 2 && ups.at(-1)?.v === 1;
          }),
        'two successful scrapes of every job',
        30_000,
      ),
      poll('two successful Prometheus scrapes of every job', 30_000, async () => {
        const scraped = await promQuery(prometheus.baseUrl, 'count_over_time(up[1m]) >= 2');
        const ok = await promQuery(prometheus.baseUrl, `sum_over_time(up{job!~"${DOWN_JOBS.join('|')}"}[1m]) >= 2 and up == 1`);
        return scraped.length === ALL_JOBS.length && ok.length === live.length ? ok : undefined;
      }),
    ]);
  });

  afterAll(async () => {
    await log?.close();
    await Promise.all([gateway?.stop(), prometheus?.stop(), exporter?.stop(), nodeExporter?.stop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores the same series: names and labels after relabelling, up and scrape_* included', async () => {
    const theirs = (await promSeries(prometheus.baseUrl, '{job=~".+"}')).map(asPrometheus3).filter(streamed);
    const ours = log.seriesEver();
    // The scenario really exercises what it claims to (guards against both sides agreeing on nothing).
    expect(theirs.length).toBeGreaterThan(100);
    for (const job of ALL_JOBS) expect(ofJob(theirs, job).length, job).toBeGreaterThanOrEqual(5);
    expect(diffSeries(ours, theirs)).toEqual({ onlyA: [], onlyB: [] });
  });

  it('answers /api/v1/series with the same series as Prometheus', async () => {
    const theirs = (await promSeries(prometheus.baseUrl, '{job=~".+"}')).map(asPrometheus3);
    const ours = await promSeries(gatewayUrl(), '{job=~".+"}');
    expect(ofJob(theirs, 'many').length).toBe(MANY_SERIES + 5);
    expect(diffSeries(ours, theirs)).toEqual({ onlyA: [], onlyB: [] });
  });

  it('applies relabel_configs, metric_relabel_configs, honor_labels and params the same way', () => {
    const series = log.seriesEver();
    const names = new Set(series.map((l) => l[METRIC_NAME]));
    const nodeUp = series.find((l) => l[METRIC_NAME] === 'up' && l.job === 'node');
    expect(nodeUp).toEqual({
      __name__: 'up',
      instance: `127.0.0.1:${ports.nodeExporter}`,
      job: 'node',
      meta_team: 'infra',
      meta_tier: '1',
      port: `p${ports.nodeExporter}`,
    });
    expect([...names].some((n) => n.startsWith('go_memstats_'))).toBe(false);
    expect(series.find((l) => l[METRIC_NAME] === 'go_info')).not.toHaveProperty('version');
    expect(names.has('churn_ignored_total')).toBe(true); // only job churn drops it
    expect(series.some((l) => l[METRIC_NAME] === 'churn_ignored_total' && l.job === 'churn')).toBe(false);
    const build = series.find((l) => l[METRIC_NAME] === 'churn_build_info' && l.job === 'churn');
    expect(build).toMatchObject({ version: '1.2.3', module: 'web', env: 'test' });
    expect(build).not.toHaveProperty('build_id');
    expect(series.find((l) => l[METRIC_NAME] === 'churn_conflict' && l.kind === 'plain' && l.job === 'from-exporter')).toMatchObject({
      instance: 'exporter-host',
    });
    expect(series.find((l) => l[METRIC_NAME] === 'churn_conflict' && l.kind === 'double' && l.job === 'churn_text')).toMatchObject({
      exported_job: 'already',
      exported_exported_job: 'from-exporter',
    });
    expect(series.some((l) => 'replica' in l)).toBe(false); // external_labels are not stored
  });

  it('agrees on every deterministic value (exposed values, up, sample counts, series added)', async () => {
    const query = async (base: string): Promise<Array<{ labels: Labels; v: number }>> =>
      [...fromProm(await promQuery(base, ALL_BUT_MANY)), ...fromProm(await promQuery(base, '{job="many", __name__=~"up|scrape_.+"}'))].filter((s) =>
        deterministic(s.labels),
      );
    const theirs = await query(prometheus.baseUrl);
    const ours = log.live().filter((s) => deterministic(s.labels));
    expect(valueLines(ours)).toEqual(valueLines(theirs));
    expect(valueLines(await query(gatewayUrl()))).toEqual(valueLines(theirs));
    // Job many's values in aggregate: returning every one of them would make this the suite's heaviest query.
    for (const agg of ['count', 'sum', 'max']) {
      const q = `${agg}({job="many", __name__="parity_many"})`;
      expect([q, valueLines(fromProm(await promQuery(gatewayUrl(), q)))]).toEqual([q, valueLines(fromProm(await promQuery(prometheus.baseUrl, q)))]);
    }
  });

  it('lists the same active and dropped targets', async () => {
    const theirs = await promGet<TargetsJSON>(prometheus.baseUrl, '/api/v1/targets');
    const ours = (await (await fetch(`http://127.0.0.1:${ports.gateway}/api/v1/targets`)).json()) as { data: TargetsJSON };
    const shape = (t: TargetJSON): string =>
      JSON.stringify([t.scrapePool, t.scrapeUrl, labelsKey(t.labels), labelsKey(t.discoveredLabels), t.health, t.scrapeInterval, t.scrapeTimeout]);
    expect(ours.data.activeTargets.map(shape).sort()).toEqual(theirs.activeTargets.map(shape).sort());
    expect(ours.data.droppedTargets.map((d) => labelsKey(d.discoveredLabels)).sort()).toEqual(
      theirs.droppedTargets.map((d) => labelsKey(d.discoveredLabels)).sort(),
    );
  });

  it('reports a refused target and a stuck one as down (up 0) and a slow one as up with its delay counted', async () => {
    const value = async (q: string): Promise<number> => promValue((await promQuery(prometheus.baseUrl, q))[0]?.value[1] ?? 'NaN');
    const ours = (name: string, job: string): number | undefined => log.live().find((s) => s.labels[METRIC_NAME] === name && s.labels.job === job)?.v;
    for (const job of ['dead', 'hang']) {
      expect([job, ours('up', job)]).toEqual([job, await value(`up{job="${job}"}`)]);
      expect(ours('up', job)).toBe(0);
      expect(ours('scrape_samples_scraped', job)).toBe(0);
    }
    expect(await value('up{job="slow"}')).toBe(1);
    expect(ours('up', 'slow')).toBe(1);
    expect(await value('scrape_duration_seconds{job="slow"}')).toBeGreaterThanOrEqual(SLOW_MS / 1000);
    expect(ours('scrape_duration_seconds', 'slow')).toBeGreaterThanOrEqual(SLOW_MS / 1000);
    expect(await value('scrape_duration_seconds{job="hang"}')).toBeGreaterThanOrEqual(HANG_TIMEOUT_S * 0.95);
    expect(ours('scrape_duration_seconds', 'hang')).toBeGreaterThanOrEqual(HANG_TIMEOUT_S * 0.95);
    // Error texts differ in wording (Go's `dial tcp …: connect: connection refused` vs Node's `connect ECONNREFUSED …`;
    // Prometheus drops the `Get "URL"` prefix when the deadline hits while reading the body): the gateway's name the
    // request, and a timeout says `context deadline exceeded` in both.
    const theirTargets = await promGet<TargetsJSON>(prometheus.baseUrl, '/api/v1/targets');
    const ourTargets = ((await (await fetch(`http://127.0.0.1:${ports.gateway}/api/v1/targets`)).json()) as { data: TargetsJSON }).data;
    for (const job of ['dead', 'hang']) {
      const a = theirTargets.activeTargets.find((t) => t.scrapePool === job);
      const b = ourTargets.activeTargets.find((t) => t.scrapePool === job);
      expect(b?.lastError.startsWith(`Get "${a?.scrapeUrl}": `), `${job}: ${b?.lastError} vs ${a?.lastError}`).toBe(true);
    }
    expect(theirTargets.activeTargets.find((t) => t.scrapePool === 'hang')?.lastError).toContain('context deadline exceeded');
    expect(ourTargets.activeTargets.find((t) => t.scrapePool === 'hang')?.lastError).toContain('context deadline exceeded');
  });

  it('sends the same request: URL and params, redirect followed, Accept preferences, encoding, timeout header', async () => {
    const requests = await exporter.requests();
    const by = (agent: RegExp): RecordedRequest[] => requests.filter((r) => agent.test(r.headers['user-agent'] ?? ''));
    const theirs = by(/^Prometheus\//);
    const ours = by(/^Sightline\//);
    expect(theirs.length).toBeGreaterThan(0);
    expect(ours.length).toBeGreaterThan(0);
    // No other client scraped (the suite's own fetches announce themselves as node).
    const agents = new Set(requests.map((r) => r.headers['user-agent']?.split('/')[0]));
    agents.delete('node');
    expect(agents).toEqual(new Set(['Prometheus', 'Sightline']));
    const urls = (list: RecordedRequest[]): string[] => [...new Set(list.map((r) => r.url))].sort();
    expect(urls(ours)).toEqual(urls(theirs));
    expect(urls(theirs)).toContain('/redirect/metrics/');
    for (const url of urls(theirs)) {
      const a = theirs.filter((r) => r.url === url).at(-1)?.headers ?? {};
      const b = ours.filter((r) => r.url === url).at(-1)?.headers ?? {};
      expect([url, b['x-prometheus-scrape-timeout-seconds']]).toEqual([url, a['x-prometheus-scrape-timeout-seconds']]);
      expect([url, b['accept-encoding']]).toEqual([url, a['accept-encoding']]);
      expect(b['user-agent']).toMatch(/^Sightline\/\d+\.\d+\.\d+/);
      // Every media type Prometheus offers is offered, in the same order of preference.
      const theirRanking = acceptRanking(a.accept ?? '');
      expect([url, acceptRanking(b.accept ?? '').filter((m) => theirRanking.includes(m))]).toEqual([url, theirRanking]);
    }
    expect(theirs.find((r) => r.url.startsWith('/hang'))?.headers['x-prometheus-scrape-timeout-seconds']).toBe(String(HANG_TIMEOUT_S));
  });

  it('marks vanished series stale at the next scrape, keeps the rest, and agrees on what is live afterwards', async () => {
    const before = log.batches.length;
    const exporterJobs = new Set<string>(EXPORTER_JOBS);
    const preChurn = log.seriesEver().filter((l) => exporterJobs.has(l.job));
    const expectVanished = preChurn.filter(vanishes);
    expect(expectVanished.length).toBeGreaterThanOrEqual(4 * 4); // every exporter job loses several series
    await exporter.control({ op: 'batch', commands: CHURN });

    // Prometheus: the vanished series drop out of instant queries (their newest sample is a stale marker).
    const jobsMatcher = `{job=~"${[...exporterJobs].join('|')}"}`;
    const theirsBefore = new Set(preChurn.map(labelsKey));
    const theirsAfter = await poll('vanished series gone from Prometheus', 15_000, async () => {
      const live = fromProm(await promQuery(prometheus.baseUrl, jobsMatcher)).map((s) => s.labels);
      return live.some(vanishes) ? undefined : live;
    });
    const theirVanished = [...theirsBefore].filter((k) => !theirsAfter.some((l) => labelsKey(l) === k)).sort();
    // The gateway's own instant query drops the same series.
    const oursAfter = await poll('vanished series gone from the gateway API', 15_000, async () => {
      const live = fromProm(await promQuery(gatewayUrl(), jobsMatcher)).map((s) => s.labels);
      return live.some(vanishes) ? undefined : live;
    });
    expect(diffSeries(oursAfter, theirsAfter)).toEqual({ onlyA: [], onlyB: [] });

    // Sightline: one stale marker per vanished series, in the first scrape after the change, and none for kept ones.
    const upIn = (b: DecodedBatch, job: string): number | undefined => {
      const i = b.labels.findIndex((x) => x.job === job && x[METRIC_NAME] === 'up');
      return i === -1 ? undefined : b.vals[i];
    };
    const staleIn = (b: DecodedBatch, job: string): boolean => b.labels.some((x, i) => x.job === job && isStaleMarker(b.vals[i]));
    await log.waitUntil(
      (l) => [...exporterJobs].every((job) => l.batches.slice(before).some((b) => staleIn(b, job))),
      'stale markers for every exporter job',
      15_000,
    );
    const stale: StreamedSample[] = [];
    for (const job of exporterJobs) {
      const scrapes = log.batches.slice(before).filter((b) => upIn(b, job) !== undefined);
      const first = scrapes.findIndex((b) => staleIn(b, job));
      // A failed scrape marks every series stale and would hide the per-series markers: report it, do not misjudge.
      expect([job, scrapes.slice(0, first + 1).map((b) => upIn(b, job))], 'a scrape failed while the churn was observed').toEqual([
        job,
        scrapes.slice(0, first + 1).map(() => 1),
      ]);
      const inFirst = [...log.samples()].filter((s) => s.seq === scrapes[first].seq && s.labels.job === job);
      stale.push(...inFirst.filter((s) => isStaleMarker(s.v)));
      // Kept series are in that very scrape with ordinary values; later successful scrapes mark nothing stale and
      // never bring a vanished series back.
      expect(inFirst.filter((s) => !isStaleMarker(s.v)).length).toBeGreaterThan(5);
      const later = scrapes.slice(first + 1).filter((b) => upIn(b, job) === 1);
      expect([job, later.filter((b) => staleIn(b, job)).length]).toEqual([job, 0]);
      expect(later.flatMap((b) => b.labels.filter(vanishes))).toEqual([]);
    }
    const ourVanished = stale.map((s) => labelsKey(s.labels)).sort();
    expect(ourVanished).toEqual(expectVanished.map(labelsKey).sort());
    expect(ourVanished).toEqual(theirVanished);
    // The explicitly timestamped series vanished from the exposition but gets no marker in either.
    expect(theirsAfter.some((l) => l[METRIC_NAME] === 'churn_pushed')).toBe(true);
    expect(stale.some((s) => s.labels[METRIC_NAME] === 'churn_pushed')).toBe(false);

    // Afterwards both hold the same live series and the same values (the changed gauge included).
    await log.waitUntil(
      (l) => [...exporterJobs].every((job) => l.batches.slice(before).filter((b) => b.labels.some((x) => x.job === job && x[METRIC_NAME] === 'up')).length >= 2),
      'a second scrape after the change',
      15_000,
    );
    const theirLive = fromProm(await promQuery(prometheus.baseUrl, ALL_BUT_MANY));
    const ourLive = log.live().filter((s) => s.labels.job !== 'many');
    expect(diffSeries(ourLive.map((s) => s.labels), theirLive.map((s) => s.labels))).toEqual({ onlyA: [], onlyB: [] });
    expect(valueLines(ourLive.filter((s) => deterministic(s.labels)))).toEqual(valueLines(theirLive.filter((s) => deterministic(s.labels))));
    expect(ourLive.find((s) => s.labels[METRIC_NAME] === 'churn_temperature_celsius' && s.labels.job === 'churn')?.v).toBe(23.25);
    const ourApiLive = fromProm(await promQuery(gatewayUrl(), ALL_BUT_MANY));
    expect(diffSeries(ourApiLive.map((s) => s.labels), theirLive.map((s) => s.labels))).toEqual({ onlyA: [], onlyB: [] });
  });

  it('counts parsing and storing in scrape_duration_seconds, as Prometheus does', async () => {
    // Prometheus reports a scrape's duration from a deferred call that runs after the body was parsed and appended
    // (scrapeAndReport in scrape/scrape.go, 2.x and 3.x alike): the duration spans fetch + parse + append. So a scrape
    // must end (start + duration) after the exporter finished sending the body by at least the time parsing and
    // labelling that body takes. A second gateway with nothing else to do scrapes a 30k-series page, so that its
    // event loop holds no other work; the parse and labelling time is estimated here with the same shared code (the
    // fastest of three steady-state runs, the head append left out), and only half of it is required.
    const soloPort = await freePort();
    const config = join(dir, 'solo.yml');
    writeFileSync(config, soloConfig(ports.exporter));
    const solo = startGateway(['--config', config, '--port', String(soloPort)]);
    try {
      await solo.waitFor(/listening on http:\/\/127\.0\.0\.1:\d+/, 30_000);
      // Distinct scrapes as the targets API shows them (start, duration), the first one (creating every series) left out.
      const seen = new Map<string, number>();
      await poll('three scrapes by the second gateway', 25_000, async () => {
        const t = (await promGet<TargetsJSON>(`http://127.0.0.1:${soloPort}`, '/api/v1/targets')).activeTargets[0];
        if (t?.health === 'up') seen.set(t.lastScrape, t.lastScrapeDuration * 1000);
        return seen.size >= 3 ? true : undefined;
      });
      const scrapes = [...seen].slice(1).map(([at, durationMs]) => ({ start: Date.parse(at), durationMs }));

      const body = await (await fetch(`http://${exporter.address}${SOLO_PATH}`)).text();
      const state = new TargetScrapeState({
        targetLabels: { job: 'solo', instance: exporter.address },
        honorLabels: false,
        honorTimestamps: true,
        trackTimestampsStaleness: false,
        sampleLimit: 0,
        labelLimit: 0,
        labelNameLengthLimit: 0,
        labelValueLengthLimit: 0,
      });
      const ingestMs: number[] = [];
      for (let i = 0; i < 4; i++) {
        const t0 = performance.now();
        expect(state.success(Date.now() + i, parseExposition(body, 'text/plain; version=0.0.4'), 0).scraped).toBe(SOLO_SERIES);
        ingestMs.push(performance.now() - t0);
      }
      const minIngestMs = Math.min(...ingestMs.slice(1));

      const requests = (await exporter.requests()).filter((r) => r.url === SOLO_PATH && /^Sightline\//.test(r.headers['user-agent'] ?? ''));
      const report = scrapes.map((sc) => {
        const req = requests.reduce((best, r) => (Math.abs(r.at - sc.start) < Math.abs(best.at - sc.start) ? r : best), requests[0]);
        const endAfterBodySentMs = Math.round(sc.start + sc.durationMs - (req.finishedAt ?? Infinity));
        return { start: sc.start, requestAt: req.at, durationMs: sc.durationMs, endAfterBodySentMs };
      });
      for (const r of report) {
        expect(Math.abs(r.requestAt - r.start)).toBeLessThan(500);
        expect(r.endAfterBodySentMs, `${JSON.stringify(report)}; parse + labelling take ${minIngestMs.toFixed(0)} ms here`).toBeGreaterThanOrEqual(
          minIngestMs / 2,
        );
      }
    } finally {
      await solo.stop();
    }
  });
});

/** Media types of an Accept header (type plus version, other parameters dropped), most preferred first. */
function acceptRanking(accept: string): string[] {
  return accept
    .split(',')
    .map((part, i) => {
      const [type, ...params] = part.split(';').map((s) => s.trim());
      const q = params.find((p) => p.startsWith('q='));
      const version = params.find((p) => p.startsWith('version='));
      return { media: version ? `${type};${version}` : type, q: q === undefined ? 1 : Number(q.slice(2)), i };
    })
    .sort((a, b) => b.q - a.q || a.i - b.i)
    .map((m) => m.media);
}
