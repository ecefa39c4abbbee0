/**
 * The coach's moderation: the queues (reported, held, hidden), one action on one comment, stopping
 * a member from commenting, and the log of every such action with the coach who took it.
 */
import { Refusal } from '../app/refusal.ts';
import { and, asc, desc, eq, inArray, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Database } from '../../../db/connect';
import { commentReports, comments, moderationLog, users } from '../../../db/schema';
import { shownColumns, type Viewer } from './discussion.server';
import { notifyReply } from './posting.server';
import type { AppContext } from '../app/context.server';
import type { QueueName } from './moderation-queue';

export const MODERATION_ACTIONS = ['approve', 'hide', 'restore', 'delete', 'dismiss-reports'] as const;
export type ModerationAction = (typeof MODERATION_ACTIONS)[number];

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
    if (!comment) throw new Refusal('not-found', 'comment-gone', 'That comment is not there any more.');
    const resolveReports = () =>
      tx
        .update(commentReports)
        .set({ resolvedAt: now })
        .where(and(eq(commentReports.commentId, id), isNull(commentReports.resolvedAt)));
    if (action === 'approve' || action === 'restore') {
      if (comment.status === 'deleted')
        throw new Refusal('bad-input', 'comment-deleted', 'A deleted comment cannot come back.');
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
