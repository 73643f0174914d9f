// Service discovery: file_sd_configs (files re-read on change and on refresh_interval) and http_sd_configs, per job.
import { parseFileSD, parseHttpSD } from '../../shared/config/sd.ts';
import { dirname, formatIssue } from '../../shared/config/index.ts';
import type { FileSDConfig, HttpClientConfig, HttpSDConfig, ScrapeConfigFile, TargetGroup } from '../../shared/config/types.ts';
import type { Clock, FetchFn, FileSource, Scheduler, TimerHandle, TlsFetchFactory } from '../runtime/ports.ts';
import { customTls, resolveSecretHeaders, secretFilesOf, staticHeadersOf } from './secrets.ts';

export interface DiscoveryDeps {
  fetchFn: FetchFn;
  clock: Clock;
  scheduler: Scheduler;
  userAgent: string;
  /** Files for file_sd_configs and credential files; absent where there is no file system. */
  files?: FileSource;
  tlsFetch?: TlsFetchFactory;
  runtimeName?: string;
  /** Called (coalesced) whenever some job's discovered groups change. */
  onChange(): void;
  /** A discovery problem (unreadable file, bad response); the last good targets stay in use. */
  onError?(mechanism: 'file' | 'http', message: string): void;
}

/** One discovery source of one job. */
interface Provider {
  readonly job: string;
  groups: TargetGroup[];
  start(): void;
  stop(): void;
  /** Resolves after the first refresh, whatever its outcome. */
  readonly first: Promise<void>;
}

/** Largest http_sd response read. */
const HTTP_SD_MAX_BYTES = 16 * 1024 * 1024;
/** Delay before re-reading after a file system event (editors write files in several steps). */
const WATCH_DEBOUNCE_MS = 100;

/**
 * Runs the discovery providers of a configuration. apply() keeps providers whose job and settings are unchanged
 * (so a reload does not briefly lose their targets), starts new ones and stops the rest.
 */
export class Discovery {
  private providers = new Map<string, Provider>();
  private order: string[] = [];
  private pending = false;

  constructor(private readonly deps: DiscoveryDeps) {}

  apply(config: ScrapeConfigFile): void {
    const next = new Map<string, Provider>();
    const order: string[] = [];
    for (const sc of config.scrapeConfigs) {
      sc.fileSDConfigs.forEach((fsd, i) => {
        const key = `${sc.jobName}\x00file\x00${i}\x00${JSON.stringify(fsd)}`;
        order.push(key);
        next.set(key, this.providers.get(key) ?? new FileProvider(sc.jobName, fsd, this.deps, () => this.changed()));
      });
      sc.httpSDConfigs.forEach((hsd, i) => {
        const key = `${sc.jobName}\x00http\x00${i}\x00${JSON.stringify(hsd)}`;
        order.push(key);
        next.set(key, this.providers.get(key) ?? new HttpProvider(sc.jobName, hsd, this.deps, () => this.changed()));
      });
    }
    for (const [key, p] of this.providers) if (!next.has(key)) p.stop();
    this.providers = next;
    this.order = order;
    for (const p of next.values()) p.start();
  }

  /** Discovered groups per job name, in config order. */
  groups(): Map<string, TargetGroup[]> {
    const out = new Map<string, TargetGroup[]>();
    for (const key of this.order) {
      const p = this.providers.get(key) as Provider;
      let list = out.get(p.job);
      if (list === undefined) out.set(p.job, (list = []));
      list.push(...p.groups);
    }
    return out;
  }

  /** Resolves when every current provider has finished its first refresh. */
  async settled(): Promise<void> {
    await Promise.all([...this.providers.values()].map((p) => p.first));
  }

  stop(): void {
    for (const p of this.providers.values()) p.stop();
    this.providers.clear();
    this.order = [];
  }

  private changed(): void {
    if (this.pending) return;
    this.pending = true;
    queueMicrotask(() => {
      this.pending = false;
      this.deps.onChange();
    });
  }
}

/** Shared refresh-loop mechanics: a refresh at start, then every interval, one at a time. */
abstract class Refreshing implements Provider {
  groups: TargetGroup[] = [];
  readonly first: Promise<void>;
  protected stopped = false;
  private started = false;
  private timer: TimerHandle | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private resolveFirst: () => void = () => undefined;

  constructor(
    readonly job: string,
    protected readonly intervalMs: number,
    protected readonly deps: DiscoveryDeps,
    private readonly notify: () => void,
  ) {
    this.first = new Promise((ok) => (this.resolveFirst = ok));
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.trigger();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.deps.scheduler.clearTimeout(this.timer);
    this.timer = null;
    this.resolveFirst();
  }

  /** Refreshes now (or right after the refresh in progress). */
  protected trigger(): void {
    if (this.stopped) return;
    if (this.running !== null) {
      this.again = true;
      return;
    }
    if (this.timer !== null) this.deps.scheduler.clearTimeout(this.timer);
    this.timer = null;
    this.running = this.refresh()
      .catch((e: unknown) => this.deps.onError?.(this.mechanism, e instanceof Error ? e.message : String(e)))
      .finally(() => {
        this.running = null;
        this.resolveFirst();
        if (this.stopped) return;
        if (this.again) {
          this.again = false;
          this.trigger();
          return;
        }
        this.timer = this.deps.scheduler.setTimeout(() => {
          this.timer = null;
          this.trigger();
        }, this.intervalMs);
      });
  }

  protected setGroups(groups: TargetGroup[]): void {
    if (this.stopped || JSON.stringify(groups) === JSON.stringify(this.groups)) return;
    this.groups = groups;
    this.notify();
  }

  protected abstract readonly mechanism: 'file' | 'http';
  protected abstract refresh(): Promise<void>;
}

