/**
 * The cheat-sheet sequence as the coach edits it at /coach/email/sequence: the steps (stored in
 * sequence_steps), the changes the coach makes to them, and the job that queues each lead's next
 * step when it is due. The rules of "which step next, and when" are in ./sequence.ts.
 *
 * - Edits apply to sends after them: a message already queued keeps the words it was given.
 * - A lead's place is the step last queued for it (leads.sequence_step_id), so moving, adding,
 *   pausing or resuming steps never sends anyone a step twice; after each change, next_nurture_at
 *   is worked out again in one statement for the leads still in the sequence.
 * - Step 1, the delivery step, carries the cheat sheet's download button: its words can be
 *   edited, but it cannot be paused or moved, and it goes out on confirmation (confirmLead).
 */
import { and, asc, eq, sql } from 'drizzle-orm';
import type { Database, Executor } from '../../../db/connect.ts';
import { emailSuppressions, leads, sequenceSteps, users } from '../../../db/schema.ts';
import type { AppContext } from '../app/context.server.ts';
import { Refusal } from '../app/refusal.ts';
import { marketingEmail, type EmailContent } from '../email/messages.server.ts';
import { enqueueEmail } from '../email/outbox.server.ts';
import { marketingHeaders, unsubscribeUrl } from '../leads/leads.server.ts';
import { randomToken } from '../auth/tokens.server.ts';
import { campaignOf, MARKETING_KINDS } from './campaigns.ts';
import { markdownProblems } from './markdown-email.ts';
import { personalise } from './personalise.ts';
import { senderSettings, type SenderSettings } from './sender.server.ts';
import { DAY_MS, dueAt, inOrder, MAX_DELAY_DAYS, moved, nextSendAt, nextStep, type Recipient } from './sequence.ts';

export type SequenceStep = typeof sequenceSteps.$inferSelect;

export const MAX_SUBJECT_LENGTH = 150;
export const MAX_PREVIEW_LENGTH = 200;

/** Why the lead gets these emails, in every step's footer. */
export const SEQUENCE_REASON =
  "You're getting this because you asked for the Interview Success Cheat Sheet on Own the Follow-Up and confirmed your address.";

/** The steps in the order they go out. */
export async function listSteps(db: Pick<Database, 'select'>): Promise<SequenceStep[]> {
  return inOrder(await db.select().from(sequenceSteps).orderBy(asc(sequenceSteps.position), asc(sequenceSteps.id)));
}

export async function findStep(db: Pick<Database, 'select'>, id: string): Promise<SequenceStep | undefined> {
  const [step] = await db.select().from(sequenceSteps).where(eq(sequenceSteps.id, id)).limit(1);
  return step;
}

/**
 * Links to this site may be written from the site's root (`/articles/…`): they become full
 * addresses of the site the email is sent from, so the same words work on every deployment.
 */
export function withSiteLinks(markdown: string, siteUrl: string): string {
  const origin = new URL(siteUrl).origin;
  return markdown.replace(/\]\(\/(?!\/)/g, `](${origin}/`);
}

export interface StepInput {
  subject: string;
  preview: string;
  delayDays: number;
  bodyMarkdown: string;
  forMembers: boolean;
}

/** What is wrong with a step as typed, field by field, in words for the coach. */
export function stepProblems(input: StepInput, siteUrl: string): Record<string, string> {
  const problems: Record<string, string> = {};
  if (input.subject.trim() === '') problems['subject'] = 'Write a subject: it is what the inbox shows first.';
  if (!Number.isInteger(input.delayDays) || input.delayDays < 0 || input.delayDays > MAX_DELAY_DAYS)
    problems['delayDays'] = `Use a whole number of days from 0 to ${MAX_DELAY_DAYS}.`;
  const body = markdownProblems(withSiteLinks(input.bodyMarkdown, siteUrl));
  if (body) problems['bodyMarkdown'] = body;
  return problems;
}

