/**
 * The cheat-sheet funnel: capture → confirmation email → confirmed lead with a download link →
 * the sequence the coach edits (src/lib/marketing/sequence.server.ts), until they unsubscribe;
 * after sign-up only its steps meant for members go on, while the member's switch is on. Every change and the email it
 * causes are written in one transaction through the outbox.
 *
 * Nothing here tells a visitor whether an address was known: capture always answers the same.
 */
import { and, eq, inArray, like } from 'drizzle-orm';
import type { Database, Executor } from '../../../db/connect.ts';
import type { AppContext } from '../app/context.server.ts';
import { leads, outbox, rateLimits } from '../../../db/schema.ts';
import { enqueueEmail } from '../email/outbox.server.ts';
import { confirmCheatSheetEmail, type EmailContent } from '../email/messages.server.ts';
import { campaignOf } from '../marketing/campaigns.ts';
import { deliveryEmail, firstNextSend, type DeliveryButton } from '../marketing/sequence.server.ts';
import { pagesInWords } from './cheat-sheet.ts';
import { hitRateLimit } from '../http/rate-limit.server.ts';
import { CONSENT_TEXT } from './consent.ts';
import { hashToken, randomToken, signToken, verifyToken } from '../auth/tokens.server.ts';
import { Refusal } from '../app/refusal.ts';

export const CONFIRM_LINK_HOURS = 48;
export const DOWNLOAD_LINK_DAYS = 7;
const MIN_MS_BETWEEN_CONFIRMATIONS = 5 * 60_000;
/** Emails one address can be sent from the capture form in a day, whatever anyone submits. */
export const ADDRESS_EMAILS_PER_DAY = 3;
const ADDRESS_LIMIT_NAME = 'capture:address';

export interface CaptureInput {
  email: string;
  sourcePath?: string | undefined;
  sourceArticle?: string | undefined;
  utmSource?: string | undefined;
  utmMedium?: string | undefined;
  utmCampaign?: string | undefined;
}

export type Lead = typeof leads.$inferSelect;

const link = (ctx: AppContext, path: string) => new URL(path, ctx.siteUrl).href;

export function unsubscribeUrl(ctx: AppContext, leadId: string): string {
  return link(ctx, `/unsubscribe?token=${signToken(ctx.secret, 'unsub', leadId)}`);
}

const downloadExpiry = (now: Date) => new Date(now.getTime() + DOWNLOAD_LINK_DAYS * 86_400_000);

export function downloadUrl(ctx: AppContext, leadId: string, now: Date): string {
  return link(ctx, `/cheat-sheet/download?token=${signToken(ctx.secret, 'dl', leadId, downloadExpiry(now))}`);
}

