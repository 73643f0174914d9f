// Runs a parsed promqltest script against a QueryEngine: loads, clears, evals with the step-invariance and range re-checks.
import type { Labels } from '../../shared/model/labels.ts';
import type { Queryable } from '../../shared/promql/queryable.ts';
import { QueryError, type QueryEngine, type QueryOptions, type QueryResult, type VectorElement } from '../../shared/promql/result.ts';
import { checkAnnotations, checkExpectedFailure, checkMatrixSorted, compareResult } from './compare.ts';
import { isFail, isOrdered, parseScript, ScriptError, type EvalCommand, type LoadCommand } from './script.ts';

/** A store the runner can fill; MemoryStore satisfies it. */
export interface TestStore extends Queryable {
  append(labels: Labels, t: number, v: number): void;
}

export interface RunnerEnv {
  engine: QueryEngine;
  newStore(): TestStore;
  /**
   * The query with `@ <t>` on every selector and subquery that has none (none below a subquery that has one),
   * or null when it calls a function in AtModifierUnsafeFunctions. Throws if the query does not parse.
   */
  rewriteAt(expr: string, tMs: number): string | null;
  queryOptions?: QueryOptions;
}

/** Why an eval is not run: it needs native histograms, which the float-only engine and store do not hold. */
export type SkipReason = 'native histograms' | 'load_with_nhcb';

export interface EvalOutcome {
  /** 1-based line of the eval command. */
  line: number;
  expr: string;
  status: 'pass' | 'fail' | 'skip';
  /** Failure: the first mismatch found, naming the query variant that showed it. */
  message?: string;
  skipReason?: SkipReason;
}

export interface ScriptOutcome {
  evals: EvalOutcome[];
  /** The script itself could not be parsed (no evals ran). */
  error?: { line: number; message: string };
}

/** Options the upstream harness gives its engine (promqltest NewTestEngine). */
export const TEST_QUERY_OPTIONS: QueryOptions = { lookbackDelta: 5 * 60_000, maxSamples: 10_000 };

const QUERY_CONTEXT_FUNCS = /(start|end|range|step)\(\)/;

function describeError(e: unknown): string {
  if (e instanceof QueryError) return e.message;
  if (e instanceof Error) return `exception ${e.name}: ${e.message}`;
  return `exception: ${String(e)}`;
}

/** Evaluation times of the step-invariance re-runs of an instant query at t (upstream atModifierTestCases). */
export function atModifierTimes(t: number): number[] {
  return t === 0 ? [-1000, 0, 1000] : [-10 * t, 0, Math.trunc(t / 5), t, 10 * t];
}

function load(store: TestStore, cmd: LoadCommand): void {
  for (const s of cmd.series) {
    let t = 0;
    for (const v of s.values) {
      if (!v.omitted) store.append(s.labels, t, v.value);
      t += cmd.intervalMs;
    }
  }
}

class EvalRunner {
  constructor(
    private readonly env: RunnerEnv,
    private readonly store: TestStore,
    private readonly cmd: EvalCommand,
  ) {}

  private opts(): QueryOptions {
    return { ...TEST_QUERY_OPTIONS, ...this.env.queryOptions, deadline: Date.now() + 30_000 };
  }

  /** Runs the eval; returns the first failure message or null. */
  async run(): Promise<string | null> {
    return this.cmd.isRange ? this.runRange() : this.runInstant();
  }

  private async runRange(): Promise<string | null> {
    const { cmd, env } = this;
    let res: QueryResult;
    try {
      res = await env.engine.rangeQuery(this.store, cmd.expr, cmd.startMs, cmd.endMs, cmd.stepMs, this.opts());
    } catch (e) {
      if (isFail(cmd) && e instanceof QueryError) return checkExpectedFailure(cmd, e.message);
      return `error evaluating query: ${describeError(e)}`;
    }
    if (isFail(cmd)) return 'expected error evaluating query but got none';
    return checkAnnotations(cmd, res.annotations) ?? compareResult(cmd, res);
  }

