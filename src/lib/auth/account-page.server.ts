/** Everything the account page shows about the member (src/pages/account/index.astro). */
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
}

export async function loadAccountPage(
  app: Pick<AppContext, 'db'>,
  user: { id: string; timeZone: string; country: string | null },
): Promise<AccountPage> {
  const { db } = app;
  const [entitlement, customerId, sessions, liveSubscriptions, countries, regions] = await Promise.all([
    entitlementOf(db, user.id),
    customerIdOf(db, user.id),
    listUserSessions(db, user.id),
    liveSubscriptionsOf(db, user.id, user.timeZone),
    countryOptions(),
    regionOptions(user.country),
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
  };
}
