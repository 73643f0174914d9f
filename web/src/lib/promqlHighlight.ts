// Static PromQL highlighting (rule queries, explain nodes): text split into classed segments by Prometheus's grammar.
import { highlightTree, tagHighlighter, tags } from '@lezer/highlight';
import { LanguageType, promQLLanguage } from '@prometheus-io/codemirror-promql';

export interface Segment {
  text: string;
  /** CSS class for the token kind, '' for plain text. */
  cls: string;
}

const highlighter = tagHighlighter([
  { tag: tags.keyword, class: 'pq-keyword' },
  { tag: [tags.function(tags.variableName), tags.standard(tags.variableName)], class: 'pq-function' },
  { tag: tags.labelName, class: 'pq-label' },
  { tag: tags.string, class: 'pq-string' },
  { tag: tags.number, class: 'pq-number' },
  { tag: tags.operator, class: 'pq-operator' },
  { tag: tags.comment, class: 'pq-comment' },
]);

let language: ReturnType<typeof promQLLanguage> | null = null;

/** Segments covering the whole query, in order; unparsable parts stay plain text. */
export function highlightPromQL(query: string): Segment[] {
  language ??= promQLLanguage(LanguageType.PromQL);
  const tree = language.parser.parse(query);
  const out: Segment[] = [];
  let pos = 0;
  highlightTree(tree, highlighter, (from, to, cls) => {
    if (from > pos) out.push({ text: query.slice(pos, from), cls: '' });
    out.push({ text: query.slice(from, to), cls });
    pos = to;
  });
  if (pos < query.length) out.push({ text: query.slice(pos), cls: '' });
  return out;
}