  private async runInstant(): Promise<string | null> {
    const { cmd } = this;
    const queries: Array<{ expr: string; t: number }> = [{ expr: cmd.expr, t: cmd.evalMs }];
    let rewritten: string | null = null;
    try {
      rewritten = this.env.rewriteAt(cmd.expr, cmd.evalMs);
    } catch (e) {
      // The query does not parse: under `expect fail` the original run decides, otherwise that is the failure.
      if (!isFail(cmd)) return `query does not parse: ${describeError(e)}`;
    }
    if (rewritten !== null) for (const t of atModifierTimes(cmd.evalMs)) queries.push({ expr: rewritten, t });
    for (const q of queries) {
      const failure = await this.runInstantQuery(q.expr, q.t);
      if (failure !== null) return q.expr === cmd.expr && q.t === cmd.evalMs ? failure : `[${q.expr} at ${q.t}ms] ${failure}`;
    }
    return null;
  }

  private async runInstantQuery(expr: string, t: number): Promise<string | null> {
    const { cmd, env } = this;
    let res: QueryResult;
    try {
      res = await env.engine.instantQuery(this.store, expr, t, this.opts());
    } catch (e) {
      if (isFail(cmd) && e instanceof QueryError) return checkExpectedFailure(cmd, e.message);
      return `error evaluating query: ${describeError(e)}`;
    }
    if (isFail(cmd)) return 'expected error evaluating query but got none';
    const mismatch = checkAnnotations(cmd, res.annotations) ?? compareResult(cmd, res);
    if (mismatch) return mismatch;

    // The same query as a range query from t-1m to t+1m must give the expected result at its middle step.
    if (cmd.excludeFromRangeQuery || QUERY_CONTEXT_FUNCS.test(expr)) return null;
    let range: QueryResult;
    try {
      range = await env.engine.rangeQuery(this.store, expr, t - 60_000, t + 60_000, 60_000, this.opts());
    } catch (e) {
      return `error evaluating query in range mode: ${describeError(e)}`;
    }
    if (isOrdered(cmd)) return null;
    if (range.resultType !== 'matrix') return `range mode: expected a matrix, got ${range.resultType}`;
    const unsorted = checkMatrixSorted(range.result);
    if (unsorted) return `range mode: ${unsorted}`;
    const vector: VectorElement[] = [];
    for (const s of range.result) {
      const p = s.points.find((p) => p.t === t);
      if (p) vector.push({ labels: s.labels, t: p.t, v: p.v });
    }
    let rangeMismatch: string | null;
    if (res.resultType === 'scalar') {
      rangeMismatch =
        vector.length === 0
          ? `no sample at ${t}ms`
          : compareResult(cmd, { resultType: 'scalar', result: { t, v: vector[0].v } });
    } else {
      rangeMismatch = compareResult(cmd, { resultType: 'vector', result: vector });
    }
    return rangeMismatch && `range mode: ${rangeMismatch}`;
  }
}

/**
 * Runs every command of a script. Evals in a part (since the last `clear`) whose loads or expectations hold
 * native histograms, or that follow a `load_with_nhcb`, are reported as skipped, never as passed or failed.
 */
export async function runScript(input: string, env: RunnerEnv): Promise<ScriptOutcome> {
  let cmds;
  try {
    cmds = parseScript(input);
  } catch (e) {
    if (e instanceof ScriptError) return { evals: [], error: { line: e.line, message: e.message } };
    throw e;
  }
  const evals: EvalOutcome[] = [];
  let store = env.newStore();
  let partHistograms = false;
  let partNhcb = false;
  for (const cmd of cmds) {
    if (cmd.kind === 'clear') {
      store = env.newStore();
      partHistograms = false;
      partNhcb = false;
    } else if (cmd.kind === 'load') {
      partHistograms ||= cmd.histograms;
      partNhcb ||= cmd.withNhcb;
      load(store, cmd);
    } else {
      const base = { line: cmd.line, expr: cmd.expr };
      if (cmd.histograms || partHistograms) evals.push({ ...base, status: 'skip', skipReason: 'native histograms' });
      else if (partNhcb) evals.push({ ...base, status: 'skip', skipReason: 'load_with_nhcb' });
      else {
        let message: string | null;
        try {
          message = await new EvalRunner(env, store, cmd).run();
        } catch (e) {
          message = `runner error: ${describeError(e)}`;
        }
        evals.push(message === null ? { ...base, status: 'pass' } : { ...base, status: 'fail', message });
      }
    }
  }
  return { evals };
}
