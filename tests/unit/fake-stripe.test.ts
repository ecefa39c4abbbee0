import { createServer, type Server } from 'node:http';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe.ts';

const webhookSecret = 'whsec_fake_stripe_unit_test';
const DAY = 86_400;

/** A webhook endpoint that checks every signature the way the app does and records what arrived. */
async function startReceiver(stripe: Stripe) {
  const received: Stripe.Event[] = [];
  const bodies: string[] = [];
  const rejected: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      stripe.webhooks
        .constructEventAsync(body, req.headers['stripe-signature'] ?? '', webhookSecret)
        .then((event) => {
          received.push(event);
          bodies.push(body);
          res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
        })
        .catch((error: unknown) => {
          rejected.push(String(error));
          res.writeHead(400).end('bad signature');
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/api/stripe/webhook`,
    received,
    bodies,
    rejected,
    types: () => received.map((event) => event.type),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('fake Stripe, driven by the real SDK', () => {
  let fake: FakeStripe;
  let stripe: Stripe;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  const clientFor = (key: string) =>
    new Stripe(key, { host: '127.0.0.1', port: Number(new URL(fake.url).port), protocol: 'http' });

  beforeAll(async () => {
    fake = await startFakeStripe({ webhookSecret });
    stripe = clientFor(fake.secretKey);
    receiver = await startReceiver(stripe);
    fake.webhookUrl = receiver.url;
  });
  afterAll(async () => {
    await fake.close();
    await receiver.close();
  });

  let customerId: string;
  let sessionId: string;
  let subscriptionId: string;

  it('creates and retrieves a customer', async () => {
    const customer = await stripe.customers.create({
      email: 'ada@example.com',
      name: 'Ada',
      metadata: { userId: 'u1' },
    });
    expect(customer.id).toMatch(/^cus_[0-9a-f]+$/);
    customerId = customer.id;
    const again = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    expect(again).toMatchObject({ object: 'customer', email: 'ada@example.com', metadata: { userId: 'u1' } });
  });

  it('serves the seeded prices', async () => {
    const price = await stripe.prices.retrieve(fake.prices.monthly);
    expect(price).toMatchObject({ unit_amount: 1900, currency: 'usd', recurring: { interval: 'month' }, active: true });
    expect(typeof price.product).toBe('string');
    expect((await stripe.prices.retrieve(fake.prices.yearly)).unit_amount).toBe(19000);
  });

  it('creates a checkout session, honouring the idempotency key', async () => {
    const params: Stripe.Checkout.SessionCreateParams = {
      mode: 'subscription',
      customer: customerId,
      client_reference_id: 'u1',
      line_items: [{ price: fake.prices.monthly, quantity: 1 }],
      success_url: 'http://localhost/account/billing?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://localhost/pricing',
      metadata: { userId: 'u1' },
      subscription_data: { metadata: { userId: 'u1' } },
    };
    const session = await stripe.checkout.sessions.create(params, { idempotencyKey: 'checkout-u1-1' });
    expect(session).toMatchObject({
      status: 'open',
      payment_status: 'unpaid',
      mode: 'subscription',
      subscription: null,
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session.url).toBe(`${fake.url}/checkout/${session.id}`);
    const replay = await stripe.checkout.sessions.create(params, { idempotencyKey: 'checkout-u1-1' });
    expect(replay.id).toBe(session.id);
    expect(fake.checkoutSessions.size).toBe(1);
    expect(fake.requests.at(-1)?.body).toMatchObject({ line_items: [{ price: fake.prices.monthly, quantity: '1' }] });
    sessionId = session.id;

    const retrieved = await stripe.checkout.sessions.retrieve(session.id, { expand: ['subscription'] });
    expect(retrieved.client_reference_id).toBe('u1');
  });

  it('shows a hosted checkout page with the amount', async () => {
    const response = await fetch(`${fake.url}/checkout/${sessionId}`);
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('$19.00 per month');
    expect(html).toContain('Pay and subscribe');
    expect(html).toContain('lang="en"');
    expect((await fetch(`${fake.url}/checkout/cs_test_nope`)).status).toBe(404);
  });

  it('completes checkout and delivers signed webhooks in order', async () => {
    const sub = await fake.completeCheckout(sessionId);
    subscriptionId = sub.id;
    expect(receiver.rejected).toEqual([]);
    expect(receiver.types()).toEqual(['customer.subscription.created', 'checkout.session.completed']);

    const retrieved = await stripe.subscriptions.retrieve(sub.id);
    expect(retrieved).toMatchObject({ status: 'active', customer: customerId, metadata: { userId: 'u1' } });
    const end = retrieved.items.data[0]?.current_period_end ?? 0;
    expect(Math.abs(end - (Date.now() / 1000 + 30 * DAY))).toBeLessThan(60);
    const session = await stripe.checkout.sessions.retrieve(sessionId);
    expect(session).toMatchObject({ status: 'complete', payment_status: 'paid', subscription: sub.id });

    const list = await stripe.subscriptions.list({ customer: customerId, status: 'all' });
    expect(list.data.map((s) => s.id)).toEqual([sub.id]);
  });

  it('replays an event byte for byte', async () => {
    const event = fake.events[0];
    if (!event) throw new Error('no event');
    await fake.deliver(event);
    expect(receiver.received.at(-1)?.id).toBe(event.id);
    expect(receiver.bodies.at(-1)).toBe(receiver.bodies[0]);
    expect(fake.deliveries.every((d) => d.status === 200)).toBe(true);
  });

  it('creates billing portal sessions', async () => {
    const portal = await stripe.billingPortal.sessions.create({
      customer: customerId,
      return_url: 'http://localhost/account',
    });
    expect(portal.id).toMatch(/^bps_/);
    expect(portal.url).toBe(`${fake.url}/portal/${portal.id}`);
    const html = await (await fetch(portal.url)).text();
    expect(html).toContain('Cancel my subscription');
    expect(html).toContain('active');
    await expect(
      stripe.billingPortal.sessions.create({ customer: 'cus_nope', return_url: 'http://x' }),
    ).rejects.toThrow(/No such customer/);
  });

  it('fails a payment with an invoice pointing at the subscription', async () => {
    const event = await fake.failPayment(subscriptionId);
    expect(receiver.types().at(-1)).toBe('invoice.payment_failed');
    const invoice = receiver.received.at(-1)?.data.object as Stripe.Invoice;
    expect(invoice.parent?.subscription_details?.subscription).toBe(subscriptionId);
    expect(invoice.amount_due).toBe(1900);
    expect(event.type).toBe('invoice.payment_failed');
    expect((await stripe.subscriptions.retrieve(subscriptionId)).status).toBe('past_due');
  });

  it('cancels through the API and delivers customer.subscription.deleted', async () => {
    const canceled = await stripe.subscriptions.cancel(subscriptionId);
    expect(canceled.status).toBe('canceled');
    expect(canceled.canceled_at).not.toBeNull();
    await waitFor(() => receiver.types().includes('customer.subscription.deleted'));
    expect(receiver.rejected).toEqual([]);
  });

  it('pays and cancels through the hosted pages', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customerId,
      line_items: [{ price: fake.prices.yearly, quantity: 1 }],
      success_url: 'http://localhost/welcome?session_id={CHECKOUT_SESSION_ID}',
      cancel_url: 'http://localhost/pricing',
    });
    const response = await fetch(`${fake.url}/checkout/${session.id}/pay`, { method: 'POST', redirect: 'manual' });
    expect(response.status).toBe(303);
    expect(response.headers.get('location')).toBe(`http://localhost/welcome?session_id=${session.id}`);
    expect(receiver.types().slice(-2)).toEqual(['customer.subscription.created', 'checkout.session.completed']);
    const again = await fetch(`${fake.url}/checkout/${session.id}/pay`, { method: 'POST', redirect: 'manual' });
    expect(again.status).toBe(400);

    const portal = await stripe.billingPortal.sessions.create({
      customer: customerId,
      return_url: 'http://localhost/account',
    });
    const cancel = await fetch(`${portal.url}/cancel`, { method: 'POST', redirect: 'manual' });
    expect(cancel.status).toBe(303);
    expect(cancel.headers.get('location')).toBe('http://localhost/account');
    expect(receiver.types().at(-1)).toBe('customer.subscription.deleted');
    expect(await (await fetch(portal.url)).text()).toContain('canceled');
  });

  it('refuses a wrong API key and unknown objects like Stripe', async () => {
    await expect(clientFor('sk_test_wrong').customers.create({ email: 'x@example.com' })).rejects.toBeInstanceOf(
      Stripe.errors.StripeAuthenticationError,
    );
    const unknownPrice = stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customerId,
      line_items: [{ price: 'price_nope', quantity: 1 }],
      success_url: 'http://localhost/ok',
      cancel_url: 'http://localhost/no',
    });
    await expect(unknownPrice).rejects.toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    await expect(unknownPrice).rejects.toThrow(/No such price/);
    await expect(stripe.subscriptions.retrieve('sub_nope')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
    });
    await expect(
      stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: customerId,
        success_url: 'http://x',
        cancel_url: 'http://y',
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'line_items[0][price]' });
  });

  it('lists a customer’s sessions by status and expires an open one, as Stripe does', async () => {
    const open = (price: string) =>
      stripe.checkout.sessions.create({
        mode: 'subscription',
        customer: customerId,
        line_items: [{ price, quantity: 1 }],
        success_url: 'http://localhost/ok?session_id={CHECKOUT_SESSION_ID}',
        cancel_url: 'http://localhost/no',
      });
    const monthly = await open(fake.prices.monthly);
    const yearly = await open(fake.prices.yearly);
    const listed = await stripe.checkout.sessions.list({ customer: customerId, status: 'open' });
    expect(listed.data.map((s) => s.id)).toEqual([yearly.id, monthly.id]);
    expect((await stripe.checkout.sessions.list({ customer: 'cus_other', status: 'open' })).data).toEqual([]);

    const expired = await stripe.checkout.sessions.expire(monthly.id);
    expect(expired).toMatchObject({ id: monthly.id, status: 'expired', url: null });
    await waitFor(() => receiver.types().includes('checkout.session.expired'));
    expect(
      (await stripe.checkout.sessions.list({ customer: customerId, status: 'open' })).data.map((s) => s.id),
    ).toEqual([yearly.id]);
    await expect(stripe.checkout.sessions.expire(monthly.id)).rejects.toMatchObject({ statusCode: 400 });
    const pay = await fetch(`${fake.url}/checkout/${monthly.id}/pay`, { method: 'POST', redirect: 'manual' });
    expect(pay.status).toBe(400);
    expect(await pay.text()).toContain('This checkout session is expired.');
    await stripe.checkout.sessions.expire(yearly.id);
  });

  it('pays a subscription’s first invoice through an invoice payment, refunds it once, and cancels with details', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer: customerId,
      line_items: [{ price: fake.prices.yearly, quantity: 1 }],
      success_url: 'http://localhost/ok',
      cancel_url: 'http://localhost/no',
    });
    const sub = await stripe.subscriptions.retrieve((await fake.completeCheckout(session.id, { deliver: false })).id);
    const invoiceId = sub.latest_invoice as string;
    expect(await stripe.invoices.retrieve(invoiceId)).toMatchObject({ status: 'paid', amount_paid: 19000 });
    const payments = await stripe.invoicePayments.list({ invoice: invoiceId, status: 'paid' });
    expect(payments.data).toHaveLength(1);
    const [payment] = payments.data;
    expect(payment).toMatchObject({
      object: 'invoice_payment',
      amount_paid: 19000,
      payment: { type: 'payment_intent' },
    });
    const intent = payment!.payment.payment_intent as string;
    expect(intent).toMatch(/^pi_/);

    const refund = await stripe.refunds.create(
      { payment_intent: intent, reason: 'duplicate', metadata: { subscription: sub.id } },
      { idempotencyKey: 'refund-once' },
    );
    expect(refund).toMatchObject({ amount: 19000, status: 'succeeded', reason: 'duplicate', payment_intent: intent });
    const replay = await stripe.refunds.create({ payment_intent: intent }, { idempotencyKey: 'refund-once' });
    expect(replay.id).toBe(refund.id);
    await expect(stripe.refunds.create({ payment_intent: intent })).rejects.toMatchObject({
      statusCode: 400,
      code: 'charge_already_refunded',
    });
    await expect(stripe.refunds.create({ payment_intent: 'pi_nope' })).rejects.toMatchObject({
      code: 'resource_missing',
    });
    expect(fake.refunds.size).toBe(1);

    const canceled = await stripe.subscriptions.cancel(sub.id, {
      prorate: false,
      cancellation_details: { comment: 'a duplicate' },
    });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_details: { comment: 'a duplicate' } });
    await expect(stripe.subscriptions.cancel(sub.id)).rejects.toMatchObject({ statusCode: 400 });
  });
});
