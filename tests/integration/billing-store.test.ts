/**
 * Writing Stripe's state of a subscription into our tables, straight against a database: the
 * rules that make webhooks safe to handle in any order and at the same time.
 */
import { eq } from 'drizzle-orm';
import type Stripe from 'stripe';
import { beforeEach, describe, expect, it } from 'vitest';
import { entitlements, subscriptions, users } from '../../db/schema.ts';
import { applySubscription } from '../../src/lib/coaching/billing.server.ts';
import { openTestDatabase, type TestDatabase } from '../setup/test-database.ts';

let test: TestDatabase;
const now = new Date('2026-11-26T12:00:00Z');
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

beforeEach(async () => {
  test = openTestDatabase();
  await test.db.insert(users).values({ id: 'u1', email: 'u1@example.com', passwordHash: 'x' });
});

/** The parts of a Stripe subscription the app reads. */
function subscription(status: string, overrides: Record<string, unknown> = {}): Stripe.Subscription {
  return {
    id: 'sub_1',
    object: 'subscription',
    customer: 'cus_1',
    status,
    cancel_at_period_end: false,
    cancel_at: null,
    items: {
      object: 'list',
      data: [
        {
          id: 'si_1',
          price: { id: 'price_month', product: 'prod_coaching', recurring: { interval: 'month' } },
          current_period_end: seconds(now) + 30 * 86_400,
        },
      ],
    },
    ...overrides,
  } as unknown as Stripe.Subscription;
}

const apply = (value: Stripe.Subscription, at = now) =>
  test.db.transaction((tx) => applySubscription(tx, value, 'u1', at));
const stored = async () => (await test.db.select().from(subscriptions).where(eq(subscriptions.id, 'sub_1')))[0]!;
const entitlement = async () => (await test.db.select().from(entitlements).where(eq(entitlements.userId, 'u1')))[0]!;

describe('applySubscription', () => {
  it('an ended subscription stays ended when an earlier state is written after it', async () => {
    await apply(subscription('active'));
    await apply(subscription('canceled'));
    // Two events handled at once: the one that read "active" before the cancellation writes last.
    await apply(subscription('active'));
    expect((await stored()).status).toBe('canceled');
    expect((await entitlement()).status).toBe('ended');
  });

  it('keeps the grace period counting from the first failure, and clears it once paid', async () => {
    await apply(subscription('past_due'), now);
    await apply(subscription('past_due'), new Date(now.getTime() + 2 * 86_400_000));
    expect((await stored()).pastDueSince).toEqual(now);
    expect((await entitlement()).accessUntil).toEqual(new Date(now.getTime() + 7 * 86_400_000));
    await apply(subscription('active'));
    expect((await stored()).pastDueSince).toBeNull();
    expect((await entitlement()).status).toBe('active');
  });

  it('a cancellation on a date ends the period there', async () => {
    const on = new Date(now.getTime() + 5 * 86_400_000);
    await apply(subscription('active', { cancel_at: seconds(on) }));
    expect((await stored()).currentPeriodEnd).toEqual(on);
    expect((await entitlement()).cancelAtPeriodEnd).toBe(true);
    expect((await entitlement()).renewsAt).toBeNull();
  });

  it('two subscriptions of one member: cancelling one keeps the other’s access', async () => {
    await apply(subscription('active'));
    await apply(subscription('active', { id: 'sub_2' }));
    await apply(subscription('canceled'));
    expect((await entitlement()).status).toBe('active');
    expect((await entitlement()).subscriptionId).toBe('sub_2');
  });
});
