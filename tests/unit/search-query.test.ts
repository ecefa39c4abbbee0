import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  highlightSnippet,
  markdownToText,
  MARK_END,
  MARK_START,
  MAX_QUERY_LENGTH,
  toFtsQuery,
} from '../../src/lib/search-query';

describe('toFtsQuery', () => {
  it.each([
    ['one word becomes a prefix term', 'thank', '"thank"*'],
    ['every word must match', 'thank you note', '"thank"* "you"* "note"*'],
    ['case and repeats fold', 'Note NOTE note', '"note"*'],
    ['punctuation separates words', 'thank-you', '"thank"* "you"*'],
    [
      'FTS operators are searched as words',
      'follow NEAR(up) OR "x" AND -y *',
      '"follow"* "near"* "up"* "or"* "x"* "and"* "y"*',
    ],
    ['SQL stays text', "'; DROP TABLE articles; --", '"drop"* "table"* "articles"*'],
    ['accents survive', 'résumé', '"résumé"*'],
    ['nothing searchable gives nothing', ' "*()- ', ''],
  ])('%s', (_name, input, expected) => {
    expect(toFtsQuery(input)).toBe(expected);
  });

  it('caps the length and the number of terms', () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`).join(' ');
    expect(toFtsQuery(words).split(' ')).toHaveLength(12);
    expect(toFtsQuery('a'.repeat(MAX_QUERY_LENGTH * 5))).toBe(`"${'a'.repeat(MAX_QUERY_LENGTH)}"*`);
  });
});

describe('highlightSnippet', () => {
  it('marks matches and escapes everything else', () => {
    const snippet = `Send <script>alert(1)</script> within 24 ${MARK_START}hours${MARK_END} & "soon"`;
    expect(highlightSnippet(snippet)).toBe(
      'Send &lt;script&gt;alert(1)&lt;/script&gt; within 24 <mark>hours</mark> &amp; &quot;soon&quot;',
    );
  });

  it('cannot be tricked into an unescaped tag by text that looks like a marker', () => {
    expect(highlightSnippet('<mark onclick=x>')).toBe('&lt;mark onclick=x&gt;');
  });
});

describe('escapeHtml', () => {
  it('escapes the five HTML-significant characters', () => {
    expect(escapeHtml(`<a href='x'>"&"</a>`)).toBe('&lt;a href=&#39;x&#39;&gt;&quot;&amp;&quot;&lt;/a&gt;');
  });
});

describe('markdownToText', () => {
  it('keeps words and link text, drops syntax and link targets', () => {
    const md = '## Heading\n\n> **Bold** and _em_ with [a link](https://example.com/x)\n\n```text\nHi {name}\n```';
    expect(markdownToText(md)).toBe('Heading Bold and em with a link Hi {name}');
  });
});
