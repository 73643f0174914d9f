// One rule group at run time: its compiled rules, their state, and one evaluation (rules in order, outputs appended as they go).
import { labelsKey, type Labels } from '../../shared/model/labels.ts';
import type { Expr } from '../../shared/promql/ast.ts';
import type { Engine } from '../../shared/promql/engine/index.ts';
import { printExpr } from '../../shared/promql/printer.ts';
import type { Queryable } from '../../shared/promql/queryable.ts';
import { QueryError } from '../../shared/promql/result.ts';
import { apiAlertingRule, apiRecordingRule, apiRuleGroup, type APIAlertingRule, type APIRecordingRule, type APIRuleGroup } from '../../shared/alerting/api.ts';
import { shapeRecordingOutput } from '../../shared/alerting/recording.ts';
import { alertingSpec, recordingSpec } from '../../shared/alerting/specs.ts';
import {
  alertStateToJSON,
  evaluateAlertingRule,
  newAlertingRuleState,
  staleMarkers,
  type AlertingRuleSpec,
  type AlertingRuleState,
  type PostableAlert,
  type RuleHealth,
  type RuleSample,
  type VectorSample,
} from '../../shared/alerting/state.ts';
import type { TemplateQueryFn } from '../../shared/rules/template/index.ts';
import type { RuleGroupDef } from '../../shared/rules/rulefile.ts';
import type { Clock } from '../runtime/ports.ts';
import { parseRuleExpr } from './load.ts';

/** What a group needs from the gateway; the same for every group. */
export interface GroupEnv {
  engine: Engine;
  /** The head as of the evaluation (rule outputs appended earlier in the group are visible). */
  queryable: Queryable;
  /** The head's append path (also feeds the stream). */
  append(samples: readonly RuleSample[], now: number): void;
  clock: Clock;
  externalLabels: Readonly<Record<string, string>>;
  externalURL: string;
  resendDelayMs: number;
}

interface RuleCommon {
  /** Identity across reloads: type, name and labels, as Prometheus's CopyState matches rules. */
  identity: string;
  expr: Expr;
  /** The printed expression (what Prometheus shows as `query` and links to). */
  query: string;
  evalTimeSec: number;
}

export interface RecordingRuntime extends RuleCommon {
  type: 'recording';
  spec: { name: string; labels: Record<string, string> };
  health: RuleHealth;
  lastError: string;
  lastEvaluation?: number;
  /** Series written by the last successful evaluation, to mark vanished ones stale. */
  previousSeries: Labels[];
}

export interface AlertingRuntime extends RuleCommon {
  type: 'alerting';
  spec: AlertingRuleSpec;
  state: AlertingRuleState;
  /** Whether templates use `query` (evaluated asynchronously before expanding). */
  templatesQuery: boolean;
}

export type RuleRuntime = RecordingRuntime | AlertingRuntime;

/** A rule's persisted part: alert state for alerting rules, written series for recording rules. */
export interface PersistedRule {
  identity: string;
  alerting?: string;
  previousSeries?: Labels[];
}

/** Rule query results as Prometheus's rule query function returns them: scalars become a one-element vector. */
async function queryVector(env: GroupEnv, expr: Expr, query: string, t: number): Promise<VectorSample[]> {
  const res = await env.engine.evaluate(env.queryable, { expr, query, start: t, end: t, step: 0 });
  if (res.resultType === 'vector') return res.result.map((s) => ({ labels: s.labels, value: s.v }));
  if (res.resultType === 'scalar') return [{ labels: {}, value: res.result.v }];
  throw new QueryError('execution', 'rule result is not a vector or scalar');
}

