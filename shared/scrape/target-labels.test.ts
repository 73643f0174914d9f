// Tests for honor_labels semantics when target labels meet scraped labels.
import { describe, expect, it } from 'vitest';
import { applyTargetLabels, reportLabels } from './target-labels.ts';

const target = { job: 'node', instance: 'a:9100' };

describe('applyTargetLabels', () => {
  it('adds target labels to a sample without them', () => {
    expect(applyTargetLabels({ __name__: 'x', cpu: '0' }, target, false)).toEqual({ __name__: 'x', cpu: '0', job: 'node', instance: 'a:9100' });
  });

  it('renames clashing scraped labels to exported_ when honor_labels is false', () => {
    expect(applyTargetLabels({ __name__: 'x', job: 'pushed', instance: 'i' }, target, false)).toEqual({
      __name__: 'x',
      job: 'node',
      instance: 'a:9100',
      exported_job: 'pushed',
      exported_instance: 'i',
    });
  });

  it('prefixes again while the exported_ name is taken', () => {
    expect(applyTargetLabels({ __name__: 'x', job: 'a', exported_job: 'b' }, { job: 'node' }, false)).toEqual({
      __name__: 'x',
      job: 'node',
      exported_job: 'b',
      exported_exported_job: 'a',
    });
  });

  it('keeps scraped values when honor_labels is true', () => {
    expect(applyTargetLabels({ __name__: 'x', job: 'pushed' }, target, true)).toEqual({ __name__: 'x', job: 'pushed', instance: 'a:9100' });
  });

  it('treats empty values as absent', () => {
    expect(applyTargetLabels({ __name__: 'x', job: '' }, target, false)).toEqual({ __name__: 'x', job: 'node', instance: 'a:9100' });
    expect(applyTargetLabels({ __name__: 'x' }, { job: 'node', env: '' }, false)).toEqual({ __name__: 'x', job: 'node' });
  });
});

describe('reportLabels', () => {
  it('is the metric name plus the target labels', () => {
    expect(reportLabels('up', target)).toEqual({ __name__: 'up', job: 'node', instance: 'a:9100' });
  });
});
