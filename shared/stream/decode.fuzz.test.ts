// Property tests: the stream read path (bytes → TextDecoder → SSEDecoder → parseStreamMessage → StreamSession) never throws and never hangs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStreamMessage, StreamDecoder, type DecodeResult } from './decode.ts';
import type { BatchMessage, HelloMessage, StreamMessage, WireValue } from './protocol.ts';
import { StreamSession } from './session.ts';
import { formatSSE, formatSSEComment, SSEDecoder } from './sse.ts';

/** Each property stops after this long even if its runs are not done, so the suite stays bounded. */
const TIME_LIMIT_MS = 5000;
const bounded = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, interruptAfterTimeLimit: TIME_LIMIT_MS });

// ---- generators of valid messages -------------------------------------------------------------------------

const finite = fc.double({ noNaN: true, noDefaultInfinity: true }).map((v) => (Object.is(v, -0) ? 0 : v));
const wire: fc.Arbitrary<WireValue> = fc.oneof(finite, fc.constantFrom<WireValue>('NaN', '+Inf', '-Inf', 'stale'));
const seqNo = fc.nat({ max: 2 ** 40 });
const shortText = fc.string({ maxLength: 12, unit: 'grapheme' });
const labelSet = fc.dictionary(shortText, shortText, { maxKeys: 4 });
const metaArb = fc.record({
  type: fc.constantFrom('counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown' as const),
  help: shortText,
  unit: shortText,
});

const hello: fc.Arbitrary<HelloMessage> = fc
  .record({
    epoch: shortText,
    oldestSeq: seqNo,
    nextSeq: seqNo,
    gap: fc.option(fc.record({ epoch: fc.option(shortText, { nil: null }), afterSeq: fc.integer({ min: -5, max: 2 ** 40 }), resumedAtSeq: seqNo }), { nil: undefined }),
  })
  .map((h) => {
    const m: HelloMessage = { type: 'hello', epoch: h.epoch, oldestSeq: h.oldestSeq, nextSeq: h.nextSeq };
    if (h.gap !== undefined) m.gap = h.gap;
    return m;
  });

const batch: fc.Arbitrary<BatchMessage> = fc.integer({ min: 0, max: 12 }).chain((n) =>
  fc
    .record({
      seq: seqNo,
      ids: fc.array(fc.nat({ max: 1000 }), { minLength: n, maxLength: n }),
      ts: fc.oneof(finite, fc.array(finite, { minLength: n, maxLength: n })),
      vals: fc.array(wire, { minLength: n, maxLength: n }),
      defs: fc.option(fc.array(fc.tuple(fc.nat({ max: 1000 }), labelSet), { maxLength: 4 }), { nil: undefined }),
      meta: fc.option(fc.array(fc.tuple(shortText, metaArb), { maxLength: 3 }), { nil: undefined }),
      exemplars: fc.option(fc.array(fc.tuple(fc.nat({ max: 1000 }), labelSet, wire, fc.option(finite, { nil: null })), { maxLength: 3 }), {
        nil: undefined,
      }),
    })
    .map((b) => {
      const m: BatchMessage = { type: 'batch', seq: b.seq, ids: b.ids, ts: b.ts, vals: b.vals };
      if (b.defs !== undefined) m.defs = b.defs;
      if (b.meta !== undefined) m.meta = b.meta;
      if (b.exemplars !== undefined) m.exemplars = b.exemplars;
      return m;
    }),
);

const heartbeat: fc.Arbitrary<StreamMessage> = fc.record({ type: fc.constant('heartbeat' as const), now: finite, nextSeq: seqNo });
const message: fc.Arbitrary<StreamMessage> = fc.oneof(hello, batch, heartbeat);

/** A valid stream: messages framed as the gateway frames them, with comments and retry fields mixed in. */
const validStream = fc.array(fc.tuple(message, fc.constantFrom('plain', 'comment', 'retry')), { minLength: 1, maxLength: 8 }).map((items) => {
  let text = '';
  for (const [m, extra] of items) {
    if (extra === 'comment') text += formatSSEComment('keepalive');
    const id = m.type === 'batch' ? `ep:${m.seq}` : undefined;
    text += formatSSE({ data: JSON.stringify(m), id, retry: extra === 'retry' ? 2000 : undefined });
  }
  return { text, messages: items.map(([m]) => m) };
});

// ---- mutation and chunking --------------------------------------------------------------------------------

