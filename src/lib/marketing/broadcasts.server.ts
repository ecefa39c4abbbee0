/**
 * Broadcasts: an email the coach writes once and sends to an audience (src/lib/marketing/
 * audience.ts). A broadcast is a draft until it is scheduled (for a time typed in the coach's own
 * time zone) or sent now; `queueDueBroadcasts`, a background job, then renders it once and queues
 * one outbox row per recipient, in batches of at most 100 that the delivery job sends whole. Once
 * it is being queued it is read-only.
 *
 * Queueing is safe to stop at any moment: the broadcast is claimed with a compare-and-set, each
 * page of recipients is written in its own transaction with keys that make a second write a no-op,
 * and a queue that stopped midway (its claim older than QUEUE_CLAIM_MS) is taken up again after
 * the last address it wrote.
 */
import { and, count, desc, eq, inArray, isNotNull, lt, or, sql } from 'drizzle-orm';
import type { Database } from '../../../db/connect.ts';
import { appSettings, broadcasts, campaignStats, outbox, users } from '../../../db/schema.ts';
import type { AppContext } from '../app/context.server.ts';
import { Refusal } from '../app/refusal.ts';
import { randomToken } from '../auth/tokens.server.ts';
import { describeWait, hitRateLimit } from '../http/rate-limit.server.ts';
import { headerValue, headerValues } from '../email/headers.server.ts';
import { marketingEmail, type EmailContent } from '../email/messages.server.ts';
import { BODY_RETENTION_MS, enqueueEmail } from '../email/outbox.server.ts';
import { emailOffUrl } from '../email/preferences.server.ts';
import { unsubscribeUrl } from '../leads/leads.server.ts';
import { formatDateTimeIn, isTimeZone, zonedInstant } from '../time/zoned-time.ts';
import { readAudience, type Audience } from './audience.ts';
import { countAudience, recipientsPage, type AudienceCount, type Recipient } from './audience.server.ts';
import { campaignOf, MARKETING_KINDS } from './campaigns.ts';
import { markdownProblems } from './markdown-email.ts';
import { personalise } from './personalise.ts';
import { senderSettings } from './sender.server.ts';

export type Broadcast = typeof broadcasts.$inferSelect;
export type BroadcastStatus = Broadcast['status'];

export const MAX_SUBJECT_LENGTH = 150;
export const MAX_PREVIEW_LENGTH = 200;
/** Rows in one call to the provider (Resend's batch limit). */
export const BATCH_SIZE = 100;
/** Recipients written per transaction while queueing: whole batches. */
export const QUEUE_PAGE_SIZE = 20 * BATCH_SIZE;
/** A queue whose claim is older than this stopped midway, and is taken up again. */
export const QUEUE_CLAIM_MS = 60_000;
/** Test emails the coach may send an hour. */
export const TEST_EMAILS_PER_HOUR = 20;

export const SETTINGS_PATH = '/coach/email/settings';

/** Why a recipient gets it, in the footer. */
export const BROADCAST_REASON =
  "You're getting this because you asked for the Interview Success Cheat Sheet on Own the Follow-Up or have an account there, and agreed to the coach's occasional newsletters.";

export interface BroadcastContent {
  subject: string;
  preview: string;
  bodyMarkdown: string;
  audience: Audience;
}

const isEditable = (status: BroadcastStatus) => status === 'draft';

export const STATUS_LABELS: Record<BroadcastStatus, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  queueing: 'Being queued',
  sending: 'Sending',
  sent: 'Sent',
};

export async function getBroadcast(db: Database, id: string): Promise<Broadcast | undefined> {
  const [row] = await db.select().from(broadcasts).where(eq(broadcasts.id, id));
  return row;
}

export interface BroadcastListItem {
  broadcast: Broadcast;
  stats: { sent: number; failed: number; delivered: number; bounced: number; complained: number };
}

