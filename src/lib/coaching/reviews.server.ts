/**
 * Coach review of draft follow-ups, a Coaching feature: a paying member sends the draft of a
 * tracker entry's next message; the coach answers with an edited version and a comment; the
 * member is emailed and sees both versions side by side on the entry.
 */
import { and, asc, count, desc, eq } from 'drizzle-orm';
import type { Database } from '../../../db/connect';
import { draftReviews, opportunities, users } from '../../../db/schema';
import { STEP_IDS, STEP_LABELS, type StepId } from '../tracker/model';
import { reviewAnsweredEmail } from '../email/messages.server';
import { enqueueEmail } from '../email/outbox.server';
import { generateSecureRandomString } from '../auth/session.server';
import { Refusal } from '../app/refusal';

/** Drafts one member may have waiting at once: enough for a busy week, not a flood. */
export const MAX_PENDING_REVIEWS = 5;

export type Review = typeof draftReviews.$inferSelect;

export interface ReviewRequest {
  opportunityId: string;
  step: string;
  subject: string;
  body: string;
  note: string;
}

/**
 * Sends a draft for review. A draft already waiting for the same entry is replaced by this one
 * (the coach sees the latest version) rather than queued twice.
 */
export async function requestReview(
  db: Database,
  member: { id: string },
  request: ReviewRequest,
  now = new Date(),
): Promise<{ id: string; replaced: boolean }> {
  if (!STEP_IDS.includes(request.step as StepId))
    throw new Refusal('bad-input', 'unknown-step', 'That follow-up step is not one we know.');
  return db.transaction(async (tx) => {
    const [opportunity] = await tx
      .select({ id: opportunities.id })
      .from(opportunities)
      .where(and(eq(opportunities.id, request.opportunityId), eq(opportunities.userId, member.id)));
    if (!opportunity) throw new Refusal('not-found', 'entry-missing', 'This entry is not in your tracker.');
    const fields = {
      step: request.step,
      subject: request.subject,
      body: request.body,
      note: request.note,
      updatedAt: now,
    };
    const [waiting] = await tx
      .select({ id: draftReviews.id })
      .from(draftReviews)
      .where(
        and(
          eq(draftReviews.opportunityId, opportunity.id),
          eq(draftReviews.userId, member.id),
          eq(draftReviews.status, 'pending'),
        ),
      );
    if (waiting) {
      await tx.update(draftReviews).set(fields).where(eq(draftReviews.id, waiting.id));
      return { id: waiting.id, replaced: true };
    }
    const [pending] = await tx
      .select({ n: count() })
      .from(draftReviews)
      .where(and(eq(draftReviews.userId, member.id), eq(draftReviews.status, 'pending')));
    if ((pending?.n ?? 0) >= MAX_PENDING_REVIEWS) {
      throw new Refusal(
        'too-many',
        'reviews-pending',
        `You have ${MAX_PENDING_REVIEWS} drafts waiting for the coach. Send this one once one of them is answered.`,
      );
    }
    const id = generateSecureRandomString();
    await tx
      .insert(draftReviews)
      .values({ id, userId: member.id, opportunityId: opportunity.id, status: 'pending', ...fields });
    return { id, replaced: false };
  });
}

/** The member takes back a draft the coach has not answered yet. */
export async function withdrawReview(db: Database, member: { id: string }, id: string): Promise<void> {
  const changed = await db
    .update(draftReviews)
    .set({ status: 'withdrawn' })
    .where(and(eq(draftReviews.id, id), eq(draftReviews.userId, member.id), eq(draftReviews.status, 'pending')))
    .returning({ id: draftReviews.id });
  if (changed.length === 0)
    throw new Refusal('not-found', 'review-not-waiting', 'There is no waiting review to withdraw here.');
}

/** The reviews of one of the member's entries, newest first (withdrawn ones left out). */
export async function reviewsOf(db: Database, member: { id: string }, opportunityId: string, limit = 5) {
  const rows = await db
    .select()
    .from(draftReviews)
    .where(and(eq(draftReviews.opportunityId, opportunityId), eq(draftReviews.userId, member.id)))
    .orderBy(desc(draftReviews.createdAt))
    .limit(limit + 5);
  return rows.filter((row) => row.status !== 'withdrawn').slice(0, limit);
}

export interface QueueItem {
  id: string;
  status: Review['status'];
  stepLabel: string;
  subject: string;
  memberName: string;
  memberEmail: string;
  company: string;
  contactName: string;
  createdAt: Date;
  answeredAt: Date | null;
}

