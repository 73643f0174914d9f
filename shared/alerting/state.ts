// The alerting-rule state machine (inactive → pending → firing → resolved), ALERTS/ALERTS_FOR_STATE samples and alerts to send.
import { compareLabels, labelsKey, METRIC_NAME, type Labels } from '../model/labels.ts';
import { STALE_NAN } from '../model/stale.ts';
import { alertExpander, tableLinkForExpression, type TemplateQueryFn } from '../rules/template/index.ts';
import { formatRFC3339 } from './time.ts';

export type AlertState = 'pending' | 'firing' | 'inactive';

/** One alert instance of a rule. Times are Unix ms; undefined is Go's zero time. */
export interface AlertInstance {
  state: AlertState;
  labels: Labels;
  annotations: Labels;
  value: number;
  activeAt: number;
  firedAt?: number;
  resolvedAt?: number;
  lastSentAt?: number;
  validUntil?: number;
  keepFiringSince?: number;
}

/** The alerting rule as configured (group labels already merged into `labels`). */
export interface AlertingRuleSpec {
  name: string;
  /** The query text; used for generatorURL (Prometheus uses its printed form). */
  expr: string;
  forMs: number;
  keepFiringForMs: number;
  labels: Readonly<Record<string, string>>;
  annotations: Readonly<Record<string, string>>;
}

export type RuleHealth = 'unknown' | 'ok' | 'err';

/** Everything that must survive between evaluations and across restarts (see alertStateToJSON). */
export interface AlertingRuleState {
  alerts: AlertInstance[];
  health: RuleHealth;
  lastError: string;
  lastEvaluation?: number;
  /** False until `for` state was restored; Prometheus writes no ALERTS series before that. */
  restored: boolean;
  /** Series written at the last successful evaluation, to emit stale markers for vanished ones. */
  previousSeries: Labels[];
}

/** An element of the rule's instant-vector result. */
export interface VectorSample {
  labels: Labels;
  value: number;
}

/** A sample the rule writes back (ALERTS, ALERTS_FOR_STATE, recording output, stale markers). */
export interface RuleSample {
  labels: Labels;
  t: number;
  v: number;
}

/** Alertmanager's postable alert (API v2 shape, RFC3339 times). */
export interface PostableAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  startsAt: string;
  endsAt: string;
  generatorURL: string;
}

export interface AlertEvalOptions {
  /** Group evaluation interval. */
  intervalMs: number;
  /** --rules.alert.resend-delay, default 1m. */
  resendDelayMs?: number;
  queryOffsetMs?: number;
  /** Group `limit`; 0 is none. */
  limit?: number;
  externalLabels?: Readonly<Record<string, string>>;
  externalURL?: string;
  /** For `query` inside templates. */
  query?: TemplateQueryFn;
}

export interface AlertEvalResult {
  state: AlertingRuleState;
  samples: RuleSample[];
  alertsToSend: PostableAlert[];
  /** Set when the evaluation failed; nothing is written or sent then. */
  error?: string;
}

/** Resolved alerts are kept (and re-sent) this long. */
export const RESOLVED_RETENTION_MS = 15 * 60_000;
export const DEFAULT_RESEND_DELAY_MS = 60_000;
export const ERR_DUPLICATE_ALERT_LABELSET = 'vector contains metrics with the same labelset after applying alert labels';

/** A rule that has never been evaluated. */
export function newAlertingRuleState(restored = true): AlertingRuleState {
  return { alerts: [], health: 'unknown', lastError: '', restored, previousSeries: [] };
}

function withLabel(base: Record<string, string>, name: string, value: string): void {
  // labels.Builder: setting an empty value deletes the label.
  if (value === '') delete base[name];
  else base[name] = value;
}

/** Labels of the ALERTS / ALERTS_FOR_STATE series: raw rule labels, overlaid by the alert's labels. */
function seriesLabels(rule: AlertingRuleSpec, alert: AlertInstance, metric: string, state?: AlertState): Labels {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(rule.labels)) withLabel(out, k, v);
  for (const [k, v] of Object.entries(alert.labels)) withLabel(out, k, v);
  out[METRIC_NAME] = metric;
  out.alertname = rule.name;
  if (state) out.alertstate = state;
  return out;
}

function needsSending(a: AlertInstance, now: number, resendDelayMs: number): boolean {
  if (a.state === 'pending') return false;
  // An unset LastSentAt is Go's zero time, long before any evaluation.
  if (a.lastSentAt === undefined) return true;
  if (a.resolvedAt !== undefined && a.resolvedAt > a.lastSentAt) return true;
  // Strictly after: with a 30s interval and 1m delay Prometheus re-sends every 90s.
  return a.lastSentAt + resendDelayMs < now;
}

