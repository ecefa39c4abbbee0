/**
 * The rules of the paid Coaching tier, as pure functions: what a subscription in a given Stripe
 * state entitles a member to, which of several subscriptions counts, whether access holds at a
 * given moment, and how the member's billing reads on their account page. No I/O and no clock:
 * callers pass `now`, so every rule is tested table by table.
 */

/** Days a member keeps Coaching after a failed payment, while Stripe retries the card. */
export const GRACE_DAYS = 7;

/**
 * An active subscription's access runs to the end of its paid period plus this margin. Renewal
 * events refresh it; the margin covers Stripe's retries of a late webhook, and a cancellation we
 * never heard about still ends access instead of lasting for ever.
 */
export const PERIOD_LEEWAY_DAYS = 3;

const DAY_MS = 86_400_000;

export const BILLING_INTERVALS = ['month', 'year'] as const;
export type BillingInterval = (typeof BILLING_INTERVALS)[number];

/** Our copy of one Stripe subscription. */
export interface SubscriptionState {
  id: string;
  /** Stripe's status: active, trialing, past_due, unpaid, canceled, incomplete, incomplete_expired, paused. */
  status: string;
  interval: string | null;
  currentPeriodEnd: Date | null;
  cancelAtPeriodEnd: boolean;
  /** When we first saw a payment fail on it (status past_due). */
  pastDueSince: Date | null;
}

export type EntitlementStatus = 'active' | 'grace' | 'ended';

export interface Entitlement {
  status: EntitlementStatus;
  subscriptionId: string | null;
  interval: string | null;
  /** Access ends at this moment (null: no limit known). */
  accessUntil: Date | null;
  /** The next renewal, when one is due. */
  renewsAt: Date | null;
  cancelAtPeriodEnd: boolean;
}

export const NO_ENTITLEMENT: Entitlement = {
  status: 'ended',
  subscriptionId: null,
  interval: null,
  accessUntil: null,
  renewsAt: null,
  cancelAtPeriodEnd: false,
};

const PAID_STATUSES = new Set(['active', 'trialing']);

/** Stripe statuses a subscription never leaves: once we hold one, no later write changes it. */
export const ENDED_STATUSES = ['canceled', 'incomplete_expired'] as const;

/** Stripe statuses of a subscription that still exists for the member (billed, or waiting on a card). */
const LIVE_STATUSES = new Set(['active', 'trialing', 'past_due', 'unpaid', 'paused']);

/** Whether a subscription in this Stripe status is live: a second live one is a duplicate. */
export function isLiveStatus(status: string): boolean {
  return LIVE_STATUSES.has(status);
}

/** One live subscription as the account page lists it. */
export interface SubscriptionLine {
  id: string;
  /** "Coaching, billed monthly" */
  plan: string;
  /** "Renews on 3 May 2027", "Ends on …", "Payment failed" */
  detail: string;
}

/** The member's live subscriptions, oldest first, as lines for the account page. */
export function subscriptionLines(
  subscriptions: readonly (SubscriptionState & { createdAt: Date })[],
  formatDay: (date: Date) => string,
): SubscriptionLine[] {
  return subscriptions
    .filter((subscription) => isLiveStatus(subscription.status))
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .map((subscription) => {
      const every = subscription.interval === 'year' ? ' yearly' : subscription.interval === 'month' ? ' monthly' : '';
      const end = subscription.currentPeriodEnd;
      const detail =
        subscription.status === 'past_due' || subscription.status === 'unpaid'
          ? 'Payment failed'
          : subscription.status === 'paused'
            ? 'Paused'
            : end
              ? `${subscription.cancelAtPeriodEnd ? 'Ends' : 'Renews'} on ${formatDay(end)}`
              : 'Active';
      return { id: subscription.id, plan: every ? `Coaching, billed${every}` : 'Coaching', detail };
    });
}

/**
 * The moment a subscription's grace period started: kept from before while it stays past due,
 * set to now when it first becomes past due, cleared once it is anything else.
 */
export function pastDueSince(status: string, previous: Date | null, now: Date): Date | null {
  return status === 'past_due' ? (previous ?? now) : null;
}

/** What one subscription gives its member. */
export function subscriptionEntitlement(subscription: SubscriptionState): Entitlement {
  const base = {
    subscriptionId: subscription.id,
    interval: subscription.interval,
    cancelAtPeriodEnd: subscription.cancelAtPeriodEnd,
  };
  const periodEnd = subscription.currentPeriodEnd;
  if (PAID_STATUSES.has(subscription.status)) {
    return {
      ...base,
      status: 'active',
      accessUntil: periodEnd ? new Date(periodEnd.getTime() + PERIOD_LEEWAY_DAYS * DAY_MS) : null,
      renewsAt: subscription.cancelAtPeriodEnd ? null : periodEnd,
    };
  }
  if (subscription.status === 'past_due' && subscription.pastDueSince) {
    return {
      ...base,
      status: 'grace',
      accessUntil: new Date(subscription.pastDueSince.getTime() + GRACE_DAYS * DAY_MS),
      renewsAt: null,
    };
  }
  return { ...base, status: 'ended', accessUntil: null, renewsAt: null };
}

