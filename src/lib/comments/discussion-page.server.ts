/** Everything an article's discussion page shows (src/pages/articles/[slug]/comments.astro). */
import type { AppContext } from '../app/context.server';
import type { User } from '../auth/session.server';
import { discussion } from './discussion.server';
import { DISCUSSION_PAGE_SIZE, discussionPages, discussionParams, discussionSavedMessage } from './discussion-page';
import { cannotCommentReason } from './viewer.server';
import type { CommentSort, Discussion } from './view';

export interface DiscussionPage {
  /** One page of threads, as the viewer may see them. */
  discussion: Discussion;
  sort: CommentSort;
  pageNumber: number;
  pages: number;
  /** Why the viewer cannot comment, if they cannot. */
  cannotComment: ReturnType<typeof cannotCommentReason>;
  /** The confirmation of the form that redirected here (`?saved=`). */
  savedMessage: string | undefined;
}

export async function loadDiscussionPage(
  app: Pick<AppContext, 'db'>,
  slug: string,
  viewer: User | undefined,
  url: URL,
): Promise<DiscussionPage> {
  const { sort, pageNumber } = discussionParams(url.searchParams);
  const result = await discussion(app.db, slug, viewer, {
    sort,
    limit: DISCUSSION_PAGE_SIZE,
    offset: (pageNumber - 1) * DISCUSSION_PAGE_SIZE,
  });
  return {
    discussion: result,
    sort,
    pageNumber,
    pages: discussionPages(result.threads),
    cannotComment: cannotCommentReason(viewer),
    savedMessage: discussionSavedMessage(url.searchParams.get('saved')),
  };
}
