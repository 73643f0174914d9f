// The scrape manager: one loop per target on its own phase, results labelled and appended to the head.
import type { TLSConfig } from '../../shared/config/types.ts';
import type { ExpositionFormat, ExpositionText } from '../../shared/exposition/types.ts';
import { labelsKey, type Labels } from '../../shared/model/labels.ts';
import { alignScrapeTimestamp, nextScrapeTime, scrapeOffset } from '../../shared/scrape/offset.ts';
import { detach } from '../../shared/scrape/detach.ts';
import { TargetScrapeState } from '../../shared/scrape/target-state.ts';
import type { ExposedScrape, ScrapeOutput, ScrapeSettings } from '../../shared/scrape/types.ts';
import type { Head } from '../head/head.ts';
import type { Clock, FetchFn, FileReader, Scheduler, ScrapeGetFn, TimerHandle, TlsFetchFactory } from '../runtime/ports.ts';
import { fetchTarget, type FetchTargetResult } from './fetch-target.ts';
import { resolveSecretHeaders, type SecretFiles } from './secrets.ts';

/** Body cap when a job sets no body_size_limit: a runaway target must not exhaust the gateway's memory. */
export const DEFAULT_BODY_SIZE_LIMIT = 64 * 1024 * 1024;
/** How much of each target's last scrape body is kept for the studio's Targets page. */
export const LAST_SCRAPE_MAX_BYTES = 2 * 1024 * 1024;

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
  /** Credentials read from files at every scrape (password_file, credentials_file, http_headers files). */
  secretFiles?: SecretFiles;
  /** tls_config when it sets anything (CA, client certificate, server name, insecure_skip_verify). */
  tls?: TLSConfig;
  /** Set when the target must not be scraped (target_limit exceeded): each scrape fails with this error. */
  forcedError?: string;
  /** Changes whenever the target's scrape_config changes, so a reload restarts its loop. */
  configKey: string;
  /**
   * The scrape_config without what cannot change the stored samples (interval, timeout, sample_limit, HTTP client
   * settings): a restarted loop with the same reuseKey continues its series instead of marking them stale.
   */
  reuseKey?: string;
}

/** The last response body of a target, kept (truncated) for inspection. */
export interface LastScrape {
  spec: TargetSpec;
  /** Unix ms of the scrape's start. */
  at: number;
  contentType: string;
  /** Uncompressed size of the whole body. */
  bytes: number;
  /** At most LAST_SCRAPE_MAX_BYTES of it (cut at a character boundary). */
  body: string;
  truncated: boolean;
  error: string;
}

/** A target that relabelling dropped, shown under droppedTargets. */
export interface DroppedTargetSpec {
  pool: string;
  discoveredLabels: Labels;
}

/** Turns an exposition body into samples, or an error message (a parse error fails the scrape). */
export type ExpositionParser = (body: ExpositionText, contentType: string, spec: TargetSpec) => { ok: true; scrape: ExposedScrape } | { ok: false; error: string };

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
  /** A faster GET for targets without a tls_config (Node's over node:http); absent: a GET over fetchFn. */
  scrapeGet?: ScrapeGetFn;
  clock: Clock;
  scheduler: Scheduler;
  parse: ExpositionParser;
  userAgent: string;
  /** Mixed into every target's offset so two gateways do not scrape a target in lockstep. */
  offsetSeed?: number;
  /** Called after every scrape, for self-metrics. */
  onScrape?: (spec: TargetSpec, output: ScrapeOutput, durationMs: number) => void;
  /** Reads credential files; absent on runtimes without a file system (a target needing one then fails, saying so). */
  readFile?: FileReader;
  /** Builds a fetch honouring a tls_config; absent where the runtime cannot (such targets fail, saying so). */
  tlsFetch?: TlsFetchFactory;
  /** Name of the runtime for error messages ("Cloudflare Workers"). */
  runtimeName?: string;
}

/** Runs the scrape loops of the current set of targets. */
export class ScrapeManager {
  private loops = new Map<string, TargetLoop>();
  private dropped: DroppedTargetSpec[] = [];
  private droppedCounts: Record<string, number> = {};
  private stopped = false;

  constructor(private readonly deps: ScrapeManagerDeps) {}

