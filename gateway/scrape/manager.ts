// The scrape manager: one loop per target on its own phase, results labelled and appended to the head.
import type { ExpositionFormat } from '../../shared/exposition/types.ts';
import { labelsKey, type Labels } from '../../shared/model/labels.ts';
import { alignScrapeTimestamp, nextScrapeTime, scrapeOffset } from '../../shared/scrape/offset.ts';
import { TargetScrapeState } from '../../shared/scrape/target-state.ts';
import type { ExposedScrape, ScrapeOutput, ScrapeSettings } from '../../shared/scrape/types.ts';
import type { Head } from '../head/head.ts';
import type { Clock, FetchFn, Scheduler, TimerHandle } from '../runtime/ports.ts';
import { fetchTarget } from './fetch-target.ts';

/** A target ready to scrape, as target discovery and relabelling produced it. */
export interface TargetSpec {
  /** The scrape pool (job name). */
  pool: string;
  url: string;
  /** Labels before relabelling (`__address__`, `__meta_*`, …), for /api/v1/targets. */
  discoveredLabels: Labels;
  intervalMs: number;
  timeoutMs: number;
  /** Labelling, timestamp and limit settings; settings.targetLabels are the target's labels. */
  settings: ScrapeSettings;
  accept: string;
  /** Parser for a response without a usable Content-Type; null fails the scrape, as Prometheus 3 does. */
  fallbackFormat: ExpositionFormat | null;
  compression: boolean;
  /** follow_redirects from http_config (default true; e.g. django-prometheus redirects /metrics to /metrics/). */
  followRedirects: boolean;
  bodySizeLimit: number;
  headers?: Record<string, string>;
  /** Changes whenever the target's scrape_config changes, so a reload restarts its loop. */
  configKey: string;
}

/** A target that relabelling dropped, shown under droppedTargets. */
export interface DroppedTargetSpec {
  pool: string;
  discoveredLabels: Labels;
}

/** Turns an exposition body into samples, or an error message (a parse error fails the scrape). */
export type ExpositionParser = (body: string, contentType: string, spec: TargetSpec) => { ok: true; scrape: ExposedScrape } | { ok: false; error: string };

/** A target's state for /api/v1/targets. */
export interface TargetStatus {
  spec: TargetSpec;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
  /** Unix ms of the last scrape's start, or null before the first. */
  lastScrape: number | null;
  lastScrapeDurationMs: number;
}

export interface ScrapeManagerDeps {
  head: Head;
  fetchFn: FetchFn;
  clock: Clock;
  scheduler: Scheduler;
  parse: ExpositionParser;
  userAgent: string;
  /** Mixed into every target's offset so two gateways do not scrape a target in lockstep. */
  offsetSeed?: number;
  /** Called after every scrape, for self-metrics. */
  onScrape?: (spec: TargetSpec, output: ScrapeOutput, durationMs: number) => void;
}

/** Runs the scrape loops of the current set of targets. */
export class ScrapeManager {
  private loops = new Map<string, TargetLoop>();
  private dropped: DroppedTargetSpec[] = [];
  private stopped = false;

  constructor(private readonly deps: ScrapeManagerDeps) {}

  /**
   * Replaces the target set. Unchanged targets keep running (and their series and phase); removed or changed ones
   * get stale markers for all their series, as Prometheus does when a target disappears.
   */
  apply(active: readonly TargetSpec[], dropped: readonly DroppedTargetSpec[] = []): void {
    const next = new Map<string, TargetLoop>();
    for (const spec of active) {
      const key = targetKey(spec);
      if (next.has(key)) continue;
      next.set(key, this.loops.get(key) ?? new TargetLoop(spec, this.deps));
    }
    for (const [key, loop] of this.loops) if (!next.has(key)) loop.stop(true);
    this.loops = next;
    this.dropped = [...dropped];
    if (!this.stopped) for (const loop of next.values()) loop.start();
  }

  /** Stops every loop (shutdown); no stale markers, the data simply ends. */
  stop(): void {
    this.stopped = true;
    for (const loop of this.loops.values()) loop.stop(false);
  }

  /** Status of every active target, in pool then URL order. */
  targets(): TargetStatus[] {
    return [...this.loops.values()]
      .map((l) => l.status())
      .sort((a, b) => a.spec.pool.localeCompare(b.spec.pool) || a.spec.url.localeCompare(b.spec.url));
  }

