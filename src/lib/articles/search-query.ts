/**
 * Turning what a reader typed into a safe SQLite FTS5 query, and a highlighted snippet into
 * HTML. Pure, so it is tested without a database.
 *
 * Word forms: the index uses FTS5's Porter tokenizer, so "ghosted" finds "ghost" and "following"
 * finds "follow-up". The snippet and the ranking here use the same Porter algorithm (the `stemmer`
 * package) so that what is highlighted is what was matched.
 */
import { stemmer } from 'stemmer';

export const MAX_QUERY_LENGTH = 200;
const MAX_TERMS = 12;
export const MARK_START = '\u0001';
export const MARK_END = '\u0002';

/**
 * Every word becomes a quoted prefix term, so FTS5 operators and quotes typed by a reader are
 * searched for as text and can never form a query of their own. Empty when nothing searchable.
 */
export function toFtsQuery(input: string): string {
  return queryTerms(input)
    .map((word) => `"${word}"*`)
    .join(' ');
}

/**
 * Any one of the words, for when no article has every word: a question such as "recruiter ghosted
 * me" still finds what it is about. Words that carry no meaning of their own ("me", "how", "the")
 * are left out unless they are all there is. Empty when nothing searchable.
 */
export function toAnyWordFtsQuery(input: string): string {
  return meaningfulTerms(queryTerms(input))
    .map((word) => `"${word}"*`)
    .join(' OR ');
}

/** Common English words that say nothing about what is sought. */
const STOP_WORDS = new Set(
  (
    'a about after all am an and any are as at be been before but by can could did do does for from get got had has ' +
    'have he her him his how i if in into is it its just me my no not now of on or our out she should so than that ' +
    'the their them then there they this to too up us was we were what when where which who why will with would you your'
  ).split(' '),
);

/** The words of a query that carry meaning, or all of them when none does. */
export function meaningfulTerms(terms: readonly string[]): string[] {
  const meaningful = terms.filter((term) => !STOP_WORDS.has(term));
  return meaningful.length > 0 ? meaningful : [...terms];
}

/** A word's stem as the index's Porter tokenizer sees it. */
export function stemOf(word: string): string {
  return stemmer(word.toLowerCase());
}

/** Whether a word of the text is a form of one of the query's stems (the index's prefix match). */
const formOf = (stems: readonly string[]) => (word: string) => {
  const stem = stemOf(word);
  return stems.some((wanted) => stem.startsWith(wanted));
};

/** How many of the terms occur in `text`, in any of their forms. */
export function termsFound(text: string, terms: readonly string[]): number {
  const words = new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
  const stems = [...words].map(stemOf);
  return terms.filter((term) => {
    const wanted = stemOf(term);
    return stems.some((stem) => stem.startsWith(wanted));
  }).length;
}

/** The distinct words of a query, lower-cased, at most MAX_TERMS of them. */
export function queryTerms(input: string): string[] {
  const words = input
    .slice(0, MAX_QUERY_LENGTH)
    .normalize('NFKC')
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu);
  return words ? [...new Set(words)].slice(0, MAX_TERMS) : [];
}

/**
 * A short passage of `text` around the first word that is a form of one of `terms`, with every
 * such word wrapped in MARK_START/MARK_END (escape it with highlightSnippet). Done here rather than
 * with FTS5's snippet(), which re-tokenises each whole article and cost ~2 ms a search.
 */
export function makeSnippet(text: string, terms: readonly string[], length = 220): string {
  if (terms.length === 0) return text.slice(0, length);
  const matches = formOf(terms.map(stemOf));
  const word = /[\p{L}\p{N}]+/gu;
  let first: RegExpExecArray | null = null;
  for (let found = word.exec(text); found; found = word.exec(text))
    if (matches(found[0])) {
      first = found;
      break;
    }
  let start = first ? Math.max(0, first.index - Math.floor(length / 3)) : 0;
  if (start > 0) {
    const space = text.indexOf(' ', start);
    start = space === -1 || space > (first?.index ?? start) ? start : space + 1;
  }
  let end = Math.min(text.length, start + length);
  if (end < text.length) {
    const space = text.lastIndexOf(' ', end);
    if (space > start) end = space;
  }
  const passage = text
    .slice(start, end)
    .replace(word, (match) => (matches(match) ? `${MARK_START}${match}${MARK_END}` : match));
  return `${start > 0 ? '…' : ''}${passage}${end < text.length ? '…' : ''}`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);
}

/** Escapes the snippet, then turns the marker characters FTS5 placed into <mark> elements. */
export function highlightSnippet(snippet: string): string {
  return escapeHtml(snippet.replaceAll(/[\u0001\u0002]/g, (m) => (m === MARK_START ? '\u0003' : '\u0004')))
    .replaceAll('\u0003', '<mark>')
    .replaceAll('\u0004', '</mark>');
}

/** Markdown to plain words for indexing: no fences, link targets, emphasis or heading marks. */
export function markdownToText(markdown: string): string {
  return markdown
    .replace(/```[a-z]*\n?/gi, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^#{1,6}\s+/gm, '')
    .replace(/^\s*(?:[-*+]|\d+\.)\s+/gm, '')
    .replace(/[*_`>\\]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}
