// Pins the text panel's Markdown subset and its refusal of unsafe links and raw HTML.
import { describe, expect, it } from 'vitest';
import { parseInline, parseMarkdown } from './markdown.ts';

describe('text panel markdown', () => {
  it('parses headings, paragraphs, lists and code', () => {
    const blocks = parseMarkdown('# Title\n\nSome **bold** text\ncontinued\n\n- one\n- two\n\n```\nx < y\n```');
    expect(blocks.map((b) => b.kind)).toEqual(['heading', 'paragraph', 'list', 'code']);
    expect(blocks[1]).toEqual({ kind: 'paragraph', inlines: [{ kind: 'text', text: 'Some ' }, { kind: 'strong', text: 'bold' }, { kind: 'text', text: ' text continued' }] });
    expect(blocks[3]).toEqual({ kind: 'code', text: 'x < y' });
  });

  it('keeps safe links, turns javascript: links and HTML into plain text', () => {
    expect(parseInline('[docs](https://prometheus.io)')).toEqual([{ kind: 'link', text: 'docs', href: 'https://prometheus.io' }]);
    expect(parseInline('[x](javascript:alert(1))')[0].kind).toBe('text');
    expect(parseMarkdown('<img src=x onerror=alert(1)>')).toEqual([{ kind: 'paragraph', inlines: [{ kind: 'text', text: '<img src=x onerror=alert(1)>' }] }]);
  });
});
