// The PromQL editor's autocompletion source: codemirror-promql's PrometheusClient answered from the browser's own store.
import type { PrometheusClient } from '@prometheus-io/codemirror-promql';
import { EqlRegex, EqlSingle, Neq, NeqRegex } from '@prometheus-io/lezer-promql';
import type { LabelMatcher, MatchType } from '../../../shared/promql/ast.ts';
import type { Labels } from '../../../shared/model/labels.ts';
import type { MetricMetadata as StreamMetadata } from '../../../shared/stream/protocol.ts';

/** The editor's matcher: an operator token id of the lezer grammar, a name and a value. */
export interface EditorMatcher {
  type: number;
  name: string;
  value: string;
}

/** The worker requests the client needs (a WorkerClient provides them). */
export interface StoreLookups {
  labelNames(matchers: LabelMatcher[]): Promise<string[]>;
  labelValues(name: string, matchers: LabelMatcher[]): Promise<string[]>;
  series(matchers: LabelMatcher[]): Promise<Labels[]>;
  metadata(): Promise<Record<string, StreamMetadata[]>>;
}

function matchType(tokenId: number): MatchType {
  if (tokenId === Neq) return '!=';
  if (tokenId === EqlRegex) return '=~';
  if (tokenId === NeqRegex) return '!~';
  if (tokenId === EqlSingle) return '=';
  return '=';
}

/**
 * Store matchers for a completion context: the metric name (when typed) and the other matchers already written,
 * leaving out the label being completed and empty values (as Prometheus's own client does).
 */
export function toStoreMatchers(metricName: string | undefined, matchers: readonly EditorMatcher[] = [], skipLabel?: string): LabelMatcher[] {
  const out: LabelMatcher[] = [];
  if (metricName) out.push({ type: '=', name: '__name__', value: metricName });
  for (const m of matchers) {
    if (m.name === skipLabel || m.value === '' || m.name === '') continue;
    out.push({ type: matchType(m.type), name: m.name, value: m.value });
  }
  return out;
}

/** A PrometheusClient over the local store; failures complete nothing rather than break the editor. */
export function storeClient(store: StoreLookups): PrometheusClient {
  const safe = <T>(p: Promise<T>, empty: T): Promise<T> => p.catch(() => empty);
  return {
    labelNames: (metricName) => safe(store.labelNames(toStoreMatchers(metricName)), []).then((names) => names.filter((n) => n !== '__name__')),
    labelValues: (labelName, metricName, matchers) => safe(store.labelValues(labelName, toStoreMatchers(metricName, matchers, labelName)), []),
    metricMetadata: () =>
      safe(store.metadata(), {}).then((meta) => {
        const out: Record<string, Array<{ type: string; help: string }>> = {};
        for (const [name, list] of Object.entries(meta)) out[name] = list.map((m) => ({ type: m.type, help: m.help }));
        return out;
      }),
    series: (metricName, matchers, labelName) =>
      safe(store.series(toStoreMatchers(metricName, matchers, labelName)), []).then((list) => list.map((l) => new Map(Object.entries(l)))),
    metricNames: () => safe(store.labelValues('__name__', []), []),
    flags: () => Promise.resolve({}),
  };
}
