/**
 * Paid Coaching through Stripe: the customer, Checkout, the customer portal, and the webhook that
 * keeps our `subscriptions` and `entitlements` tables true. Pages read entitlements from our own
 * database and never call Stripe to decide who may read what.
 *
 * Webhooks are verified, recorded by event id (a redelivery changes nothing), and handled by
 * reading the subscription's current state from Stripe rather than trusting the event's copy, so
 * events may arrive in any order.
 */
import { eq, notInArray } from 'drizzle-orm';
import type Stripe from 'stripe';
import type { Database, Executor } from '../../../db/connect.ts';
import { billingCustomers, entitlements, stripeEvents, subscriptions, users } from '../../../db/schema.ts';
import { hasCoaching } from './entitlements.server.ts';
import {
  ENDED_STATUSES,
  GRACE_DAYS,
  entitlementFrom,
  isLiveStatus,
  pastDueSince,
  type BillingInterval,
  type SubscriptionState,
} from './billing-rules.ts';
import { duplicateRefundedEmail, paymentFailedEmail } from '../email/messages.server.ts';
import { enqueueEmail } from '../email/outbox.server.ts';
import { Refusal } from '../app/refusal.ts';

export interface BillingContext {
  db: Database;
  /** The Stripe SDK, loaded and built on first use (createStripeClient). */
  stripe: () => Promise<Stripe>;
  siteUrl: string;
  webhookSecret: string;
  prices: Partial<Record<BillingInterval, string>>;
}

/**
 * The Stripe SDK. `apiUrl` points it at another host (the local fake in tests); Stripe's own
 * address is the default.
 */
export function createStripeClient(secretKey: string, apiUrl?: string): () => Promise<Stripe> {
  const config: Stripe.StripeConfig = {
    maxNetworkRetries: 2,
    timeout: 15_000,
    appInfo: { name: 'Own the Follow-Up' },
  };
  if (apiUrl) {
    const url = new URL(apiUrl);
    config.host = url.hostname;
    config.port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    config.protocol = url.protocol === 'https:' ? 'https' : 'http';
  }
  // The SDK is most of a megabyte of JavaScript: it is loaded with the first payment, not at start.
  let client: Promise<Stripe> | undefined;
  return () => (client ??= import('stripe').then(({ default: StripeSdk }) => new StripeSdk(secretKey, config)));
}

/** Stripe's refusal of a request (a missing id, a state that forbids it), by the error's type. */
function isInvalidRequest(error: unknown): error is Stripe.errors.StripeInvalidRequestError {
  return error instanceof Error && (error as { type?: unknown }).type === 'StripeInvalidRequestError';
}

interface Member {
  id: string;
  email: string;
  name: string;
  role: string;
}

export async function customerIdOf(db: Database, userId: string): Promise<string | undefined> {
  const [row] = await db.select().from(billingCustomers).where(eq(billingCustomers.userId, userId));
  return row?.stripeCustomerId;
}

// --- Checkout and the portal ----------------------------------------------------------------

/** Stripe's answer for an id it does not have (deleted, or from another account). */
function isMissing(error: unknown): boolean {
  return isInvalidRequest(error) && error.code === 'resource_missing';
}

/**
 * The member's Stripe customer: the one we stored, or a new one (created once, even on a double
 * click). `stale` is a stored customer Stripe no longer has: a new one replaces it.
 */
export async function ensureCustomer(ctx: BillingContext, user: Member, stale?: string): Promise<string> {
  const stripe = await ctx.stripe();
  const existing = await customerIdOf(ctx.db, user.id);
  if (existing && existing !== stale) return existing;
  const customer = await stripe.customers.create(
    { email: user.email, ...(user.name ? { name: user.name } : {}), metadata: { userId: user.id } },
    { idempotencyKey: stale ? `customer-${user.id}-replacing-${stale}` : `customer-${user.id}` },
  );
  if (stale) {
    await ctx.db
      .update(billingCustomers)
      .set({ stripeCustomerId: customer.id })
      .where(eq(billingCustomers.stripeCustomerId, stale));
  } else {
    await ctx.db
      .insert(billingCustomers)
      .values({ userId: user.id, stripeCustomerId: customer.id })
      .onConflictDoNothing();
  }
  return (await customerIdOf(ctx.db, user.id)) ?? customer.id;
}