/** Every broadcast, newest first, with what the provider reported for the ones sent. */
export async function listBroadcasts(db: Database): Promise<BroadcastListItem[]> {
  const rows = await db
    .select({ broadcast: broadcasts, stats: campaignStats })
    .from(broadcasts)
    .leftJoin(campaignStats, eq(campaignStats.campaign, sql`'b-' || ${broadcasts.id}`))
    .orderBy(desc(broadcasts.createdAt), broadcasts.id);
  return rows.map(({ broadcast, stats }) => ({
    broadcast,
    stats: {
      sent: stats?.sent ?? 0,
      failed: stats?.failed ?? 0,
      delivered: stats?.delivered ?? 0,
      bounced: stats?.bounced ?? 0,
      complained: stats?.complained ?? 0,
    },
  }));
}

// ---- Checks ----

/** The field messages for content that cannot be sent: empty subject, empty or unsafe body. */
export function contentProblems(content: Pick<BroadcastContent, 'subject' | 'bodyMarkdown'>): Record<string, string> {
  const problems: Record<string, string> = {};
  if (!content.subject.trim()) problems['subject'] = 'Write a subject line.';
  const body = markdownProblems(content.bodyMarkdown);
  if (body) problems['body'] = body;
  return problems;
}

/** A draft may be saved half-written, but never with something that would not be sent (a script, a bad link). */
function draftProblems(content: BroadcastContent): Record<string, string> {
  if (content.bodyMarkdown.trim() === '') return {};
  const body = markdownProblems(content.bodyMarkdown);
  return body ? { body } : {};
}

function refuseWith(problems: Record<string, string>): void {
  const [field, message] = Object.entries(problems)[0] ?? [];
  if (field && message) throw new BroadcastProblems(problems);
}

/** Several field messages at once: the Action turns them into field errors. */
export class BroadcastProblems extends Refusal {
  readonly problems: Record<string, string>;
  constructor(problems: Record<string, string>) {
    const [field, message] = Object.entries(problems)[0]!;
    super('bad-input', 'broadcast-problems', message, field);
    this.problems = problems;
  }
}

const readOnly = (broadcast: Broadcast) =>
  new Refusal(
    'conflict',
    'broadcast-read-only',
    broadcast.status === 'scheduled'
      ? 'This email is scheduled: unschedule it before changing it.'
      : 'This email has already been sent and cannot be changed.',
  );

const notFound = () => new Refusal('not-found', 'no-broadcast', 'There is no such email. It may have been deleted.');

// ---- Drafts ----

/**
 * Creates a draft (no id) or changes one, and gives its id. Only drafts change: a scheduled,
 * queued or sent broadcast is refused with a conflict.
 */
export async function saveDraft(
  db: Database,
  id: string | undefined,
  content: BroadcastContent,
  now: Date,
  articleSlug?: string,
): Promise<string> {
  refuseWith(draftProblems(content));
  const values = {
    subject: content.subject,
    preview: content.preview,
    bodyMarkdown: content.bodyMarkdown,
    audience: content.audience as Record<string, unknown>,
    updatedAt: now,
  };
  if (!id) {
    const newId = randomToken(9);
    await db.insert(broadcasts).values({ id: newId, ...values, articleSlug: articleSlug ?? null, createdAt: now });
    return newId;
  }
  const updated = await db
    .update(broadcasts)
    .set(values)
    .where(and(eq(broadcasts.id, id), eq(broadcasts.status, 'draft')))
    .returning({ id: broadcasts.id });
  if (updated.length > 0) return id;
  const existing = await getBroadcast(db, id);
  throw existing ? readOnly(existing) : notFound();
}

// ---- Test emails ----

async function render(
  ctx: AppContext,
  id: string,
  content: Pick<BroadcastContent, 'subject' | 'preview' | 'bodyMarkdown'>,
) {
  return marketingEmail({
    siteUrl: ctx.siteUrl,
    subject: content.subject,
    preview: content.preview,
    bodyMarkdown: content.bodyMarkdown,
    campaign: campaignOf.broadcast(id),
    source: 'newsletter',
    reason: BROADCAST_REASON,
    sender: await senderSettings(ctx.db),
  });
}

