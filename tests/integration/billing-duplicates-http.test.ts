/**
 * Two tabs buying Coaching (issue "Two tabs can buy Coaching twice"), through HTTP on the built
 * server with the real Stripe SDK talking to the local fake: a completed checkout expires the
 * member's other open sessions, a new checkout expires the earlier ones, and a second subscription
 * paid before either webhook is cancelled and refunded once, with one email, whatever the
 * deliveries' order, repetition or concurrency.
 */
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeStripe, type FakeEvent, type FakeStripe } from '../fakes/stripe.ts';
import { Browser, signedUpMember } from '../setup/http-browser.ts';
import { startMemberServer, stripeEnv, type RunningServer } from '../setup/built-server.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';
import { withoutStylesAndScripts as visible } from '../setup/member-site.ts';

const WEBHOOK_SECRET = 'whsec_local_test_secret_for_duplicates';

let server: RunningServer;
let fake: FakeStripe;
let stripe: Stripe;
const database = freshDatabaseFile();
const sql = testClient(database.url);
const base = () => server.url;
const count = async (query: string, args: (string | number)[] = []) =>
  Number((await sql.execute({ sql: query, args })).rows[0]![0]);

beforeAll(async () => {
  fake = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
  server = await startMemberServer(database.url, stripeEnv(fake, WEBHOOK_SECRET));
  fake.webhookUrl = `${server.url}/api/stripe/webhook`;
  stripe = new Stripe(fake.secretKey, { host: '127.0.0.1', port: Number(new URL(fake.url).port), protocol: 'http' });
});
afterAll(async () => {
  await server.stop();
  await fake.close();
  sql.close();
});

async function userId(email: string): Promise<string> {
  const row = (await sql.execute({ sql: 'SELECT id FROM users WHERE email = ?', args: [email] })).rows[0];
  return String(row!['id']);
}

/** Posts the pricing page's upgrade form; returns the Checkout session the server opened. */
async function startCheckout(browser: Browser, interval: 'month' | 'year') {
  const response = await browser.post('/pricing?_action=billing.checkout', { interval });
  expect(response.status).toBe(303);
  const sessionId = response.headers.get('location')!.split('/').at(-1)!;
  return fake.checkoutSessions.get(sessionId)!;
}

/**
 * A second tab's session, opened at the same moment as the first (so neither start saw the other):
 * the same request the app makes, sent straight to Stripe.
 */
async function concurrentSession(first: { customer: string; client_reference_id: string | null }) {
  const user = first.client_reference_id!;
  const session = await stripe.checkout.sessions.create({
    mode: 'subscription',
    customer: first.customer,
    client_reference_id: user,
    line_items: [{ price: fake.prices.yearly, quantity: 1 }],
    subscription_data: { metadata: { userId: user } },
    metadata: { userId: user },
    success_url: `${server.url}/pricing/success?session_id={CHECKOUT_SESSION_ID}`,
    cancel_url: `${server.url}/pricing/canceled`,
  });
  return fake.checkoutSessions.get(session.id)!;
}

/** Pays a session on the fake's hosted page, as the member's browser would. */
const pay = (sessionId: string) =>
  fetch(`${fake.url}/checkout/${sessionId}/pay`, { method: 'POST', redirect: 'manual' });

