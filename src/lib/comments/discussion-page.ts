/** The paging, sorting and words of an article's discussion page (src/pages/articles/[slug]/comments.astro). Pure. */
import { savedMessage } from '../forms/saved-message';
import type { CommentSort } from './view';

/** Threads per page of the discussion. */
export const DISCUSSION_PAGE_SIZE = 50;

/** What each comment form says once it has been saved (the `saved` key of its redirect). */
export const DISCUSSION_SAVED_MESSAGES: Readonly<Record<string, string>> = {
  posted: 'Thank you for sharing. Your comment is below.',
  edited: 'Saved.',
  deleted: 'Your comment was deleted.',
  liked: 'Saved.',
  reported: 'Thank you: the coach will look at it.',
};

export const discussionSavedMessage = (key: string | null) => savedMessage(DISCUSSION_SAVED_MESSAGES, key);

/** The order (`?sort=top`, else newest) and the page (`?page=`, 1 to 10,000, else 1) asked for. */
export function discussionParams(params: URLSearchParams): { sort: CommentSort; pageNumber: number } {
  const sort: CommentSort = params.get('sort') === 'top' ? 'top' : 'newest';
  const pageNumber = Math.max(1, Math.min(10_000, Number.parseInt(params.get('page') ?? '1', 10) || 1));
  return { sort, pageNumber };
}

/** How many pages `threads` top-level comments fill (at least one). */
export const discussionPages = (threads: number) => Math.max(1, Math.ceil(threads / DISCUSSION_PAGE_SIZE));

/** The address of page `n` of an article's discussion, in the same order. */
export const discussionPageLink = (slug: string, sort: CommentSort, n: number) =>
  `/articles/${slug}/comments?sort=${sort}${n > 1 ? `&page=${n}` : ''}#comments`;

/**
 * Where a comment form goes after success: back to the article when it was sent from there (a
 * report excepted: it is confirmed in words, which only the discussion page shows), else to the
 * discussion page with its confirmation; to the comment itself when the Action names one.
 */
export function discussionRedirect(slug: string, name: string, back: string, id: string | undefined): string {
  const anchor = id ? `#c-${id}` : '#comments';
  if (back === 'article' && name !== 'reported') return `/articles/${slug}${name === 'posted' ? '#comments' : anchor}`;
  return `/articles/${slug}/comments?saved=${name}${anchor}`;
}
