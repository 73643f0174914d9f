// The gateway Durable Object: owns the scrape loop and rule evaluation (driven by its alarm), the persisted head, alert state and the stream clients.
import { createGateway, type Gateway } from '../gateway.ts';
import { systemClock, systemScheduler, type FetchFn } from '../runtime/ports.ts';
import { parseScrapeBody } from '../scrape/parse.ts';
import { AlarmScheduler } from './alarm-scheduler.ts';
import { loadWorkerConfig, readConfigSource, type ConfigSource } from './config.ts';
import type { DurableStateLike, WorkerEnv } from './env.ts';
import { trackInFlight, type InFlightFetch } from './inflight.ts';
import { collectRuleFiles, loadWorkerNotifierConfig, readAlertmanagerSource, workerRuleSource, workerSecretFile, type BundledRules } from './rules-config.ts';
import { SqlHeadStore } from './sql-head-store.ts';
import { SqlStateStore } from './state-store.ts';

/** What the entry point supplies: the config bundled at deploy time and the build's version. */
export interface GatewayObjectOptions {
  bundled: ConfigSource;
  /** Rule files and alertmanager.yml bundled at deploy time. */
  bundledRules?: BundledRules;
  version: string;
  /** The fetch scrapes use (Workers' global fetch unless a test injects one). */
  fetchFn?: FetchFn;
}

/** How often the persisted window is trimmed to the retention period. */
const TRIM_EVERY_MS = 60_000;
/** Slack on top of the longest scrape timeout before an alarm invocation stops waiting for its scrapes. */
const ALARM_WAIT_SLACK_MS = 5_000;
/** At most this many waits for follow-up work per alarm invocation. */
const ALARM_ROUNDS = 4;

/**
 * One instance per deployment. The constructor restores the head from SQLite and starts the scrape loops; the
 * alarm keeps them going while no request keeps the object in memory. A broken config is kept as data and
 * returned on every request, since a Worker has no start-up log a user would see.
 */
export class GatewayObject {
  private gateway: Gateway | null = null;
  private problems: { errors: string[]; warnings: string[] } = { errors: [], warnings: [] };
  private scheduler: AlarmScheduler | null = null;
  private inflight: InFlightFetch | null = null;
  private store: SqlHeadStore | null = null;
  private retentionMs = 0;
  private maxTimeoutMs = 10_000;
  private lastTrim = 0;
  private readonly booted: Promise<void>;

  constructor(
    private readonly ctx: DurableStateLike,
    private readonly env: WorkerEnv,
    private readonly options: GatewayObjectOptions,
  ) {
    this.booted = ctx.blockConcurrencyWhile(() => this.boot());
  }

  /** Requests forwarded by the Worker (already authenticated there). */
  async fetch(request: Request): Promise<Response> {
    await this.booted;
    if (this.gateway === null) return configProblem(this.problems.errors);
    return this.gateway.app.fetch(request);
  }

  /**
   * The one alarm: runs every timer that is due (scrapes, rule groups, notifier flushes and retries), waits for the
   * fetches they started, persists housekeeping, arms the next wake-up.
   */
  async alarm(): Promise<void> {
    await this.booted;
    const { scheduler, inflight } = this;
    if (scheduler === null || inflight === null) return;
    try {
      // What a wake-up ran can make more work due at once (scrapes → a rule evaluation → an alert → the notifier's
      // flush with group_wait 0 → a webhook): that runs in this invocation too, within a few rounds.
      await scheduler.runAlarm(() => inflight.idle(this.maxTimeoutMs + ALARM_WAIT_SLACK_MS), ALARM_ROUNDS);
      this.trim(false);
    } finally {
      scheduler.endAlarm();
    }
  }

