// Hang guard: SSE decoding time must grow linearly with input, however the input is split (many short events, one long line).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SSEDecoder } from './sse.ts';

/**
 * Decoding a few MB is tens of milliseconds when linear; a decoder that rescans its buffer per line or per push
 * takes seconds to minutes on the same input, which freezes the studio's stream worker. The bound is wide enough
 * for a loaded CI machine and far below what quadratic behaviour costs.
 */
const BUDGET_MS = 1500;

function timed(run: () => number): { ms: number; events: number } {
  const t0 = performance.now();
  const events = run();
  return { ms: performance.now() - t0, events };
}

describe('SSE decoder scaling', () => {
  it('decodes 80,000 small events arriving in one chunk in linear time', () => {
    const n = 80_000;
    const text = 'data: {"type":"heartbeat","now":1,"nextSeq":2}\n\n'.repeat(n);
    const { ms, events } = timed(() => new SSEDecoder().push(text).length);
    expect(events).toBe(n);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('decodes a 512 KB data line arriving in 512-byte chunks in linear time', () => {
    const line = `data: ${'x'.repeat(512 * 1024)}`;
    const { ms, events } = timed(() => {
      const d = new SSEDecoder();
      let count = 0;
      for (let i = 0; i < line.length; i += 512) count += d.push(line.slice(i, i + 512)).length;
      return count + d.push('\n\n').length;
    });
    expect(events).toBe(1);
    expect(ms).toBeLessThan(BUDGET_MS);
  });

  it('random mixes of line lengths and chunk sizes of ~1 MB stay within the budget', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4000 }), fc.integer({ min: 64, max: 8192 }), fc.constantFrom('\n', '\r\n', '\r'), (lineLen, chunk, eol) => {
        const event = `data: ${'y'.repeat(lineLen)}${eol}${eol}`;
        const text = event.repeat(Math.max(1, Math.floor(1_000_000 / event.length)));
        const { ms } = timed(() => {
          const d = new SSEDecoder();
          let count = 0;
          for (let i = 0; i < text.length; i += chunk) count += d.push(text.slice(i, i + chunk)).length;
          return count;
        });
        expect(ms).toBeLessThan(BUDGET_MS);
      }),
      { numRuns: 8, interruptAfterTimeLimit: 5000 },
    );
  });
});
