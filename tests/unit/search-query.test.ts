import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  highlightSnippet,
  makeSnippet,
  markdownToText,
  MARK_END,
  MARK_START,
  MAX_QUERY_LENGTH,
  meaningfulTerms,
  termsFound,
  toAnyWordFtsQuery,
  toFtsQuery,
} from '../../src/lib/articles/search-query';

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

describe('toAnyWordFtsQuery', () => {
  it.each([
    ['a question keeps its meaningful words, any of them', 'recruiter ghosted me', '"recruiter"* OR "ghosted"*'],
    ['how do I …', 'How do I follow up with a recruiter?', '"follow"* OR "recruiter"*'],
    ['only little words: they are all there is', 'how do I', '"how"* OR "do"* OR "i"*'],
    ['operators stay text', 'follow OR "x" NEAR(', '"follow"* OR "x"* OR "near"*'],
    ['nothing searchable gives nothing', ' "*()- ', ''],
  ])('%s', (_name, input, expected) => {
    expect(toAnyWordFtsQuery(input)).toBe(expected);
  });

  it('leaves out words with no meaning of their own only when others remain', () => {
    expect(meaningfulTerms(['recruiter', 'ghosted', 'me'])).toEqual(['recruiter', 'ghosted']);
    expect(meaningfulTerms(['me', 'the'])).toEqual(['me', 'the']);
  });
});

describe('termsFound', () => {
  it('counts the words present in any of their forms', () => {
    const body = 'When a recruiter ghosts you, send one follow-up.';
    expect(termsFound(body, ['recruiter', 'ghosted'])).toBe(2);
    expect(termsFound(body, ['recruiters', 'following', 'xylophone'])).toBe(2);
    expect(termsFound(body, ['xylophone'])).toBe(0);
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

describe('makeSnippet', () => {
  const text = `${'Intro words here. '.repeat(20)}After the interview, send a thank-you note within a day. Notes that name one detail stand out. ${'More text follows. '.repeat(20)}`;

  it('shows a passage around the first match with every matching word marked, cut at word boundaries', () => {
    const snippet = makeSnippet(text, ['note', 'thank']);
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet).toContain(`${MARK_START}thank${MARK_END}-you ${MARK_START}note${MARK_END}`);
    expect(snippet).toContain(`${MARK_START}Notes${MARK_END}`);
    expect(snippet.length).toBeLessThanOrEqual(225);
    const plain = snippet.replaceAll(MARK_START, '').replaceAll(MARK_END, '').slice(1, -1);
    expect(text).toContain(plain);
    expect(text[text.indexOf(plain) - 1]).toBe(' ');
    expect(text[text.indexOf(plain) + plain.length]).toBe(' ');
  });

  it('matches at the start of words only, and treats regex characters as text', () => {
    expect(makeSnippet('denote the notes', ['note'])).toBe(`denote the ${MARK_START}notes${MARK_END}`);
    // Terms are words (queryTerms keeps letters and digits only); one that is not is never a pattern.
    expect(makeSnippet('cost (a+b) here [.*]', ['(a+', '.*', '[', '\\'])).toBe('cost (a+b) here [.*]');
  });

  it.each([
    ['ghosted', 'The recruiter may ghost you; ghosting is common.', ['ghost', 'ghosting']],
    ['following', 'Send the follow-up; keep following up.', ['follow', 'following']],
    ['replies', 'She replied, and the reply was short.', ['replied', 'reply']],
    ['interviews', 'After the interview, interviewers decide.', ['interview', 'interviewers']],
  ])('marks the forms of “%s” the index matches', (term, body, marked) => {
    const snippet = makeSnippet(body, [term]);
    expect(
      [...snippet.matchAll(new RegExp(`${MARK_START}([^${MARK_END}]*)${MARK_END}`, 'g'))].map((m) => m[1]),
    ).toEqual(marked);
  });

  it('falls back to the opening when nothing matches', () => {
    expect(makeSnippet('Short article body.', ['zebra'])).toBe('Short article body.');
  });

  it('escapes safely through highlightSnippet', () => {
    expect(highlightSnippet(makeSnippet('<b>note</b> & more', ['note']))).toBe(
      '&lt;b&gt;<mark>note</mark>&lt;/b&gt; &amp; more',
    );
  });
});
