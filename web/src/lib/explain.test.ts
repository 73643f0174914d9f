// Unit tests for shaping a parsed query into the Explain tree.
import { describe, expect, it } from 'vitest';
import { parse } from '../../../shared/promql/parser.ts';
import { explainTree, flattenTree, type ExplainNode } from './explain.ts';

const outline = (n: ExplainNode): unknown => (n.children.length === 0 ? n.title : { [n.title]: n.children.map(outline) });

describe('explainTree', () => {
  it('shapes an aggregation over a function over a range selector', () => {
    const tree = explainTree(parse('sum by (job) (rate(http_requests_total{code=~"5.."}[5m]))'));
    expect(outline(tree)).toEqual({ 'sum by (job)': [{ 'rate()': ['http_requests_total{code=~"5.."}[5m]'] }] });
    expect(tree.valueType).toBe('vector');
    expect(tree.detail).toBe('Aggregates with sum across series, grouped by job.');
    const selector = tree.children[0].children[0];
    expect(selector.id).toBe('0.0.0');
    expect(selector.valueType).toBe('matrix');
    expect(selector.detail).toBe('Samples of the last 5m of each of the series named http_requests_total matching 1 label matcher.');
    expect(selector.expr).toBe('http_requests_total{code=~"5.."}[5m]');
  });
  it('names binary operators with their matching and lists parameters before the aggregated expression', () => {
    const tree = explainTree(parse('topk(3, a) / on (instance) group_left (role) (b offset 1m)'));
    expect(outline(tree)).toEqual({
      '/ on (instance) group_left (role)': [{ 'topk': ['3', 'a'] }, { '( … )': ['b offset 1m'] }],
    });
    expect(tree.detail).toBe('Binary operation (vector / vector), matching series on (instance), many-to-one.');
    expect(tree.children[1].children[0].detail).toBe('Latest sample (within the lookback window) of each of the series named b, shifted 1m back.');
  });
  it('gives each node its own evaluable text and source range', () => {
    const q = 'max_over_time(rate(x[1m])[10m:30s]) > bool 2';
    const nodes = flattenTree(explainTree(parse(q)));
    expect(nodes.map((n) => n.expr)).toEqual(['max_over_time(rate(x[1m])[10m:30s]) > bool 2', 'max_over_time(rate(x[1m])[10m:30s])', 'rate(x[1m])[10m:30s]', 'rate(x[1m])', 'x[1m]', '2']);
    expect(nodes[2].title).toBe('subquery [10m:30s]');
    expect(nodes[0].title).toBe('> bool');
    for (const n of nodes) expect(q.slice(n.pos.start, n.pos.end).replace(/\s+/g, '')).toBe(n.expr.replace(/\s+/g, ''));
  });
});