/** Marketing email carries one-click unsubscribe headers (RFC 8058) as well as a visible link. */
export function marketingHeaders(ctx: AppContext, leadId: string): Record<string, string> {
  return {
    'List-Unsubscribe': `<${unsubscribeUrl(ctx, leadId)}>`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

async function queue(
  executor: Executor,
  key: string,
  kind: string,
  to: string,
  content: EmailContent,
  headers: Record<string, string>,
  now: Date,
  linkExpiresAt?: Date,
  campaign?: string,
) {
  await enqueueEmail(executor, { idempotencyKey: key, kind, to, ...content, headers, linkExpiresAt, campaign }, now);
}

/**
 * The fixed part of the delivery step, which the coach cannot edit away: the download button and
 * the line under it (the PDF's length, how long the link works, where to get a fresh one).
 */
export function deliveryButton(ctx: AppContext, leadId: string, now: Date, sheetPages: number): DeliveryButton {
  return {
    href: downloadUrl(ctx, leadId, now),
    label: 'Download the cheat sheet (PDF)',
    note:
      `The PDF is ${pagesInWords(sheetPages)}. This download link expires in ${DOWNLOAD_LINK_DAYS} days, so save it ` +
      `somewhere you'll find it again. If the link has run out, get a fresh one from the cheat sheet page: ${link(ctx, '/cheat-sheet')}`,
  };
}

/** The delivery step of the sequence, in the coach's words, with the fixed button. */
const renderDelivery = (ctx: AppContext, leadId: string, now: Date, sheetPages: number) =>
  deliveryEmail(ctx, leadId, deliveryButton(ctx, leadId, now, sheetPages));

async function queueDelivery(
  ctx: AppContext,
  executor: Executor,
  lead: Pick<Lead, 'id' | 'email'>,
  key: string,
  now: Date,
  delivery: Awaited<ReturnType<typeof renderDelivery>>,
) {
  // The download link dies after DOWNLOAD_LINK_DAYS: the message is not sent, and is erased, after that.
  await queue(
    executor,
    key,
    'lead.delivery',
    lead.email,
    delivery.content,
    marketingHeaders(ctx, lead.id),
    now,
    downloadExpiry(now),
    campaignOf.step(delivery.step.id),
  );
}

/**
 * Records the capture and queues what the address should get: a confirmation for a new or
 * pending lead, a fresh download link for a confirmed one. Resubmitting never makes a second
 * lead, and an address is sent at most ADDRESS_EMAILS_PER_DAY emails a day from here.
 * `sheetPages` is the PDF's page count (cheatSheetPages()), which the delivery email states.
 */
export async function captureLead(ctx: AppContext, input: CaptureInput, sheetPages: number): Promise<void> {
  const now = ctx.clock();
  const email = input.email;
  const [existing] = await ctx.db.select().from(leads).where(eq(leads.email, email)).limit(1);

  if (
    existing?.status === 'pending' &&
    existing.confirmationSentAt &&
    now.getTime() - existing.confirmationSentAt.getTime() < MIN_MS_BETWEEN_CONFIRMATIONS
  ) {
    return;
  }
  const perAddress = await hitRateLimit(
    ctx.db,
    { name: ADDRESS_LIMIT_NAME, limit: ADDRESS_EMAILS_PER_DAY, windowMs: 86_400_000 },
    hashToken(email),
    now.getTime(),
  );
  if (!perAddress.allowed) return;

  if (existing?.status === 'confirmed') {
    // They ticked the consent again, as it reads now.
    await ctx.db
      .update(leads)
      .set({ consentText: CONSENT_TEXT, consentAt: now, newsletterConsent: true, updatedAt: now })
      .where(eq(leads.id, existing.id));
    const delivery = await renderDelivery(ctx, existing.id, now, sheetPages);
    await queueDelivery(ctx, ctx.db, existing, `lead-download:${existing.id}:${now.getTime()}`, now, delivery);
    return;
  }

  const token = randomToken();
  const confirmation = await confirmCheatSheetEmail({
    siteUrl: ctx.siteUrl,
    confirmUrl: link(ctx, `/cheat-sheet/confirm?token=${token}`),
    expiresInHours: CONFIRM_LINK_HOURS,
  });
  const confirmFields = {
    confirmTokenHash: hashToken(token),
    confirmExpiresAt: new Date(now.getTime() + CONFIRM_LINK_HOURS * 3_600_000),
    confirmationSentAt: now,
    consentText: CONSENT_TEXT,
    consentAt: now,
    newsletterConsent: true,
    updatedAt: now,
  };

  await ctx.db.transaction(async (tx) => {
    let leadId: string;
    if (existing) {
      // Pending, or unsubscribed and asking again: a new double opt-in either way.
      leadId = existing.id;
      await tx
        .update(leads)
        .set({ ...confirmFields, status: existing.status === 'unsubscribed' ? 'pending' : existing.status })
        .where(eq(leads.id, leadId));
    } else {
      leadId = randomToken(12);
      await tx.insert(leads).values({
        id: leadId,
        email,
        status: 'pending',
        sourcePath: input.sourcePath ?? null,
        sourceArticle: input.sourceArticle ?? null,
        utmSource: input.utmSource ?? null,
        utmMedium: input.utmMedium ?? null,
        utmCampaign: input.utmCampaign ?? null,
        createdAt: now,
        ...confirmFields,
      });
    }
    await queue(
      tx,
      `lead-confirm:${leadId}:${confirmFields.confirmTokenHash.slice(0, 16)}`,
      'lead.confirm',
      email,
      confirmation,
      {},
      now,
      confirmFields.confirmExpiresAt,
    );
  });
}

export type ConfirmResult =
  { status: 'confirmed'; lead: Lead; downloadUrl: string } | { status: 'invalid' | 'expired' };

/**
 * The link in the confirmation email: confirms once, queues the sheet (whose email states its
 * `sheetPages`, the PDF's page count), starts the nurture.
 */
export async function confirmLead(ctx: AppContext, token: string, sheetPages: number): Promise<ConfirmResult> {
  const now = ctx.clock();
  if (!/^[\w-]{20,100}$/.test(token)) return { status: 'invalid' };
  const [lead] = await ctx.db
    .select()
    .from(leads)
    .where(eq(leads.confirmTokenHash, hashToken(token)))
    .limit(1);
  if (!lead) return { status: 'invalid' };
  if (!lead.confirmExpiresAt || lead.confirmExpiresAt < now) return { status: 'expired' };

  // The sequence's first step; its place is recorded, and the next step's day worked out from it.
  const delivery = await renderDelivery(ctx, lead.id, now, sheetPages);
  const confirmedAt = lead.confirmedAt ?? now;
  const nextNurtureAt = await firstNextSend(ctx.db, delivery.step.id, confirmedAt, lead.userId);
  const confirmed = await ctx.db.transaction(async (tx) => {
    const [updated] = await tx
      .update(leads)
      .set({
        status: 'confirmed',
        confirmedAt,
        confirmTokenHash: null,
        confirmExpiresAt: null,
        nurtureStep: 1,
        sequenceStepId: delivery.step.id,
        nextNurtureAt,
        updatedAt: now,
      })
      .where(and(eq(leads.id, lead.id), eq(leads.confirmTokenHash, hashToken(token))))
      .returning();
    if (!updated) return undefined;
    await queueDelivery(ctx, tx, updated, `lead-nurture:${updated.id}:1:${now.getTime()}`, now, delivery);
    return updated;
  });
  if (!confirmed) return { status: 'invalid' };
  return { status: 'confirmed', lead: confirmed, downloadUrl: downloadUrl(ctx, confirmed.id, now) };
}

export type DownloadCheck = { status: 'ok'; lead: Lead } | { status: 'invalid' | 'expired' };

export async function checkDownloadToken(ctx: AppContext, token: string): Promise<DownloadCheck> {
  const verified = verifyToken(ctx.secret, 'dl', token, ctx.clock());
  if (!verified.ok) return { status: verified.reason };
  const [lead] = await ctx.db.select().from(leads).where(eq(leads.id, verified.data)).limit(1);
  if (!lead || lead.confirmedAt === null) return { status: 'invalid' };
  return { status: 'ok', lead };
}

export type UnsubscribeResult = { status: 'unsubscribed'; email: string } | { status: 'invalid' };

/** Looks up whom an unsubscribe link is for, without changing anything (the GET page). */
export async function leadForUnsubscribe(ctx: AppContext, token: string): Promise<Lead | undefined> {
  const verified = verifyToken(ctx.secret, 'unsub', token);
  if (!verified.ok) return undefined;
  const [lead] = await ctx.db.select().from(leads).where(eq(leads.id, verified.data)).limit(1);
  return lead;
}

/** Stops all marketing email to the lead at once; queued sequence mail is cancelled too. */
export async function unsubscribeLead(ctx: AppContext, token: string): Promise<UnsubscribeResult> {
  const now = ctx.clock();
  const lead = await leadForUnsubscribe(ctx, token);
  if (!lead) return { status: 'invalid' };
  await ctx.db.transaction(async (tx) => {
    await tx
      .update(leads)
      .set({ status: 'unsubscribed', unsubscribedAt: lead.unsubscribedAt ?? now, nextNurtureAt: null, updatedAt: now })
      .where(eq(leads.id, lead.id));
    await tx
      .update(outbox)
      .set({ status: 'failed', lastError: 'cancelled: unsubscribed' })
      .where(
        and(
          eq(outbox.toAddress, lead.email),
          eq(outbox.status, 'pending'),
          inArray(outbox.kind, ['lead.delivery', 'lead.nurture', 'lead.sequence']),
        ),
      );
  });
  return { status: 'unsubscribed', email: lead.email };
}

export interface DeletedLead {
  email: string;
  /** The member the lead became, whose account (and its own email) is not touched. */
  userId: string | null;
}

/**
 * The coach's erasure of a lead: the lead (its source, campaign and consent), every cheat-sheet
 * email it was sent, and the per-address counter of the capture form, in one transaction. A lead
 * who became a member keeps their account; only they can delete it. Daily counts of the funnel
 * hold no one and stay.
 */
export async function deleteLead(db: Database, leadId: string): Promise<DeletedLead> {
  return db.transaction(async (tx) => {
    const [lead] = await tx
      .delete(leads)
      .where(eq(leads.id, leadId))
      .returning({ email: leads.email, userId: leads.userId });
    if (!lead)
      throw new Refusal(
        'not-found',
        'lead-missing',
        'There is no lead with that id: it may have been deleted already. Nothing was changed.',
      );
    await tx.delete(outbox).where(and(eq(outbox.toAddress, lead.email), like(outbox.kind, 'lead.%')));
    await tx.delete(rateLimits).where(eq(rateLimits.key, `${ADDRESS_LIMIT_NAME}:${hashToken(lead.email)}`));
    return lead;
  });
}