/** file_sd_configs: every file its patterns match, JSON or YAML; a file that fails to read or parse keeps its last targets. */
class FileProvider extends Refreshing {
  protected readonly mechanism = 'file';
  private byFile = new Map<string, TargetGroup[]>();
  private unwatch: (() => void) | null = null;
  private debounce: TimerHandle | null = null;

  constructor(job: string, private readonly sd: FileSDConfig, deps: DiscoveryDeps, notify: () => void) {
    super(job, sd.refreshIntervalMs, deps, notify);
  }

  override start(): void {
    const files = this.deps.files;
    if (files?.watch && this.unwatch === null && !this.stopped) {
      const dirs = [...new Set(this.sd.files.map((f) => dirname(f)))];
      this.unwatch = files.watch(dirs, () => {
        if (this.debounce !== null) this.deps.scheduler.clearTimeout(this.debounce);
        this.debounce = this.deps.scheduler.setTimeout(() => {
          this.debounce = null;
          this.trigger();
        }, WATCH_DEBOUNCE_MS);
      });
    }
    super.start();
  }

  override stop(): void {
    this.unwatch?.();
    this.unwatch = null;
    if (this.debounce !== null) this.deps.scheduler.clearTimeout(this.debounce);
    super.stop();
  }

  protected async refresh(): Promise<void> {
    const files = this.deps.files;
    if (files === undefined) {
      throw new Error(`job ${this.job}: file_sd_configs are not supported on ${this.deps.runtimeName ?? 'this runtime'} (no file system); use http_sd_configs or static_configs`);
    }
    const next = new Map<string, TargetGroup[]>();
    const problems: string[] = [];
    for (const pattern of this.sd.files) {
      let matched: string[];
      try {
        matched = await files.glob(pattern);
      } catch (e) {
        problems.push(`job ${this.job}: file_sd pattern ${pattern}: ${(e as Error).message}`);
        continue;
      }
      for (const file of matched.sort()) {
        if (next.has(file)) continue;
        try {
          const parsed = parseFileSD(await files.read(file), file);
          if (parsed.errors.length > 0) throw new Error(parsed.errors.map(formatIssue).join('; '));
          next.set(file, parsed.groups);
        } catch (e) {
          problems.push(`job ${this.job}: file_sd ${(e as Error).message.startsWith(file) ? '' : file + ': '}${(e as Error).message}`);
          const previous = this.byFile.get(file);
          if (previous !== undefined) next.set(file, previous);
        }
      }
    }
    this.byFile = next;
    this.setGroups([...next.values()].flat());
    if (problems.length > 0) throw new Error(problems.join('\n'));
  }
}

/** http_sd_configs: a JSON list of target groups from a URL; a failed refresh keeps the last targets. */
class HttpProvider extends Refreshing {
  protected readonly mechanism = 'http';

  constructor(job: string, private readonly sd: HttpSDConfig, deps: DiscoveryDeps, notify: () => void) {
    super(job, sd.refreshIntervalMs, deps, notify);
  }

  protected async refresh(): Promise<void> {
    const { url } = this.sd;
    const prefix = `job ${this.job}: http_sd ${url}`;
    const headers = await this.headers(this.sd.http);
    let fetchFn = this.deps.fetchFn;
    const tls = customTls(this.sd.http.tlsConfig);
    if (tls !== undefined) {
      if (this.deps.tlsFetch === undefined) throw new Error(`${prefix}: tls_config is not supported on ${this.deps.runtimeName ?? 'this runtime'}`);
      fetchFn = await this.deps.tlsFetch(tls);
    }
    const controller = new AbortController();
    const timer = this.deps.scheduler.setTimeout(() => controller.abort(), Math.max(1000, this.intervalMs));
    let body: string;
    try {
      const res = await fetchFn(url, { headers, signal: controller.signal, redirect: this.sd.http.followRedirects ? 'follow' : 'manual' });
      if (res.status !== 200) {
        await res.body?.cancel().catch(() => undefined);
        throw new Error(`server returned HTTP status ${res.status} ${res.statusText}`.trimEnd());
      }
      const type = res.headers.get('content-type') ?? '';
      if (!/^application\/json(;.*)?$/i.test(type)) {
        await res.body?.cancel().catch(() => undefined);
        throw new Error(`unsupported content type ${JSON.stringify(type)}`);
      }
      body = await readText(res, HTTP_SD_MAX_BYTES);
    } catch (e) {
      throw new Error(`${prefix}: ${controller.signal.aborted ? 'request timed out' : describe(e)}`);
    } finally {
      this.deps.scheduler.clearTimeout(timer);
    }
    const parsed = parseHttpSD(body, url);
    if (!parsed.ok) throw new Error(`${prefix}: ${parsed.error}`);
    this.setGroups(parsed.groups);
  }

  private async headers(http: HttpClientConfig): Promise<Record<string, string>> {
    const headers: Record<string, string> = {
      ...staticHeadersOf(http),
      Accept: 'application/json',
      'User-Agent': this.deps.userAgent,
      'X-Prometheus-Refresh-Interval-Seconds': String(this.intervalMs / 1000),
    };
    const files = secretFilesOf(http);
    if (files !== undefined) {
      const r = await resolveSecretHeaders(files, this.deps.files?.read, this.deps.runtimeName);
      if (!r.ok) throw new Error(`job ${this.job}: http_sd ${this.sd.url}: ${r.error}`);
      Object.assign(headers, r.headers);
    }
    return headers;
  }
}

async function readText(res: Response, limit: number): Promise<string> {
  if (res.body === null) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > limit) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`response larger than ${limit} bytes`);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

function describe(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const cause: unknown = e.cause;
  return cause instanceof Error ? cause.message : e.message;
}
