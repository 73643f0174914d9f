// The rule manager: loads rule files, runs each group on its interval, writes rule outputs to the head, hands alerts on, persists state.
import type { Labels } from '../../shared/model/labels.ts';
import type { Engine } from '../../shared/promql/engine/index.ts';
import type { Queryable } from '../../shared/promql/queryable.ts';
import { alertStateFromJSON, DEFAULT_RESEND_DELAY_MS, restoreForState, type PostableAlert, type RuleSample } from '../../shared/alerting/state.ts';
import type { APIAlert, APIRuleGroup } from '../../shared/alerting/api.ts';
import { apiAlerts } from '../../shared/alerting/api.ts';
import { fnv1a32, nextScrapeTime } from '../../shared/scrape/offset.ts';
import type { Clock, Scheduler, TimerHandle } from '../runtime/ports.ts';
import { RuleGroup, type GroupEnv, type PersistedRule } from './group.ts';
import { loadRules, type FileProblem, type RuleFileSource } from './load.ts';
import { STATE_KEYS, type StateStore } from './state-store.ts';

/** What the configuration says about rules (prometheus.yml's rule_files and global settings). */
export interface RuleSettings {
  /** Resolved rule_files patterns. */
  ruleFiles: readonly string[];
  globalIntervalMs: number;
  globalQueryOffsetMs: number;
  externalLabels: Readonly<Record<string, string>>;
}

export interface RuleManagerDeps {
  engine: Engine;
  /** The head: rules query it… */
  queryable: Queryable;
  /** …and append their outputs through its append path (which also feeds the stream). */
  append(samples: readonly RuleSample[], now: number): void;
  clock: Clock;
  scheduler: Scheduler;
  source: RuleFileSource;
  /** Where alert state survives restarts; none keeps it in memory only. */
  store?: StateStore;
  /** Receives the alerts each evaluation decided to send (firing and resolved). */
  onAlerts?: (alerts: PostableAlert[]) => void;
  log?: (line: string) => void;
  /** --web.external-url: alert generator links and `$externalURL`. */
  externalURL?: string;
  /** --rules.alert.resend-delay (default 1m). */
  resendDelayMs?: number;
  /** --rules.alert.for-outage-tolerance (default 1h): longer outages do not restore alert state. */
  outageToleranceMs?: number;
  /** --rules.alert.for-grace-period (default 10m). */
  forGracePeriodMs?: number;
}

export interface ReloadResult {
  ok: boolean;
  errors: FileProblem[];
}

interface PersistedState {
  version: 1;
  /** Clock time of the save: the last moment the alert state is known to be right. */
  savedAt: number;
  groups: Record<string, PersistedRule[]>;
}

/** Runs one group: a timer on the group's phase, one evaluation at a time. */
class GroupLoop {
  private timer: TimerHandle | null = null;
  private stopped = false;
  /** Resolves when the running evaluation (if any) is done. */
  inFlight: Promise<void> = Promise.resolve();
  private readonly offset: number;
  private notBefore = 0;

  constructor(
    readonly group: RuleGroup,
    private readonly manager: RuleManager,
  ) {
    // A stable phase per group, so groups spread over the interval and keep their phase across restarts.
    this.offset = fnv1a32(group.key) % group.intervalMs;
  }

  /** Starts after `after` settles; the first evaluation is not before `notBefore` (clock ms). */
  start(after: Promise<void>, notBefore = 0): void {
    this.notBefore = notBefore;
    void after.then(() => this.schedule());
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.manager.deps.scheduler.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(): void {
    if (this.stopped) return;
    const now = this.manager.deps.clock.now();
    const at = nextScrapeTime(Math.max(now, this.notBefore - 1), this.group.intervalMs, this.offset);
    this.timer = this.manager.deps.scheduler.setTimeout(() => {
      this.timer = null;
      this.inFlight = this.manager.evaluateGroup(this.group, at).finally(() => this.schedule());
    }, at - now);
  }
}

/** Loads rule files and evaluates their groups; the API reads its groups. */
export class RuleManager {
  private loops = new Map<string, GroupLoop>();
  private settings: RuleSettings = { ruleFiles: [], globalIntervalMs: 60_000, globalQueryOffsetMs: 0, externalLabels: {} };
  private running = false;
  private saving: Promise<void> | null = null;
  private saveAgain = false;
  private restoredFrom: PersistedState | null = null;