const unknownStep = () =>
  new Refusal('not-found', 'step-missing', 'There is no such step in the sequence. Nothing was changed.');

/**
 * Saves the coach's words for a step; its version goes up by one. Messages already queued keep
 * their text: only the sends after this one use the new words.
 */
export async function saveStep(ctx: AppContext, id: string, input: StepInput): Promise<SequenceStep> {
  const now = ctx.clock();
  const step = await findStep(ctx.db, id);
  if (!step) throw unknownStep();
  return ctx.db.transaction(async (tx) => {
    const [saved] = await tx
      .update(sequenceSteps)
      .set({
        subject: input.subject.trim(),
        preview: input.preview.trim(),
        delayDays: input.delayDays,
        bodyMarkdown: input.bodyMarkdown.replace(/\r\n?/g, '\n'),
        // The delivery step goes to everyone who confirms, members included.
        forMembers: step.kind === 'delivery' ? true : input.forMembers,
        version: sql`${sequenceSteps.version} + 1`,
        updatedAt: now,
      })
      .where(eq(sequenceSteps.id, id))
      .returning();
    await recomputeNextSends(tx, now);
    return saved!;
  });
}

/**
 * A new step at the end of the sequence, paused so that nothing goes out before the coach has
 * written it and resumed it.
 */
export async function addStep(ctx: AppContext): Promise<SequenceStep> {
  const now = ctx.clock();
  const steps = await listSteps(ctx.db);
  const last = steps.at(-1);
  const [step] = await ctx.db
    .insert(sequenceSteps)
    .values({
      id: randomToken(9),
      kind: 'content',
      position: (last?.position ?? 0) + 10,
      delayDays: Math.min(MAX_DELAY_DAYS, (last?.delayDays ?? 0) + 2),
      subject: 'A new email in the series',
      preview: '',
      bodyMarkdown: 'Write this email, then resume the step to start sending it.',
      forMembers: true,
      pausedAt: now,
      createdAt: now,
      updatedAt: now,
    })
    .returning();
  return step!;
}

/** Moves a step one place up or down; the delivery step stays first. */
export async function moveStep(ctx: AppContext, id: string, direction: 'up' | 'down'): Promise<void> {
  const now = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    const steps = await listSteps(tx);
    const step = steps.find((candidate) => candidate.id === id);
    if (!step) throw unknownStep();
    if (step.kind === 'delivery')
      throw new Refusal(
        'bad-input',
        'delivery-fixed',
        'The cheat sheet email always goes first, on confirmation: it cannot be moved.',
      );
    const move = moved(steps, id, direction);
    if (!move)
      throw new Refusal(
        'conflict',
        'step-at-end',
        direction === 'up'
          ? 'This step is already the first after the cheat sheet. Nothing was changed.'
          : 'This step is already the last. Nothing was changed.',
      );
    // Numbered again in steps of ten, so steps that shared a position move apart too.
    const order = steps.filter((candidate) => candidate.id !== move.step.id);
    const at = order.findIndex((candidate) => candidate.id === move.other.id);
    order.splice(direction === 'up' ? at : at + 1, 0, move.step);
    for (const [index, candidate] of order.entries()) {
      const position = (index + 1) * 10;
      if (candidate.position !== position)
        await tx.update(sequenceSteps).set({ position, updatedAt: now }).where(eq(sequenceSteps.id, candidate.id));
    }
    await recomputeNextSends(tx, now);
  });
}

/** Paused steps are passed over: a lead whose next step it was gets the one after it, on its day. */
export async function setPaused(ctx: AppContext, id: string, paused: boolean): Promise<void> {
  const now = ctx.clock();
  await ctx.db.transaction(async (tx) => {
    const [step] = await tx.select().from(sequenceSteps).where(eq(sequenceSteps.id, id)).limit(1);
    if (!step) throw unknownStep();
    if (step.kind === 'delivery')
      throw new Refusal(
        'bad-input',
        'delivery-fixed',
        'The cheat sheet email cannot be paused: it is what people asked for when they confirmed.',
      );
    await tx
      .update(sequenceSteps)
      .set({ pausedAt: paused ? (step.pausedAt ?? now) : null, updatedAt: now })
      .where(eq(sequenceSteps.id, id));
    await recomputeNextSends(tx, now);
  });
}

