/**
 * Turning what a reader typed into a safe SQLite FTS5 query, and a highlighted snippet into
 * HTML. Pure, so it is tested without a database.
 */

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

/** The distinct words of a query, lower-cased, at most MAX_TERMS of them. */
export function queryTerms(input: string): string[] {
  const words = input
    .slice(0, MAX_QUERY_LENGTH)
    .normalize('NFKC')
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu);
  return words ? [...new Set(words)].slice(0, MAX_TERMS) : [];
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A short passage of `text` around the first word that starts with one of `terms`, with every such
 * word wrapped in MARK_START/MARK_END (escape it with highlightSnippet). Done here rather than with
 * FTS5's snippet(), which re-tokenises each whole article and cost ~2 ms a search.
 */
export function makeSnippet(text: string, terms: readonly string[], length = 220): string {
  if (terms.length === 0) return text.slice(0, length);
  const word = new RegExp(`(?<![\\p{L}\\p{N}])(?:${terms.map(escapeRegExp).join('|')})[\\p{L}\\p{N}]*`, 'giu');
  const first = word.exec(text);
  word.lastIndex = 0;
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
  const passage = text.slice(start, end).replace(word, (match) => `${MARK_START}${match}${MARK_END}`);
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