/** A Checkout session for Coaching at the chosen interval; returns the page to send the member to. */
export async function startCheckout(
  ctx: BillingContext,
  user: Member,
  interval: BillingInterval,
  now = new Date(),
): Promise<string> {
  const stripe = await ctx.stripe();
  const price = ctx.prices[interval];
  if (!price) throw new Refusal('conflict', 'plan-not-offered', 'That plan is not offered at the moment.');
  if (await hasCoaching(ctx.db, user, now)) {
    throw new Refusal(
      'conflict',
      'already-coaching',
      'You already have Coaching. Manage your membership from your account page.',
    );
  }
  const open = (customer: string) =>
    stripe.checkout.sessions.create({
      mode: 'subscription',
      customer,
      client_reference_id: user.id,
      line_items: [{ price, quantity: 1 }],
      subscription_data: { metadata: { userId: user.id } },
      metadata: { userId: user.id },
      allow_promotion_codes: true,
      success_url: `${ctx.siteUrl}/pricing/success?session_id={CHECKOUT_SESSION_ID}`,
      cancel_url: `${ctx.siteUrl}/pricing/canceled`,
    });
  const customer = await ensureCustomer(ctx, user);
  // The latest choice wins: a Checkout page left open in another tab can no longer be paid.
  await expireOpenCheckouts(ctx, customer);
  let session: Stripe.Checkout.Session;
  try {
    session = await open(customer);
  } catch (error) {
    // The stored customer was deleted in Stripe's dashboard: make a new one and go on.
    if (!isMissing(error)) throw error;
    session = await open(await ensureCustomer(ctx, user, customer));
  }
  if (!session.url) throw new Error(`Checkout session ${session.id} has no URL`);
  return session.url;
}

/**
 * Expires the customer's open Checkout sessions (except `keep`), so no second one can be paid. A
 * session that completed or expired in the meantime is left as it is.
 */
async function expireOpenCheckouts(ctx: BillingContext, customer: string, keep?: string): Promise<void> {
  const stripe = await ctx.stripe();
  for await (const session of stripe.checkout.sessions.list({ customer, status: 'open', limit: 100 })) {
    if (session.id === keep) continue;
    try {
      await stripe.checkout.sessions.expire(session.id);
    } catch (error) {
      if (!isInvalidRequest(error)) throw error;
      const now = await stripe.checkout.sessions.retrieve(session.id);
      if (now.status === 'open') throw error;
    }
  }
}

/** A customer-portal session where the member changes card, plan, or cancels. */
export async function openPortal(ctx: BillingContext, user: Member): Promise<string> {
  const stripe = await ctx.stripe();
  const customer = await customerIdOf(ctx.db, user.id);
  if (!customer)
    throw new Refusal('conflict', 'no-customer', 'There is no billing to manage yet: you have not subscribed.');
  const session = await stripe.billingPortal.sessions.create({
    customer,
    return_url: `${ctx.siteUrl}/account#billing`,
  });
  return session.url;
}

/**
 * The success page's check: when Checkout says the session is complete, applies the subscription
 * at once instead of waiting for the webhook (both paths are idempotent).
 */
export async function confirmCheckout(
  ctx: BillingContext,
  user: Member,
  sessionId: string,
  now = new Date(),
): Promise<'active' | 'pending' | 'not-found'> {
  const stripe = await ctx.stripe();
  if (!/^cs_[\w]{1,200}$/.test(sessionId)) return 'not-found';
  let session: Stripe.Checkout.Session;
  try {
    session = await stripe.checkout.sessions.retrieve(sessionId);
  } catch (error) {
    if (isInvalidRequest(error)) return 'not-found';
    throw error;
  }
  if (session.client_reference_id !== user.id) return 'not-found';
  const subscriptionId = idOf(session.subscription);
  if (session.status !== 'complete' || !subscriptionId) return 'pending';
  const subscription = await stripe.subscriptions.retrieve(subscriptionId);
  await ctx.db.transaction(async (tx) => {
    await linkCustomer(tx, user.id, idOf(session.customer));
    await applySubscription(tx, subscription, user.id, now);
  });
  return (await hasCoaching(ctx.db, user, now)) ? 'active' : 'pending';
}

