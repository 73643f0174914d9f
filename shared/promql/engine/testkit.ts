// Helpers for the engine's unit tests: small stores from `series v v v` lines and compact views of results.
import { formatLabels } from '../../model/labels.ts';
import { STALE_NAN } from '../../model/stale.ts';
import { parseSeries } from '../loader.ts';
import { MemoryStore } from '../memstore.ts';
import type { QueryResult } from '../result.ts';

/**
 * A store from lines like `http_total{a="1"} 1 2 _ stale 5`: value k sits at k * intervalMs; `_` is a gap and
 * `stale` a staleness marker.
 */
export function storeOf(text: string, intervalMs = 60_000): MemoryStore {
  const store = new MemoryStore();
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .forEach((line, i) => {
      const cut = line.lastIndexOf('}') >= 0 ? line.lastIndexOf('}') + 1 : line.indexOf(' ');
      const labels = parseSeries(line.slice(0, cut), i + 1, 1);
      line
        .slice(cut)
        .trim()
        .split(/\s+/)
        .forEach((tok, k) => {
          if (tok === '_') return;
          store.append(labels, k * intervalMs, tok === 'stale' ? STALE_NAN : Number(tok));
        });
    });
  return store;
}

/** An instant vector result as `series => value` (series printed as Prometheus prints them), in result order. */
export function vectorOf(res: QueryResult): Array<[string, number]> {
  if (res.resultType !== 'vector') throw new Error(`expected a vector, got ${res.resultType}`);
  return res.result.map((e) => [formatLabels(e.labels), e.v]);
}

/** A range result as `series => [t, v][]`, in result order. */
export function matrixOf(res: QueryResult): Array<[string, Array<[number, number]>]> {
  if (res.resultType !== 'matrix') throw new Error(`expected a matrix, got ${res.resultType}`);
  return res.result.map((s) => [formatLabels(s.labels), s.points.map((p): [number, number] => [p.t, p.v])]);
}