function errorText(e: unknown): string {
  if (e instanceof QueryError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** The evaluation interval a group runs at: its own, else (unset or 0, as Prometheus treats it) the global one. */
export function groupInterval(def: RuleGroupDef, globalIntervalMs: number): number {
  return def.intervalMs || globalIntervalMs;
}

/** A loaded group, ready to evaluate. */
export class RuleGroup {
  readonly name: string;
  readonly file: string;
  readonly intervalMs: number;
  readonly limit: number;
  readonly queryOffsetMs: number;
  readonly rules: RuleRuntime[];
  /** file + name: a group's identity across reloads. */
  readonly key: string;
  lastEvaluation?: number;
  evaluationTimeSec = 0;

  constructor(def: RuleGroupDef, opts: { globalIntervalMs: number; globalQueryOffsetMs: number }) {
    this.name = def.name;
    this.file = def.file;
    this.key = `${def.file};${def.name}`;
    this.intervalMs = groupInterval(def, opts.globalIntervalMs);
    this.limit = def.limit;
    this.queryOffsetMs = def.queryOffsetMs ?? opts.globalQueryOffsetMs;
    const seen = new Map<string, number>();
    this.rules = def.rules.map((r) => {
      const expr = parseRuleExpr(r.expr);
      const query = printExpr(expr);
      const base = `${r.type}\x00${r.name}\x00${labelsKey(r.labels)}`;
      const n = seen.get(base) ?? 0;
      seen.set(base, n + 1);
      const identity = `${base}\x00${n}`;
      if (r.type === 'recording') {
        return { type: 'recording', identity, expr, query, evalTimeSec: 0, spec: recordingSpec(r, def), health: 'unknown', lastError: '', previousSeries: [] };
      }
      const spec = { ...alertingSpec(r, def), expr: query };
      const templatesQuery = [...Object.values(spec.labels), ...Object.values(spec.annotations)].some((t) => /\bquery\b/.test(t));
      return { type: 'alerting', identity, expr, query, evalTimeSec: 0, spec, state: newAlertingRuleState(), templatesQuery };
    });
  }

  /** Takes over the state of the rules of an older version of this group (same identity), as a reload does. */
  copyStateFrom(old: RuleGroup): void {
    const byId = new Map(old.rules.map((r) => [r.identity, r]));
    for (const r of this.rules) {
      const o = byId.get(r.identity);
      if (!o || o.type !== r.type) continue;
      r.evalTimeSec = o.evalTimeSec;
      if (r.type === 'recording' && o.type === 'recording') {
        Object.assign(r, { health: o.health, lastError: o.lastError, lastEvaluation: o.lastEvaluation, previousSeries: o.previousSeries });
      } else if (r.type === 'alerting' && o.type === 'alerting') {
        r.state = o.state;
      }
    }
    this.lastEvaluation = old.lastEvaluation;
    this.evaluationTimeSec = old.evaluationTimeSec;
  }

  /** Evaluates every rule in order at `ts`; returns the alerts to send. Rule failures are recorded, not thrown. */
  async evaluate(ts: number, env: GroupEnv): Promise<PostableAlert[]> {
    const started = env.clock.now();
    const t = ts - this.queryOffsetMs;
    const toSend: PostableAlert[] = [];
    for (const rule of this.rules) {
      const ruleStart = env.clock.now();
      if (rule.type === 'recording') await this.evalRecording(rule, ts, t, env);
      else toSend.push(...(await this.evalAlerting(rule, ts, t, env)));
      rule.evalTimeSec = (env.clock.now() - ruleStart) / 1000;
    }
    this.lastEvaluation = ts;
    this.evaluationTimeSec = (env.clock.now() - started) / 1000;
    return toSend;
  }

  private async evalRecording(rule: RecordingRuntime, ts: number, t: number, env: GroupEnv): Promise<void> {
    rule.lastEvaluation = ts;
    let vector: VectorSample[];
    try {
      vector = await queryVector(env, rule.expr, rule.query, t);
    } catch (e) {
      rule.health = 'err';
      rule.lastError = errorText(e);
      return;
    }
    const shaped = shapeRecordingOutput(rule.spec, vector, t, this.limit);
    if (!shaped.ok) {
      rule.health = 'err';
      rule.lastError = shaped.error;
      return;
    }
    const current = shaped.samples.map((s) => s.labels);
    env.append([...shaped.samples, ...staleMarkers(rule.previousSeries, current, t)], env.clock.now());
    rule.previousSeries = current;
    rule.health = 'ok';
    rule.lastError = '';
  }

  private async evalAlerting(rule: AlertingRuntime, ts: number, t: number, env: GroupEnv): Promise<PostableAlert[]> {
    let vector: VectorSample[];
    try {
      vector = await queryVector(env, rule.expr, rule.query, t);
    } catch (e) {
      const error = errorText(e);
      rule.state = { ...rule.state, health: 'err', lastError: error, lastEvaluation: ts };
      return [];
    }
    const opts = {
      intervalMs: this.intervalMs,
      resendDelayMs: env.resendDelayMs,
      queryOffsetMs: this.queryOffsetMs,
      limit: this.limit,
      externalLabels: env.externalLabels,
      externalURL: env.externalURL,
    };
    let res = evaluateAlertingRule(rule.spec, rule.state, vector, ts, opts);
    if (rule.templatesQuery) res = await this.withTemplateQueries(rule, vector, ts, opts, env);
    rule.state = res.state;
    if (res.error !== undefined) return [];
    env.append(res.samples, env.clock.now());
    return res.alertsToSend;
  }

  /**
   * Template `query` calls are synchronous but the engine is not: expand once to learn the queries, run them,
   * then expand again with the answers (a few rounds, for queries built from other query results).
   */
  private async withTemplateQueries(
    rule: AlertingRuntime,
    vector: VectorSample[],
    ts: number,
    opts: Parameters<typeof evaluateAlertingRule>[4],
    env: GroupEnv,
  ): Promise<ReturnType<typeof evaluateAlertingRule>> {
    const answers = new Map<string, ReturnType<TemplateQueryFn>>();
    const missing = new Set<string>();
    const query: TemplateQueryFn = (q) => {
      const hit = answers.get(q);
      if (hit) return hit;
      missing.add(q);
      return { samples: [] };
    };
    let res = evaluateAlertingRule(rule.spec, rule.state, vector, ts, { ...opts, query });
    for (let round = 0; round < 4 && missing.size > 0; round++) {
      for (const q of missing) {
        try {
          const samples = await queryVector(env, parseRuleExpr(q), q, ts);
          answers.set(q, { samples: samples.map((s) => ({ labels: s.labels, value: s.value })) });
        } catch (e) {
          answers.set(q, { error: errorText(e) });
        }
      }
      missing.clear();
      res = evaluateAlertingRule(rule.spec, rule.state, vector, ts, { ...opts, query });
    }
    return res;
  }

  /** Stale markers for every series this group's rules wrote last (the group was removed or the gateway stops it). */
  staleSamples(t: number): RuleSample[] {
    const out: RuleSample[] = [];
    for (const r of this.rules) {
      const prev = r.type === 'recording' ? r.previousSeries : r.state.previousSeries;
      out.push(...staleMarkers(prev, [], t));
    }
    return out;
  }

  /** The part of each rule that must survive a restart. */
  persisted(): PersistedRule[] {
    return this.rules.map((r) =>
      r.type === 'recording' ? { identity: r.identity, previousSeries: r.previousSeries } : { identity: r.identity, alerting: alertStateToJSON(r.state) },
    );
  }

  /** The group in /api/v1/rules shape; `type` filters rules as Prometheus's `type=alert|record` does. */
  toAPI(type?: 'alerting' | 'recording'): APIRuleGroup {
    const rules: (APIAlertingRule | APIRecordingRule)[] = [];
    for (const r of this.rules) {
      if (type !== undefined && r.type !== type) continue;
      if (r.type === 'alerting') rules.push(apiAlertingRule(r.spec, r.state, r.evalTimeSec));
      else rules.push(apiRecordingRule({ ...r.spec, expr: r.query }, { health: r.health, lastError: r.lastError, lastEvaluation: r.lastEvaluation, evaluationTimeSec: r.evalTimeSec }));
    }
    return apiRuleGroup({ name: this.name, file: this.file, intervalMs: this.intervalMs, limit: this.limit }, rules, this.lastEvaluation, this.evaluationTimeSec);
  }
}
