/**
 * Comments under articles: reading a discussion as a given viewer, posting, replying, editing,
 * deleting, likes, reports, and the coach's moderation (each action logged). Who may see or
 * change what is decided here, for every caller.
 */
import { and, asc, desc, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Database, Executor } from '../../../db/connect';
import type { AppContext } from '../app/context.server';
import { appSettings, commentLikes, commentReports, comments, moderationLog, users } from '../../../db/schema';
import { commentText, countLinks, MAX_COMMENT_LENGTH, MAX_COMMENT_LINKS, renderComment } from './markdown';
import { enqueueEmail } from '../email/outbox.server';
import { replyNotificationEmail } from '../email/messages.server';
import { emailOffUrl } from '../email/preferences.server';
import { generateSecureRandomString } from '../auth/session.server';

/** A comment can be edited for this long after it is posted. */
export const EDIT_WINDOW_MS = 15 * 60_000;
export const REPORT_REASONS = ['spam', 'abuse', 'off-topic', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];
const HOLD_FIRST_KEY = 'comments.holdFirst';

export interface Viewer {
  id: string;
  role: 'member' | 'coach';
  emailVerifiedAt: Date | null;
  commentingBlockedAt: Date | null;
}

export type Comment = typeof comments.$inferSelect;

export interface ShownComment {
  id: string;
  parentId: string | null;
  authorName: string;
  html: string;
  body: string;
  status: Comment['status'];
  likeCount: number;
  createdAt: Date;
  editedAt: Date | null;
  mine: boolean;
  likedByMe: boolean;
  canEdit: boolean;
  replies: ShownComment[];
}

export type CommentSort = 'newest' | 'top';

/** What a viewer may see: published and deleted comments, plus their own held ones. */
function visibleTo(viewer: Viewer | undefined): SQL {
  const open = inArray(comments.status, ['published', 'deleted']);
  return viewer ? or(open, and(eq(comments.status, 'held'), eq(comments.userId, viewer.id)))! : open;
}

