/**
 * Keep no more than needed. `pruneRetainedData` is the periodic job that ends what has served its
 * purpose; run it every few minutes on any number of instances (every step is one idempotent
 * statement, so two instances at once do the same work once).
 *
 * - Email (the outbox): a message carrying a one-time link expires with its link (sign-in 15
 *   minutes, reset 1 hour, address and cheat-sheet confirmation 48 hours, the cheat-sheet download
 *   7 days); any other message 30 days after it was queued. At its expiry a message not yet sent is
 *   marked failed and never sent, and its HTML, text and headers (which hold the links) are
 *   replaced by a short note whatever its status. Every message row is deleted 90 days after it
 *   was queued: the address, subject, kind, dates and status (and a failure's reason) are what the
 *   coach sees until then.
 * - One-time account links (`email_tokens`, hashes only) are deleted when they expire.
 * - A cheat-sheet lead's confirmation hash is cleared 7 days after its link expired (until then an
 *   old link is told it has expired rather than that it is not valid).
 * - Sessions are deleted when they expire.
 * - The email provider's events (delivered, bounced, complained; src/lib/marketing/webhooks.server.ts)
 *   are deleted 90 days after they were received: a campaign's counts outlive them in
 *   campaign_stats, and a suppression (which must last) is its own row.
 */
import { and, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { Database } from '../../../db/connect.ts';
import { emailEvents, emailTokens, leads, outbox, sessions } from '../../../db/schema.ts';
import { BODY_RETENTION_MS, EXPIRED_BEFORE_DELIVERY, ROW_RETENTION_MS } from '../email/outbox.server.ts';

export { BODY_RETENTION_MS, ROW_RETENTION_MS };

/** How long an expired cheat-sheet confirmation link is still recognised as expired. */
export const LEAD_CONFIRM_GRACE_MS = 7 * 86_400_000;

/** How long the email provider's events are kept. */
export const EMAIL_EVENT_RETENTION_MS = 90 * 86_400_000;

/** What an erased message holds in place of its body. */
export const ERASED_TEXT =
  'The content of this message has been removed: its link had expired, or its keeping period had ended.';
export const ERASED_HTML = `<p>${ERASED_TEXT}</p>`;

export interface PruneReport {
  /** Messages whose link or keeping period ended before they could be sent. */
  expired: number;
  /** Messages whose body was replaced by the note. */
  erased: number;
  /** Messages deleted at the end of their keeping period. */
  deletedMessages: number;
  deletedLinks: number;
  clearedLeadTokens: number;
  deletedSessions: number;
  deletedEmailEvents: number;
}

export async function pruneRetainedData(db: Database, now = new Date()): Promise<PruneReport> {
  const due = and(isNull(outbox.erasedAt), lte(outbox.expiresAt, now));
  const expired = await db
    .update(outbox)
    .set({ status: 'failed', lastError: EXPIRED_BEFORE_DELIVERY, leaseOwner: null, leaseExpiresAt: null })
    .where(
      and(
        due,
        sql`(${outbox.status} = 'pending' OR (${outbox.status} = 'sending' AND ${outbox.leaseExpiresAt} < ${now.getTime()}))`,
      ),
    );
  const erased = await db
    .update(outbox)
    .set({ html: ERASED_HTML, text: ERASED_TEXT, headers: {}, erasedAt: now })
    .where(due);
  const deletedMessages = await db
    .delete(outbox)
    .where(lte(outbox.createdAt, new Date(now.getTime() - ROW_RETENTION_MS)));
  const deletedLinks = await db.delete(emailTokens).where(lte(emailTokens.expiresAt, now));
  const clearedLeadTokens = await db
    .update(leads)
    .set({ confirmTokenHash: null, confirmExpiresAt: null })
    .where(
      and(
        isNotNull(leads.confirmTokenHash),
        lte(leads.confirmExpiresAt, new Date(now.getTime() - LEAD_CONFIRM_GRACE_MS)),
      ),
    );
  const deletedSessions = await db.delete(sessions).where(lte(sessions.expiresAt, now));
  const deletedEmailEvents = await db
    .delete(emailEvents)
    .where(lte(emailEvents.createdAt, new Date(now.getTime() - EMAIL_EVENT_RETENTION_MS)));
  return {
    expired: expired.rowsAffected,
    erased: erased.rowsAffected,
    deletedMessages: deletedMessages.rowsAffected,
    deletedLinks: deletedLinks.rowsAffected,
    clearedLeadTokens: clearedLeadTokens.rowsAffected,
    deletedSessions: deletedSessions.rowsAffected,
    deletedEmailEvents: deletedEmailEvents.rowsAffected,
  };
}

/** Whether an erased message lost its body because its link died (rather than by age). */
export function erasedForItsLink(message: { createdAt: Date; expiresAt: Date | null }): boolean {
  return !!message.expiresAt && message.expiresAt.getTime() - message.createdAt.getTime() < BODY_RETENTION_MS;
}
