/**
 * One-click "stop these emails" links for members (RFC 8058): a signed token names the kind of
 * email and the member, so the link works without signing in and cannot be forged or moved to
 * another member. GET /email/off asks; POST (a click, or the mail provider) does it.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/connect';
import { users } from '../../../db/schema';
import { signToken, verifyToken } from '../auth/tokens.server';

export const EMAIL_KINDS = ['reminders', 'replies', 'newsletter', 'sequence'] as const;
export type EmailKind = (typeof EMAIL_KINDS)[number];

export const EMAIL_KIND_LABELS: Record<EmailKind, string> = {
  reminders: 'reminder emails of follow-ups that are due',
  replies: 'emails about replies to your comments',
  newsletter: "the coach's newsletters",
  sequence: "the cheat sheet's follow-up tips",
};

/** The member's switch each kind turns off. */
const SWITCH_OF: Record<EmailKind, 'emailReminders' | 'emailReplies' | 'emailCoach' | 'emailSequence'> = {
  reminders: 'emailReminders',
  replies: 'emailReplies',
  newsletter: 'emailCoach',
  sequence: 'emailSequence',
};

export function emailOffUrl(ctx: { secret: string; siteUrl: string }, kind: EmailKind, userId: string): string {
  return new URL(`/email/off?token=${signToken(ctx.secret, 'email-off', `${kind}_${userId}`)}`, ctx.siteUrl).href;
}

/** The kind of email and the member a link was made for, or undefined for a bad link. */
export function readEmailOffToken(secret: string, token: string): { kind: EmailKind; userId: string } | undefined {
  const check = verifyToken(secret, 'email-off', token);
  if (!check.ok) return undefined;
  // `kind_userId`: signed token data is limited to letters, digits, _ and -.
  const separator = check.data.indexOf('_');
  const kind = check.data.slice(0, separator);
  const userId = check.data.slice(separator + 1);
  if (separator < 1 || !userId || !(EMAIL_KINDS as readonly string[]).includes(kind)) return undefined;
  return { kind: kind as EmailKind, userId };
}

export async function turnEmailOff(db: Database, kind: EmailKind, userId: string): Promise<boolean> {
  const updated = await db
    .update(users)
    .set({ [SWITCH_OF[kind]]: false, updatedAt: new Date() })
    .where(eq(users.id, userId))
    .returning({ id: users.id });
  return updated.length > 0;
}