const SPECIAL = ['\n', '\r', '\r\n', ':', ' ', 'data:', 'data: ', 'id:', 'id: \u0000', 'event:', 'retry:', 'retry: 9', '{', '}', '[', ']', '"', ',', '\\', '\ufeff', '\u0000', 'é', '\ud83d', '"stale"', 'null', '-1', '1e400', 'NaN'];
const special = fc.constantFrom(...SPECIAL);
const sseText = fc.string({ unit: fc.oneof(special, fc.string({ minLength: 1, maxLength: 1, unit: 'binary' })), maxLength: 200 });

type Mutation = { kind: 'replace' | 'insert' | 'delete'; at: number; len: number; text: string };
const mutation: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('replace', 'insert', 'delete'),
  at: fc.nat(),
  len: fc.integer({ min: 1, max: 6 }),
  text: fc.string({ unit: special, maxLength: 3 }),
});

function mutate(input: string, m: Mutation): string {
  const at = input.length === 0 ? 0 : m.at % input.length;
  if (m.kind === 'delete') return input.slice(0, at) + input.slice(at + m.len);
  return input.slice(0, at) + m.text + input.slice(m.kind === 'replace' ? at + m.len : at);
}

/** Splits at the given cut points (taken modulo the length), as a network would. */
function split<T extends { length: number; slice(a: number, b?: number): T }>(input: T, cuts: readonly number[]): T[] {
  const points = [...new Set(cuts.map((c) => (input.length === 0 ? 0 : c % (input.length + 1))))].sort((a, b) => a - b);
  const out: T[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(input.slice(prev, p));
    prev = p;
  }
  out.push(input.slice(prev));
  return out;
}

const cuts = fc.array(fc.nat(), { maxLength: 12 });

function decodeChunks(chunks: readonly string[]): DecodeResult[] {
  const d = new StreamDecoder();
  return chunks.flatMap((c) => d.push(c));
}

/** Structural promises a successful decode makes to its callers (the session indexes by them). */
function expectWellFormed(m: StreamMessage): void {
  const isSeq = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) >= 0;
  const isWire = (v: unknown): boolean => (typeof v === 'number' ? true : ['NaN', '+Inf', '-Inf', 'stale'].includes(v as string));
  switch (m.type) {
    case 'hello':
      expect(typeof m.epoch).toBe('string');
      expect(isSeq(m.oldestSeq) && isSeq(m.nextSeq)).toBe(true);
      if (m.gap) expect(Number.isSafeInteger(m.gap.afterSeq) && isSeq(m.gap.resumedAtSeq)).toBe(true);
      return;
    case 'heartbeat':
      expect(Number.isFinite(m.now) && isSeq(m.nextSeq)).toBe(true);
      return;
    case 'batch':
      expect(isSeq(m.seq)).toBe(true);
      expect(m.ids.every(isSeq)).toBe(true);
      expect(m.vals).toHaveLength(m.ids.length);
      expect(m.vals.every(isWire)).toBe(true);
      if (typeof m.ts !== 'number') expect(m.ts).toHaveLength(m.ids.length);
      for (const [id, labels] of m.defs ?? []) {
        expect(isSeq(id)).toBe(true);
        expect(Object.values(labels).every((v) => typeof v === 'string')).toBe(true);
      }
      for (const [id, , v, t] of m.exemplars ?? []) expect(isSeq(id) && isWire(v) && (t === null || Number.isFinite(t))).toBe(true);
      return;
  }
}

function expectResults(results: readonly DecodeResult[]): void {
  for (const r of results) {
    if (r.ok) expectWellFormed(r.message);
    else expect(typeof r.error).toBe('string');
  }
}

// ---- properties -------------------------------------------------------------------------------------------