/**
 * Before an account is deleted: deletes the member's Stripe customer, which ends every
 * subscription of theirs at once (including any we have not heard about yet) and removes their
 * name and address from Stripe. A customer Stripe no longer has counts as done.
 */
export async function deleteCustomerOf(ctx: BillingContext, userId: string): Promise<boolean> {
  const stripe = await ctx.stripe();
  const customer = await customerIdOf(ctx.db, userId);
  if (!customer) return false;
  try {
    await stripe.customers.del(customer);
  } catch (error) {
    if (!isMissing(error)) throw error;
  }
  return true;
}

// --- Webhooks ---------------------------------------------------------------------------------

export interface WebhookResult {
  status: number;
  message: string;
}

/** The events that change what a member may use. Any other event is recorded and left alone. */
const SUBSCRIPTION_EVENTS = new Set([
  'customer.subscription.created',
  'customer.subscription.updated',
  'customer.subscription.deleted',
  'customer.subscription.paused',
  'customer.subscription.resumed',
]);

/** Verifies, de-duplicates and applies one webhook delivery. */
export async function handleWebhook(
  ctx: BillingContext,
  payload: string,
  signature: string | null,
  now = new Date(),
): Promise<WebhookResult> {
  const stripe = await ctx.stripe();
  let event: Stripe.Event;
  try {
    event = await stripe.webhooks.constructEventAsync(payload, signature ?? '', ctx.webhookSecret);
  } catch {
    return { status: 400, message: 'The Stripe-Signature header did not verify for this payload.' };
  }
  if (await eventSeen(ctx.db, event.id)) return { status: 200, message: 'Already handled.' };

  // Reads from Stripe happen before the transaction; a failure here answers 503 and records
  // nothing, so Stripe delivers the event again later.
  const plan = await planEvent(ctx, event);
  const duplicates = await settleDuplicates(ctx, event, plan);
  const message = await noticeFor(ctx, event, plan);
  const duplicateNotices = plan.member
    ? await Promise.all(duplicates.map((each) => duplicateNotice(ctx, plan.member!, each)))
    : [];

  const outcome = await ctx.db.transaction(async (tx) => {
    const recorded = await tx
      .insert(stripeEvents)
      .values({ id: event.id, type: event.type, outcome: plan.outcome })
      .onConflictDoNothing()
      .returning({ id: stripeEvents.id });
    if (recorded.length === 0) return 'Already handled.';
    if (plan.member && plan.subscription) {
      await linkCustomer(tx, plan.member.id, plan.customerId);
      await applySubscription(tx, plan.subscription, plan.member.id, now);
      for (const cancelled of duplicates) await applySubscription(tx, cancelled, plan.member.id, now);
    }
    for (const notice of duplicateNotices) await enqueueEmail(tx, notice, now);
    if (message) await enqueueEmail(tx, message, now);
    return plan.outcome;
  });
  return { status: 200, message: outcome };
}

async function eventSeen(db: Database, id: string): Promise<boolean> {
  const [row] = await db.select({ id: stripeEvents.id }).from(stripeEvents).where(eq(stripeEvents.id, id));
  return !!row;
}

// --- A second subscription (two tabs, both paid) ---------------------------------------------

/** Events that announce a new subscription: the moment a duplicate can first be seen. */
const NEW_SUBSCRIPTION_EVENTS = new Set(['checkout.session.completed', 'customer.subscription.created']);

/** Marks, in Stripe, a subscription we cancelled and refunded as a member's second one. */
const DUPLICATE_COMMENT = 'Own the Follow-Up: a second Coaching subscription, refunded.';

