// Runs a panel's queries through the studio worker: interpolation with variables and step built-ins, range or instant.
import { interpolate, type Scope } from '../../../shared/dashboards/interpolate.ts';
import type { Panel } from '../../../shared/dashboards/model.ts';
import { queryTiming } from '../../../shared/dashboards/step.ts';
import type { TimeWindow } from '../../../shared/dashboards/variables.ts';
import type { WorkerClient } from '../worker/client.ts';
import { nameSeries, type QueryOutcome } from './frames.ts';

export interface PanelQueryInput {
  panel: Panel;
  /** Dashboard variables plus the panel instance's repeat override. */
  scope: Scope;
  range: TimeWindow;
  widthPx: number;
  scrapeInterval?: string;
}

/** The interpolated expression of each visible target with the range/step it runs at (pure, for tests and display). */
export function plannedQueries(input: PanelQueryInput): { refId: string; expr: string; instant: boolean; start: number; end: number; step: number; unknown: string[] }[] {
  const { panel } = input;
  return panel.targets
    .filter((t) => !t.hide && t.expr.trim() !== '')
    .map((t) => {
      const timing = queryTiming({
        range: input.range,
        widthPx: input.widthPx,
        ...(panel.maxDataPoints !== undefined ? { maxDataPoints: panel.maxDataPoints } : {}),
        ...(panel.minInterval !== undefined ? { minInterval: interpolate(panel.minInterval, input.scope, 'text').text } : {}),
        ...(t.minStep !== undefined ? { minStep: interpolate(t.minStep, input.scope, 'text').text } : {}),
        ...(input.scrapeInterval !== undefined ? { scrapeInterval: input.scrapeInterval } : {}),
      });
      const builtins: Scope = Object.fromEntries(Object.entries(timing.builtins).map(([k, v]) => [k, { value: v, text: v, regex: false }]));
      const r = interpolate(t.expr, { ...input.scope, ...builtins });
      const instant = t.instant || t.format === 'table';
      return { refId: t.refId, expr: r.text, instant, start: instant ? input.range.to : timing.start, end: instant ? input.range.to : timing.end, step: timing.stepMs, unknown: r.unknown };
    });
}

/** Runs every planned query; a failing query becomes an error outcome, the others still show. */
export async function runPanelQueries(client: WorkerClient, input: PanelQueryInput, signal: AbortSignal): Promise<QueryOutcome[]> {
  const targets = new Map(input.panel.targets.map((t) => [t.refId, t]));
  return Promise.all(
    plannedQueries(input).map(async (q): Promise<QueryOutcome> => {
      const target = targets.get(q.refId)!;
      try {
        if (q.instant) {
          const r = await client.request('instant', { expr: q.expr, time: q.end }, signal);
          return { refId: q.refId, series: nameSeries(target, q.expr, r.series) };
        }
        const r = await client.request('query', { expr: q.expr, start: q.start, end: q.end, step: q.step }, signal);
        return { refId: q.refId, series: nameSeries(target, q.expr, r.series) };
      } catch (e) {
        return { refId: q.refId, series: [], error: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
}
