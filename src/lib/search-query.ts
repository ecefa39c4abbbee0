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
  const words = input
    .slice(0, MAX_QUERY_LENGTH)
    .normalize('NFKC')
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu);
  if (!words) return '';
  return [...new Set(words)]
    .slice(0, MAX_TERMS)
    .map((word) => `"${word}"*`)
    .join(' ');
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
