/**
 * Everything the site holds about a member, to give them (the export) and to end (the deletion).
 * Both are written table by table, so a reader can see what happens to each; the tests enumerate
 * the tables of db/schema.ts and fail on one that has no line here.
 */
import { and, asc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import type { Database } from '../../../db/connect.ts';
import {
  billingCustomers,
  commentLikes,
  commentReports,
  comments,
  conversations,
  draftReviews,
  emailEvents,
  emailSuppressions,
  emailTokens,
  entitlements,
  leads,
  moderationLog,
  opportunities,
  outbox,
  sessions,
  subscriptions,
  touches,
  trackerSettings,
  users,
} from '../../../db/schema.ts';
import { leadSourceColumns } from '../leads/lead-source.server.ts';
import type { User } from '../auth/session.server.ts';
import { hashToken } from '../auth/tokens.server.ts';
import { trackerData } from '../tracker/transfer.server.ts';

/** The member's own data, as they would want to read it. Secrets (hashes, links) are left out. */
export async function exportAccountData(db: Database, user: User, now = new Date()) {
  const mine = eq(comments.userId, user.id);
  const [
    userSessions,
    pendingLinks,
    leadHistory,
    tracker,
    settings,
    ownComments,
    likes,
    reports,
    moderation,
    reviews,
    customers,
    subscriptionRows,
    entitlementRows,
    emails,
    suppressions,
    deliveryEvents,
  ] = await Promise.all([
    db
      .select({
        createdAt: sessions.createdAt,
        lastSeenAt: sessions.lastSeenAt,
        expiresAt: sessions.expiresAt,
        userAgent: sessions.userAgent,
      })
      .from(sessions)
      .where(eq(sessions.userId, user.id)),
    db
      .select({ purpose: emailTokens.purpose, createdAt: emailTokens.createdAt, expiresAt: emailTokens.expiresAt })
      .from(emailTokens)
      .where(eq(emailTokens.userId, user.id)),
    db
      .select({
        email: leads.email,
        status: leads.status,
        ...leadSourceColumns(),
        confirmationSentAt: leads.confirmationSentAt,
        confirmedAt: leads.confirmedAt,
        unsubscribedAt: leads.unsubscribedAt,
        nurtureEmailsQueued: leads.nurtureStep,
        nextNurtureAt: leads.nextNurtureAt,
        createdAt: leads.createdAt,
      })
      .from(leads)
      .where(or(eq(leads.userId, user.id), eq(leads.email, user.email))),
    trackerData(db, user),
    db
      .select({ calendarTokenHash: trackerSettings.calendarTokenHash, lastReminderOn: trackerSettings.lastReminderOn })
      .from(trackerSettings)
      .where(eq(trackerSettings.userId, user.id)),
    db
      .select({
        id: comments.id,
        article: comments.articleSlug,
        replyTo: comments.parentId,
        status: comments.status,
        body: comments.body,
        likeCount: comments.likeCount,
        createdAt: comments.createdAt,
        editedAt: comments.editedAt,
      })
      .from(comments)
      .where(mine)
      .orderBy(asc(comments.createdAt)),
    db
      .select({ commentId: commentLikes.commentId, article: comments.articleSlug, createdAt: commentLikes.createdAt })
      .from(commentLikes)
      .innerJoin(comments, eq(comments.id, commentLikes.commentId))
      .where(eq(commentLikes.userId, user.id)),
    db
      .select({
        commentId: commentReports.commentId,
        reason: commentReports.reason,
        note: commentReports.note,
        createdAt: commentReports.createdAt,
        resolvedAt: commentReports.resolvedAt,
      })
      .from(commentReports)
      .where(eq(commentReports.userId, user.id)),
    db
      .select({
        action: moderationLog.action,
        commentId: moderationLog.commentId,
        note: moderationLog.note,
        createdAt: moderationLog.createdAt,
      })
      .from(moderationLog)
      .where(
        or(
          eq(moderationLog.targetUserId, user.id),
          inArray(moderationLog.commentId, db.select({ id: comments.id }).from(comments).where(mine)),
        ),
      )
      .orderBy(asc(moderationLog.id)),
    db
      .select({
        id: draftReviews.id,
        opportunityId: draftReviews.opportunityId,
        step: draftReviews.step,
        subject: draftReviews.subject,
        body: draftReviews.body,
        note: draftReviews.note,
        status: draftReviews.status,
        coachSubject: draftReviews.reviewedSubject,
        coachBody: draftReviews.reviewedBody,
        coachComment: draftReviews.coachComment,
        createdAt: draftReviews.createdAt,
        sentAt: draftReviews.updatedAt,
        answeredAt: draftReviews.answeredAt,
      })
      .from(draftReviews)
      .where(eq(draftReviews.userId, user.id))
      .orderBy(asc(draftReviews.createdAt)),
    db.select().from(billingCustomers).where(eq(billingCustomers.userId, user.id)),
    db
      .select({
        id: subscriptions.id,
        status: subscriptions.status,
        priceId: subscriptions.priceId,
        interval: subscriptions.interval,
        currentPeriodEnd: subscriptions.currentPeriodEnd,
        cancelAtPeriodEnd: subscriptions.cancelAtPeriodEnd,
        pastDueSince: subscriptions.pastDueSince,
        createdAt: subscriptions.createdAt,
        updatedAt: subscriptions.updatedAt,
      })
      .from(subscriptions)
      .where(eq(subscriptions.userId, user.id)),
    db
      .select({
        status: entitlements.status,
        interval: entitlements.interval,
        accessUntil: entitlements.accessUntil,
        renewsAt: entitlements.renewsAt,
        cancelAtPeriodEnd: entitlements.cancelAtPeriodEnd,
        updatedAt: entitlements.updatedAt,
      })
      .from(entitlements)
      .where(eq(entitlements.userId, user.id)),
    // Subjects, dates and outcomes only: the bodies hold links that act for the member.
    db
      .select({
        kind: outbox.kind,
        subject: outbox.subject,
        status: outbox.status,
        createdAt: outbox.createdAt,
        sentAt: outbox.sentAt,
        contentRemovedAt: outbox.erasedAt,
      })
      .from(outbox)
      .where(or(eq(outbox.toAddress, user.email), eq(outbox.userId, user.id)))
      .orderBy(asc(outbox.id)),
    // What the email provider reported about their address: a bounce or complaint that stopped
    // newsletters, and the delivery events of email to it.
    db
      .select({
        reason: emailSuppressions.reason,
        campaign: emailSuppressions.campaign,
        detail: emailSuppressions.detail,
        createdAt: emailSuppressions.createdAt,
      })
      .from(emailSuppressions)
      .where(eq(emailSuppressions.email, user.email.toLowerCase())),
    db
      .select({
        type: emailEvents.type,
        campaign: emailEvents.campaign,
        occurredAt: emailEvents.occurredAt,
        receivedAt: emailEvents.createdAt,
      })
      .from(emailEvents)
      .where(eq(emailEvents.email, user.email.toLowerCase()))
      .orderBy(asc(emailEvents.createdAt)),
  ]);
  return {
    exportedAt: now.toISOString(),
    account: {
      id: user.id,
      email: user.email,
      name: user.name,
      timeZone: user.timeZone,
      holidayCountry: user.country,
      holidayRegion: user.region,
      role: user.role,
      emailVerifiedAt: user.emailVerifiedAt,
      emailPreferences: {
        reminders: user.emailReminders,
        repliesToMyComments: user.emailReplies,
        newsletter: user.emailCoach,
        cheatSheetSeries: user.emailSequence,
      },
      signedUpFromEmail: user.signupCampaign,
      commentingStoppedAt: user.commentingBlockedAt,
      createdAt: user.createdAt,
      updatedAt: user.updatedAt,
    },
    sessions: userSessions,
    pendingEmailLinks: pendingLinks,
    cheatSheet: leadHistory,
    tracker: {
      opportunities: tracker.opportunities,
      conversations: tracker.conversations,
      touches: tracker.touches,
      settings: settings.map((row) => ({
        calendarFeed: row.calendarTokenHash !== null,
        lastReminderOn: row.lastReminderOn,
      })),
    },
    comments: ownComments,
    commentLikes: likes,
    commentReports: reports,
    moderation,
    reviews,
    billing: {
      stripeCustomerId: customers[0]?.stripeCustomerId ?? null,
      subscriptions: subscriptionRows,
      entitlement: entitlementRows[0] ?? null,
    },
    emails,
    emailDelivery: { suppression: suppressions[0] ?? null, events: deliveryEvents },
  };
}

/**
 * Deletes the member and everything of theirs, in one transaction. What stays is anonymous:
 * another member's reply keeps its place under a comment of theirs, which becomes a deleted comment
 * (no words, no name); a report they made about someone else's comment stays, without them; the
 * moderation log keeps what the coach did, without naming them; counts of views and of the funnel
 * hold no one. The Stripe customer is deleted before this (src/actions/account.ts).
 */
export async function deleteAccountData(db: Database, user: Pick<User, 'id' | 'email'>, now = new Date()) {
  const id = user.id;
  const theirComments = db.select({ id: comments.id }).from(comments).where(eq(comments.userId, id));
  await db.transaction(async (tx) => {
    // Comments. Reply emails their replies caused name and quote them: gone with the replies.
    await tx.run(
      sql`DELETE FROM outbox WHERE idempotency_key IN (SELECT 'comment-reply:' || id FROM comments WHERE user_id = ${id})`,
    );
    await tx.run(
      sql`UPDATE comments SET like_count = (SELECT count(*) FROM comment_likes AS l WHERE l.comment_id = comments.id AND l.user_id <> ${id})
          WHERE id IN (SELECT comment_id FROM comment_likes WHERE user_id = ${id})`,
    );
    await tx.delete(commentLikes).where(eq(commentLikes.userId, id));
    await tx.delete(commentLikes).where(inArray(commentLikes.commentId, theirComments));
    await tx
      .update(commentReports)
      .set({ resolvedAt: now })
      .where(and(isNull(commentReports.resolvedAt), inArray(commentReports.commentId, theirComments)));
    await tx.update(commentReports).set({ userId: null }).where(eq(commentReports.userId, id));
    // A thread of theirs that others replied to keeps its place, as a deleted comment does.
    await tx.run(
      sql`UPDATE comments SET status = 'deleted', body = '', html = '', user_id = NULL, like_count = 0, open_reports = 0, edited_at = NULL
          WHERE user_id = ${id} AND parent_id IS NULL
            AND EXISTS (SELECT 1 FROM comments AS r WHERE r.parent_id = comments.id AND (r.user_id IS NULL OR r.user_id <> ${id}))`,
    );
    await tx.delete(comments).where(eq(comments.userId, id));
    await tx.update(moderationLog).set({ targetUserId: null }).where(eq(moderationLog.targetUserId, id));
    await tx.update(moderationLog).set({ actorId: null }).where(eq(moderationLog.actorId, id));

    // The coach's answers to other members' drafts stay theirs, without this reviewer.
    await tx.update(draftReviews).set({ reviewerId: null }).where(eq(draftReviews.reviewerId, id));
    await tx.delete(draftReviews).where(eq(draftReviews.userId, id));
    await tx.delete(touches).where(eq(touches.userId, id));
    await tx.delete(conversations).where(eq(conversations.userId, id));
    await tx.delete(opportunities).where(eq(opportunities.userId, id));
    await tx.delete(trackerSettings).where(eq(trackerSettings.userId, id));

    await tx.delete(entitlements).where(eq(entitlements.userId, id));
    await tx.delete(subscriptions).where(eq(subscriptions.userId, id));
    await tx.delete(billingCustomers).where(eq(billingCustomers.userId, id));

    await tx.delete(leads).where(or(eq(leads.userId, id), eq(leads.email, user.email)));
    await tx.delete(outbox).where(or(eq(outbox.toAddress, user.email), eq(outbox.userId, id)));
    await tx.delete(emailSuppressions).where(eq(emailSuppressions.email, user.email.toLowerCase()));
    await tx.delete(emailEvents).where(eq(emailEvents.email, user.email.toLowerCase()));
    // Counters keyed by the member's id or by their hashed address (`name:subject`).
    for (const subject of [id, hashToken(user.email), user.email])
      await tx.run(sql`DELETE FROM rate_limits WHERE substr(key, ${-(subject.length + 1)}) = ${`:${subject}`}`);

    await tx.delete(emailTokens).where(eq(emailTokens.userId, id));
    await tx.delete(sessions).where(eq(sessions.userId, id));
    await tx.delete(users).where(eq(users.id, id));
  });
}
