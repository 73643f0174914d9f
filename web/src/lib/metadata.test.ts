// Unit tests for metric metadata lookups.
import { describe, expect, it } from 'vitest';
import { familyMetadata, withMetadata } from './metadata.ts';

const meta = {
  http_request_duration_seconds: [{ type: 'histogram' as const, help: 'Latency.', unit: 'seconds' }],
  up: [{ type: 'gauge' as const, help: 'Health.', unit: '' }],
};

describe('metadata', () => {
  it('finds a family by stripping sample suffixes', () => {
    expect(familyMetadata('http_request_duration_seconds_bucket', meta)?.type).toBe('histogram');
    expect(familyMetadata('up', meta)?.help).toBe('Health.');
    expect(familyMetadata('nothing_total', meta)).toBeUndefined();
  });
  it('fills only what is missing', () => {
    expect(withMetadata([{ name: 'up', series: 2 }, { name: 'x', series: 1 }, { name: 'up', series: 1, type: 'counter' as const }], meta)).toEqual([
      { name: 'up', series: 2, type: 'gauge', help: 'Health.', unit: '' },
      { name: 'x', series: 1 },
      { name: 'up', series: 1, type: 'counter' },
    ]);
  });
});
