// Deterministic stand-in for PromLabs' prometheus-demo-service data: the series the compliance queries use, as OpenMetrics text.
import { isStaleMarker, STALE_NAN } from '../../shared/model/stale.ts';
import { mulberry32 } from '../../shared/model/prng.ts';

/** One generated series: labels (with `__name__`) and its samples, times in Unix ms (typed arrays keep stale markers' bits). */
export interface DemoSeries {
  labels: Record<string, string>;
  t: Float64Array;
  v: Float64Array;
}

/** A series while it is generated. Plain arrays would turn a stale marker into an ordinary NaN, so markers are kept apart. */
interface Builder {
  labels: Record<string, string>;
  t: number[];
  v: number[];
  stale: number[];
}

export interface DemoOptions {
  /** First scrape time, Unix ms (default 2024-02-29 22:00 UTC, so the data crosses a leap-day midnight). */
  startMs?: number;
  /** Length of the data (default 2 h). */
  hours?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  /**
   * Scrape on whole seconds without jitter (default false): samples then sit exactly on the window edges of
   * whole-second query steps, where Prometheus 2.x's closed windows and 3.x's left-open ones differ.
   */
  aligned?: boolean;
}

export const DEFAULT_START_MS = Date.UTC(2024, 1, 29, 22, 0, 0);
export const SCRAPE_INTERVAL_MS = 5000;
const INSTANCES = ['demo.promlabs.com:10000', 'demo.promlabs.com:10001', 'demo.promlabs.com:10002'];
/**
 * Each target's scrape phase in ms. Never a whole second, like real scrapes: a sample then never sits exactly on
 * a window edge of a whole-second query step, where Prometheus 2.x (closed windows) and 3.x (left-open) differ.
 */
const PHASE_MS = [137, 1711, 3293];
const CPUS = [4, 8, 6];
const BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];
const ENDPOINTS = [
  { method: 'GET', path: '/api/foo', status: '200', rate: 30, median: 0.004 },
  { method: 'POST', path: '/api/foo', status: '200', rate: 8, median: 0.02 },
  { method: 'GET', path: '/api/bar', status: '200', rate: 20, median: 0.0015 },
  { method: 'GET', path: '/api/bar', status: '500', rate: 2, median: 0.15 },
  { method: 'GET', path: '/api/nonexistent', status: '404', rate: 4, median: 0.0003 },
];


