// Alertmanager's dispatch core with an injected clock: alert store, routing, grouping, timers, dedup log, muting, payloads.
import { isValidLabelName, isValidLabelValue } from '../../rules/names.ts';
import { goQuote } from '../../rules/template/gofmt.ts';
import type { PostableAlert } from '../state.ts';
import { parseRFC3339 } from '../time.ts';
import type { AlertmanagerConfig, IntegrationConfig, ReceiverConfig } from './config.ts';
import { fingerprint } from './hash.ts';
import { inhibitedBy, type InhibitCandidate } from './inhibit.ts';
import { integrationRequest, type NotificationContext, type OutgoingRequest } from './payloads.ts';
import type { NotifyAlert } from './templating.ts';
import { buildRouteTree, groupLabels, matchRoutes, routeID, routeKey, type Route } from './route.ts';
import { silencedBy, silenceState, validateSilence, type Silence } from './silence.ts';

/** Time source; tests pass a fake one. */
export interface Clock {
  now(): number;
}

/** An alert held by the notifier (types.Alert). Times in ms. */
export interface StoredAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: number;
  endsAt: number;
  generatorURL: string;
  fingerprint: string;
  updatedAt: number;
  /** endsAt was filled in from resolve_timeout. */
  timeout: boolean;
}

/** A notification due now: one integration of one receiver for one group. */
export interface Notification {
  id: string;
  receiver: string;
  integration: IntegrationConfig['kind'];
  integrationIndex: number;
  groupKey: string;
  groupLabels: Record<string, string>;
  /** The alerts in the payload (resolved ones only with send_resolved). */
  alerts: NotifyAlert[];
  /** The POST to make; absent when building it failed (see `error`). */
  request?: OutgoingRequest;
  error?: string;
  createdAt: number;
}

/** The API view of an alert (GET /api/v2/alerts). */
export interface AlertStatus extends StoredAlert {
  receivers: string[];
  state: 'active' | 'suppressed' | 'unprocessed';
  silencedBy: string[];
  inhibitedBy: string[];
}

interface Group {
  key: string;
  route: Route;
  labels: Record<string, string>;
  alerts: Map<string, StoredAlert>;
  nextFlush: number;
  hasFlushed: boolean;
}

interface LogEntry {
  firing: Set<string>;
  resolved: Set<string>;
  timestamp: number;
}

interface Flush {
  mapKey: string;
  group: Group;
  pending: Set<string>;
  failed: boolean;
  /** Resolved alerts to drop once every integration succeeded, unless updated meanwhile. */
  resolved: { fp: string; updatedAt: number }[];
  logUpdates: Map<string, LogUpdate>;
}

/** What a notification writes to the log once delivered, and what its dedup check needs again. */
interface LogUpdate {
  logKey: string;
  entry: LogEntry;
  sendResolved: boolean;
  repeatMs: number;
}

export interface DispatcherOptions {
  clock: Clock;
  /** Alertmanager's --web.external-url, used in payloads and links. */
  externalURL?: string;
  /** Resolved alerts are dropped from the store after this long (--alerts.gc-interval). */
  gcIntervalMs?: number;
}

/** model.LabelSet.String(): `{a="b", c="d"}`. */
export function labelSetString(labels: Readonly<Record<string, string>>): string {
  return '{' + Object.keys(labels).sort().map((k) => `${k}=${goQuote(labels[k])}`).join(', ') + '}';
}

/** types.AlertSlice ordering: by job, then instance, then the label sets. */
export function compareAlerts(a: { labels: Record<string, string> }, b: { labels: Record<string, string> }): number {
  for (const k of ['job', 'instance']) {
    const x = a.labels[k];
    const y = b.labels[k];
    if (x === undefined && y === undefined) continue;
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    if (x !== y) return x < y ? -1 : 1;
  }
  return labelSetBefore(a.labels, b.labels) ? -1 : labelSetBefore(b.labels, a.labels) ? 1 : 0;
}

function labelSetBefore(a: Record<string, string>, b: Record<string, string>): boolean {
  const an = Object.keys(a);
  const bn = Object.keys(b);
  if (an.length !== bn.length) return an.length < bn.length;
  for (const n of [...an, ...bn].sort()) {
    if (!(n in a)) return true;
    if (!(n in b)) return false;
    if (a[n] !== b[n]) return a[n] < b[n];
  }
  return false;
}