const RANK: Record<EntitlementStatus, number> = { active: 2, grace: 1, ended: 0 };

/**
 * What a member's subscriptions give them together: the best one counts (paid over grace over
 * ended; then the one that lasts longest). A member who subscribed twice by mistake keeps access
 * when one of the two is cancelled.
 */
export function entitlementFrom(subscriptions: readonly SubscriptionState[]): Entitlement {
  let best: Entitlement | undefined;
  for (const subscription of subscriptions) {
    const candidate = subscriptionEntitlement(subscription);
    if (!best || RANK[candidate.status] > RANK[best.status]) {
      best = candidate;
    } else if (RANK[candidate.status] === RANK[best.status] && lastsLonger(candidate, best)) {
      best = candidate;
    }
  }
  return best ?? NO_ENTITLEMENT;
}

function lastsLonger(a: Entitlement, b: Entitlement): boolean {
  if (b.accessUntil === null) return false;
  if (a.accessUntil === null) return a.status !== 'ended';
  return a.accessUntil.getTime() > b.accessUntil.getTime();
}

/** Whether an entitlement opens Coaching at this moment. */
export function hasAccess(entitlement: Pick<Entitlement, 'status' | 'accessUntil'> | undefined, now: Date): boolean {
  if (!entitlement || entitlement.status === 'ended') return false;
  return entitlement.accessUntil === null || now.getTime() < entitlement.accessUntil.getTime();
}

/** What the account page says about a member's billing. */
export interface BillingSummary {
  plan: 'Free' | 'Coaching';
  /** One sentence on where the membership stands. */
  detail: string;
  /** The member should act (a failed payment). */
  attention: boolean;
}

export function billingSummary(
  entitlement: Entitlement | undefined,
  now: Date,
  formatDay: (date: Date) => string,
): BillingSummary {
  const current = entitlement ?? NO_ENTITLEMENT;
  if (!hasAccess(current, now)) {
    const lapsed = current.status !== 'ended' || current.subscriptionId !== null;
    return {
      plan: 'Free',
      detail: lapsed
        ? 'Your Coaching membership has ended. You keep the tracker, the articles and your comments.'
        : 'You are on the free plan: the articles, the cheat sheet, the tracker and comments.',
      attention: false,
    };
  }
  const every = current.interval === 'year' ? 'yearly' : current.interval === 'month' ? 'monthly' : '';
  const plan = every ? `Coaching, billed ${every}.` : 'Coaching.';
  if (current.status === 'grace') {
    return {
      plan: 'Coaching',
      detail: `${plan} Your last payment did not go through. Update your card by ${formatDay(current.accessUntil!)} to keep Coaching.`,
      attention: true,
    };
  }
  if (current.cancelAtPeriodEnd) {
    const end = current.accessUntil ? periodEndOf(current) : null;
    return {
      plan: 'Coaching',
      detail: end ? `${plan} Cancelled: Coaching stays open until ${formatDay(end)}.` : `${plan} Cancelled.`,
      attention: false,
    };
  }
  return {
    plan: 'Coaching',
    detail: current.renewsAt ? `${plan} Renews on ${formatDay(current.renewsAt)}.` : plan,
    attention: false,
  };
}

/** The paid period's end, before the leeway was added. */
function periodEndOf(entitlement: Entitlement): Date {
  return new Date(entitlement.accessUntil!.getTime() - PERIOD_LEEWAY_DAYS * DAY_MS);
}

/** A price as people read it: "$19 a month", "€190 a year". Whole amounts drop the cents. */
export function formatPrice(unitAmount: number, currency: string, interval: string): string {
  return `${formatMoney(unitAmount, currency)} a ${interval}`;
}

/** `$19`, `$19.50`: an amount in the currency's minor unit (cents), without needless decimals. */
export function formatMoney(unitAmount: number, currency: string): string {
  const amount = unitAmount / 100;
  return new Intl.NumberFormat('en-US', {
    style: 'currency',
    currency: currency.toUpperCase(),
    minimumFractionDigits: Number.isInteger(amount) ? 0 : 2,
  }).format(amount);
}

/** A recurring price as Stripe states it: an amount in the minor unit and its currency. */
export interface PriceAmount {
  unitAmount: number;
  currency: string;
}

/**
 * What the yearly price saves against twelve monthly payments, as the pricing page says it
 * ("save $38 against paying monthly"), or undefined when yearly is not cheaper or the two
 * prices are not in the same currency.
 */
export function yearlySaving(monthly: PriceAmount | undefined, yearly: PriceAmount | undefined): string | undefined {
  if (!monthly || !yearly || monthly.currency.toLowerCase() !== yearly.currency.toLowerCase()) return undefined;
  const saving = monthly.unitAmount * 12 - yearly.unitAmount;
  return saving > 0 ? `save ${formatMoney(saving, yearly.currency)} against paying monthly` : undefined;
}