/** Stale markers for series written last time but not this time. */
export function staleMarkers(previous: readonly Labels[], current: readonly Labels[], t: number): RuleSample[] {
  const now = new Set(current.map(labelsKey));
  return previous.filter((l) => !now.has(labelsKey(l))).map((labels) => ({ labels, t, v: STALE_NAN }));
}

/**
 * One evaluation of an alerting rule at `now` over its query result, as Prometheus's AlertingRule.Eval
 * followed by sendAlerts. Pure: the input state is not modified.
 */
export function evaluateAlertingRule(rule: AlertingRuleSpec, prev: AlertingRuleState, vector: readonly VectorSample[], now: number, opts: AlertEvalOptions): AlertEvalResult {
  const resendDelay = opts.resendDelayMs ?? DEFAULT_RESEND_DELAY_MS;
  const sampleTime = now - (opts.queryOffsetMs ?? 0);
  const fail = (error: string, alerts: AlertInstance[]): AlertEvalResult => ({
    state: { ...prev, alerts, health: 'err', lastError: error, lastEvaluation: now },
    samples: [],
    alertsToSend: [],
    error,
  });

  // Steps 1–3 of the spec: labels from the series, templated rule labels, alertname.
  const fresh = new Map<string, AlertInstance>();
  for (const s of vector) {
    const tmplInput = { labels: s.labels, value: s.value, externalLabels: opts.externalLabels, externalURL: opts.externalURL };
    const expand = alertExpander(rule.name, tmplInput, { timeMs: now, query: opts.query, externalURL: opts.externalURL });
    const labels: Record<string, string> = { ...s.labels };
    delete labels[METRIC_NAME];
    for (const [k, v] of Object.entries(rule.labels)) withLabel(labels, k, expand(v));
    labels.alertname = rule.name;
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries(rule.annotations)) annotations[k] = expand(v);
    const key = labelsKey(labels);
    // Step 4: identical label sets make the whole evaluation fail.
    if (fresh.has(key)) return fail(ERR_DUPLICATE_ALERT_LABELSET, prev.alerts);
    fresh.set(key, { state: 'pending', labels, annotations, value: s.value, activeAt: now });
  }

  const active = new Map<string, AlertInstance>();
  for (const a of prev.alerts) active.set(labelsKey(a.labels), { ...a });
  for (const [key, a] of fresh) {
    const old = active.get(key);
    if (old && old.state !== 'inactive') {
      old.value = a.value;
      old.annotations = a.annotations;
      continue;
    }
    active.set(key, a);
  }

  let numActive = 0;
  const samples: RuleSample[] = [];
  for (const [key, a] of active) {
    if (!fresh.has(key)) {
      let keepFiring = false;
      if (a.state === 'firing' && rule.keepFiringForMs > 0) {
        a.keepFiringSince ??= now;
        keepFiring = now - a.keepFiringSince < rule.keepFiringForMs;
      }
      if (a.state === 'pending' || (a.resolvedAt !== undefined && now - a.resolvedAt > RESOLVED_RETENTION_MS)) active.delete(key);
      if (a.state !== 'inactive' && !keepFiring) {
        a.state = 'inactive';
        a.resolvedAt = now;
      }
      if (!keepFiring) continue;
    } else {
      a.keepFiringSince = undefined;
    }
    numActive++;
    if (a.state === 'pending' && now - a.activeAt >= rule.forMs) {
      a.state = 'firing';
      a.firedAt = now;
    }
    if (prev.restored) {
      samples.push({ labels: seriesLabels(rule, a, 'ALERTS', a.state), t: sampleTime, v: 1 });
      samples.push({ labels: seriesLabels(rule, a, 'ALERTS_FOR_STATE'), t: sampleTime, v: Math.trunc(a.activeAt / 1000) });
    }
  }

  const limit = opts.limit ?? 0;
  if (limit > 0 && numActive > limit) return fail(`exceeded limit of ${limit} with ${numActive} alerts`, []);

  // sendAlerts: only after a successful evaluation.
  const alertsToSend: PostableAlert[] = [];
  const alerts = [...active.values()].sort((x, y) => compareLabels(x.labels, y.labels));
  const generatorURL = (opts.externalURL ?? '') + tableLinkForExpression(rule.expr);
  for (const a of alerts) {
    if (!needsSending(a, now, resendDelay)) continue;
    a.lastSentAt = now;
    // Allow for two missed evaluations or Alertmanager send failures.
    a.validUntil = now + 4 * Math.max(opts.intervalMs, resendDelay);
    alertsToSend.push({
      labels: { ...a.labels },
      annotations: { ...a.annotations },
      startsAt: formatRFC3339(a.firedAt),
      endsAt: formatRFC3339(a.resolvedAt ?? a.validUntil),
      generatorURL,
    });
  }

  const current = samples.map((s) => s.labels);
  const stale = staleMarkers(prev.previousSeries, current, sampleTime);
  return {
    state: { alerts, health: 'ok', lastError: '', lastEvaluation: now, restored: prev.restored, previousSeries: current },
    samples: [...samples, ...stale],
    alertsToSend,
  };
}