describe('stream decoder fuzz', () => {
  it('arbitrary text split anywhere yields only decode results, never an exception', () => {
    fc.assert(
      fc.property(sseText, cuts, (text, at) => {
        expectResults(decodeChunks(split(text, at)));
      }),
      bounded(2000),
    );
  });

  it('how the text is split does not change what is decoded', () => {
    const textOrStream = fc.oneof(sseText, validStream.map((s) => s.text));
    fc.assert(
      fc.property(textOrStream, cuts, (text, at) => {
        expect(decodeChunks(split(text, at))).toEqual(decodeChunks([text]));
      }),
      bounded(2000),
    );
  });

  it('valid messages survive framing, splitting and decoding unchanged', () => {
    fc.assert(
      fc.property(validStream, cuts, ({ text, messages }, at) => {
        const results = decodeChunks(split(text, at));
        expect(results.map((r) => (r.ok ? r.message : r.error))).toEqual(messages.map((m) => JSON.parse(JSON.stringify(m)) as unknown));
      }),
      bounded(1000),
    );
  });

  it('mutated valid streams decode to well-formed messages or errors', () => {
    fc.assert(
      fc.property(validStream, fc.array(mutation, { minLength: 1, maxLength: 6 }), cuts, ({ text }, ms, at) => {
        const mutated = ms.reduce(mutate, text);
        expectResults(decodeChunks(split(mutated, at)));
      }),
      bounded(2000),
    );
  });

  it('mutated bytes through a streaming TextDecoder, as fetch delivers them, never throw', () => {
    const byteEdit = fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }), kind: fc.constantFrom('set', 'insert', 'delete') });
    fc.assert(
      fc.property(validStream, fc.array(byteEdit, { minLength: 1, maxLength: 8 }), cuts, ({ text }, edits, at) => {
        let bytes = Array.from(new TextEncoder().encode(text));
        for (const e of edits) {
          const i = e.at % (bytes.length + 1);
          if (e.kind === 'insert') bytes.splice(i, 0, e.byte);
          else if (e.kind === 'delete') bytes.splice(i, 1);
          else if (i < bytes.length) bytes[i] = e.byte;
        }
        const text2 = new TextDecoder();
        const d = new StreamDecoder();
        const results: DecodeResult[] = [];
        for (const chunk of split(Uint8Array.from(bytes), at)) results.push(...d.push(text2.decode(chunk, { stream: true })));
        results.push(...d.push(text2.decode()));
        expectResults(results);
      }),
      bounded(1500),
    );
  });

  it('any JSON value, and objects shaped almost like messages, are rejected as data or accepted well-formed', () => {
    const anyField = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(undefined));
    const nearMessage = fc.record(
      {
        type: fc.constantFrom('hello', 'batch', 'heartbeat', 'other'),
        epoch: anyField,
        oldestSeq: anyField,
        nextSeq: anyField,
        gap: fc.oneof(anyField, fc.record({ epoch: anyField, afterSeq: anyField, resumedAtSeq: anyField })),
        now: anyField,
        seq: anyField,
        ids: fc.oneof(anyField, fc.array(fc.oneof(fc.nat(), fc.integer(), fc.double(), fc.string()), { maxLength: 4 })),
        ts: anyField,
        vals: fc.oneof(anyField, fc.array(fc.oneof(wire, fc.string(), fc.constant(null)), { maxLength: 4 })),
        defs: fc.oneof(anyField, fc.array(fc.tuple(anyField, anyField), { maxLength: 3 })),
        meta: fc.oneof(anyField, fc.array(fc.tuple(anyField, anyField), { maxLength: 3 })),
        exemplars: fc.oneof(anyField, fc.array(fc.array(anyField, { maxLength: 5 }), { maxLength: 3 })),
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue({ maxDepth: 4 }), nearMessage), (value) => {
        const r = parseStreamMessage(JSON.stringify(value) ?? 'undefined');
        if (r.ok) expectWellFormed(r.message);
        else expect(r.error).toMatch(/^(stream message is not JSON|invalid stream message)/);
      }),
      bounded(3000),
    );
  });

  it('a session fed any sequence of valid messages reports problems as events, never throws', () => {
    fc.assert(
      fc.property(fc.array(message, { maxLength: 12 }), (messages) => {
        const session = new StreamSession();
        for (const m of messages) {
          const ev = session.apply(m);
          expect(['hello', 'batch', 'heartbeat', 'duplicate', 'error']).toContain(ev.type);
          if (ev.type === 'batch') expect(ev.batch.vals.length).toBe(ev.batch.labels.length);
        }
      }),
      bounded(2000),
    );
  });

  it('deeply nested or huge single events are rejected without a stack overflow', () => {
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    const d = new SSEDecoder();
    const events = d.push(`data: ${deep}\n\n`);
    expect(events).toHaveLength(1);
    const r = parseStreamMessage(events[0].data);
    expect(r.ok).toBe(false);
    const manyIds = JSON.stringify({ type: 'batch', seq: 1, ids: new Array(200_000).fill(1), ts: 1, vals: new Array(200_000).fill('x') });
    const r2 = parseStreamMessage(manyIds);
    expect(r2.ok).toBe(false);
    if (!r2.ok) expect(r2.error.length).toBeLessThan(400);
  });
});