/**
 * Works out next_nurture_at again, in one statement, for the leads still in the sequence: those
 * with a step to come, and those who confirmed within the longest delay a step can have (a step
 * added after their place reaches them, straight away if its day has passed). Leads who finished
 * longer ago are left alone. The rules are those of nextSendAt in ./sequence.ts.
 * `onlyEmail` limits it to one person (a lead who just became a member).
 */
export async function recomputeNextSends(executor: Pick<Executor, 'run'>, now: Date, onlyEmail?: string) {
  const since = now.getTime() - MAX_DELAY_DAYS * DAY_MS;
  await executor.run(sql`
    UPDATE leads SET next_nurture_at = (
      SELECT leads.confirmed_at + s.delay_days * ${DAY_MS}
        FROM sequence_steps s
       WHERE s.kind = 'content' AND s.paused_at IS NULL
         AND (NOT EXISTS (SELECT 1 FROM sequence_steps cur WHERE cur.id = leads.sequence_step_id)
              OR (s.position, s.id) > (SELECT cur.position, cur.id FROM sequence_steps cur
                                        WHERE cur.id = leads.sequence_step_id))
         AND (leads.user_id IS NULL
              OR (s.for_members = 1
                  AND EXISTS (SELECT 1 FROM users u WHERE u.id = leads.user_id AND u.email_sequence = 1)))
       ORDER BY s.position, s.id
       LIMIT 1)
     WHERE status = 'confirmed' AND confirmed_at IS NOT NULL
       AND (next_nurture_at IS NOT NULL OR confirmed_at >= ${since})
       ${onlyEmail === undefined ? sql`` : sql`AND email = ${onlyEmail}`}`);
}

const stepContent = (ctx: AppContext, step: SequenceStep, sender: SenderSettings, button?: DeliveryButton) =>
  marketingEmail({
    siteUrl: ctx.siteUrl,
    subject: step.subject,
    preview: step.preview,
    bodyMarkdown: withSiteLinks(step.bodyMarkdown, ctx.siteUrl),
    campaign: campaignOf.step(step.id),
    source: 'sequence',
    reason: SEQUENCE_REASON,
    sender,
    button,
  });

/** The fixed part of the delivery step: the download button and the line under it. */
export interface DeliveryButton {
  href: string;
  label: string;
  note: string;
}

/** A step as the coach's preview shows it: rendered as it is sent, with an unsubscribe link of nobody's. */
export async function previewStep(ctx: AppContext, step: SequenceStep, button?: DeliveryButton): Promise<EmailContent> {
  const content = await stepContent(ctx, step, await senderSettings(ctx.db), button);
  return { subject: content.subject, ...personalise(content, new URL('/unsubscribe?token=preview', ctx.siteUrl).href) };
}

/** The delivery step, as the email that carries a lead's download link. */
export async function deliveryEmail(
  ctx: AppContext,
  leadId: string,
  button: DeliveryButton,
): Promise<{ step: SequenceStep; content: EmailContent }> {
  const steps = await listSteps(ctx.db);
  const step = steps.find((candidate) => candidate.kind === 'delivery');
  if (!step) throw new Error('The sequence has no delivery step: run the database migrations.');
  const content = await stepContent(ctx, step, await senderSettings(ctx.db), button);
  return { step, content: { subject: content.subject, ...personalise(content, unsubscribeUrl(ctx, leadId)) } };
}