  constructor(readonly deps: RuleManagerDeps) {}

  /** Groups in load order (file order, then position in the file). */
  groups(): RuleGroup[] {
    return [...this.loops.values()].map((l) => l.group);
  }

  /**
   * Loads the rule files. Any error rejects the whole set and keeps the groups already loaded (none at startup,
   * where the caller refuses to start; on reload the caller logs them).
   */
  async load(settings: RuleSettings): Promise<ReloadResult> {
    const loaded = await loadRules(settings.ruleFiles, this.deps.source);
    if (loaded.errors.length > 0) return { ok: false, errors: loaded.errors };
    this.settings = settings;
    // The old groups stop first and finish their evaluation, so the state taken over is their last.
    const previous = this.loops;
    for (const old of previous.values()) old.stop();
    await Promise.all([...previous.values()].map((l) => l.inFlight));
    const opts = { globalIntervalMs: settings.globalIntervalMs, globalQueryOffsetMs: settings.globalQueryOffsetMs };
    const next = new Map<string, GroupLoop>();
    for (const def of loaded.groups) {
      const g = new RuleGroup(def, opts);
      const old = previous.get(g.key);
      if (old) g.copyStateFrom(old.group);
      else if (this.restoredFrom) this.restoreGroup(g, this.restoredFrom);
      next.set(g.key, new GroupLoop(g, this));
    }
    // Persisted state is for the groups of the first load only.
    this.restoredFrom = null;
    const now = this.deps.clock.now();
    const stale: RuleSample[] = [];
    // Series of removed groups end with stale markers, as Prometheus marks them on reload.
    for (const [key, old] of previous) if (!next.has(key)) stale.push(...old.group.staleSamples(now));
    if (stale.length > 0) this.deps.append(stale, now);
    this.loops = next;
    if (this.running) for (const loop of next.values()) loop.start(Promise.resolve());
    return { ok: true, errors: [] };
  }