/** The coach's queue: waiting drafts oldest first; answered ones newest first. */
export async function reviewQueue(db: Database, status: 'pending' | 'answered', limit = 50): Promise<QueueItem[]> {
  const rows = await db
    .select({
      id: draftReviews.id,
      status: draftReviews.status,
      step: draftReviews.step,
      subject: draftReviews.subject,
      memberName: users.name,
      memberEmail: users.email,
      company: opportunities.company,
      contactName: opportunities.contactName,
      createdAt: draftReviews.createdAt,
      answeredAt: draftReviews.answeredAt,
    })
    .from(draftReviews)
    .innerJoin(users, eq(users.id, draftReviews.userId))
    .innerJoin(opportunities, eq(opportunities.id, draftReviews.opportunityId))
    .where(eq(draftReviews.status, status))
    .orderBy(status === 'pending' ? asc(draftReviews.createdAt) : desc(draftReviews.answeredAt))
    .limit(limit);
  return rows.map(({ step, ...row }) => ({ ...row, stepLabel: STEP_LABELS[step as StepId] ?? step }));
}

export async function pendingReviewCount(db: Database): Promise<number> {
  const [row] = await db.select({ n: count() }).from(draftReviews).where(eq(draftReviews.status, 'pending'));
  return row?.n ?? 0;
}

/** One review with what the coach needs to answer it: the member and the entry. */
export async function reviewForCoach(db: Database, id: string) {
  const [row] = await db
    .select({
      review: draftReviews,
      memberName: users.name,
      memberEmail: users.email,
      opportunity: {
        kind: opportunities.kind,
        company: opportunities.company,
        contactName: opportunities.contactName,
        contactRole: opportunities.contactRole,
        roleTitle: opportunities.roleTitle,
        stage: opportunities.stage,
      },
    })
    .from(draftReviews)
    .innerJoin(users, eq(users.id, draftReviews.userId))
    .innerJoin(opportunities, eq(opportunities.id, draftReviews.opportunityId))
    .where(eq(draftReviews.id, id));
  return row;
}

export interface ReviewAnswer {
  /** The draft's `updatedAt` (ms) the coach read: a draft sent again since is not answered blind. */
  version: number;
  subject: string;
  body: string;
  comment: string;
}

/** The coach's answer: saved with the member's email in one transaction, once. */
export async function answerReview(
  db: Database,
  coach: { id: string; name: string },
  id: string,
  answer: ReviewAnswer,
  siteUrl: string,
  now = new Date(),
): Promise<void> {
  const found = await reviewForCoach(db, id);
  if (!found) throw new Refusal('not-found', 'review-missing', 'This review does not exist.');
  if (found.review.status !== 'pending') {
    throw new Refusal(
      'conflict',
      `review-${found.review.status}`,
      found.review.status === 'answered'
        ? 'This draft is already answered.'
        : 'The member withdrew this draft before it was answered.',
    );
  }
  if (found.review.updatedAt.getTime() !== answer.version) {
    throw new Refusal(
      'conflict',
      'review-resent',
      'The member sent a new version of this draft while you were reading it. Read it below, then answer.',
    );
  }
  const email = await reviewAnsweredEmail({
    siteUrl,
    coachName: coach.name || 'Your coach',
    company: found.opportunity.company,
    comment: answer.comment,
    url: `${siteUrl}/tracker/o/${encodeURIComponent(found.review.opportunityId)}#review`,
  });
  await db.transaction(async (tx) => {
    const changed = await tx
      .update(draftReviews)
      .set({
        status: 'answered',
        reviewedSubject: answer.subject,
        reviewedBody: answer.body,
        coachComment: answer.comment,
        reviewerId: coach.id,
        answeredAt: now,
      })
      .where(
        and(
          eq(draftReviews.id, id),
          eq(draftReviews.status, 'pending'),
          eq(draftReviews.updatedAt, new Date(answer.version)),
        ),
      )
      .returning({ id: draftReviews.id });
    // Answered or withdrawn between the read above and now: nothing is written, nothing is sent.
    if (changed.length === 0)
      throw new Refusal('conflict', 'review-changed', 'This draft changed while you were answering it.');
    await enqueueEmail(
      tx,
      {
        idempotencyKey: `review-answered:${id}`,
        kind: 'review-answered',
        to: found.memberEmail,
        userId: found.review.userId,
        ...email,
      },
      now,
    );
  });
}
