/**
 * What members do with comments: post, reply (the parent's author is emailed), edit within the
 * window, delete their own, like and report. Who may change what is decided here, for every
 * caller; every refusal is a Refusal (src/lib/app/refusal.ts) with a message for the member.
 */
import { Refusal } from '../app/refusal.ts';
import { and, eq, sql } from 'drizzle-orm';
import type { Database, Executor } from '../../../db/connect';
import type { AppContext } from '../app/context.server';
import { commentLikes, commentReports, comments, users } from '../../../db/schema';
import { commentText, countLinks, MAX_COMMENT_LENGTH, MAX_COMMENT_LINKS, renderComment } from './markdown';
import { enqueueEmail } from '../email/outbox.server';
import { replyNotificationEmail } from '../email/messages.server';
import { emailOffUrl } from '../email/preferences.server';
import { generateSecureRandomString } from '../auth/session.server';
import { EDIT_WINDOW_MS, type Viewer } from './discussion.server';
import { holdFirstComment } from './hold-first.server';
import type { Comment } from './view';

export const REPORT_REASONS = ['spam', 'abuse', 'off-topic', 'other'] as const;
export type ReportReason = (typeof REPORT_REASONS)[number];

/** The checks every comment body passes, on posting and on editing. */
export function checkBody(body: string): string {
  const trimmed = body.trim();
  if (trimmed.length < 2)
    throw new Refusal(
      'bad-input',
      'comment-too-short',
      'Write a little more: a comment needs at least 2 characters.',
      'body',
    );
  if (trimmed.length > MAX_COMMENT_LENGTH)
    throw new Refusal(
      'bad-input',
      'comment-too-long',
      `Keep it under ${MAX_COMMENT_LENGTH.toLocaleString('en-GB')} characters (this is ${trimmed.length.toLocaleString('en-GB')}).`,
      'body',
    );
  if (countLinks(trimmed) > MAX_COMMENT_LINKS)
    throw new Refusal(
      'bad-input',
      'too-many-links',
      `Up to ${MAX_COMMENT_LINKS} links a comment, please: it keeps spam out.`,
      'body',
    );
  return trimmed;
}

function mayComment(viewer: Viewer): void {
  if (viewer.commentingBlockedAt)
    throw new Refusal('forbidden', 'commenting-blocked', 'Commenting has been switched off for your account.');
  if (!viewer.emailVerifiedAt)
    throw new Refusal('forbidden', 'email-unconfirmed', 'Confirm your email address first: open the link we sent you.');
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
        throw new Refusal('not-found', 'closed-for-replies', 'That comment is no longer open for replies.');
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
export async function notifyReply(
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
    throw new Refusal('not-found', 'comment-gone', 'That comment is not there any more.');
  return comment;
}

export async function editComment(db: Database, viewer: Viewer, id: string, body: string, now = new Date()) {
  mayComment(viewer);
  const comment = await ownComment(db, viewer, id);
  if (comment.status === 'hidden')
    throw new Refusal('forbidden', 'comment-hidden', 'The coach has hidden this comment.');
  if (now.getTime() - comment.createdAt.getTime() >= EDIT_WINDOW_MS)
    throw new Refusal(
      'bad-input',
      'edit-window-over',
      'Comments can be edited for 15 minutes after posting. You can still delete it.',
      'body',
    );
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
      throw new Refusal('not-found', 'comment-gone', 'That comment is not there any more.');
    if (comment.userId === viewer.id)
      throw new Refusal('bad-input', 'own-comment', 'You cannot like your own comment.');
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
      throw new Refusal('not-found', 'comment-gone', 'That comment is not there any more.');
    if (comment.userId === viewer.id)
      throw new Refusal('bad-input', 'own-comment', 'You cannot report your own comment.');
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