/** The email as a recipient would see it, for the editor's preview (the unsubscribe link goes nowhere). */
export async function previewBroadcast(
  ctx: AppContext,
  id: string,
  content: Pick<BroadcastContent, 'subject' | 'preview' | 'bodyMarkdown'>,
): Promise<EmailContent> {
  const rendered = await render(ctx, id || 'preview', {
    ...content,
    subject: content.subject.trim() || '(no subject yet)',
    bodyMarkdown: markdownProblems(content.bodyMarkdown) ? '' : content.bodyMarkdown,
  });
  return { ...rendered, ...personalise(rendered, new URL('/unsubscribe', ctx.siteUrl).href) };
}

/**
 * Sends the saved draft to the coach alone, as one message (not a batch), marked as a test in the
 * subject. Limited to TEST_EMAILS_PER_HOUR.
 */
export async function sendTest(ctx: AppContext, coach: { id: string; email: string }, id: string): Promise<void> {
  const broadcast = await getBroadcast(ctx.db, id);
  if (!broadcast) throw notFound();
  refuseWith(contentProblems(broadcast));
  const now = ctx.clock();
  const limit = await hitRateLimit(
    ctx.db,
    { name: 'broadcast:test', limit: TEST_EMAILS_PER_HOUR, windowMs: 3_600_000 },
    coach.id,
    now.getTime(),
  );
  if (!limit.allowed)
    throw new Refusal(
      'too-many',
      'rate-limited',
      `That is ${TEST_EMAILS_PER_HOUR} test emails this hour: please wait ${describeWait(limit.retryAfterSeconds)} and try again.`,
    );
  const rendered = await render(ctx, id, broadcast);
  const off = emailOffUrl(ctx, 'newsletter', coach.id);
  await enqueueEmail(
    ctx.db,
    {
      idempotencyKey: `bc-test:${id}:${now.getTime()}:${randomToken(6)}`,
      kind: MARKETING_KINDS.broadcastTest,
      to: coach.email,
      subject: `[Test] ${broadcast.subject}`,
      ...personalise(rendered, off),
      headers: { 'List-Unsubscribe': `<${off}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      userId: coach.id,
    },
    now,
  );
}

// ---- Scheduling ----

export interface ScheduleInput {
  /** `YYYY-MM-DD` and `HH:MM` on the coach's clock. */
  date: string;
  time: string;
  timeZone: string;
}

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** When a typed date and time happen in the coach's zone, or the field messages. */
export function scheduledInstant(
  input: ScheduleInput,
  now: Date,
): { ok: true; at: Date } | { ok: false; problems: Record<string, string> } {
  const problems: Record<string, string> = {};
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.date)) problems['date'] = 'Choose the day to send it, like 2026-12-03.';
  if (!TIME.test(input.time)) problems['time'] = 'Choose the time to send it, like 09:30.';
  if (Object.keys(problems).length > 0) return { ok: false, problems };
  const zone = isTimeZone(input.timeZone) ? input.timeZone : 'UTC';
  const at = zonedInstant(input.date, input.time, zone);
  if (Number.isNaN(at.getTime())) return { ok: false, problems: { date: 'Choose a real day, like 2026-12-03.' } };
  if (at.getTime() <= now.getTime())
    return {
      ok: false,
      problems: { time: `That time has passed: it is ${formatDateTimeIn(now, zone)} now. Choose a later time.` },
    };
  if (at.getTime() > now.getTime() + 366 * 86_400_000)
    return { ok: false, problems: { date: 'Choose a day within the next year.' } };
  return { ok: true, at };
}

/** The audience, with the articles of its tag written in, so the job (which cannot read articles) can queue it. */
function frozen(audience: Audience, tagArticles: readonly string[] | undefined): Record<string, unknown> {
  return audience.tag ? { ...audience, tagArticles: [...(tagArticles ?? [])] } : { ...audience };
}

/**
 * Saves the content and schedules it in one write, or refuses with every problem at once and writes
 * nothing: empty subject or body, an unsafe body, an audience of nobody, a time that has passed,
 * no postal address yet. `at` undefined means now (the job queues it within seconds).
 */
export async function scheduleBroadcast(
  ctx: AppContext,
  id: string,
  content: BroadcastContent,
  when: ScheduleInput | 'now',
  tagArticles: readonly string[] | undefined,
): Promise<{ at: Date; count: AudienceCount }> {
  const { db } = ctx;
  const now = ctx.clock();
  const broadcast = await getBroadcast(db, id);
  if (!broadcast) throw notFound();
  if (!isEditable(broadcast.status)) throw readOnly(broadcast);
  const problems = contentProblems(content);
  const audienceCount = await countAudience(db, content.audience, { now, tagArticles });
  if (audienceCount.recipients === 0) problems['audienceKind'] = 'Nobody is in this audience yet: choose a wider one.';
  let at = now;
  if (when !== 'now') {
    const instant = scheduledInstant(when, now);
    if (instant.ok) at = instant.at;
    else Object.assign(problems, instant.problems);
  }
  if (!(await senderSettings(db)).postalAddress)
    problems['sender'] = 'Add your postal address in the email settings first: the law asks for it in newsletters.';
  refuseWith(problems);
  const updated = await db
    .update(broadcasts)
    .set({
      subject: content.subject,
      preview: content.preview,
      bodyMarkdown: content.bodyMarkdown,
      audience: frozen(content.audience, tagArticles),
      status: 'scheduled',
      scheduledAt: at,
      updatedAt: now,
    })
    .where(and(eq(broadcasts.id, id), eq(broadcasts.status, 'draft')))
    .returning({ id: broadcasts.id });
  if (updated.length === 0) throw readOnly((await getBroadcast(db, id)) ?? broadcast);
  return { at, count: audienceCount };
}

/** A scheduled broadcast back to a draft; refused once the job has started queueing it. */
export async function unscheduleBroadcast(db: Database, id: string, now: Date): Promise<void> {
  const updated = await db
    .update(broadcasts)
    .set({ status: 'draft', scheduledAt: null, updatedAt: now })
    .where(and(eq(broadcasts.id, id), eq(broadcasts.status, 'scheduled')))
    .returning({ id: broadcasts.id });
  if (updated.length > 0) return;
  const existing = await getBroadcast(db, id);
  if (!existing) throw notFound();
  if (existing.status === 'draft') return; // already a draft: nothing to do
  throw new Refusal('conflict', 'broadcast-started', 'It is already being sent: it can no longer be unscheduled.');
}

// ---- Queueing (the job) ----

export interface QueueReport {
  broadcasts: number;
  queued: number;
}

/** The one-click unsubscribe link of a recipient: their lead's, or a member's newsletter switch. */
function unsubscribeOf(ctx: AppContext, recipient: Recipient): string {
  if (recipient.leadId) return unsubscribeUrl(ctx, recipient.leadId);
  return emailOffUrl(ctx, 'newsletter', recipient.userId!);
}

/** Claims one broadcast that is due, or one whose queueing stopped midway. */
async function claimDue(db: Database, now: Date): Promise<Broadcast | undefined> {
  const [due] = await db
    .select({ id: broadcasts.id, status: broadcasts.status, updatedAt: broadcasts.updatedAt })
    .from(broadcasts)
    .where(
      or(
        and(eq(broadcasts.status, 'scheduled'), lt(broadcasts.scheduledAt, new Date(now.getTime() + 1))),
        and(eq(broadcasts.status, 'queueing'), lt(broadcasts.updatedAt, new Date(now.getTime() - QUEUE_CLAIM_MS))),
      ),
    )
    .orderBy(broadcasts.scheduledAt)
    .limit(1);
  if (!due) return undefined;
  const [claimed] = await db
    .update(broadcasts)
    .set({ status: 'queueing', updatedAt: now, ...(due.status === 'scheduled' ? { queuedAt: now } : {}) })
    .where(and(eq(broadcasts.id, due.id), eq(broadcasts.status, due.status), eq(broadcasts.updatedAt, due.updatedAt)))
    .returning();
  return claimed;
}

/**
 * Queues every broadcast that is due: renders it once into broadcasts.html/text (kept when a
 * stopped queue is taken up again), then writes its recipients page by page, and marks it
 * sending with its number of recipients. Stops between pages when `signal` aborts; the claim
 * then expires and the next run goes on from there.
 */
export async function queueDueBroadcasts(
  ctx: AppContext,
  { signal, pageSize = QUEUE_PAGE_SIZE }: { signal?: AbortSignal; pageSize?: number } = {},
): Promise<QueueReport> {
  const report: QueueReport = { broadcasts: 0, queued: 0 };
  for (;;) {
    if (signal?.aborted) return report;
    const now = ctx.clock();
    const broadcast = await claimDue(ctx.db, now);
    if (!broadcast) return report;
    report.broadcasts += 1;
    const done = await queueRecipients(ctx, broadcast, now, pageSize, signal);
    report.queued += done;
    if (signal?.aborted) return report;
  }
}

async function queueRecipients(
  ctx: AppContext,
  claimed: Broadcast,
  now: Date,
  pageSize: number,
  signal: AbortSignal | undefined,
): Promise<number> {
  const { db } = ctx;
  const campaign = campaignOf.broadcast(claimed.id);
  let broadcast = claimed;
  if (broadcast.html === null || broadcast.text === null) {
    const rendered = await render(ctx, broadcast.id, broadcast);
    await db
      .update(broadcasts)
      .set({ html: rendered.html, text: rendered.text })
      .where(eq(broadcasts.id, broadcast.id));
    broadcast = { ...broadcast, html: rendered.html, text: rendered.text };
    await db.insert(campaignStats).values({ campaign, updatedAt: now }).onConflictDoNothing();
  }
  const audience = readAudience(broadcast.audience);
  const stored = broadcast.audience as { tagArticles?: unknown };
  const tagArticles = Array.isArray(stored.tagArticles) ? stored.tagArticles.map(String) : undefined;
  // Where a stopped queue got to: every page it wrote is whole, in address order.
  const [progress] = await db
    .select({ last: sql<string | null>`max(${outbox.toAddress})`, rows: count() })
    .from(outbox)
    .where(and(eq(outbox.campaign, campaign), eq(outbox.kind, MARKETING_KINDS.broadcast)));
  let after = progress?.last ?? '';
  let written = progress?.rows ?? 0;
  const subject = headerValue('Subject', broadcast.subject);
  const expiresAt = new Date(now.getTime() + BODY_RETENTION_MS);
  let queued = 0;
  for (;;) {
    if (signal?.aborted) return queued;
    const page = await recipientsPage(db, audience, { now, tagArticles }, after, pageSize);
    if (page.length === 0) break;
    const firstBatch = Math.ceil(written / BATCH_SIZE);
    const rows = page.map((recipient, index) => {
      const link = unsubscribeOf(ctx, recipient);
      return {
        idempotencyKey: `bc:${broadcast.id}:${recipient.leadId ? `l-${recipient.leadId}` : `u-${recipient.userId}`}`,
        kind: MARKETING_KINDS.broadcast,
        toAddress: recipient.email,
        subject,
        html: '',
        text: '',
        headers: headerValues({
          'List-Unsubscribe': `<${link}>`,
          'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        }),
        userId: recipient.userId,
        campaign,
        batchKey: `bc:${broadcast.id}:${firstBatch + Math.floor(index / BATCH_SIZE)}`,
        expiresAt,
        nextAttemptAt: now,
        createdAt: now,
      };
    });
    await db.transaction(async (tx) => {
      for (let start = 0; start < rows.length; start += BATCH_SIZE) {
        await tx
          .insert(outbox)
          .values(rows.slice(start, start + BATCH_SIZE))
          .onConflictDoNothing({ target: outbox.idempotencyKey });
      }
      // The claim, renewed with every page: a queue that stops leaves it to expire.
      await tx.update(broadcasts).set({ updatedAt: ctx.clock() }).where(eq(broadcasts.id, broadcast.id));
    });
    queued += page.length;
    written += page.length;
    after = page.at(-1)!.email;
    if (page.length < pageSize) break;
  }
  const finishedAt = ctx.clock();
  await db
    .update(broadcasts)
    .set({
      status: written === 0 ? 'sent' : 'sending',
      recipients: written,
      updatedAt: finishedAt,
      ...(written === 0 ? { finishedAt } : {}),
    })
    .where(and(eq(broadcasts.id, broadcast.id), eq(broadcasts.status, 'queueing')));
  return queued;
}

// ---- "New article" announcements ----

const ANNOUNCEMENTS_KEY = 'email.announcements';

/** Since when published articles are offered (set the first time it is asked, so older ones are not). */
export async function announcementsSince(db: Database, now: Date): Promise<Date> {
  await db
    .insert(appSettings)
    .values({ key: ANNOUNCEMENTS_KEY, value: { since: now.getTime() }, createdAt: now, updatedAt: now })
    .onConflictDoNothing();
  const [row] = await db.select().from(appSettings).where(eq(appSettings.key, ANNOUNCEMENTS_KEY));
  const since = (row?.value as { since?: unknown } | undefined)?.since;
  return new Date(typeof since === 'number' ? since : now.getTime());
}

export interface AnnouncedArticle {
  id: string;
  title: string;
  description: string;
  pubDate: Date;
}

/** Published articles from after the feature was installed that no broadcast announces yet. */
export async function announcementOffers<Card extends AnnouncedArticle>(
  db: Database,
  cards: readonly Card[],
  now: Date,
): Promise<Card[]> {
  const since = await announcementsSince(db, now);
  const fresh = cards.filter((card) => card.pubDate.getTime() >= since.getTime() && card.pubDate <= now);
  if (fresh.length === 0) return [];
  const announced = await db
    .select({ slug: broadcasts.articleSlug })
    .from(broadcasts)
    .where(
      and(
        isNotNull(broadcasts.articleSlug),
        inArray(
          broadcasts.articleSlug,
          fresh.map((card) => card.id),
        ),
      ),
    );
  const taken = new Set(announced.map((row) => row.slug));
  return fresh.filter((card) => !taken.has(card.id));
}

/** The broadcast announcing an article, when there is one. */
export async function announcementOf(db: Database, slug: string): Promise<string | undefined> {
  const [row] = await db.select({ id: broadcasts.id }).from(broadcasts).where(eq(broadcasts.articleSlug, slug));
  return row?.id;
}

/** A draft announcing an article (its title, description and link), or the one that already does. */
export async function draftAnnouncement(ctx: AppContext, article: AnnouncedArticle): Promise<string> {
  const existing = await announcementOf(ctx.db, article.id);
  if (existing) return existing;
  const link = new URL(`/articles/${article.id}`, ctx.siteUrl).href;
  const escape = (text: string) => text.replace(/([\\`*_[\]<>#!|])/g, '\\$1');
  try {
    return await saveDraft(
      ctx.db,
      undefined,
      {
        subject: article.title,
        preview: article.description.slice(0, MAX_PREVIEW_LENGTH),
        bodyMarkdown: `${escape(article.description)}\n\n[Read “${escape(article.title)}”](${link})`,
        audience: { kind: 'everyone' },
      },
      ctx.clock(),
      article.id,
    );
  } catch (error) {
    // Two clicks at once: the unique index let one through; give that one.
    const raced = await announcementOf(ctx.db, article.id);
    if (raced) return raced;
    throw error;
  }
}

// ---- For the pages ----

/** The coach's time zone (where scheduled times are typed and shown). */
export async function coachTimeZone(db: Database, userId: string): Promise<string> {
  const [row] = await db.select({ timeZone: users.timeZone }).from(users).where(eq(users.id, userId));
  return row && isTimeZone(row.timeZone) ? row.timeZone : 'UTC';
}
