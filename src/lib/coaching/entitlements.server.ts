/**
 * Who has Coaching, read from our own entitlements table (kept true by the Stripe webhook in
 * billing.ts), and the coach's choice of which extras are Coaching-only.
 */
import { eq } from 'drizzle-orm';
import type { Database } from '../../../db/connect';
import { appSettings, entitlements, subscriptions } from '../../../db/schema';
import { hasAccess, subscriptionLines, type Entitlement, type SubscriptionLine } from './billing-rules';

export async function entitlementOf(db: Database, userId: string): Promise<Entitlement | undefined> {
  const [row] = await db.select().from(entitlements).where(eq(entitlements.userId, userId));
  if (!row) return undefined;
  return {
    status: row.status,
    subscriptionId: row.subscriptionId,
    interval: row.interval,
    accessUntil: row.accessUntil,
    renewsAt: row.renewsAt,
    cancelAtPeriodEnd: row.cancelAtPeriodEnd,
  };
}

/** Every live subscription of the member, oldest first, for the account page. */
export async function liveSubscriptionsOf(db: Database, userId: string, timeZone: string): Promise<SubscriptionLine[]> {
  const rows = await db.select().from(subscriptions).where(eq(subscriptions.userId, userId));
  const longDate = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone });
  return subscriptionLines(rows, (date) => longDate.format(date));
}

/** Whether this member may use Coaching now. The coach always may. */
export async function hasCoaching(
  db: Database,
  user: { id: string; role: string } | null,
  now = new Date(),
): Promise<boolean> {
  if (!user) return false;
  if (user.role === 'coach') return true;
  return hasAccess(await entitlementOf(db, user.id), now);
}

/**
 * Extras the coach may keep for Coaching members. The tracker itself is always free; these are
 * off (open to everyone) until the coach turns them on.
 */
export interface CoachingLimits {
  reminders: boolean;
  calendar: boolean;
}

const LIMITS_KEY = 'coaching.limits';
const NO_LIMITS: CoachingLimits = { reminders: false, calendar: false };

export async function coachingLimits(db: Database): Promise<CoachingLimits> {
  const [row] = await db.select().from(appSettings).where(eq(appSettings.key, LIMITS_KEY));
  const value = (row?.value ?? {}) as Partial<CoachingLimits>;
  return { reminders: value.reminders === true, calendar: value.calendar === true };
}

export async function setCoachingLimits(db: Database, limits: CoachingLimits, now = new Date()): Promise<void> {
  const value = { ...NO_LIMITS, ...limits };
  await db
    .insert(appSettings)
    .values({ key: LIMITS_KEY, value })
    .onConflictDoUpdate({ target: appSettings.key, set: { value, updatedAt: now } });
}
