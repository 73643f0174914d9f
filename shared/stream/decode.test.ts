// Tests for the validating stream decoder: good messages pass through typed, bad ones become clear errors.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isStaleMarker } from '../model/stale.ts';
import { parseStreamMessage, StreamDecoder } from './decode.ts';
import { decodeValue, type StreamMessage } from './protocol.ts';
import { formatSSE } from './sse.ts';

const hello: StreamMessage = { type: 'hello', epoch: 'ab12', oldestSeq: 3, nextSeq: 9, gap: { epoch: null, afterSeq: 1, resumedAtSeq: 3 } };
const batch: StreamMessage = {
  type: 'batch',
  seq: 4,
  defs: [[1, { __name__: 'up', job: 'node' }]],
  ids: [1, 1],
  ts: [1000, 2000],
  vals: [1, 'stale'],
  meta: [['up', { type: 'gauge', help: 'h', unit: '' }]],
  exemplars: [[1, { trace_id: 'x' }, 0.5, null]],
};

describe('parseStreamMessage', () => {
  it('accepts every message type unchanged', () => {
    for (const m of [hello, batch, { type: 'heartbeat', now: 5, nextSeq: 9 } as StreamMessage]) {
      expect(parseStreamMessage(JSON.stringify(m))).toEqual({ ok: true, message: m });
    }
  });

  it('keeps the stale marker distinct through the wire value', () => {
    const r = parseStreamMessage(JSON.stringify(batch));
    if (!r.ok || r.message.type !== 'batch') throw new Error('expected a batch');
    expect(isStaleMarker(decodeValue(r.message.vals[1]))).toBe(true);
  });

  it.each([
    ['not json', 'stream message is not JSON'],
    ['[1]', 'invalid stream message: message must be an object'],
    ['{"type":"nope"}', 'unknown type "nope"'],
    ['{"type":"hello","epoch":1,"oldestSeq":1,"nextSeq":1}', 'hello.epoch must be a string'],
    ['{"type":"batch","seq":2,"ids":[1,2],"ts":1,"vals":[1]}', 'batch 2: vals has 1 entries, ids has 2'],
    ['{"type":"batch","seq":2,"ids":[1],"ts":[1,2],"vals":[1]}', 'batch 2: ts has 2 entries, ids has 1'],
    ['{"type":"batch","seq":2,"ids":[1],"ts":1,"vals":["inf"]}', 'batch 2: vals[0] must be a number, "NaN", "+Inf", "-Inf" or "stale"'],
    ['{"type":"batch","seq":2,"ids":[-1],"ts":1,"vals":[1]}', 'batch 2: ids[0] must not be negative'],
    ['{"type":"batch","seq":2,"ids":[],"ts":1,"vals":[],"defs":[[1,{"a":2}]]}', 'batch 2: defs[0] labels: label a must be a string'],
    ['{"type":"batch","seq":2,"ids":[],"ts":1,"vals":[],"meta":[["f",{"type":"x","help":"","unit":""}]]}', 'is not a metric type'],
    ['{"type":"heartbeat","now":"x","nextSeq":1}', 'heartbeat.now must be a finite number'],
  ])('rejects %s with a clear error', (data, error) => {
    const r = parseStreamMessage(data);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toContain(error);
  });

  it('never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.jsonValue().map((v) => JSON.stringify({ type: 'batch', seq: 1, ids: v, ts: v, vals: v, defs: v }))), (text) => {
        const r = parseStreamMessage(text);
        expect(typeof r.ok).toBe('boolean');
      }),
    );
  });
});

describe('StreamDecoder', () => {
  it('turns SSE text into messages with their event ids, and reports bad events without stopping', () => {
    const d = new StreamDecoder();
    const text = formatSSE({ data: JSON.stringify(hello) }) + formatSSE({ data: '{oops' }) + formatSSE({ id: 'ab12:4', data: JSON.stringify(batch) });
    const out = d.push(text.slice(0, 50)).concat(d.push(text.slice(50)));
    expect(out.map((r) => (r.ok ? r.message.type + '@' + r.lastEventId : 'error'))).toEqual(['hello@', 'error', 'batch@ab12:4']);
  });
});