/** types.Alert.Merge: the newer update wins, the earliest start is kept, explicit ends beat timeouts. */
function mergeAlerts(a: StoredAlert, o: StoredAlert, now: number): StoredAlert {
  if (o.updatedAt < a.updatedAt) return mergeAlerts(o, a, now);
  const res = { ...o };
  if (a.startsAt < o.startsAt) res.startsAt = a.startsAt;
  if (o.endsAt <= now) {
    if (a.endsAt <= now && a.endsAt > o.endsAt) res.endsAt = a.endsAt;
  } else if (a.endsAt > o.endsAt && !a.timeout) {
    res.endsAt = a.endsAt;
  }
  return res;
}

/** Routes, groups and times notifications like Alertmanager; delivery is left to the caller. */
export class Dispatcher {
  private readonly root: Route;
  private readonly receivers: Map<string, ReceiverConfig>;
  private readonly store = new Map<string, StoredAlert>();
  private readonly groups = new Map<string, Group>();
  private readonly log = new Map<string, LogEntry>();
  private readonly byNotification = new Map<string, Flush>();
  private silenceList: Silence[] = [];
  private seq = 0;
  private readonly externalURL: string;
  private readonly gcIntervalMs: number;

  constructor(
    private readonly config: AlertmanagerConfig,
    private readonly opts: DispatcherOptions,
  ) {
    this.root = buildRouteTree(config.route);
    this.receivers = new Map(config.receivers.map((r) => [r.name, r]));
    this.externalURL = opts.externalURL ?? '';
    this.gcIntervalMs = opts.gcIntervalMs ?? 30 * 60_000;
  }

  /**
   * POST /api/v2/alerts: validates, fills startsAt/endsAt (resolve_timeout), merges with the stored
   * alert of the same fingerprint, then routes it into its groups.
   */
  receiveAlerts(alerts: readonly PostableAlert[], now = this.opts.clock.now()): { accepted: number; errors: string[] } {
    const errors: string[] = [];
    let accepted = 0;
    for (const p of alerts) {
      const err = this.validate(p);
      if (err) {
        errors.push(err);
        continue;
      }
      let startsAt = parseRFC3339(p.startsAt);
      let endsAt = parseRFC3339(p.endsAt);
      let timeout = false;
      startsAt ??= endsAt ?? now;
      if (endsAt === undefined) {
        timeout = true;
        endsAt = now + this.config.global.resolveTimeoutMs;
      }
      const fp = fingerprint(p.labels);
      let alert: StoredAlert = {
        labels: { ...p.labels },
        annotations: { ...(p.annotations ?? {}) },
        startsAt,
        endsAt,
        generatorURL: p.generatorURL ?? '',
        fingerprint: fp,
        updatedAt: now,
        timeout,
      };
      const old = this.store.get(fp);
      if (old && ((alert.endsAt > old.startsAt && alert.endsAt < old.endsAt) || (alert.startsAt > old.startsAt && alert.startsAt < old.endsAt))) {
        alert = mergeAlerts(old, alert, now);
      }
      this.store.set(fp, alert);
      this.route(alert, now);
      accepted++;
    }
    return { accepted, errors };
  }

  private validate(p: PostableAlert): string | null {
    const names = Object.keys(p.labels ?? {});
    if (names.length === 0) return 'at least one label pair required';
    for (const n of names) {
      if (!isValidLabelName(n)) return `invalid label name ${JSON.stringify(n)}`;
      if (!isValidLabelValue(p.labels[n]) || p.labels[n] === '') return `invalid label value ${JSON.stringify(p.labels[n])}`;
    }
    for (const [field, v] of [['startsAt', p.startsAt], ['endsAt', p.endsAt]] as const) {
      if (v !== undefined && v !== '' && parseRFC3339(v) === undefined && !v.startsWith('0001-01-01')) return `invalid ${field}: ${JSON.stringify(v)}`;
    }
    const s = parseRFC3339(p.startsAt);
    const e = parseRFC3339(p.endsAt);
    if (s !== undefined && e !== undefined && e < s) return 'start time must be before end time';
    return null;
  }

  private route(alert: StoredAlert, now: number): void {
    for (const r of matchRoutes(this.root, alert.labels)) {
      const gl = groupLabels(r, alert.labels);
      const key = `${routeKey(r)}:${labelSetString(gl)}`;
      // Groups are per route node; two routes with equal keys stay apart.
      const mapKey = `${routeID(r)}\u0000${key}`;
      let g = this.groups.get(mapKey);
      if (!g) {
        g = { key, route: r, labels: gl, alerts: new Map(), nextFlush: now + r.groupWaitMs, hasFlushed: false };
        this.groups.set(mapKey, g);
      }
      g.alerts.set(alert.fingerprint, alert);
      // An alert that is already older than group_wait is flushed at once.
      if (!g.hasFlushed && alert.startsAt + r.groupWaitMs < now) g.nextFlush = now;
    }
  }