const shownColumns = {
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

export interface Discussion {
  comments: ShownComment[];
  /** Published comments and replies: the number shown on cards. */
  total: number;
  /** Top-level comments the viewer can see, for paging. */
  threads: number;
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

/** Published comments per article, for cards and the community page. */
export async function commentCounts(db: Database, slugs: readonly string[]): Promise<Map<string, number>> {
  if (slugs.length === 0) return new Map();
  const rows = await db
    .select({ slug: comments.articleSlug, n: sql<number>`count(*)` })
    .from(comments)
    .where(and(inArray(comments.articleSlug, [...slugs]), eq(comments.status, 'published')))
    .groupBy(comments.articleSlug);
  return new Map(rows.map((row) => [row.slug, Number(row.n)]));
}

// ---- Writing ----

export class CommentRefusal extends Error {
  readonly field: 'body' | '';
  readonly code: 'BAD_REQUEST' | 'FORBIDDEN' | 'NOT_FOUND';

  constructor(
    message: string,
    field: 'body' | '' = '',
    code: 'BAD_REQUEST' | 'FORBIDDEN' | 'NOT_FOUND' = 'BAD_REQUEST',
  ) {
    super(message);
    this.field = field;
    this.code = code;
  }
}

/** The checks every comment body passes, on posting and on editing. */
export function checkBody(body: string): string {
  const trimmed = body.trim();
  if (trimmed.length < 2)
    throw new CommentRefusal('Write a little more: a comment needs at least 2 characters.', 'body');
  if (trimmed.length > MAX_COMMENT_LENGTH)
    throw new CommentRefusal(
      `Keep it under ${MAX_COMMENT_LENGTH.toLocaleString('en-GB')} characters (this is ${trimmed.length.toLocaleString('en-GB')}).`,
      'body',
    );
  if (countLinks(trimmed) > MAX_COMMENT_LINKS)
    throw new CommentRefusal(`Up to ${MAX_COMMENT_LINKS} links a comment, please: it keeps spam out.`, 'body');
  return trimmed;
}

function mayComment(viewer: Viewer): void {
  if (viewer.commentingBlockedAt)
    throw new CommentRefusal('Commenting has been switched off for your account.', '', 'FORBIDDEN');
  if (!viewer.emailVerifiedAt)
    throw new CommentRefusal('Confirm your email address first: open the link we sent you.', '', 'FORBIDDEN');
}

export async function holdFirstComment(db: Database): Promise<boolean> {
  const [row] = await db.select().from(appSettings).where(eq(appSettings.key, HOLD_FIRST_KEY));
  return row ? row.value === true : true;
}

export async function setHoldFirstComment(db: Database, coach: Viewer, hold: boolean, now = new Date()) {
  await db.transaction(async (tx) => {
    await tx
      .insert(appSettings)
      .values({ key: HOLD_FIRST_KEY, value: hold })
      .onConflictDoUpdate({ target: appSettings.key, set: { value: hold, updatedAt: now } });
    await tx.insert(moderationLog).values({
      actorId: coach.id,
      action: hold ? 'hold-first-on' : 'hold-first-off',
      createdAt: now,
    });
  });
}

export interface NewComment {
  slug: string;
  parentId: string | null;
  body: string;
}

/**
 * Posts a comment or a reply. A member's first comment waits for the coach when the coach asks
 * for that (the default); the parent's author is emailed about a published reply.
 */
export async function postComment(
  ctx: AppContext,
  viewer: Viewer,
  input: NewComment,
): Promise<{ id: string; status: 'published' | 'held' }> {
  mayComment(viewer);
  const body = checkBody(input.body);
  const now = ctx.clock();
  const id = generateSecureRandomString();
  const holdFirst = viewer.role !== 'coach' && (await holdFirstComment(ctx.db));
  return ctx.db.transaction(async (tx) => {
    let parent: Comment | undefined;
    if (input.parentId) {
      [parent] = await tx.select().from(comments).where(eq(comments.id, input.parentId)).limit(1);
      if (!parent || parent.articleSlug !== input.slug || parent.status !== 'published' || parent.parentId !== null)
        throw new CommentRefusal('That comment is no longer open for replies.', '', 'NOT_FOUND');
    }
    let status: 'published' | 'held' = 'published';
    if (holdFirst) {
      const [earlier] = await tx
        .select({ id: comments.id })
        .from(comments)
        .where(and(eq(comments.userId, viewer.id), eq(comments.status, 'published')))
        .limit(1);
      if (!earlier) status = 'held';
    }
    await tx.insert(comments).values({
      id,
      articleSlug: input.slug,
      userId: viewer.id,
      parentId: parent?.id ?? null,
      body,
      html: renderComment(body),
      status,
      createdAt: now,
    });
    if (status === 'published' && parent) await notifyReply(ctx, tx, id, parent, viewer.id, now);
    return { id, status };
  });
}

/** Emails the parent's author about a published reply, when they want such email. */
async function notifyReply(
  ctx: AppContext,
  tx: Executor,
  replyId: string,
  parent: Comment,
  replierId: string,
  now: Date,
): Promise<void> {
  if (!parent.userId || parent.userId === replierId) return;
  const [[author], [reply], [replier]] = await Promise.all([
    tx.select().from(users).where(eq(users.id, parent.userId)).limit(1),
    tx.select().from(comments).where(eq(comments.id, replyId)).limit(1),
    tx.select({ name: users.name }).from(users).where(eq(users.id, replierId)).limit(1),
  ]);
  if (!author || !reply || !author.emailReplies || !author.emailVerifiedAt || author.commentingBlockedAt) return;
  const offUrl = emailOffUrl(ctx, 'replies', author.id);
  const content = await replyNotificationEmail({
    siteUrl: ctx.siteUrl,
    replierName: replier?.name || 'A member',
    replyText: commentText(reply.html).slice(0, 1200),
    url: new URL(`/articles/${parent.articleSlug}/comments#c-${replyId}`, ctx.siteUrl).href,
    offUrl,
  });
  await enqueueEmail(
    tx,
    {
      idempotencyKey: `comment-reply:${replyId}`,
      kind: 'comment-reply',
      to: author.email,
      userId: author.id,
      ...content,
      headers: { 'List-Unsubscribe': `<${offUrl}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    },
    now,
  );
}

async function ownComment(db: Database, viewer: Viewer, id: string): Promise<Comment> {
  const [comment] = await db
    .select()
    .from(comments)
    .where(and(eq(comments.id, id), eq(comments.userId, viewer.id)))
    .limit(1);
  // Someone else's comment is answered like one that does not exist.
  if (!comment || comment.status === 'deleted')
    throw new CommentRefusal('That comment is not there any more.', '', 'NOT_FOUND');
  return comment;
}

export async function editComment(db: Database, viewer: Viewer, id: string, body: string, now = new Date()) {
  mayComment(viewer);
  const comment = await ownComment(db, viewer, id);
  if (comment.status === 'hidden') throw new CommentRefusal('The coach has hidden this comment.', '', 'FORBIDDEN');
  if (now.getTime() - comment.createdAt.getTime() >= EDIT_WINDOW_MS)
    throw new CommentRefusal('Comments can be edited for 15 minutes after posting. You can still delete it.', 'body');
  const checked = checkBody(body);
  await db
    .update(comments)
    .set({ body: checked, html: renderComment(checked), editedAt: now })
    .where(eq(comments.id, comment.id));
  return comment;
}

/** Deletes the member's own comment: its words go at once; its place stays for its replies. */
export async function deleteOwnComment(db: Database, viewer: Viewer, id: string) {
  const comment = await ownComment(db, viewer, id);
  await db.update(comments).set({ status: 'deleted', body: '', html: '' }).where(eq(comments.id, comment.id));
  return comment;
}

/** Likes a published comment, or takes the like back. Own comments cannot be liked. */
export async function toggleLike(db: Database, viewer: Viewer, id: string): Promise<{ liked: boolean; slug: string }> {
  return db.transaction(async (tx) => {
    const [comment] = await tx.select().from(comments).where(eq(comments.id, id)).limit(1);
    if (!comment || comment.status !== 'published')
      throw new CommentRefusal('That comment is not there any more.', '', 'NOT_FOUND');
    if (comment.userId === viewer.id) throw new CommentRefusal('You cannot like your own comment.', '');
    const removed = await tx
      .delete(commentLikes)
      .where(and(eq(commentLikes.commentId, id), eq(commentLikes.userId, viewer.id)))
      .returning({ id: commentLikes.commentId });
    if (removed.length === 0) await tx.insert(commentLikes).values({ commentId: id, userId: viewer.id });
    await tx
      .update(comments)
      .set({ likeCount: sql`(SELECT count(*) FROM comment_likes WHERE comment_id = ${id})` })
      .where(eq(comments.id, id));
    return { liked: removed.length === 0, slug: comment.articleSlug };
  });
}

export async function reportComment(
  db: Database,
  viewer: Viewer,
  id: string,
  reason: ReportReason,
  note: string,
  now = new Date(),
): Promise<{ slug: string }> {
  return db.transaction(async (tx) => {
    const [comment] = await tx.select().from(comments).where(eq(comments.id, id)).limit(1);
    if (!comment || comment.status !== 'published')
      throw new CommentRefusal('That comment is not there any more.', '', 'NOT_FOUND');
    if (comment.userId === viewer.id) throw new CommentRefusal('You cannot report your own comment.');
    const inserted = await tx
      .insert(commentReports)
      .values({ id: generateSecureRandomString(), commentId: id, userId: viewer.id, reason, note, createdAt: now })
      .onConflictDoNothing()
      .returning({ id: commentReports.id });
    if (inserted.length > 0)
      await tx
        .update(comments)
        .set({ openReports: sql`${comments.openReports} + 1` })
        .where(eq(comments.id, id));
    return { slug: comment.articleSlug };
  });
}

/** The member's reply-email choice, as ticked on the comment form. */
export async function setReplyEmails(db: Database, userId: string, on: boolean): Promise<void> {
  await db.update(users).set({ emailReplies: on, updatedAt: new Date() }).where(eq(users.id, userId));
}

// ---- Moderation ----

export const MODERATION_ACTIONS = ['approve', 'hide', 'restore', 'delete', 'dismiss-reports'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

import type { QueueName } from './moderation-queue';

export type { QueueName };

export async function moderationQueue(db: Database, queue: QueueName, limit = 50) {
  const where =
    queue === 'reported'
      ? and(sql`${comments.openReports} > 0`, inArray(comments.status, ['published', 'held', 'hidden']))
      : eq(comments.status, queue);
  const rows = await db
    .select({
      ...shownColumns,
      articleSlug: comments.articleSlug,
      openReports: comments.openReports,
      email: users.email,
    })
    .from(comments)
    .leftJoin(users, eq(users.id, comments.userId))
    .where(where)
    .orderBy(queue === 'reported' ? desc(comments.openReports) : asc(comments.createdAt))
    .limit(limit);
  const ids = rows.map((row) => row.id);
  const reports = ids.length
    ? await db
        .select()
        .from(commentReports)
        .where(and(inArray(commentReports.commentId, ids), isNull(commentReports.resolvedAt)))
        .orderBy(asc(commentReports.createdAt))
    : [];
  return rows.map((row) => ({ ...row, reports: reports.filter((report) => report.commentId === row.id) }));
}

export async function queueCounts(db: Database): Promise<Record<QueueName, number>> {
  const [row] = await db
    .select({
      reported: sql<number>`coalesce(sum(${comments.openReports} > 0 AND ${comments.status} <> 'deleted'), 0)`,
      held: sql<number>`coalesce(sum(${comments.status} = 'held'), 0)`,
      hidden: sql<number>`coalesce(sum(${comments.status} = 'hidden'), 0)`,
    })
    .from(comments);
  return { reported: Number(row?.reported ?? 0), held: Number(row?.held ?? 0), hidden: Number(row?.hidden ?? 0) };
}

/** One moderation action on one comment, logged with the coach who took it. */
export async function moderate(ctx: AppContext, coach: Viewer, id: string, action: ModerationAction): Promise<void> {
  const now = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    const [comment] = await tx.select().from(comments).where(eq(comments.id, id)).limit(1);
    if (!comment) throw new CommentRefusal('That comment is not there any more.', '', 'NOT_FOUND');
    const resolveReports = () =>
      tx
        .update(commentReports)
        .set({ resolvedAt: now })
        .where(and(eq(commentReports.commentId, id), isNull(commentReports.resolvedAt)));
    if (action === 'approve' || action === 'restore') {
      if (comment.status === 'deleted') throw new CommentRefusal('A deleted comment cannot come back.');
      await tx.update(comments).set({ status: 'published', openReports: 0 }).where(eq(comments.id, id));
      await resolveReports();
      if (action === 'approve' && comment.status === 'held' && comment.parentId) {
        const [parent] = await tx.select().from(comments).where(eq(comments.id, comment.parentId)).limit(1);
        if (parent?.status === 'published' && comment.userId)
          await notifyReply(ctx, tx, id, parent, comment.userId, now);
      }
    } else if (action === 'hide') {
      await tx.update(comments).set({ status: 'hidden', openReports: 0 }).where(eq(comments.id, id));
      await resolveReports();
    } else if (action === 'delete') {
      await tx
        .update(comments)
        .set({ status: 'deleted', body: '', html: '', openReports: 0 })
        .where(eq(comments.id, id));
      await resolveReports();
    } else {
      await tx.update(comments).set({ openReports: 0 }).where(eq(comments.id, id));
      await resolveReports();
    }
    await tx
      .insert(moderationLog)
      .values({ actorId: coach.id, action, commentId: id, targetUserId: comment.userId, createdAt: now });
  });
}

/** Stops a member from commenting (optionally hiding what they wrote), or lets them again. */
export async function setCommentingBlocked(
  db: Database,
  coach: Viewer,
  userId: string,
  blocked: boolean,
  hidePast: boolean,
  now = new Date(),
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(users)
      .set({ commentingBlockedAt: blocked ? now : null })
      .where(and(eq(users.id, userId), eq(users.role, 'member')))
      .returning({ id: users.id });
    if (updated.length === 0) return false;
    if (blocked && hidePast)
      await tx
        .update(comments)
        .set({ status: 'hidden' })
        .where(and(eq(comments.userId, userId), inArray(comments.status, ['published', 'held'])));
    await tx.insert(moderationLog).values({
      actorId: coach.id,
      action: blocked ? (hidePast ? 'block-and-hide' : 'block') : 'unblock',
      targetUserId: userId,
      createdAt: now,
    });
    return true;
  });
}

/** Members the coach has stopped from commenting, most recent first. */
export async function blockedMembers(db: Database) {
  return db
    .select({ id: users.id, email: users.email, name: users.name, since: users.commentingBlockedAt })
    .from(users)
    .where(isNotNull(users.commentingBlockedAt))
    .orderBy(desc(users.commentingBlockedAt))
    .limit(200);
}

export async function moderationHistory(db: Database, limit = 100) {
  return db
    .select({
      id: moderationLog.id,
      action: moderationLog.action,
      commentId: moderationLog.commentId,
      targetUserId: moderationLog.targetUserId,
      createdAt: moderationLog.createdAt,
      actorEmail: users.email,
    })
    .from(moderationLog)
    .leftJoin(users, eq(users.id, moderationLog.actorId))
    .orderBy(desc(moderationLog.id))
    .limit(limit);
}

// ---- The community page ----

/** The newest published comments across all articles. */
export async function latestComments(db: Database, limit: number, offset: number) {
  return db
    .select({
      id: comments.id,
      articleSlug: comments.articleSlug,
      html: comments.html,
      createdAt: comments.createdAt,
      parentId: comments.parentId,
      authorName: users.name,
      userId: comments.userId,
    })
    .from(comments)
    .leftJoin(users, eq(users.id, comments.userId))
    .where(eq(comments.status, 'published'))
    .orderBy(desc(comments.createdAt), desc(comments.id))
    .limit(limit)
    .offset(offset);
}

export async function publishedCount(db: Database): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(comments)
    .where(eq(comments.status, 'published'));
  return Number(row?.n ?? 0);
}

/** Articles with the most published comments since a moment. */
export async function mostDiscussed(db: Database, since: Date, limit: number) {
  const rows = await db
    .select({ slug: comments.articleSlug, n: sql<number>`count(*)` })
    .from(comments)
    .where(and(eq(comments.status, 'published'), sql`${comments.createdAt} >= ${since.getTime()}`))
    .groupBy(comments.articleSlug)
    .orderBy(desc(sql`count(*)`))
    .limit(limit);
  return rows.map((row) => ({ slug: row.slug, count: Number(row.n) }));
}