/**
 * A member holds one live Coaching subscription. When a checkout completes, the member's other open
 * Checkout sessions expire; any later live Coaching subscription of theirs (both tabs were paid
 * before either webhook) is refunded and cancelled at once, keeping the earliest. Returns the
 * cancelled subscriptions, which the caller writes and tells the member about. Every call to Stripe
 * carries an idempotency key, so a redelivery or a concurrent delivery refunds nothing twice.
 */
async function settleDuplicates(
  ctx: BillingContext,
  event: Stripe.Event,
  plan: EventPlan,
): Promise<Stripe.Subscription[]> {
  const stripe = await ctx.stripe();
  if (!NEW_SUBSCRIPTION_EVENTS.has(event.type) || !plan.member || !plan.subscription) return [];
  const customer = idOf(plan.subscription.customer);
  if (!customer) return [];
  if (event.type === 'checkout.session.completed') {
    await expireOpenCheckouts(ctx, customer, (event.data.object as Stripe.Checkout.Session).id);
  }
  const live: Stripe.Subscription[] = [];
  // Duplicates cancelled by an earlier delivery that could not be recorded: written and told again
  // (the email's idempotency key sends it once).
  const cancelled: Stripe.Subscription[] = [];
  for await (const subscription of stripe.subscriptions.list({ customer, status: 'all', limit: 100 })) {
    if (subscription.cancellation_details?.comment === DUPLICATE_COMMENT) cancelled.push(subscription);
    else if (isLiveStatus(subscription.status) && (await isCoachingSubscription(ctx, subscription))) {
      live.push(subscription);
    }
  }
  // Stripe lists newest first; the earliest live one is kept.
  const [, ...later] = live.reverse().sort((a, b) => a.created - b.created);
  for (const duplicate of later) {
    await refundLatestPayment(ctx, duplicate);
    cancelled.push(await cancelDuplicate(ctx, duplicate.id));
  }
  if (plan.subscription && cancelled.some((each) => each.id === plan.subscription!.id)) {
    plan.subscription = cancelled.find((each) => each.id === plan.subscription!.id)!;
    plan.outcome = `applied: ${plan.subscription.status} (a duplicate, refunded)`;
  }
  return cancelled;
}

/** Cancels at once; one that another delivery cancelled first is as good (cancelling is not keyed). */
async function cancelDuplicate(ctx: BillingContext, id: string): Promise<Stripe.Subscription> {
  const stripe = await ctx.stripe();
  try {
    return await stripe.subscriptions.cancel(id, {
      prorate: false,
      cancellation_details: { comment: DUPLICATE_COMMENT },
    });
  } catch (error) {
    if (!isInvalidRequest(error)) throw error;
    const subscription = await stripe.subscriptions.retrieve(id);
    if (subscription.status !== 'canceled') throw error;
    return subscription;
  }
}

/** Refunds what was paid for the subscription's latest invoice, through its invoice payments. */
async function refundLatestPayment(ctx: BillingContext, subscription: Stripe.Subscription): Promise<void> {
  const stripe = await ctx.stripe();
  const invoice = idOf(subscription.latest_invoice);
  if (!invoice) return;
  for await (const paid of stripe.invoicePayments.list({ invoice, status: 'paid', limit: 100 })) {
    const target = paid.payment.payment_intent
      ? { payment_intent: idOf(paid.payment.payment_intent)! }
      : paid.payment.charge
        ? { charge: idOf(paid.payment.charge)! }
        : undefined;
    if (!target) continue;
    try {
      await stripe.refunds.create(
        { ...target, reason: 'duplicate', metadata: { subscription: subscription.id } },
        { idempotencyKey: `refund-duplicate-${paid.id}` },
      );
    } catch (error) {
      const done = isInvalidRequest(error) && error.code === 'charge_already_refunded';
      if (!done) throw error;
    }
  }
}