/** The rule's state for the API: firing > pending > inactive; "unknown" before the first evaluation. */
export function ruleState(s: AlertingRuleState): AlertState | 'unknown' {
  if (s.lastEvaluation === undefined) return 'unknown';
  if (s.alerts.some((a) => a.state === 'firing')) return 'firing';
  if (s.alerts.some((a) => a.state === 'pending')) return 'pending';
  return 'inactive';
}

/** Pending and firing alerts (resolved ones are only kept for re-sending). */
export function activeAlerts(s: AlertingRuleState): AlertInstance[] {
  return s.alerts.filter((a) => a.resolvedAt === undefined);
}

/** The last ALERTS_FOR_STATE sample of an alert: `t` in ms, `v` = its ActiveAt in Unix seconds. */
export interface ForStateSample {
  t: number;
  v: number;
}

export interface RestoreOptions {
  /** --rules.alert.for-grace-period, default 10m. */
  forGracePeriodMs?: number;
}

/**
 * Prometheus's RestoreForState after a restart: shifts ActiveAt of pending alerts using the last
 * ALERTS_FOR_STATE sample (looked up by the caller within the outage tolerance), then marks the rule restored.
 */
export function restoreForState(
  rule: AlertingRuleSpec,
  state: AlertingRuleState,
  lookup: (seriesLabels: Labels) => ForStateSample | undefined,
  now: number,
  opts: RestoreOptions = {},
): AlertingRuleState {
  const grace = opts.forGracePeriodMs ?? 10 * 60_000;
  const restored: AlertingRuleState = { ...state, restored: true, alerts: state.alerts.map((a) => ({ ...a })) };
  // A `for` shorter than the grace period is not worth restoring: the alert just starts over.
  if (rule.forMs < grace) return restored;
  for (const a of restored.alerts) {
    if (a.state !== 'pending') continue;
    const s = lookup(seriesLabels(rule, a, 'ALERTS_FOR_STATE'));
    if (!s) continue;
    const downAt = Math.trunc(s.t / 1000) * 1000;
    let activeAt = s.v * 1000;
    const remaining = rule.forMs - (downAt - activeAt);
    if (remaining <= 0) {
      // It was firing when we went down; the next evaluation decides again.
    } else if (remaining < grace) {
      activeAt = now + grace - rule.forMs;
    } else {
      activeAt += now - downAt;
    }
    a.activeAt = activeAt;
  }
  return restored;
}

type JSONAlert = Omit<AlertInstance, 'value'> & { value: string };

/** Serialises the state (numbers that JSON cannot hold, like NaN, are kept as strings). */
export function alertStateToJSON(s: AlertingRuleState): string {
  const alerts: JSONAlert[] = s.alerts.map((a) => ({ ...a, value: String(a.value) }));
  return JSON.stringify({ version: 1, ...s, alerts });
}

/** Restores a state written by alertStateToJSON; a malformed input is reported, not thrown. */
export function alertStateFromJSON(text: string): { ok: true; state: AlertingRuleState } | { ok: false; error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `invalid alert state JSON: ${e instanceof Error ? e.message : String(e)}` };
  }
  const o = raw as Partial<AlertingRuleState> & { version?: number; alerts?: JSONAlert[] };
  if (typeof o !== 'object' || o === null || o.version !== 1 || !Array.isArray(o.alerts)) return { ok: false, error: 'invalid alert state: expected version 1 with an alerts list' };
  const states = new Set(['pending', 'firing', 'inactive']);
  for (const a of o.alerts) {
    if (!states.has(a.state) || typeof a.activeAt !== 'number' || typeof a.labels !== 'object') return { ok: false, error: 'invalid alert state: malformed alert' };
  }
  return {
    ok: true,
    state: {
      alerts: o.alerts.map((a) => ({ ...a, value: Number(a.value) })),
      health: o.health ?? 'unknown',
      lastError: o.lastError ?? '',
      lastEvaluation: o.lastEvaluation,
      restored: o.restored ?? true,
      previousSeries: o.previousSeries ?? [],
    },
  };
}