/** When a lead who just confirmed gets its next step (after the delivery step), or null. */
export async function firstNextSend(
  db: Pick<Database, 'select'>,
  deliveryStepId: string,
  confirmedAt: Date,
  userId: string | null,
): Promise<Date | null> {
  const steps = await listSteps(db);
  let recipient: Recipient = { member: false, sequenceOn: true };
  if (userId !== null) {
    const [user] = await db.select({ on: users.emailSequence }).from(users).where(eq(users.id, userId)).limit(1);
    recipient = { member: true, sequenceOn: user?.on ?? false };
  }
  return nextSendAt(steps, deliveryStepId, confirmedAt, recipient);
}

/**
 * Queues the sequence steps that are due. Safe to run on every instance at once: each send is
 * claimed with a compare-and-set on the lead's place, and its idempotency key
 * (`lead-seq:<lead>:<step>`) means no lead is ever queued the same step twice, whatever the order
 * of the steps has become. Each step is rendered once per run and personalised per lead.
 * Suppressed addresses, and members who turned the series off, are taken out of the sequence.
 */
export async function runNurture(ctx: AppContext, limit = 100): Promise<number> {
  const now = ctx.clock();
  const due = await ctx.db
    .select({
      lead: leads,
      sequenceOn: users.emailSequence,
      suppressed: emailSuppressions.email,
    })
    .from(leads)
    .leftJoin(users, eq(users.id, leads.userId))
    .leftJoin(emailSuppressions, eq(emailSuppressions.email, sql`lower(${leads.email})`))
    .where(and(eq(leads.status, 'confirmed'), sql`${leads.nextNurtureAt} <= ${now.getTime()}`))
    .limit(limit);
  if (due.length === 0) return 0;

  const steps = await listSteps(ctx.db);
  const sender = await senderSettings(ctx.db);
  const rendered = new Map<string, Promise<EmailContent>>();
  let queued = 0;
  for (const { lead, sequenceOn, suppressed } of due) {
    const samePlace = and(
      eq(leads.id, lead.id),
      eq(leads.status, 'confirmed'),
      sql`${leads.sequenceStepId} IS ${lead.sequenceStepId}`,
    );
    const recipient: Recipient = { member: lead.userId !== null, sequenceOn: sequenceOn ?? false };
    const step = suppressed === null ? nextStep(steps, lead.sequenceStepId, recipient) : undefined;
    if (!step || !lead.confirmedAt) {
      // Nothing more for this person (or their address bounces): out of the sequence.
      await ctx.db.update(leads).set({ nextNurtureAt: null, updatedAt: now }).where(samePlace);
      continue;
    }
    const at = dueAt(lead.confirmedAt, step);
    if (at > now) {
      // The coach changed the steps since this was worked out: wait for the step's own day.
      await ctx.db.update(leads).set({ nextNurtureAt: at, updatedAt: now }).where(samePlace);
      continue;
    }
    if (!rendered.has(step.id)) rendered.set(step.id, stepContent(ctx, step, sender));
    const content = await rendered.get(step.id)!;
    const mine = personalise(content, unsubscribeUrl(ctx, lead.id));
    const claimed = await ctx.db.transaction(async (tx) => {
      const [row] = await tx
        .update(leads)
        .set({
          sequenceStepId: step.id,
          nurtureStep: lead.nurtureStep + 1,
          nextNurtureAt: nextSendAt(steps, step.id, lead.confirmedAt!, recipient),
          updatedAt: now,
        })
        .where(samePlace)
        .returning({ id: leads.id });
      if (!row) return false;
      await enqueueEmail(
        tx,
        {
          idempotencyKey: `lead-seq:${lead.id}:${step.id}`,
          kind: MARKETING_KINDS.sequence,
          to: lead.email,
          subject: content.subject,
          ...mine,
          headers: marketingHeaders(ctx, lead.id),
          userId: lead.userId ?? undefined,
          campaign: campaignOf.step(step.id),
        },
        now,
      );
      return true;
    });
    if (claimed) queued++;
  }
  return queued;
}
