// Server-Sent Events framing: the encoder the gateway writes with and the incremental decoder the studio reads with.

/** One SSE event as the spec defines it (https://html.spec.whatwg.org/multipage/server-sent-events.html). */
export interface SSEEvent {
  /** The event's `event:` field, "message" when absent. */
  event: string;
  data: string;
  /** The last event id seen so far on the stream (ids persist across events, per the spec). */
  lastEventId: string;
  /** Set when this event carried a `retry:` field with a valid integer. */
  retry?: number;
}

/** Fields of one event to write. */
export interface SSEFrame {
  data: string;
  id?: string;
  event?: string;
  retry?: number;
}

/** Encodes one event; multi-line data becomes several `data:` lines, and ids/event names cannot break framing. */
export function formatSSE(frame: SSEFrame): string {
  let out = '';
  if (frame.event !== undefined) out += `event: ${singleLine(frame.event)}\n`;
  if (frame.id !== undefined) out += `id: ${singleLine(frame.id).replace(/\0/g, '')}\n`;
  if (frame.retry !== undefined) out += `retry: ${Math.max(0, Math.floor(frame.retry))}\n`;
  for (const line of frame.data.split(/\r\n|\r|\n/)) out += `data: ${line}\n`;
  return out + '\n';
}

/** An SSE comment line: ignored by every reader, useful to flush proxies. */
export function formatSSEComment(text: string): string {
  return `: ${singleLine(text)}\n\n`;
}

function singleLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ');
}

/**
 * Incremental SSE parser: feed it decoded text in chunks of any size (split anywhere, even inside a CRLF) and it
 * returns the complete events. Follows the spec's line handling: BOM, CR/LF/CRLF, comments, `field: value`.
 */
export class SSEDecoder {
  private buffer = '';
  private data: string[] = [];
  private hasData = false;
  private eventType = '';
  private lastId = '';
  private retry: number | undefined;
  private started = false;
  /** A chunk ended with CR: a following LF belongs to that line ending. */
  private pendingCR = false;
  /** Leading characters of `buffer` already known to hold no line break. */
  private scanned = 0;
  /** Chunks without any line break, not yet appended to `buffer`. */
  private parts: string[] = [];

  /** Adds text and returns the events it completes. */
  push(chunk: string): SSEEvent[] {
    if (!this.started && chunk.length > 0) {
      this.started = true;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    if (this.pendingCR && chunk.startsWith('\n')) chunk = chunk.slice(1);
    this.pendingCR = false;
    if (chunk.indexOf('\n') < 0 && chunk.indexOf('\r') < 0) {
      // No line ends here: hold the piece unjoined, so a long line arriving in small chunks is copied once.
      this.parts.push(chunk);
      return [];
    }
    if (this.parts.length > 0) {
      this.buffer += this.parts.join('');
      this.parts = [];
      this.scanned = this.buffer.length;
    }
    this.buffer += chunk;
    const events: SSEEvent[] = [];
    let pos = 0;
    // Where the next CR and LF are (-1: none left; stale when behind `from`). Caching them, and skipping what
    // the previous push already scanned, keeps decoding linear for many small events and for long lines.
    let from = this.scanned;
    let cr = -2;
    let lf = -2;
    for (;;) {
      if (cr !== -1 && cr < from) cr = this.buffer.indexOf('\r', from);
      if (lf !== -1 && lf < from) lf = this.buffer.indexOf('\n', from);
      if (cr < 0 && lf < 0) break;
      let end: number;
      let next: number;
      if (lf >= 0 && (cr < 0 || lf < cr)) {
        end = lf;
        next = lf + 1;
      } else if (cr + 1 < this.buffer.length) {
        end = cr;
        next = this.buffer[cr + 1] === '\n' ? cr + 2 : cr + 1;
      } else {
        end = cr;
        next = cr + 1;
        this.pendingCR = true;
      }
      const event = this.line(this.buffer.slice(pos, end));
      if (event) events.push(event);
      pos = next;
      from = next;
    }
    this.scanned = this.buffer.length - pos;
    this.buffer = this.buffer.slice(pos);
    return events;
  }

  private line(line: string): SSEEvent | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    switch (field) {
      case 'data':
        this.data.push(value);
        this.hasData = true;
        break;
      case 'event':
        this.eventType = value;
        break;
      case 'id':
        if (!value.includes('\0')) this.lastId = value;
        break;
      case 'retry':
        if (/^\d+$/.test(value)) this.retry = Number(value);
        break;
    }
    return null;
  }

  private dispatch(): SSEEvent | null {
    const hasData = this.hasData;
    const event: SSEEvent = { event: this.eventType || 'message', data: this.data.join('\n'), lastEventId: this.lastId };
    if (this.retry !== undefined) event.retry = this.retry;
    this.data = [];
    this.hasData = false;
    this.eventType = '';
    this.retry = undefined;
    return hasData ? event : null;
  }
}