  /** Start-up failures become the problem every request reports, instead of an object that resets on each call. */
  private async boot(): Promise<void> {
    try {
      await this.start();
    } catch (e) {
      const message = `internal error during start-up: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
      console.error(`sightline: ${message}`);
      this.gateway = null;
      this.problems = { errors: [message], warnings: [] };
    }
  }

  private async start(): Promise<void> {
    const source = await readConfigSource(this.env, this.options.bundled);
    const loaded = loadWorkerConfig(source, this.env);
    for (const w of loaded.warnings) console.warn(`sightline: warning: ${w}`);
    if (!loaded.ok) {
      this.problems = { errors: loaded.errors, warnings: loaded.warnings };
      for (const e of loaded.errors) console.error(`sightline: ${e}`);
      return;
    }
    // Rules and the built-in notifier: their files are read now, so a problem stops start-up like a config error.
    const bundledRules = this.options.bundledRules ?? { ruleFiles: {} };
    const ruleFiles = await collectRuleFiles(this.env, bundledRules);
    const notifier = loadWorkerNotifierConfig(await readAlertmanagerSource(this.env, bundledRules), this.env);
    for (const w of notifier.warnings) console.warn(`sightline: warning: ${w}`);
    const setupErrors = [...ruleFiles.errors, ...notifier.errors];
    if (setupErrors.length > 0) {
      this.problems = { errors: setupErrors, warnings: [...loaded.warnings, ...notifier.warnings] };
      for (const e of setupErrors) console.error(`sightline: ${e}`);
      return;
    }
    const storage = this.ctx.storage;
    const store = new SqlHeadStore(storage.sql);
    let epoch = store.get('epoch');
    if (epoch === null) {
      epoch = crypto.randomUUID().slice(0, 8);
      store.set('epoch', epoch);
    }
    const scheduler = new AlarmScheduler(
      systemClock,
      systemScheduler,
      {
        setAlarm: (at) => {
          storage.setAlarm(at).catch((e: unknown) => console.error('sightline: cannot set the alarm:', e));
        },
      },
      await storage.getAlarm(),
    );
    const inflight = trackInFlight(this.options.fetchFn ?? ((input, init) => fetch(input, init)), systemScheduler);
    this.retentionMs = loaded.retentionMs;
    this.maxTimeoutMs = Math.max(1000, ...loaded.targets.active.map((t) => t.timeoutMs));
    const build = (epoch: string): Gateway =>
      createGateway({
        // The config (static targets only, see loadWorkerConfig): the gateway resolves its targets and runs its rules.
        config: loaded.config,
        parse: parseScrapeBody,
        fetchFn: inflight.fetchFn,
        clock: systemClock,
        scheduler,
        epoch,
        build: { version: this.options.version, revision: '', branch: '', buildUser: '', buildDate: '', runtime: 'workerd' },
        configYaml: source.text,
        flags: {
          'config.file': source.file,
          'storage.retention': `${loaded.retentionMs / 60_000}m`,
          runtime: 'cloudflare-workers',
        },
        retentionMs: loaded.retentionMs,
        runtimeName: 'Cloudflare Workers',
        // The Worker checked the token already; the app checks it again (and needs it: without a token it answers
        // loopback Host names only, and a deployed Worker is never addressed as one).
        security: { token: this.env.SIGHTLINE_TOKEN },
        log: (line) => console.log(`sightline: ${line}`),
        // Group timers and notifier flushes and retries go through `scheduler`, so the one alarm drives them too;
        // webhooks go through `inflight`, so an alarm waits for its deliveries; state lives in this object's SQLite.
        rules: {
          source: workerRuleSource(ruleFiles.files, source.file),
          store: new SqlStateStore(storage.sql),
          notifierConfig: notifier.config,
          // `alerting.alertmanagers` credentials_file / password_file name Worker secrets too.
          readSecretFile: workerSecretFile(this.env),
          externalURL: typeof this.env.SIGHTLINE_EXTERNAL_URL === 'string' ? this.env.SIGHTLINE_EXTERNAL_URL.replace(/\/+$/, '') : '',
        },
      });
    let gateway = build(epoch);
    try {
      const now = Date.now();
      gateway.head.restore(store.load(now - loaded.retentionMs), now);
    } catch (e) {
      // Better a new epoch (studios see an explicit gap and reload) than a head that reuses sequence numbers.
      console.error('sightline: cannot restore the head from storage; starting a new epoch:', e);
      epoch = crypto.randomUUID().slice(0, 8);
      store.set('epoch', epoch);
      store.trim(Infinity, { nextSeq: 1, nextSeriesId: 1 });
      gateway = build(epoch);
    }
    const rulesLoaded = await gateway.rules?.load();
    if (rulesLoaded !== undefined && !rulesLoaded.ok) {
      this.problems = { errors: rulesLoaded.errors, warnings: loaded.warnings };
      for (const e of rulesLoaded.errors) console.error(`sightline: ${e}`);
      return;
    }
    const live = gateway;
    live.head.onBatch((batch) => {
      try {
        store.saveBatch(batch, (id) => live.head.series(id)?.labels);
      } catch (e) {
        // E.g. a row over SQLite's 2 MB limit: the batch stays live in memory; a restart replays only what follows it.
        console.error(`sightline: cannot persist batch ${batch.seq}:`, e);
      }
    });
    this.store = store;
    this.scheduler = scheduler;
    this.inflight = inflight;
    this.gateway = gateway;
    this.problems = { errors: [], warnings: loaded.warnings };
    this.trim(true);
    gateway.start();
  }

  /** Drops persisted batches older than the retention window (at most once a minute unless forced). */
  private trim(force: boolean): void {
    const { store, gateway } = this;
    if (store === null || gateway === null) return;
    const now = Date.now();
    if (!force && now - this.lastTrim < TRIM_EVERY_MS) return;
    this.lastTrim = now;
    store.trim(now - this.retentionMs, { nextSeq: gateway.head.nextSeq, nextSeriesId: gateway.head.nextSeriesId });
  }
}

/** Every request gets the config errors while the config is broken (redeploy or fix the var/KV copy to recover). */
function configProblem(errors: readonly string[]): Response {
  const error = `Sightline cannot start: the configuration is invalid:\n${errors.join('\n')}`;
  return new Response(JSON.stringify({ status: 'error', errorType: 'internal', error }), {
    status: 500,
    headers: { 'Content-Type': 'application/json; charset=utf-8' },
  });
}
