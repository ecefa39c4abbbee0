/**
 * Pure helpers for articles: reading time, ordering, related posts, pagination.
 * They take plain data so they run anywhere (pages, islands, tests) without I/O.
 */

export interface ArticleSummary {
  id: string;
  title: string;
  tags: readonly string[];
  pubDate: Date;
}

const WORDS_PER_MINUTE = 225;

/** Whole minutes to read Markdown text, at least one. Code fences and link targets are not read aloud. */
export function readingMinutes(markdown: string): number {
  const prose = markdown
    .replace(/```[\s\S]*?```/g, (block) => block.replace(/```\w*/g, ''))
    .replace(/\]\([^)]*\)/g, ']')
    .replace(/[#>*_`~-]/g, ' ');
  const words = prose.split(/\s+/).filter((word) => /[\p{L}\p{N}]/u.test(word)).length;
  return Math.max(1, Math.round(words / WORDS_PER_MINUTE));
}

/** Newest first; ties keep a stable order by id so pages never reshuffle between builds. */
export function newestFirst<T extends ArticleSummary>(articles: readonly T[]): T[] {
  return [...articles].sort((a, b) => b.pubDate.getTime() - a.pubDate.getTime() || a.id.localeCompare(b.id));
}

/**
 * Articles that share the most tags with `current`, then the newest. Articles with no tag
 * in common fill the remaining places, so a reader always has somewhere to go next.
 */
export function relatedArticles<T extends ArticleSummary>(current: ArticleSummary, all: readonly T[], limit = 3): T[] {
  const shared = (article: ArticleSummary) => article.tags.filter((tag) => current.tags.includes(tag)).length;
  return newestFirst(all.filter((article) => article.id !== current.id))
    .map((article, order) => ({ article, order, score: shared(article) }))
    .sort((a, b) => b.score - a.score || a.order - b.order)
    .slice(0, limit)
    .map(({ article }) => article);
}

export interface Page<T> {
  items: T[];
  current: number;
  last: number;
  total: number;
}

/** One page (1-based) of an already ordered list. */
export function pageOf<T>(items: readonly T[], page: number, size: number): Page<T> {
  if (!Number.isInteger(size) || size < 1) throw new RangeError('page size must be a positive integer');
  const last = Math.max(1, Math.ceil(items.length / size));
  if (!Number.isInteger(page) || page < 1 || page > last) {
    throw new RangeError(`page ${page} is outside 1..${last}`);
  }
  return { items: items.slice((page - 1) * size, page * size), current: page, last, total: items.length };
}

/** The URL of page `n` of the article index: the first page has no number. */
export function articleIndexPath(page: number): string {
  return page <= 1 ? '/articles' : `/articles/page/${page}`;
}

/** Tags in URLs are already kebab-case; this turns one into words for headings. */
export function tagLabel(tag: string): string {
  const words = tag.replace(/-/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

const dateFormat = new Intl.DateTimeFormat('en-US', {
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  timeZone: 'UTC',
});

/** Publication dates are calendar dates, so they are shown in UTC to avoid an off-by-one day. */
export function formatPublishedDate(date: Date): string {
  return dateFormat.format(date);
}

/** Every distinct tag with how many articles carry it, most used first, then by name. */
export function tagCounts(articles: readonly ArticleSummary[]): { tag: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const article of articles) {
    for (const tag of article.tags) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  }
  return [...counts]
    .map(([tag, count]) => ({ tag, count }))
    .sort((a, b) => b.count - a.count || a.tag.localeCompare(b.tag));
}

/** The line in a premium article's Markdown that ends the free preview (kept as a comment in its HTML). */
export const PREMIUM_MARKER = '<!-- premium -->';

/**
 * A premium article's free preview and paid rest, from its Markdown or from the HTML rendered from
 * it. Without the marker nothing is free: the whole text is the paid part, so a forgotten marker
 * can never publish a paid guide.
 */
export function splitPremium(text: string): { preview: string; rest: string } {
  const at = text.indexOf(PREMIUM_MARKER);
  if (at === -1) return { preview: '', rest: text };
  return { preview: text.slice(0, at).trimEnd(), rest: text.slice(at + PREMIUM_MARKER.length).trimStart() };
}
