// The gateway's process self-metrics: Node's memory breakdown under prom-client's names, and nothing a runtime cannot tell.
import { describe, expect, it } from 'vitest';
import { Head } from '../head/head.ts';
import { createSelfMetrics, type BuildInfo } from './self-metrics.ts';

const build: BuildInfo = { version: '1.2.3', revision: 'abc', branch: 'main', buildUser: 'ci', buildDate: '2026-12-08', runtime: 'node test' };

describe('process self-metrics', () => {
  it('exposes RSS, heap, heap used and external memory with the values the runtime reports', () => {
    const stats = { residentMemoryBytes: 900, heapBytes: 500, heapUsedBytes: 400, externalMemoryBytes: 120, arrayBuffersBytes: 100 };
    const page = createSelfMetrics(new Head({ epoch: 'e' }), build, () => stats).registry.expose();
    expect(page).toMatch(/^process_resident_memory_bytes 900$/m);
    expect(page).toMatch(/^process_heap_bytes 500$/m);
    expect(page).toMatch(/^nodejs_heap_size_used_bytes 400$/m);
    expect(page).toMatch(/^nodejs_external_memory_bytes 120$/m);
    expect(page).toMatch(/^nodejs_array_buffers_bytes 100$/m);
    expect(page).toContain('# TYPE nodejs_external_memory_bytes gauge');
  });

  it('leaves out what the runtime does not report (Workers report no process stats)', () => {
    const page = createSelfMetrics(new Head({ epoch: 'e' }), build).registry.expose();
    expect(page).not.toMatch(/^(process_|nodejs_)\w+ /m);
    expect(page).toMatch(/^sightline_head_series 0$/m);
  });
});