async function settled(check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
const deliveriesDone = () => settled(() => fake.deliveries.every((d) => d.status !== 0 || d.body !== ''));

describe('two tabs, one subscription', () => {
  it('a completed checkout expires the other open session: the second tab cannot pay', async () => {
    const member = await signedUpMember(base, sql, 'two-tabs-a@example.com');
    const monthly = await startCheckout(member, 'month');
    const yearly = await concurrentSession(monthly);
    expect(yearly.status).toBe('open');

    expect((await pay(monthly.id)).status).toBe(303);
    expect(fake.checkoutSessions.get(yearly.id)?.status).toBe('expired');
    const second = await pay(yearly.id);
    expect(second.status).toBe(400);
    const live = [...fake.subscriptions.values()].filter((s) => s.customer === monthly.customer);
    expect(live.map((s) => s.status)).toEqual(['active']);
  });

  it('starting a second checkout expires the first: the latest choice wins', async () => {
    const member = await signedUpMember(base, sql, 'two-tabs-b@example.com');
    const monthly = await startCheckout(member, 'month');
    const yearly = await startCheckout(member, 'year');
    expect(fake.checkoutSessions.get(monthly.id)?.status).toBe('expired');
    expect(fake.checkoutSessions.get(yearly.id)?.status).toBe('open');
    expect((await pay(monthly.id)).status).toBe(400);
    expect((await pay(yearly.id)).status).toBe(303);
    await deliveriesDone();
    const row = (
      await sql.execute({
        sql: 'SELECT status, interval FROM entitlements WHERE user_id = ?',
        args: [await userId('two-tabs-b@example.com')],
      })
    ).rows[0];
    expect(row).toMatchObject({ status: 'active', interval: 'year' });
  });

  it('both paid before either webhook: the later one is cancelled and refunded once, with one email', async () => {
    const email = 'two-tabs-c@example.com';
    const member = await signedUpMember(base, sql, email);
    const monthly = await startCheckout(member, 'month');
    const yearly = await concurrentSession(monthly);
    const events = fake.events.length;
    const kept = await fake.completeCheckout(monthly.id, { deliver: false });
    const duplicate = await fake.completeCheckout(yearly.id, { deliver: false });
    const webhooks: FakeEvent[] = fake.events.slice(events);
    expect(webhooks.map((e) => e.type)).toEqual([
      'customer.subscription.created',
      'checkout.session.completed',
      'customer.subscription.created',
      'checkout.session.completed',
    ]);

    // Delivered at once, and each twice: Stripe retries and overlaps.
    const answers = await Promise.all([...webhooks, ...webhooks].map((event) => fake.deliver(event)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    await settled(() => fake.deliveries.some((d) => d.type === 'customer.subscription.deleted' && d.status === 200));

    const check = async () => {
      expect(fake.subscriptions.get(kept.id)?.status).toBe('active');
      expect(fake.subscriptions.get(duplicate.id)?.status).toBe('canceled');
      const refunds = [...fake.refunds.values()];
      expect(refunds).toHaveLength(1);
      const paid = [...fake.invoicePayments.values()].find((p) => p.invoice === duplicate.latest_invoice)!;
      expect(refunds[0]).toMatchObject({ amount: 19000, payment_intent: paid.payment.payment_intent });
      expect(
        await count("SELECT count(*) FROM outbox WHERE to_address = ? AND kind = 'duplicate-refunded'", [email]),
      ).toBe(1);
      const rows = (
        await sql.execute({
          sql: 'SELECT id, status FROM subscriptions WHERE user_id = ? ORDER BY id',
          args: [await userId(email)],
        })
      ).rows.map((r) => [r['id'], r['status']]);
      expect(Object.fromEntries(rows)).toEqual({ [kept.id]: 'active', [duplicate.id]: 'canceled' });
      const entitlement = (
        await sql.execute({
          sql: 'SELECT status, subscription_id, interval FROM entitlements WHERE user_id = ?',
          args: [await userId(email)],
        })
      ).rows[0];
      expect(entitlement).toMatchObject({ status: 'active', subscription_id: kept.id, interval: 'month' });
    };
    await check();
    const message = (
      await sql.execute({
        sql: "SELECT subject, text FROM outbox WHERE kind = 'duplicate-refunded' AND to_address = ?",
        args: [email],
      })
    ).rows[0]!;
    expect(message['subject']).toBe('We refunded your second Coaching subscription');
    expect(String(message['text'])).toContain('refunded its payment in full');

    // Replaying every event (the deletion too) changes nothing.
    const all = fake.events.filter(
      (e) =>
        webhooks.includes(e) ||
        (e.type === 'customer.subscription.deleted' && (e.data.object as { id?: string }).id === duplicate.id),
    );
    for (const event of all) expect((await fake.deliver(event)).status).toBe(200);
    await check();

    const account = visible(await (await member.get('/account')).text());
    expect(account).toContain('Your subscription');
    expect(account).not.toContain('Your 2 subscriptions');
  });

  it('while Stripe cannot be reached the duplicate’s webhook answers 503, and the redelivery settles it', async () => {
    const email = 'two-tabs-d@example.com';
    const member = await signedUpMember(base, sql, email);
    const monthly = await startCheckout(member, 'month');
    const yearly = await concurrentSession(monthly);
    const before = fake.events.length;
    await fake.completeCheckout(monthly.id, { deliver: false });
    const duplicate = await fake.completeCheckout(yearly.id, { deliver: false });
    const created = fake.events.slice(before).filter((e) => e.type === 'customer.subscription.created')[1]!;
    const refunds = fake.refunds.size;

    fake.failNext(3); // the SDK's first try and its two retries
    expect((await fake.deliver(created)).status).toBe(503);
    expect(await count('SELECT count(*) FROM stripe_events WHERE id = ?', [created.id])).toBe(0);
    expect(fake.refunds.size).toBe(refunds);

    expect((await fake.deliver(created)).status).toBe(200);
    expect(fake.subscriptions.get(duplicate.id)?.status).toBe('canceled');
    expect(fake.refunds.size).toBe(refunds + 1);
    expect(
      await count("SELECT count(*) FROM outbox WHERE to_address = ? AND kind = 'duplicate-refunded'", [email]),
    ).toBe(1);
  });

  it('the account page lists every live subscription', async () => {
    const email = 'two-live@example.com';
    const member = await signedUpMember(base, sql, email);
    const user = await userId(email);
    const day = 86_400_000;
    // Two live subscriptions as our table can hold them before Stripe's events settle the second.
    for (const [id, interval, end] of [
      ['sub_list_month', 'month', Date.UTC(2099, 4, 3)],
      ['sub_list_year', 'year', Date.UTC(2099, 11, 24)],
    ] as const) {
      await sql.execute({
        sql: `INSERT INTO subscriptions (id, user_id, stripe_customer_id, status, price_id, interval, current_period_end,
                cancel_at_period_end, created_at, updated_at) VALUES (?, ?, 'cus_list', 'active', NULL, ?, ?, 0, ?, ?)`,
        args: [id, user, interval, end, end - 400 * day, end - 400 * day],
      });
    }
    const account = visible(await (await member.get('/account')).text());
    expect(account).toContain('Your 2 subscriptions');
    expect(account).toContain('Coaching, billed monthly: Renews on 3 May 2099');
    expect(account).toContain('Coaching, billed yearly: Renews on 24 December 2099');
  });
});