/** Generates every demo series for three instances of job "demo", sorted by name then labels. */
export function generateDemoSeries(opts: DemoOptions = {}): DemoSeries[] {
  const startMs = opts.startMs ?? DEFAULT_START_MS;
  const scrapes = Math.round(((opts.hours ?? 2) * 3600_000) / SCRAPE_INTERVAL_MS);
  const rnd = mulberry32(opts.seed ?? 1);
  const out: Builder[] = [];
  const add = (labels: Record<string, string>): Builder => {
    const s: Builder = { labels, t: [], v: [], stale: [] };
    out.push(s);
    return s;
  };

  INSTANCES.forEach((instance, k) => {
    const base = { instance, job: 'demo' };
    const cpus = CPUS[k];
    // The target restarts every 47 minutes (at a different phase per instance): every counter starts over.
    const restartEvery = 564;
    const restartPhase = 150 + 170 * k;
    const restarted = (i: number) => i > 0 && (i + restartPhase) % restartEvery === 0;
    const at = (i: number) => {
      const jitter = Math.floor(rnd() * 20);
      return startMs + i * SCRAPE_INTERVAL_MS + (opts.aligned ? 1000 * k : PHASE_MS[k] + jitter);
    };

    const mem = ['buffers', 'cached', 'free', 'used'].map((type) => add({ __name__: 'demo_memory_usage_bytes', ...base, type }));
    const memBase = [1.2e8, 6.5e8, 1.9e9, 3.1e9];
    const cpu = ['idle', 'system', 'user'].map((mode) => add({ __name__: 'demo_cpu_usage_seconds_total', ...base, mode }));
    const cpuShare = [0.7, 0.1, 0.2];
    const cpuTotals = [0, 0, 0];
    const numCpus = add({ __name__: 'demo_num_cpus', ...base });
    const disk = add({ __name__: 'demo_disk_usage_bytes', ...base });
    const diskTotal = add({ __name__: 'demo_disk_total_bytes', ...base });
    let diskUsed = 4e10 + k * 7e9;
    const batch = add({ __name__: 'demo_batch_last_success_timestamp_seconds', ...base });
    let lastSuccess = Math.floor(startMs / 1000) - 600 + 37 * k;
    const intermittent = add({ __name__: 'demo_intermittent_metric', ...base });
    let intermittentUp = false;
    const hist = ENDPOINTS.map((e) => {
      const labels = { ...base, method: e.method, path: e.path, status: e.status };
      return {
        e,
        buckets: [...BUCKETS.map(String), '+Inf'].map((le) => add({ __name__: 'demo_api_request_duration_seconds_bucket', ...labels, le })),
        sum: add({ __name__: 'demo_api_request_duration_seconds_sum', ...labels }),
        count: add({ __name__: 'demo_api_request_duration_seconds_count', ...labels }),
        counts: new Array<number>(BUCKETS.length + 1).fill(0),
        total: 0,
        n: 0,
      };
    });

    for (let i = 0; i < scrapes; i++) {
      const t = at(i);
      const hourPhase = (2 * Math.PI * (t - startMs)) / 3600_000;
      if (restarted(i)) {
        cpuTotals.fill(0);
        for (const h of hist) {
          h.counts.fill(0);
          h.total = 0;
          h.n = 0;
        }
      }

      mem.forEach((s, j) => {
        const wave = 1 + 0.15 * Math.sin(hourPhase + j + k);
        s.t.push(t);
        s.v.push(Math.round(memBase[j] * (1 + 0.1 * k) * wave + rnd() * 2e6));
      });
      cpu.forEach((s, j) => {
        cpuTotals[j] += (SCRAPE_INTERVAL_MS / 1000) * cpus * cpuShare[j] * (0.8 + 0.4 * rnd());
        s.t.push(t);
        s.v.push(cpuTotals[j]);
      });
      numCpus.t.push(t);
      numCpus.v.push(cpus);
      // Disk fills steadily, with noise; every 40 minutes a cleanup frees 30%.
      diskUsed += 2.5e5 * (1 + k) + (rnd() - 0.3) * 1e5;
      if ((i + 90 * k) % 480 === 479) diskUsed *= 0.7;
      disk.t.push(t);
      disk.v.push(Math.round(diskUsed));
      diskTotal.t.push(t);
      diskTotal.v.push(1e11);
      // A batch job runs every 3 minutes and succeeds 80% of the time.
      if ((i + 11 * k) % 36 === 0 && rnd() < 0.8) lastSuccess = Math.floor(t / 1000);
      batch.t.push(t);
      batch.v.push(lastSuccess);
      // Present for 10 minutes, then absent for 7 (longer than the 5 m lookback).
      // The first scrape without it writes a stale marker, as Prometheus does.
      if ((i + 40 * k) % 204 < 120) {
        intermittent.t.push(t);
        intermittent.v.push(Math.round(rnd() * 100) / 4);
        intermittentUp = true;
      } else if (intermittentUp) {
        intermittent.stale.push(intermittent.t.length);
        intermittent.t.push(t);
        intermittent.v.push(0);
        intermittentUp = false;
      }
      for (const h of hist) {
        const requests = Math.floor(h.e.rate * (0.5 + rnd()));
        for (let r = 0; r < requests; r++) {
          // Log-normal-ish latency around the endpoint's median.
          const z = (rnd() + rnd() + rnd() - 1.5) * 2;
          const latency = h.e.median * Math.exp(z);
          let b = BUCKETS.findIndex((le) => latency <= le);
          if (b < 0) b = BUCKETS.length;
          h.counts[b]++;
          h.total += latency;
          h.n++;
        }
        let cumulative = 0;
        h.buckets.forEach((s, b) => {
          cumulative += h.counts[b];
          s.t.push(t);
          s.v.push(cumulative);
        });
        h.sum.t.push(t);
        h.sum.v.push(h.total);
        h.count.t.push(t);
        h.count.v.push(h.n);
      }
    }
  });

  const key = (s: Builder) => s.labels.__name__ + '\u0000' + JSON.stringify(s.labels);
  out.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return out.map((b) => {
    const v = Float64Array.from(b.v);
    for (const i of b.stale) v[i] = STALE_NAN;
    return { labels: b.labels, t: Float64Array.from(b.t), v };
  });
}

function seriesText(labels: Record<string, string>): string {
  const pairs = Object.keys(labels)
    .filter((n) => n !== '__name__')
    .map((n) => `${n}="${labels[n].replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`);
  return `${labels.__name__}{${pairs.join(',')}}`;
}

/** The samples of each series before `tMs` and from `tMs` on. */
export function splitSeries(series: readonly DemoSeries[], tMs: number): { before: DemoSeries[]; after: DemoSeries[] } {
  const before: DemoSeries[] = [];
  const after: DemoSeries[] = [];
  for (const s of series) {
    let i = 0;
    while (i < s.t.length && s.t[i] < tMs) i++;
    before.push({ labels: s.labels, t: s.t.subarray(0, i), v: s.v.subarray(0, i) });
    after.push({ labels: s.labels, t: s.t.subarray(i), v: s.v.subarray(i) });
  }
  return { before, after };
}

/**
 * OpenMetrics text (timestamps in seconds, `# EOF` last) in chunks of one series each. Stale markers have no
 * text form (a `NaN` is an ordinary NaN), so they are left out.
 */
export function* demoOpenMetrics(series: DemoSeries[]): Generator<string> {
  for (const s of series) {
    const head = seriesText(s.labels) + ' ';
    let chunk = '';
    for (let i = 0; i < s.t.length; i++) if (!isStaleMarker(s.v[i])) chunk += head + String(s.v[i]) + ' ' + (s.t[i] / 1000).toFixed(3) + '\n';
    yield chunk;
  }
  yield '# EOF\n';
}
