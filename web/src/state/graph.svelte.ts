// Explore's state: the view (expression, tab, time window, step, mode, unit, refresh), the results of the graph,
// table and explain tabs, and running them in the worker with cancellation of anything superseded.
import type { AlignedData } from 'uplot';
import { formatLabels, type Labels } from '../../../shared/model/labels.ts';
import { parse, PROMETHEUS_DEFAULT_FEATURES } from '../../../shared/promql/parser.ts';
import { ParseError } from '../../../shared/promql/parse-error.ts';
import { leadingMetricName } from '../lib/expr.ts';
import { explainTree, flattenTree, type ExplainNode } from '../lib/explain.ts';
import { DEFAULT_STATE, resolveRange, type ExploreState, type ExploreTab, type GraphMode, type RefreshChoice, type UnitId } from '../lib/exploreState.ts';
import { seriesColor } from '../lib/colors.ts';
import { autoStep } from '../lib/step.ts';
import { stackData } from '../lib/stack.ts';
import { toUPlotData } from '../lib/uplotData.ts';
import { WorkerRequestError, type WorkerClient } from '../worker/client.ts';
import type { DataChange, ExplainCount, InstantReply, QueryReply } from '../worker/protocol.ts';

export interface LegendEntry {
  labels: Labels;
  text: string;
  color: string;
}

export interface QueryFailure {
  message: string;
  position?: { start: number; end: number };
}

/** A running request's cancel switch; a newer run of the same kind aborts the older one. */
class Slot {
  private current: AbortController | null = null;
  next(): AbortSignal {
    this.current?.abort();
    this.current = new AbortController();
    return this.current.signal;
  }
  isCurrent(signal: AbortSignal): boolean {
    return this.current?.signal === signal;
  }
  cancel(): void {
    this.current?.abort();
    this.current = null;
  }
}

function failure(e: unknown): QueryFailure {
  return { message: e instanceof Error ? e.message : String(e), position: e instanceof WorkerRequestError ? e.position : undefined };
}

const canceled = (e: unknown): boolean => e instanceof WorkerRequestError && e.kind === 'canceled';

export class ExploreQuery {
  // The view (mirrors ExploreState; the page keeps the URL in step).
  expr = $state(DEFAULT_STATE.expr);
  tab = $state<ExploreTab>(DEFAULT_STATE.tab);
  rangeMs = $state(DEFAULT_STATE.rangeMs);
  end = $state<number | null>(DEFAULT_STATE.end);
  stepOverride = $state<number | null>(DEFAULT_STATE.step);
  mode = $state<GraphMode>(DEFAULT_STATE.mode);
  unit = $state<UnitId>(DEFAULT_STATE.unit);
  refresh = $state<RefreshChoice>(DEFAULT_STATE.refresh);
  /** Chart width in CSS pixels, for the automatic step. */
  width = $state(1200);

  /** The step in use: the override, else chosen from the range and width. */
  step = $derived(this.stepOverride ?? autoStep(this.rangeMs, this.width));

  // Graph tab.
  result = $state.raw<QueryReply | null>(null);
  /** The window the graph result was evaluated over (Unix ms): the chart's x axis spans it, as in Prometheus. */
  evaluatedRange = $state.raw<{ from: number; to: number } | null>(null);
  error = $state.raw<QueryFailure | null>(null);
  loading = $state(false);
  /** Unix ms the last graph run ended at. */
  ranAt = $state<number | null>(null);
  /** Hidden series (indices into the legend). */
  hidden = $state.raw<ReadonlySet<number>>(new Set());

  // Table tab.
  instant = $state.raw<InstantReply | null>(null);
  instantError = $state.raw<QueryFailure | null>(null);
  instantAt = $state<number | null>(null);

  // Explain tab.
  tree = $state.raw<ExplainNode | null>(null);
  counts = $state.raw<Map<string, ExplainCount>>(new Map());
  explainError = $state.raw<QueryFailure | null>(null);
  explainLoading = $state(false);