  /** Reads persisted alert state; call before the first load so restored groups pick it up. */
  async restore(): Promise<void> {
    const text = await this.deps.store?.get(STATE_KEYS.rules);
    if (!text) return;
    try {
      const s = JSON.parse(text) as PersistedState;
      if (s.version === 1 && typeof s.savedAt === 'number' && typeof s.groups === 'object') this.restoredFrom = s;
    } catch (e) {
      this.deps.log?.(`ignoring unreadable rule state: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * Puts a group's persisted state back as Prometheus's RestoreForState would from ALERTS_FOR_STATE: within the
   * outage tolerance, pending alerts keep counting their `for` (with the grace period); firing and resolved alerts
   * are kept and re-sent at the first evaluation so fresh notifiers learn them (Alertmanager deduplicates).
   */
  private restoreGroup(g: RuleGroup, from: PersistedState): void {
    const saved = from.groups[g.key];
    if (!saved) return;
    const now = this.deps.clock.now();
    const downFor = now - from.savedAt;
    const tolerance = this.deps.outageToleranceMs ?? 3_600_000;
    const grace = this.deps.forGracePeriodMs ?? 10 * 60_000;
    const byId = new Map(saved.map((p) => [p.identity, p]));
    for (const r of g.rules) {
      const p = byId.get(r.identity);
      if (!p) continue;
      if (r.type === 'recording') {
        r.previousSeries = p.previousSeries ?? [];
        continue;
      }
      if (p.alerting === undefined) continue;
      const parsed = alertStateFromJSON(p.alerting);
      if (!parsed.ok) continue;
      let state = parsed.state;
      const lastEval = state.lastEvaluation ?? from.savedAt;
      state = { ...state, restored: true, health: 'unknown', lastError: '' };
      if (downFor > tolerance) {
        state = { ...state, alerts: [] };
      } else {
        const alerts = state.alerts
          .filter((a) => a.state !== 'pending' || r.spec.forMs >= grace)
          .map((a) => ({ ...a, lastSentAt: undefined }));
        state = restoreForState(r.spec, { ...state, alerts }, (labels: Labels) => {
          const a = alerts.find((x) => x.state === 'pending' && sameAlert(x.labels, labels));
          return a ? { t: lastEval, v: Math.trunc(a.activeAt / 1000) } : undefined;
        }, now, { forGracePeriodMs: grace });
      }
      r.state = state;
    }
  }

  /**
   * Starts evaluating every loaded group on its interval. `delayMs` holds the first evaluations back, e.g. one
   * scrape interval so a fresh in-memory head has data and restored alerts are not resolved for want of it.
   */
  start(delayMs = 0): void {
    if (this.running) return;
    this.running = true;
    const notBefore = this.deps.clock.now() + delayMs;
    for (const loop of this.loops.values()) loop.start(Promise.resolve(), notBefore);
  }

  /** Stops the timers (no stale markers: the data simply ends) and writes the state once more. */
  async stop(): Promise<void> {
    this.running = false;
    for (const loop of this.loops.values()) loop.stop();
    await Promise.all([...this.loops.values()].map((l) => l.inFlight));
    await this.save();
  }

  /** Evaluates one group at `ts`, sends its alerts, schedules a state save. Exposed for tests and one-shot runs. */
  async evaluateGroup(group: RuleGroup, ts: number): Promise<void> {
    const env: GroupEnv = {
      engine: this.deps.engine,
      queryable: this.deps.queryable,
      append: (samples, now) => {
        if (samples.length > 0) this.deps.append(samples, now);
      },
      clock: this.deps.clock,
      externalLabels: this.settings.externalLabels,
      externalURL: this.deps.externalURL ?? '',
      resendDelayMs: this.deps.resendDelayMs ?? DEFAULT_RESEND_DELAY_MS,
    };
    try {
      const alerts = await group.evaluate(ts, env);
      if (alerts.length > 0) this.deps.onAlerts?.(alerts);
    } catch (e) {
      // Rule errors are recorded per rule; anything reaching here is a bug, which must not stop the loop.
      this.deps.log?.(`internal error evaluating group ${JSON.stringify(group.name)} in ${group.file}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
    void this.save();
  }

  /** Writes the alert state; concurrent calls coalesce into one more write. */
  save(): Promise<void> {
    const store = this.deps.store;
    if (!store) return Promise.resolve();
    if (this.saving) {
      this.saveAgain = true;
      return this.saving;
    }
    const write = async (): Promise<void> => {
      do {
        this.saveAgain = false;
        const state: PersistedState = { version: 1, savedAt: this.deps.clock.now(), groups: {} };
        for (const g of this.groups()) state.groups[g.key] = g.persisted();
        try {
          await store.put(STATE_KEYS.rules, JSON.stringify(state));
        } catch (e) {
          this.deps.log?.(`cannot save rule state: ${e instanceof Error ? e.message : String(e)}`);
        }
      } while (this.saveAgain);
    };
    this.saving = write().finally(() => {
      this.saving = null;
    });
    return this.saving;
  }

  /** /api/v1/rules groups; `type` keeps only alerting or recording rules (groups left empty are dropped). */
  apiGroups(type?: 'alerting' | 'recording'): APIRuleGroup[] {
    const out = this.groups().map((g) => g.toAPI(type));
    return type === undefined ? out : out.filter((g) => g.rules.length > 0);
  }

  /** /api/v1/alerts: pending and firing alerts of every alerting rule. */
  apiAlerts(): APIAlert[] {
    const out: APIAlert[] = [];
    for (const g of this.groups()) for (const r of g.rules) if (r.type === 'alerting') out.push(...apiAlerts(r.state));
    return out;
  }
}

/** True when the ALERTS_FOR_STATE labels `series` belong to the alert with labels `alert`. */
function sameAlert(alert: Labels, series: Labels): boolean {
  for (const [k, v] of Object.entries(alert)) if (series[k] !== v) return false;
  return true;
}
