/**
 * The private calendar feed's address: only a hash of its secret is stored, per member, and the
 * feed finds its member by that hash.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/connect';
import { trackerSettings, users } from '../../../db/schema';
import type { User } from '../auth/session.server';
import type { Member } from './entries.server';

export async function calendarTokenHash(db: Database, member: Member): Promise<string | null> {
  const [row] = await db
    .select({ hash: trackerSettings.calendarTokenHash })
    .from(trackerSettings)
    .where(eq(trackerSettings.userId, member.id));
  return row?.hash ?? null;
}

/** Stores a new feed secret's hash (revoking any old URL), or none to switch the feed off. */
export async function setCalendarTokenHash(db: Database, member: Member, hash: string | null): Promise<void> {
  await db
    .insert(trackerSettings)
    .values({ userId: member.id, calendarTokenHash: hash })
    .onConflictDoUpdate({ target: trackerSettings.userId, set: { calendarTokenHash: hash } });
}

export async function memberForCalendar(db: Database, hash: string) {
  const [row] = await db
    .select({ userId: trackerSettings.userId })
    .from(trackerSettings)
    .where(eq(trackerSettings.calendarTokenHash, hash))
    .limit(1);
  return row?.userId;
}

/** The member whose feed address hashes to `hash`, or undefined for an unknown or revoked address. */
export async function calendarSubscriber(db: Database, hash: string): Promise<User | undefined> {
  const userId = await memberForCalendar(db, hash);
  if (!userId) return undefined;
  const [member] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
  return member;
}
