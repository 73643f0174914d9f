// Tests for SSE framing: encoder output, the spec's parsing rules, and chunk-boundary independence.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatSSE, formatSSEComment, SSEDecoder, type SSEEvent } from './sse.ts';

function decodeAll(text: string): SSEEvent[] {
  return new SSEDecoder().push(text);
}

describe('formatSSE', () => {
  it('writes id, retry and one data line per input line', () => {
    expect(formatSSE({ id: 'e:1', data: '{"a":1}' })).toBe('id: e:1\ndata: {"a":1}\n\n');
    expect(formatSSE({ data: 'a\nb', retry: 2000, event: 'x' })).toBe('event: x\nretry: 2000\ndata: a\ndata: b\n\n');
  });

  it('cannot be broken by newlines in ids or event names', () => {
    const events = decodeAll(formatSSE({ id: 'a\nb', event: 'x\ny', data: 'd' }));
    expect(events).toEqual([{ event: 'x y', data: 'd', lastEventId: 'a b' }]);
  });
});

describe('SSEDecoder', () => {
  it('follows the spec: comments, missing space, CR and CRLF line ends, BOM, last id persisting', () => {
    const text = '\ufeff: hello\r\nid: 1\r\ndata:first\r\n\r\ndata: x\rdata: y\r\revent: e\ndata\n\n';
    expect(decodeAll(text)).toEqual([
      { event: 'message', data: 'first', lastEventId: '1' },
      { event: 'message', data: 'x\ny', lastEventId: '1' },
      { event: 'e', data: '', lastEventId: '1' },
    ]);
  });

  it('ignores events without data, unknown fields and bad retry values', () => {
    expect(decodeAll('id: 5\n\nfoo: bar\nretry: x\ndata: d\n\n')).toEqual([{ event: 'message', data: 'd', lastEventId: '5' }]);
    expect(decodeAll('retry: 300\ndata: d\n\n')[0].retry).toBe(300);
  });

  it('holds back an unterminated event', () => {
    const d = new SSEDecoder();
    expect(d.push('data: a\n')).toEqual([]);
    expect(d.push('\n')).toEqual([{ event: 'message', data: 'a', lastEventId: '' }]);
  });

  it('treats a comment helper as nothing', () => {
    expect(decodeAll(formatSSEComment('keepalive\nx'))).toEqual([]);
  });

  it('decodes the same events however the text is split into chunks', () => {
    const frame = fc.record({
      data: fc.string({ unit: fc.constantFrom('a', 'é', '\n', ':', ' ', '{', '"', '😀') }),
      id: fc.option(fc.string({ unit: fc.constantFrom('e', '1', ':', ' ') }), { nil: undefined }),
    });
    fc.assert(
      fc.property(fc.array(frame, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), fc.boolean(), (frames, cuts, crlf) => {
        let text = frames.map((f) => formatSSE(f)).join('');
        if (crlf) text = text.replace(/\n/g, '\r\n');
        const whole = decodeAll(text);
        expect(whole.map((e) => e.data)).toEqual(frames.map((f) => f.data.replace(/\r\n|\r/g, '\n')));
        const points = [...new Set(cuts.map((c) => c % (text.length + 1)))].sort((a, b) => a - b);
        const d = new SSEDecoder();
        const pieces: SSEEvent[] = [];
        let last = 0;
        for (const p of [...points, text.length]) {
          pieces.push(...d.push(text.slice(last, p)));
          last = p;
        }
        expect(pieces).toEqual(whole);
      }),
    );
  });
});
