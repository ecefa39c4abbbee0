/**
 * Reading an article's discussion as a given viewer: what they may see (published and deleted
 * comments, their own held ones), in what order, and what they may do with each comment.
 */
import { and, asc, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Database } from '../../../db/connect';
import { commentLikes, comments, users } from '../../../db/schema';
import type { Comment, CommentSort, Discussion, ShownComment } from './view';

/** A comment can be edited for this long after it is posted. */
export const EDIT_WINDOW_MS = 15 * 60_000;

export interface Viewer {
  id: string;
  role: 'member' | 'coach';
  emailVerifiedAt: Date | null;
  commentingBlockedAt: Date | null;
}

/** What a viewer may see: published and deleted comments, plus their own held ones. */
function visibleTo(viewer: Viewer | undefined): SQL {
  const open = inArray(comments.status, ['published', 'deleted']);
  return viewer ? or(open, and(eq(comments.status, 'held'), eq(comments.userId, viewer.id)))! : open;
}

/** The columns a shown comment is made from (the moderation queues read them too). */
export const shownColumns = {
  id: comments.id,
  parentId: comments.parentId,
  userId: comments.userId,
  body: comments.body,
  html: comments.html,
  status: comments.status,
  likeCount: comments.likeCount,
  createdAt: comments.createdAt,
  editedAt: comments.editedAt,
  authorName: users.name,
};

type Row = { [K in keyof typeof shownColumns]: K extends 'authorName' ? string | null : Comment[K & keyof Comment] };

function shown(row: Row, viewer: Viewer | undefined, liked: Set<string>, now: Date): ShownComment {
  const mine = !!viewer && row.userId === viewer.id;
  const deleted = row.status === 'deleted';
  return {
    id: row.id,
    parentId: row.parentId,
    authorName: deleted ? '' : row.userId === null ? 'A former member' : row.authorName || 'A member',
    html: deleted ? '' : row.html,
    body: mine && !deleted ? row.body : '',
    status: row.status,
    likeCount: row.likeCount,
    createdAt: row.createdAt,
    editedAt: row.editedAt,
    mine,
    likedByMe: liked.has(row.id),
    canEdit:
      mine &&
      !deleted &&
      !viewer.commentingBlockedAt &&
      row.status !== 'hidden' &&
      now.getTime() - row.createdAt.getTime() < EDIT_WINDOW_MS,
    replies: [],
  };
}

/**
 * One page of an article's discussion as the viewer sees it: top-level comments newest or most
 * liked first, each with its replies oldest first. A deleted comment stays only as the place of
 * its replies.
 */
export async function discussion(
  db: Database,
  slug: string,
  viewer: Viewer | undefined,
  options: { sort: CommentSort; limit: number; offset: number; now?: Date },
): Promise<Discussion> {
  const now = options.now ?? new Date();
  const topLevel = and(eq(comments.articleSlug, slug), isNull(comments.parentId), visibleTo(viewer));
  const [top, [counts]] = await Promise.all([
    db
      .select(shownColumns)
      .from(comments)
      .leftJoin(users, eq(users.id, comments.userId))
      .where(topLevel)
      .orderBy(
        ...(options.sort === 'top' ? [desc(comments.likeCount)] : []),
        desc(comments.createdAt),
        desc(comments.id),
      )
      .limit(options.limit)
      .offset(options.offset),
    db
      .select({
        total: sql<number>`coalesce(sum(${comments.status} = 'published'), 0)`,
        threads: sql<number>`coalesce(sum(${comments.parentId} IS NULL AND (${topLevel})), 0)`,
      })
      .from(comments)
      .where(eq(comments.articleSlug, slug)),
  ]);
  const ids = top.map((row) => row.id);
  const replies = ids.length
    ? await db
        .select(shownColumns)
        .from(comments)
        .leftJoin(users, eq(users.id, comments.userId))
        .where(and(inArray(comments.parentId, ids), visibleTo(viewer)))
        .orderBy(asc(comments.createdAt), asc(comments.id))
    : [];
  const allIds = [...ids, ...replies.map((row) => row.id)];
  const liked = new Set(
    viewer && allIds.length
      ? (
          await db
            .select({ id: commentLikes.commentId })
            .from(commentLikes)
            .where(and(eq(commentLikes.userId, viewer.id), inArray(commentLikes.commentId, allIds)))
        ).map((row) => row.id)
      : [],
  );
  const threads = top.map((row) => shown(row, viewer, liked, now));
  const byId = new Map(threads.map((thread) => [thread.id, thread]));
  for (const reply of replies) byId.get(reply.parentId!)?.replies.push(shown(reply, viewer, liked, now));
  return {
    comments: threads.filter((thread) => thread.status !== 'deleted' || thread.replies.length > 0),
    total: Number(counts?.total ?? 0),
    threads: Number(counts?.threads ?? 0),
  };
}