  /** Evaluated results break where a step has no value; raw samples break at gaps in their own rhythm. */
  data = $derived<AlignedData>(this.result ? toUPlotData(this.result.series, this.result.step > 0 ? { gapMs: this.result.step * 1.5 } : {}) : [[]]);
  /** What the chart draws: stacked sums in stacked mode. */
  chartData = $derived<AlignedData>(this.mode === 'stacked' ? stackData(this.data, this.hidden) : this.data);
  legend = $derived<LegendEntry[]>((this.result?.series ?? []).map((s, i) => ({ labels: s.labels, text: formatLabels(s.labels), color: seriesColor(i) })));
  sampleCount = $derived((this.result?.series ?? []).reduce((n, s) => n + s.t.length, 0));

  private readonly graphSlot = new Slot();
  private readonly tableSlot = new Slot();
  private readonly explainSlot = new Slot();

  constructor(private readonly client: WorkerClient) {}

  /** Applies a decoded URL state. */
  apply(s: ExploreState): void {
    this.expr = s.expr;
    this.tab = s.tab;
    this.rangeMs = s.rangeMs;
    this.end = s.end;
    this.stepOverride = s.step;
    this.mode = s.mode;
    this.unit = s.unit;
    this.refresh = s.refresh;
  }

  /** The view as URL state. */
  snapshot(): ExploreState {
    return { expr: this.expr, tab: this.tab, rangeMs: this.rangeMs, end: this.end, step: this.stepOverride, mode: this.mode, unit: this.unit, refresh: this.refresh };
  }

  /** Runs what the current tab shows. */
  run(now = Date.now()): Promise<void> {
    if (this.tab === 'table') return this.runTable(now);
    if (this.tab === 'explain') return this.runExplain(now);
    return this.runGraph(now);
  }

  /** Cancels every request in flight (the page is going away). */
  cancelAll(): void {
    this.graphSlot.cancel();
    this.tableSlot.cancel();
    this.explainSlot.cancel();
  }

  /** Range query over the window at the current step. */
  async runGraph(now = Date.now()): Promise<void> {
    const signal = this.graphSlot.next();
    this.loading = true;
    const { start, end } = resolveRange(this, now);
    try {
      const reply = await this.client.request('query', { expr: this.expr, start, end, step: this.step }, signal);
      // A different set of series makes the old hidden indices meaningless.
      if (!this.result || reply.series.length !== this.result.series.length) this.hidden = new Set();
      this.result = reply;
      this.evaluatedRange = { from: start, to: end };
      this.error = null;
      this.ranAt = end;
    } catch (e) {
      if (canceled(e)) return;
      this.error = failure(e);
      this.result = null;
    } finally {
      if (this.graphSlot.isCurrent(signal)) this.loading = false;
    }
  }

  /** Instant query at the end of the window. */
  async runTable(now = Date.now()): Promise<void> {
    const signal = this.tableSlot.next();
    const time = this.end ?? now;
    try {
      this.instant = await this.client.request('instant', { expr: this.expr, time }, signal);
      this.instantError = null;
      this.instantAt = time;
    } catch (e) {
      if (canceled(e)) return;
      this.instantError = failure(e);
      this.instant = null;
    }
  }

  /** Parses the query into the Explain tree, then counts each node's result at the end of the window. */
  async runExplain(now = Date.now()): Promise<void> {
    const signal = this.explainSlot.next();
    let tree: ExplainNode;
    try {
      tree = explainTree(parse(this.expr, PROMETHEUS_DEFAULT_FEATURES));
    } catch (e) {
      this.tree = null;
      this.counts = new Map();
      this.explainError = e instanceof ParseError ? { message: e.toString(), position: e.positionRange } : failure(e);
      return;
    }
    this.tree = tree;
    this.explainError = null;
    this.explainLoading = true;
    const nodes = flattenTree(tree);
    try {
      const counts = await this.client.request('explain', { exprs: nodes.map((n) => n.expr), time: this.end ?? now }, signal);
      this.counts = new Map(nodes.map((n, i) => [n.id, counts[i]]));
    } catch (e) {
      if (canceled(e)) return;
      this.explainError = failure(e);
    } finally {
      if (this.explainSlot.isCurrent(signal)) this.explainLoading = false;
    }
  }

  /** Whether newly stored data can change this query's result (false only when its metric name got nothing). */
  affectedBy(change: DataChange): boolean {
    const name = leadingMetricName(this.expr);
    return name === null || change.names.includes(name);
  }
}