  /** Adds or replaces a silence. */
  putSilence(s: Silence): { ok: true } | { ok: false; error: string } {
    const err = validateSilence(s);
    if (err) return { ok: false, error: err };
    this.silenceList = [...this.silenceList.filter((x) => x.id !== s.id), { ...s, matchers: [...s.matchers] }];
    return { ok: true };
  }

  /** Ends a silence now (it stays listed as expired). */
  expireSilence(id: string, now = this.opts.clock.now()): boolean {
    const s = this.silenceList.find((x) => x.id === id);
    if (!s || silenceState(s, now) === 'expired') return false;
    s.endsAt = Math.max(now, s.startsAt);
    return true;
  }

  silences(): Silence[] {
    return this.silenceList.map((s) => ({ ...s }));
  }

  /** When the next group flush is due (for the caller's timer), if any group exists. */
  nextDue(): number | undefined {
    let min: number | undefined;
    for (const g of this.groups.values()) if (min === undefined || g.nextFlush < min) min = g.nextFlush;
    return min;
  }

  /** Alerts that may inhibit others; computed once per flush or listing. */
  private inhibitCandidates(now: number): InhibitCandidate[] {
    if (this.config.inhibitRules.length === 0) return [];
    return [...this.store.values()].map((a) => ({ labels: a.labels, fingerprint: a.fingerprint, resolved: a.endsAt <= now }));
  }

  private muted(labels: Record<string, string>, now: number, candidates: InhibitCandidate[]): { silencedBy: string[]; inhibitedBy: string[] } {
    const sil = silencedBy(this.silenceList, labels, now);
    const inh = inhibitedBy(this.config.inhibitRules, candidates, labels);
    return { silencedBy: sil, inhibitedBy: inh ? [inh] : [] };
  }

  /** Flushes every group whose timer is due and returns the notifications to deliver. */
  tick(now = this.opts.clock.now()): Notification[] {
    for (const [fp, a] of this.store) if (a.endsAt + this.gcIntervalMs <= now) this.store.delete(fp);
    const out: Notification[] = [];
    const due = [...this.groups.entries()].filter(([, g]) => g.nextFlush <= now).sort((x, y) => x[1].nextFlush - y[1].nextFlush);
    for (const [mapKey, g] of due) {
      g.nextFlush = now + g.route.groupIntervalMs;
      g.hasFlushed = true;
      out.push(...this.flush(mapKey, g, now));
    }
    return out;
  }

  private flush(mapKey: string, g: Group, now: number): Notification[] {
    const all = [...g.alerts.values()].sort(compareAlerts);
    const resolvedSnapshot = all.filter((a) => a.endsAt <= now).map((a) => ({ fp: a.fingerprint, updatedAt: a.updatedAt }));
    const visible: NotifyAlert[] = [];
    const candidates = this.inhibitCandidates(now);
    for (const a of all) {
      const m = this.muted(a.labels, now, candidates);
      if (m.silencedBy.length > 0 || m.inhibitedBy.length > 0) continue;
      const resolved = a.endsAt <= now;
      visible.push({
        status: resolved ? 'resolved' : 'firing',
        labels: a.labels,
        annotations: a.annotations,
        startsAt: a.startsAt,
        // Firing alerts must not look resolved as time moves on.
        endsAt: resolved ? a.endsAt : undefined,
        generatorURL: a.generatorURL,
        fingerprint: a.fingerprint,
      });
    }
    const flush: Flush = { mapKey, group: g, pending: new Set(), failed: false, resolved: resolvedSnapshot, logUpdates: new Map() };
    const notifications: Notification[] = [];
    const receiver = this.receivers.get(g.route.receiver);
    const firing = new Set(visible.filter((a) => a.status === 'firing').map((a) => a.fingerprint));
    const resolved = new Set(visible.filter((a) => a.status === 'resolved').map((a) => a.fingerprint));
    if (visible.length > 0 && receiver) {
      receiver.integrations.forEach((integ, index) => {
        const logKey = `${g.key}\u0000${receiver.name}\u0000${integ.kind}\u0000${index}`;
        if (!this.needsUpdate(this.log.get(logKey), firing, resolved, integ.sendResolved, g.route.repeatIntervalMs, now)) return;
        const entry: LogEntry = { firing, resolved, timestamp: now };
        const toSend = integ.sendResolved ? visible : visible.filter((a) => a.status === 'firing');
        if (toSend.length === 0) {
          // Nothing to tell this receiver, but the log must forget the alerts it was told about.
          this.log.set(logKey, entry);
          return;
        }
        const id = `n${++this.seq}`;
        const ctx: NotificationContext = { receiver: receiver.name, groupKey: g.key, groupLabels: g.labels, externalURL: this.externalURL };
        const built = integrationRequest(integ, ctx, toSend);
        const n: Notification = { id, receiver: receiver.name, integration: integ.kind, integrationIndex: index, groupKey: g.key, groupLabels: { ...g.labels }, alerts: toSend, createdAt: now };
        if (built.ok) {
          n.request = built.request;
          flush.pending.add(id);
          flush.logUpdates.set(id, { logKey, entry, sendResolved: integ.sendResolved, repeatMs: g.route.repeatIntervalMs });
          this.byNotification.set(id, flush);
        } else {
          n.error = built.error;
          flush.failed = true;
        }
        notifications.push(n);
      });
    }
    if (flush.pending.size === 0) this.finishFlush(flush);
    return notifications;
  }