/** The email telling the member that their second subscription was cancelled and refunded, once. */
async function duplicateNotice(ctx: BillingContext, member: Member, cancelled: Stripe.Subscription) {
  const content = await duplicateRefundedEmail({
    siteUrl: ctx.siteUrl,
    accountUrl: `${ctx.siteUrl}/account#billing`,
    interval: cancelled.items.data[0]?.price.recurring?.interval,
  });
  return {
    idempotencyKey: `duplicate-refunded:${cancelled.id}`,
    kind: 'duplicate-refunded',
    to: member.email,
    userId: member.id,
    ...content,
  };
}

interface EventPlan {
  outcome: string;
  member?: Member;
  customerId?: string | undefined;
  subscription?: Stripe.Subscription;
}

async function planEvent(ctx: BillingContext, event: Stripe.Event): Promise<EventPlan> {
  const stripe = await ctx.stripe();
  let subscriptionId: string | undefined;
  let referencedUser: string | undefined;
  let customerId: string | undefined;
  if (event.type === 'checkout.session.completed') {
    const session = event.data.object;
    if (session.mode !== 'subscription') return { outcome: 'ignored: not a subscription checkout' };
    subscriptionId = idOf(session.subscription);
    referencedUser = session.client_reference_id ?? undefined;
    customerId = idOf(session.customer);
  } else if (SUBSCRIPTION_EVENTS.has(event.type)) {
    subscriptionId = (event.data.object as Stripe.Subscription).id;
  } else if (event.type === 'invoice.payment_failed' || event.type === 'invoice.paid') {
    subscriptionId = idOf(event.data.object.parent?.subscription_details?.subscription);
  } else {
    return { outcome: 'ignored: not an event we act on' };
  }
  if (!subscriptionId) return { outcome: 'ignored: no subscription' };

  // The subscription as Stripe holds it now, whatever this event's copy says.
  let subscription: Stripe.Subscription;
  try {
    subscription = await stripe.subscriptions.retrieve(subscriptionId);
  } catch (error) {
    // Deleted test data, or an event meant for another account: asking again will not help.
    if (isMissing(error)) return { outcome: 'ignored: Stripe has no such subscription' };
    throw error;
  }
  if (!(await isCoachingSubscription(ctx, subscription))) {
    return { outcome: 'ignored: not a Coaching subscription' };
  }
  customerId ??= idOf(subscription.customer);
  const member = await findMember(ctx.db, [
    subscription.metadata?.['userId'],
    referencedUser,
    customerId ? await userOfCustomer(ctx.db, customerId) : undefined,
  ]);
  if (!member) return { outcome: 'ignored: no member for this subscription' };
  return { outcome: `applied: ${subscription.status}`, member, customerId, subscription };
}

async function userOfCustomer(db: Database, customerId: string): Promise<string | undefined> {
  const [row] = await db
    .select({ userId: billingCustomers.userId })
    .from(billingCustomers)
    .where(eq(billingCustomers.stripeCustomerId, customerId));
  return row?.userId;
}

async function findMember(db: Database, candidates: (string | undefined)[]): Promise<Member | undefined> {
  for (const id of candidates) {
    if (!id) continue;
    const [row] = await db
      .select({ id: users.id, email: users.email, name: users.name, role: users.role })
      .from(users)
      .where(eq(users.id, id));
    if (row) return row;
  }
  return undefined;
}

const coachingProducts = new WeakMap<BillingContext, Promise<Set<string>>>();

/**
 * Whether a subscription is for Coaching: one of its items has a configured price, or another
 * price of the same product (a price the coach has since replaced keeps its subscribers). Other
 * products sold on the same Stripe account open nothing here.
 */
async function isCoachingSubscription(ctx: BillingContext, subscription: Stripe.Subscription): Promise<boolean> {
  const stripe = await ctx.stripe();
  const configured = new Set(Object.values(ctx.prices));
  if (subscription.items.data.some((item) => configured.has(item.price.id))) return true;
  let products = coachingProducts.get(ctx);
  if (!products) {
    products = Promise.all([...configured].map((id) => stripe.prices.retrieve(id))).then(
      (prices) => new Set(prices.map((price) => idOf(price.product)!)),
    );
    products.catch(() => coachingProducts.delete(ctx));
    coachingProducts.set(ctx, products);
  }
  const known = await products;
  return subscription.items.data.some((item) => known.has(idOf(item.price.product) ?? ''));
}

