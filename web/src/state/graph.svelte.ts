// State of one Graph panel: the expression, the time range, the latest result shaped for the chart, errors.
import type { AlignedData } from 'uplot';
import { formatLabels, type Labels } from '../../../shared/model/labels.ts';
import { leadingMetricName } from '../lib/expr.ts';
import { parseDuration } from '../lib/format.ts';
import { seriesColor } from '../lib/colors.ts';
import { toUPlotData } from '../lib/uplotData.ts';
import { WorkerRequestError, type WorkerClient } from '../worker/client.ts';
import type { DataChange, QueryReply } from '../worker/protocol.ts';

/** The gateway scrapes itself, so this series exists on every fresh install. */
export const DEFAULT_EXPR = 'scrape_duration_seconds';
export const RANGE_CHOICES = ['5m', '15m', '1h', '3h', '12h', '1d', '1w'] as const;
export const DEFAULT_RANGE = '15m';

/** Points a chart can show across its width; the evaluation step follows from it. */
const TARGET_POINTS = 300;

export interface LegendEntry {
  labels: Labels;
  text: string;
  color: string;
}

export interface QueryFailure {
  message: string;
  position?: { start: number; end: number };
}

export class GraphQuery {
  expr = $state(DEFAULT_EXPR);
  range = $state<string>(DEFAULT_RANGE);
  result = $state.raw<QueryReply | null>(null);
  error = $state.raw<QueryFailure | null>(null);
  loading = $state(false);
  /** Unix ms of the last successful run. */
  ranAt = $state<number | null>(null);

  rangeMs = $derived(parseDuration(this.range) ?? 15 * 60_000);
  /** Evaluated results break where a step has no value; raw samples break at gaps in their own rhythm. */
  data = $derived<AlignedData>(
    this.result ? toUPlotData(this.result.series, this.result.step > 0 ? { gapMs: this.result.step * 1.5 } : {}) : [[]],
  );
  legend = $derived<LegendEntry[]>(
    (this.result?.series ?? []).map((s, i) => ({ labels: s.labels, text: formatLabels(s.labels), color: seriesColor(i) })),
  );
  sampleCount = $derived((this.result?.series ?? []).reduce((n, s) => n + s.t.length, 0));

  private inflight: AbortController | null = null;

  constructor(private readonly client: WorkerClient) {}

  /** Evaluates the expression over the range ending now; a newer run cancels an older one still in flight. */
  async run(now = Date.now()): Promise<void> {
    this.inflight?.abort();
    const abort = new AbortController();
    this.inflight = abort;
    this.loading = true;
    const start = now - this.rangeMs;
    const step = Math.max(1000, Math.round(this.rangeMs / TARGET_POINTS / 1000) * 1000);
    try {
      this.result = await this.client.request('query', { expr: this.expr, start, end: now, step }, abort.signal);
      this.error = null;
      this.ranAt = now;
    } catch (e) {
      if (e instanceof WorkerRequestError && e.kind === 'canceled') return;
      this.error = { message: e instanceof Error ? e.message : String(e), position: e instanceof WorkerRequestError ? e.position : undefined };
      this.result = null;
    } finally {
      if (this.inflight === abort) {
        this.inflight = null;
        this.loading = false;
      }
    }
  }

  /** Whether newly stored data can change this query's result (false only when its metric name got nothing). */
  affectedBy(change: DataChange): boolean {
    const name = leadingMetricName(this.expr);
    return name === null || change.names.includes(name);
  }
}