  /**
   * Replaces the target set. Unchanged targets keep running (and their series and phase); removed or changed ones
   * get stale markers for all their series, as Prometheus does when a target disappears — unless the change cannot
   * alter the samples (same reuseKey), when the new loop continues the old one's series.
   */
  apply(active: readonly TargetSpec[], dropped: readonly DroppedTargetSpec[] = [], droppedCounts?: Record<string, number>): void {
    const next = new Map<string, TargetLoop>();
    for (const spec of active) {
      const key = targetKey(spec);
      if (next.has(key)) continue;
      next.set(key, this.loops.get(key) ?? new TargetLoop(spec, this.deps));
    }
    // A target whose job changed only in ways that keep its samples the same takes over its old loop's series.
    const successors = new Map<TargetLoop, TargetLoop>();
    const byIdentity = new Map<string, TargetLoop>();
    for (const [key, loop] of next) if (!this.loops.has(key) && loop.spec.reuseKey !== undefined) byIdentity.set(identity(loop.spec), loop);
    for (const [key, loop] of this.loops) {
      if (next.has(key) || loop.spec.reuseKey === undefined) continue;
      const successor = byIdentity.get(identity(loop.spec));
      if (successor !== undefined && successor.spec.reuseKey === loop.spec.reuseKey) {
        successors.set(loop, successor);
        byIdentity.delete(identity(loop.spec));
      }
    }
    for (const [key, loop] of this.loops) {
      if (next.has(key)) continue;
      const successor = successors.get(loop);
      loop.stop(successor === undefined);
      if (successor !== undefined) successor.inherit(loop);
    }
    this.loops = next;
    this.dropped = [...dropped];
    this.droppedCounts = droppedCounts ?? countByPool(dropped);
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

  /** Dropped targets per pool, including those keep_dropped_targets did not keep. */
  droppedTargetCounts(): Record<string, number> {
    return this.droppedCounts;
  }

  /** The last scrape body of a target, found by pool and `instance` label, or by scrape URL. */
  lastScrape(pool: string, instance: string, url?: string): LastScrape | undefined {
    for (const loop of this.loops.values()) {
      const spec = loop.spec;
      if (spec.pool !== pool) continue;
      if (url !== undefined ? spec.url === url : spec.settings.targetLabels.instance === instance) return loop.lastBody();
    }
    return undefined;
  }

  /** Scrapes every target once now and waits for all of them (tests and one-shot tools). */
  async scrapeAllNow(): Promise<void> {
    await Promise.all([...this.loops.values()].map((l) => l.scrape(null)));
  }
}

function countByPool(dropped: readonly DroppedTargetSpec[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const d of dropped) counts[d.pool] = (counts[d.pool] ?? 0) + 1;
  return counts;
}

/** A target's identity across reloads: its pool, URL and labels. */
function identity(spec: TargetSpec): string {
  return `${spec.pool}\x00${spec.url}\x00${labelsKey(spec.settings.targetLabels)}`;
}

function targetKey(spec: TargetSpec): string {
  return `${spec.pool}\x00${spec.url}\x00${labelsKey(spec.settings.targetLabels)}\x00${spec.configKey}\x00${spec.forcedError ?? ''}`;
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
  private lastScrapeAt: number | null = null;
  private lastDurationMs = 0;
  /** The last body's start as kept: pieces of the body are kept as they are, joined only when asked for. */
  private last: (Omit<LastScrape, 'spec' | 'body'> & { body: ExpositionText }) | null = null;

  constructor(
    readonly spec: TargetSpec,
    private readonly deps: ScrapeManagerDeps,
  ) {
    this.state = new TargetScrapeState(spec.settings);
    this.offset = scrapeOffset(labelsKey(spec.settings.targetLabels) + spec.url, spec.intervalMs, deps.offsetSeed ?? 0);
  }

  /** Continues the series of the loop this one replaces (see TargetSpec.reuseKey). */
  inherit(previous: TargetLoop): void {
    this.state.inherit(previous.state);
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

  lastBody(): LastScrape {
    const last = this.last;
    if (last === null) return { spec: this.spec, at: 0, contentType: '', bytes: 0, body: '', truncated: false, error: this.lastError };
    return { spec: this.spec, ...last, body: typeof last.body === 'string' ? last.body : last.body.join('') };
  }

  status(): TargetStatus {
    return {
      spec: this.spec,
      health: this.health,
      lastError: this.lastError,
      lastScrape: this.lastScrapeAt,
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
    const fetched = await this.fetch(spec, abort.signal);
    this.inFlight = null;
    if (this.stopped) return;
    // As in Prometheus, the duration spans fetch, parsing and labelling: its report is built after the append.
    let durationMs = 0;
    const duration = (): number => (durationMs = clock.now() - startedAt);
    let output: ScrapeOutput;
    try {
      const parsed = fetched.ok ? this.deps.parse(fetched.body, fetched.contentType, spec) : null;
      if (!fetched.ok) output = this.state.failure(t, { error: fetched.error, bodySize: fetched.overLimit ? -1 : 0 }, duration);
      else if (parsed !== null && !parsed.ok) output = this.state.failure(t, { error: parsed.error, bodySize: fetched.bytes }, duration);
      else {
        const scrape = (parsed as { scrape: ExposedScrape }).scrape;
        output = this.state.success(t, scrape, duration, fetched.bytes);
        // The scrape state copied what it keeps: the parse's columns can serve the next scrape.
        scrape.release?.();
      }
    } catch (e) {
      // A bug in parsing or labelling must cost one scrape, not the gateway.
      output = this.state.failure(t, { error: `internal error: ${e instanceof Error ? e.message : String(e)}` }, duration);
    }
    head.append(output.samples, clock.now(), output.metadata, output.exemplars);
    this.health = output.error === null ? 'up' : 'down';
    this.lastError = output.error ?? '';
    this.lastScrapeAt = startedAt;
    this.lastDurationMs = durationMs;
    this.last = fetched.ok
      ? { at: startedAt, contentType: fetched.contentType, bytes: fetched.bytes, ...cut(fetched.body), error: this.lastError }
      : { at: startedAt, contentType: '', bytes: 0, body: '', truncated: false, error: this.lastError };
    this.deps.onScrape?.(spec, output, durationMs);
  }

  /** The HTTP part of a scrape: forced errors, credential files and TLS resolved, then fetchTarget. */
  private async fetch(spec: TargetSpec, signal: AbortSignal): Promise<FetchTargetResult> {
    if (spec.forcedError !== undefined) return { ok: false, error: spec.forcedError };
    let headers = spec.headers;
    if (spec.secretFiles !== undefined) {
      const resolved = await resolveSecretHeaders(spec.secretFiles, this.deps.readFile, this.deps.runtimeName);
      if (!resolved.ok) return { ok: false, error: resolved.error };
      headers = { ...headers, ...resolved.headers };
    }
    let fetchFn = this.deps.fetchFn;
    let get = this.deps.scrapeGet;
    if (spec.tls !== undefined) {
      get = undefined;
      if (this.deps.tlsFetch === undefined) {
        return { ok: false, error: `tls_config (CA, client certificate, server_name, insecure_skip_verify) is not supported on ${this.deps.runtimeName ?? 'this runtime'}` };
      }
      try {
        fetchFn = await this.deps.tlsFetch(spec.tls);
      } catch (e) {
        return { ok: false, error: `tls_config: ${e instanceof Error ? e.message : String(e)}` };
      }
    }
    return fetchTarget({
      url: spec.url,
      fetchFn,
      get,
      scheduler: this.deps.scheduler,
      timeoutMs: spec.timeoutMs,
      accept: spec.accept,
      userAgent: this.deps.userAgent,
      compression: spec.compression,
      followRedirects: spec.followRedirects,
      bodySizeLimit: spec.bodySizeLimit > 0 ? spec.bodySizeLimit : DEFAULT_BODY_SIZE_LIMIT,
      headers,
      signal,
    });
  }
}

/** Scratch space for cut(). */
let cutBuffer: Uint8Array | null = null;

/** The start of a body, at most LAST_SCRAPE_MAX_BYTES of UTF-8 (never a character cut in half), as its own string. */
const encoder = new TextEncoder();

/**
 * The start of a body, at most LAST_SCRAPE_MAX_BYTES of UTF-8 (never a character cut in half). A body in pieces keeps
 * the pieces that fit whole (small strings of their own: no new large string every scrape) and a copy of the part of
 * the next that fits.
 */
function cut(text: ExpositionText): { body: ExpositionText; truncated: boolean } {
  if (typeof text === 'string') return cutString(text);
  cutBuffer ??= new Uint8Array(LAST_SCRAPE_MAX_BYTES);
  const kept: string[] = [];
  let written = 0;
  for (const piece of text) {
    const r = encoder.encodeInto(piece, cutBuffer.subarray(written));
    written += r.written;
    if (r.read === piece.length) {
      kept.push(piece);
      continue;
    }
    if (r.read > 0) kept.push(detach(piece.slice(0, r.read)));
    return { body: kept, truncated: true };
  }
  return { body: kept, truncated: false };
}

function cutString(body: string): { body: string; truncated: boolean } {
  if (body.length <= LAST_SCRAPE_MAX_BYTES / 4) return { body, truncated: false };
  cutBuffer ??= new Uint8Array(LAST_SCRAPE_MAX_BYTES);
  // encodeInto stops at the first character that does not fit whole: `read` units are the longest prefix that fits.
  const { read } = encoder.encodeInto(body, cutBuffer);
  if (read === body.length) return { body, truncated: false };
  return { body: detach(body.slice(0, read)), truncated: true };
}
