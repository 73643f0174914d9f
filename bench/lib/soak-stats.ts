// Small statistics and /proc readers for the soak bench: nearest-rank percentiles, RSS and CPU time of a process.
import { readFileSync } from 'node:fs';

/** Nearest-rank percentile (p in [0, 100]) of unsorted values; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

/** p50, p99 and max of values. */
export function summary(values: readonly number[]): { p50: number; p99: number; max: number; n: number } {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  return { p50: percentile(values, 50), p99: percentile(values, 99), max: values.length ? max : NaN, n: values.length };
}

/** VmRSS of a process in bytes, from /proc/PID/status (null when the process is gone). */
export function readRssBytes(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Clock ticks per second of utime/stime in /proc/PID/stat (USER_HZ: 100 on every Linux build in use). */
export const CLOCK_TICKS = 100;

/** User + system CPU seconds of a process, from fields 14 and 15 of /proc/PID/stat (null when gone). */
export function readCpuSeconds(pid: number): number | null {
  try {
    return parseCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/** Parses /proc/PID/stat text; the command name may hold spaces and parentheses, so fields count from the last ')'. */
export function parseCpuSeconds(stat: string): number | null {
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? (utime + stime) / CLOCK_TICKS : null;
}

/** One sample of a process's resources. */
export interface ResourceSample {
  /** Seconds since the run started. */
  t: number;
  rssBytes: number;
  cpuSeconds: number;
  /** CPU use since the previous sample, % of one core. */
  cpuPercent: number;
}

/** Samples a process's RSS and CPU every `everyMs` until stopped. */
export class ResourceSampler {
  readonly samples: ResourceSample[] = [];
  private timer: NodeJS.Timeout | null = null;
  private prev: { at: number; cpu: number } | null = null;

  constructor(
    private readonly pid: number,
    private readonly startedAt: number,
  ) {}

  start(everyMs: number): void {
    this.take();
    this.timer = setInterval(() => this.take(), everyMs);
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  /** Takes one sample now (also called by start). */
  take(): ResourceSample | null {
    const rss = readRssBytes(this.pid);
    const cpu = readCpuSeconds(this.pid);
    if (rss === null || cpu === null) return null;
    const now = Date.now();
    const cpuPercent = this.prev === null || now === this.prev.at ? 0 : ((cpu - this.prev.cpu) / ((now - this.prev.at) / 1000)) * 100;
    this.prev = { at: now, cpu };
    const s = { t: (now - this.startedAt) / 1000, rssBytes: rss, cpuSeconds: cpu, cpuPercent };
    this.samples.push(s);
    return s;
  }
}

/** The gateway's own view of its memory, from its /metrics: V8 heap and what the head holds. */
export interface GatewayGauges {
  /** Seconds since the run started. */
  t: number;
  heapBytes: number;
  /** Node's external memory (ArrayBuffers included): the part of RSS outside the V8 heap that the gateway allocates. */
  externalBytes: number;
  headSeries: number;
  headSamples: number;
}

/** Reads process_heap_bytes, nodejs_external_memory_bytes, sightline_head_series and sightline_head_samples from a Prometheus text page. */
export function parseGatewayGauges(page: string, t: number): GatewayGauges | null {
  const value = (name: string): number => {
    const m = new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)`, 'm').exec(page);
    return m ? Number(m[1]) : NaN;
  };
  const g = { t, heapBytes: value('process_heap_bytes'), externalBytes: value('nodejs_external_memory_bytes'), headSeries: value('sightline_head_series'), headSamples: value('sightline_head_samples') };
  return Number.isNaN(g.heapBytes) && Number.isNaN(g.headSamples) ? null : g;
}

/** One garbage collection as `node --trace-gc` prints it. */
export interface GcEvent {
  /** The V8 isolate (`0x…` from the line's `[pid:0x…]` prefix; '' without one): worker threads have their own. */
  isolate: string;
  /** Milliseconds since the process started (V8's clock). */
  at: number;
  kind: 'scavenge' | 'mark-compact' | 'other';
  /** Heap used before and after, MB. */
  beforeMB: number;
  afterMB: number;
  pauseMs: number;
}

const GC_LINE = /(?:\[\d+:(0x[0-9a-f]+)\]\s*)?(\d+) ms: (Scavenge|Mark-Compact|Mark-sweep|[A-Za-z-]+)(?: \([a-z ]+\))? ([\d.]+) \([\d.]+\) -> ([\d.]+) \([\d.]+\) MB, (?:pooled: [\d.]+ MB, )?([\d.]+) \/ [\d.]+ ms/;

/** Parses a `--trace-gc` line (`[pid:0x…]  1234 ms: Mark-Compact 512.3 (540.1) -> 300.2 (545.0) MB, 120.5 / 0.0 ms …`); null for other output. */
export function parseGcLine(line: string): GcEvent | null {
  const m = GC_LINE.exec(line);
  if (m === null) return null;
  const kind = m[3] === 'Scavenge' ? 'scavenge' : m[3] === 'Mark-Compact' || m[3] === 'Mark-sweep' ? 'mark-compact' : 'other';
  return { isolate: m[1] ?? '', at: Number(m[2]), kind, beforeMB: Number(m[4]), afterMB: Number(m[5]), pauseMs: Number(m[6]) };
}

/** The events of the isolate with the most of them: the main thread's (tsx's loader thread logs its own GCs too). */
export function mainIsolate<T extends GcEvent>(events: readonly T[]): T[] {
  const counts = new Map<string, number>();
  for (const e of events) counts.set(e.isolate, (counts.get(e.isolate) ?? 0) + 1);
  let main = '';
  let most = -1;
  for (const [isolate, n] of counts) {
    if (n > most) [main, most] = [isolate, n];
  }
  return events.filter((e) => e.isolate === main);
}
