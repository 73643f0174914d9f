// Unit tests for the editor's completion client over the local store.
import { EqlRegex, EqlSingle, Neq } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import type { LabelMatcher } from '../../../shared/promql/ast.ts';
import { storeClient, toStoreMatchers, type StoreLookups } from './promqlClient.ts';

describe('toStoreMatchers', () => {
  it('adds the metric name and maps operator tokens, skipping the completed label and empty values', () => {
    expect(
      toStoreMatchers('up', [
        { type: Neq, name: 'job', value: 'a' },
        { type: EqlRegex, name: 'instance', value: 'h.*' },
        { type: EqlSingle, name: 'mode', value: '' },
        { type: EqlSingle, name: 'cpu', value: '0' },
      ], 'cpu'),
    ).toEqual([
      { type: '=', name: '__name__', value: 'up' },
      { type: '!=', name: 'job', value: 'a' },
      { type: '=~', name: 'instance', value: 'h.*' },
    ]);
    expect(toStoreMatchers(undefined)).toEqual([]);
  });
});

describe('storeClient', () => {
  const calls: Array<[string, unknown]> = [];
  const lookups: StoreLookups = {
    labelNames: async (m: LabelMatcher[]) => (calls.push(['labelNames', m]), ['__name__', 'job']),
    labelValues: async (name: string, m: LabelMatcher[]) => (calls.push(['labelValues', [name, m]]), name === '__name__' ? ['up', 'x'] : ['a']),
    series: async () => [{ __name__: 'up', job: 'a' }],
    metadata: async () => ({ up: [{ type: 'gauge', help: 'Target health.', unit: '' }] }),
  };
  const client = storeClient(lookups);
  it('answers metric names, label names (without __name__), label values, metadata and series from the store', async () => {
    expect(await client.metricNames()).toEqual(['up', 'x']);
    expect(await client.labelNames('up')).toEqual(['job']);
    expect(calls.at(-1)).toEqual(['labelNames', [{ type: '=', name: '__name__', value: 'up' }]]);
    expect(await client.labelValues('job', 'up')).toEqual(['a']);
    expect(await client.metricMetadata()).toEqual({ up: [{ type: 'gauge', help: 'Target health.' }] });
    expect((await client.series('up'))[0].get('job')).toBe('a');
  });
  it('completes nothing when the store fails', async () => {
    const broken = storeClient({ ...lookups, labelValues: () => Promise.reject(new Error('closed')) });
    expect(await broken.metricNames()).toEqual([]);
  });
});
