/** Everything the account page shows about the member (src/pages/account/index.astro). */
import { sql } from 'drizzle-orm';
import type { Database } from '../../../db/connect';
import type { AppContext } from '../app/context.server';
import { billingSummary, type BillingSummary } from '../coaching/billing-rules';
import { customerIdOf } from '../coaching/billing.server';
import { entitlementOf, liveSubscriptionsOf } from '../coaching/entitlements.server';
import { describeAgent } from './account-page';
import { listUserSessions } from './session.server';
import { countryOptions, regionOptions, type PlaceOption } from '../time/holidays.server';

/** One browser the member is signed in on. */
export interface SignedInBrowser {
  id: string;
  /** "Phone, Firefox". */
  agent: string;
  /** When it was last used, in the member's zone. */
  lastActive: string;
}

export interface AccountPage {
  billing: BillingSummary;
  /** Their Stripe customer, when they have paid: the billing portal needs one. */
  customerId: string | undefined;
  sessions: SignedInBrowser[];
  /** Every live Coaching subscription: more than one is a duplicate being refunded. */
  liveSubscriptions: Awaited<ReturnType<typeof liveSubscriptionsOf>>;
  /** The countries whose public holidays the tracker knows, by name. */
  countries: PlaceOption[];
  /** The regions of the member's saved country with holidays of their own; often none. */
  regions: PlaceOption[];
  /**
   * How many emails of the cheat-sheet series are still to come to the member (steps for members
   * after their place, not paused), or null when they never confirmed a cheat-sheet request.
   */
  seriesLeft: number | null;
}

/** The steps of the cheat-sheet series after the member's place in it (see seriesLeft). */
async function seriesLeftFor(db: Database, userId: string): Promise<number | null> {
  const [row] = (await db.all(sql`
    SELECT l.id AS lead, (SELECT COUNT(*) FROM sequence_steps s
                          WHERE s.paused_at IS NULL AND s.for_members = 1
                            AND (s.position, s.id) > (SELECT c.position, c.id FROM sequence_steps c
                                                     WHERE c.id = l.sequence_step_id)) AS n
    FROM leads l WHERE l.user_id = ${userId} AND l.status = 'confirmed' LIMIT 1`)) as Record<string, unknown>[];
  if (!row) return null;
  return Number(row['n'] ?? 0);
}

export async function loadAccountPage(
  app: Pick<AppContext, 'db'>,
  user: { id: string; timeZone: string; country: string | null },
): Promise<AccountPage> {
  const { db } = app;
  const [entitlement, customerId, sessions, liveSubscriptions, countries, regions, seriesLeft] = await Promise.all([
    entitlementOf(db, user.id),
    customerIdOf(db, user.id),
    listUserSessions(db, user.id),
    liveSubscriptionsOf(db, user.id, user.timeZone),
    countryOptions(),
    regionOptions(user.country),
    seriesLeftFor(db, user.id),
  ]);
  const longDate = new Intl.DateTimeFormat('en-GB', { dateStyle: 'long', timeZone: user.timeZone });
  const dateTime = new Intl.DateTimeFormat('en-US', {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: user.timeZone,
  });
  return {
    billing: billingSummary(entitlement, new Date(), (date) => longDate.format(date)),
    customerId,
    sessions: sessions.map((session) => ({
      id: session.id,
      agent: describeAgent(session.userAgent),
      lastActive: dateTime.format(session.lastSeenAt),
    })),
    liveSubscriptions,
    countries,
    regions,
    seriesLeft,
  };
}
