import { describe, expect, it } from 'vitest';
import { compareLabels, formatLabels, labelsKey } from './labels.ts';

describe('labels', () => {
  it('key ignores insertion order', () => {
    expect(labelsKey({ b: '2', a: '1' })).toBe(labelsKey({ a: '1', b: '2' }));
    expect(labelsKey({ a: '1' })).not.toBe(labelsKey({ a: '1', b: '' + '' + 'x' }));
  });
  it('compares like Prometheus labels.Compare', () => {
    expect(compareLabels({ a: '1' }, { a: '2' })).toBeLessThan(0);
    expect(compareLabels({ a: '1', b: '1' }, { a: '1' })).toBeGreaterThan(0);
    expect(compareLabels({ a: '1' }, { b: '0' })).toBeLessThan(0);
    expect(compareLabels({ x: 'y' }, { x: 'y' })).toBe(0);
  });
  it('formats as name{labels}', () => {
    expect(formatLabels({ __name__: 'up', job: 'a', instance: 'h:1' })).toBe('up{instance="h:1", job="a"}');
    expect(formatLabels({ __name__: 'up' })).toBe('up');
  });
});