/**
 * The email a payment failure sends, once per invoice, and only while the subscription is still
 * unpaid: an old failure delivered after the card was fixed sends nothing.
 */
async function noticeFor(ctx: BillingContext, event: Stripe.Event, plan: EventPlan) {
  const { member, subscription } = plan;
  if (event.type !== 'invoice.payment_failed' || !member || !subscription) return undefined;
  if (!['past_due', 'unpaid'].includes(subscription.status)) return undefined;
  const invoice = event.data.object;
  const content = await paymentFailedEmail({
    siteUrl: ctx.siteUrl,
    accountUrl: `${ctx.siteUrl}/account#billing`,
    graceDays: GRACE_DAYS,
    invoiceUrl: invoice.hosted_invoice_url ?? undefined,
  });
  return {
    idempotencyKey: `payment-failed:${invoice.id}`,
    kind: 'payment-failed',
    to: member.email,
    userId: member.id,
    ...content,
  };
}

async function linkCustomer(tx: Executor, userId: string, customerId: string | undefined): Promise<void> {
  if (!customerId) return;
  await tx.insert(billingCustomers).values({ userId, stripeCustomerId: customerId }).onConflictDoNothing();
}

function periodEndOf(periodEnds: number[], cancelAt: number | null): Date | null {
  const ends = cancelAt === null ? periodEnds : [...periodEnds, cancelAt];
  if (ends.length === 0) return null;
  return new Date((cancelAt === null ? Math.max(...ends) : Math.min(...ends)) * 1000);
}

function idOf(value: string | { id: string } | null | undefined): string | undefined {
  if (!value) return undefined;
  return typeof value === 'string' ? value : value.id;
}

/**
 * Writes Stripe's state of one subscription, then the member's entitlement from all of theirs. A
 * subscription that has ended stays ended: a read of its earlier state written late (two events
 * handled at once) cannot bring it back.
 */
export async function applySubscription(
  tx: Executor,
  subscription: Stripe.Subscription,
  userId: string,
  now: Date,
): Promise<void> {
  const [previous] = await tx
    .select({ pastDueSince: subscriptions.pastDueSince })
    .from(subscriptions)
    .where(eq(subscriptions.id, subscription.id));
  const item = subscription.items.data[0];
  const periodEnds = subscription.items.data.map((each) => each.current_period_end);
  const state = {
    userId,
    stripeCustomerId: idOf(subscription.customer) ?? '',
    status: subscription.status,
    priceId: item?.price.id ?? null,
    interval: item?.price.recurring?.interval ?? null,
    // A cancellation set for a date (cancel_at) ends the paid period there.
    currentPeriodEnd: periodEndOf(periodEnds, subscription.cancel_at ?? null),
    cancelAtPeriodEnd: subscription.cancel_at_period_end || (subscription.cancel_at ?? null) !== null,
    pastDueSince: pastDueSince(subscription.status, previous?.pastDueSince ?? null, now),
    updatedAt: now,
  };
  await tx
    .insert(subscriptions)
    .values({ id: subscription.id, ...state })
    .onConflictDoUpdate({
      target: subscriptions.id,
      set: state,
      setWhere: notInArray(subscriptions.status, [...ENDED_STATUSES]),
    });

  const all: SubscriptionState[] = await tx
    .select({
      id: subscriptions.id,
      status: subscriptions.status,
      interval: subscriptions.interval,
      currentPeriodEnd: subscriptions.currentPeriodEnd,
      cancelAtPeriodEnd: subscriptions.cancelAtPeriodEnd,
      pastDueSince: subscriptions.pastDueSince,
    })
    .from(subscriptions)
    .where(eq(subscriptions.userId, userId));
  const entitlement = entitlementFrom(all);
  const values = { ...entitlement, updatedAt: now };
  await tx
    .insert(entitlements)
    .values({ userId, ...values })
    .onConflictDoUpdate({ target: entitlements.userId, set: values });
}