  /** DedupStage.needsUpdate. */
  private needsUpdate(entry: LogEntry | undefined, firing: Set<string>, resolved: Set<string>, sendResolved: boolean, repeatMs: number, now: number): boolean {
    if (!entry) return firing.size > 0;
    for (const fp of firing) if (!entry.firing.has(fp)) return true;
    if (firing.size === 0) return entry.firing.size > 0;
    if (sendResolved) for (const fp of resolved) if (!entry.resolved.has(fp)) return true;
    return entry.timestamp < now - repeatMs;
  }

  /** Records the delivery outcome of a notification returned by tick(); the log entry is stamped now (nflog.Log). */
  report(id: string, ok: boolean, now = this.opts.clock.now()): void {
    const flush = this.byNotification.get(id);
    if (!flush) return;
    this.byNotification.delete(id);
    flush.pending.delete(id);
    const upd = flush.logUpdates.get(id);
    if (ok && upd) this.log.set(upd.logKey, { ...upd.entry, timestamp: now });
    if (!ok) flush.failed = true;
    if (flush.pending.size === 0) this.finishFlush(flush);
  }

  /**
   * The dedup check again, just before a notification returned by tick() is sent: an earlier delivery to the same
   * group and integration, still in flight when this one was flushed, may have succeeded since (Alertmanager runs
   * a group's flushes one after another, so its dedup stage sees that success). When the log now covers this
   * notification's alerts, it is settled without being sent or logged, and false is returned.
   */
  stillNeeded(id: string, now = this.opts.clock.now()): boolean {
    const flush = this.byNotification.get(id);
    const upd = flush?.logUpdates.get(id);
    if (!flush || !upd) return true;
    if (this.needsUpdate(this.log.get(upd.logKey), upd.entry.firing, upd.entry.resolved, upd.sendResolved, upd.repeatMs, now)) return true;
    this.byNotification.delete(id);
    flush.pending.delete(id);
    if (flush.pending.size === 0) this.finishFlush(flush);
    return false;
  }

  private finishFlush(flush: Flush): void {
    if (flush.failed) return;
    const g = flush.group;
    // Resolved alerts that were notified are dropped, unless they changed during the flush.
    for (const r of flush.resolved) {
      const cur = g.alerts.get(r.fp);
      if (cur && cur.updatedAt === r.updatedAt) g.alerts.delete(r.fp);
    }
    if (g.alerts.size === 0 && this.groups.get(flush.mapKey) === g) this.groups.delete(flush.mapKey);
  }

  /** Stored alerts with their receivers and mute state. */
  alerts(now = this.opts.clock.now()): AlertStatus[] {
    const candidates = this.inhibitCandidates(now);
    return [...this.store.values()].sort(compareAlerts).map((a) => {
      const m = this.muted(a.labels, now, candidates);
      const receivers = [...new Set(matchRoutes(this.root, a.labels).map((r) => r.receiver))];
      return { ...a, receivers, state: m.silencedBy.length > 0 || m.inhibitedBy.length > 0 ? 'suppressed' : 'active', ...m };
    });
  }

  /** Current aggregation groups (GET /api/v2/alerts/groups). */
  alertGroups(): { groupKey: string; receiver: string; labels: Record<string, string>; fingerprints: string[]; nextFlush: number }[] {
    return [...this.groups.values()].map((g) => ({ groupKey: g.key, receiver: g.route.receiver, labels: { ...g.labels }, fingerprints: [...g.alerts.keys()], nextFlush: g.nextFlush }));
  }
}