  droppedTargets(): readonly DroppedTargetSpec[] {
    return this.dropped;
  }

  /** Scrapes every target once now and waits for all of them (tests and one-shot tools). */
  async scrapeAllNow(): Promise<void> {
    await Promise.all([...this.loops.values()].map((l) => l.scrape(null)));
  }
}

function targetKey(spec: TargetSpec): string {
  return `${spec.pool}\x00${spec.url}\x00${labelsKey(spec.settings.targetLabels)}\x00${spec.configKey}`;
}

/** One target's loop: timer, in-flight scrape, scrape state. */
class TargetLoop {
  private readonly state: TargetScrapeState;
  private readonly offset: number;
  private timer: TimerHandle | null = null;
  private running = false;
  private stopped = false;
  private inFlight: AbortController | null = null;
  private health: TargetStatus['health'] = 'unknown';
  private lastError = '';
  private lastScrape: number | null = null;
  private lastDurationMs = 0;

  constructor(
    readonly spec: TargetSpec,
    private readonly deps: ScrapeManagerDeps,
  ) {
    this.state = new TargetScrapeState(spec.settings);
    this.offset = scrapeOffset(labelsKey(spec.settings.targetLabels) + spec.url, spec.intervalMs, deps.offsetSeed ?? 0);
  }

  start(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.schedule();
  }

  stop(markStale: boolean): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer !== null) this.deps.scheduler.clearTimeout(this.timer);
    this.timer = null;
    this.inFlight?.abort();
    if (markStale) {
      const now = this.deps.clock.now();
      this.deps.head.append(this.state.end(now), now);
    }
  }

  status(): TargetStatus {
    return {
      spec: this.spec,
      health: this.health,
      lastError: this.lastError,
      lastScrape: this.lastScrape,
      lastScrapeDurationMs: this.lastDurationMs,
    };
  }

  private schedule(): void {
    const now = this.deps.clock.now();
    const at = nextScrapeTime(now, this.spec.intervalMs, this.offset);
    this.timer = this.deps.scheduler.setTimeout(() => {
      this.timer = null;
      void this.scrape(at)
        .catch(() => undefined)
        .finally(() => {
          if (!this.stopped) this.schedule();
        });
    }, at - now);
  }

  /** One scrape; `scheduledAt` is the grid slot it was planned for (null when run out of schedule). */
  async scrape(scheduledAt: number | null): Promise<void> {
    const { clock, head } = this.deps;
    const startedAt = clock.now();
    const t = alignScrapeTimestamp(startedAt, scheduledAt);
    const abort = new AbortController();
    this.inFlight = abort;
    const spec = this.spec;
    const fetched = await fetchTarget({
      url: spec.url,
      fetchFn: this.deps.fetchFn,
      scheduler: this.deps.scheduler,
      timeoutMs: spec.timeoutMs,
      accept: spec.accept,
      userAgent: this.deps.userAgent,
      compression: spec.compression,
      followRedirects: spec.followRedirects,
      bodySizeLimit: spec.bodySizeLimit,
      headers: spec.headers,
      signal: abort.signal,
    });
    this.inFlight = null;
    if (this.stopped) return;
    // Like Prometheus, the duration covers the HTTP exchange, not parsing and storing.
    const durationMs = clock.now() - startedAt;
    let output: ScrapeOutput;
    try {
      const parsed = fetched.ok ? this.deps.parse(fetched.body, fetched.contentType, spec) : null;
      if (!fetched.ok) output = this.state.failure(t, { error: fetched.error }, durationMs);
      else if (parsed !== null && !parsed.ok) output = this.state.failure(t, { error: parsed.error }, durationMs);
      else output = this.state.success(t, (parsed as { scrape: ExposedScrape }).scrape, durationMs);
    } catch (e) {
      // A bug in parsing or labelling must cost one scrape, not the gateway.
      output = this.state.failure(t, { error: `internal error: ${e instanceof Error ? e.message : String(e)}` }, durationMs);
    }
    head.append(output.samples, clock.now(), output.metadata, output.exemplars);
    this.health = output.error === null ? 'up' : 'down';
    this.lastError = output.error ?? '';
    this.lastScrape = startedAt;
    this.lastDurationMs = durationMs;
    this.deps.onScrape?.(spec, output, durationMs);
  }
}
