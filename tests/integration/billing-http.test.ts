/**
 * Paid Coaching through HTTP on the built server, with the real Stripe SDK talking to a local fake
 * of Stripe: checkout and the portal, signed webhooks (valid, forged, replayed, out of order), a
 * failed payment's grace period, cancellation removing access at once, premium articles that never
 * reach a reader without Coaching, coach review of drafts, and the coach's Coaching-only extras.
 */
import { readFileSync } from 'node:fs';
import Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitPremium } from '../../src/lib/articles/rules.ts';
import { markdownToText } from '../../src/lib/articles/search-query.ts';
import { startFakeStripe, type FakeStripe } from '../fakes/stripe.ts';
import { Browser, signedUpMember } from '../setup/http-browser.ts';
import { startMemberServer, stripeEnv, type RunningServer } from '../setup/built-server.ts';
import { freshDatabaseFile, testClient } from '../setup/test-database.ts';
import { withoutStylesAndScripts as visible } from '../setup/member-site.ts';

const WEBHOOK_SECRET = 'whsec_local_test_secret_for_the_fake';
const PREMIUM_SLUG = 'final-round-follow-up-playbook';

let server: RunningServer;
let fake: FakeStripe;
const database = freshDatabaseFile();
const sql = testClient(database.url);
const base = () => server.url;
const count = async (query: string, args: (string | number)[] = []) =>
  Number((await sql.execute({ sql: query, args })).rows[0]![0]);

beforeAll(async () => {
  fake = await startFakeStripe({ webhookSecret: WEBHOOK_SECRET });
  server = await startMemberServer(database.url, stripeEnv(fake, WEBHOOK_SECRET));
  fake.webhookUrl = `${server.url}/api/stripe/webhook`;
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

async function entitlement(email: string) {
  const row = (
    await sql.execute({
      sql: 'SELECT status, access_until, renews_at FROM entitlements WHERE user_id = ?',
      args: [await userId(email)],
    })
  ).rows[0];
  return row
    ? { status: String(row['status']), accessUntil: row['access_until'], renewsAt: row['renews_at'] }
    : undefined;
}

/** Posts the pricing page's upgrade form; returns the Checkout session the server opened. */
async function startCheckout(browser: Browser, interval: 'month' | 'year' = 'month') {
  const response = await browser.post('/pricing?_action=billing.checkout', { interval });
  expect(response.status).toBe(303);
  const location = response.headers.get('location')!;
  expect(location.startsWith(`${fake.url}/checkout/`)).toBe(true);
  const sessionId = location.split('/').at(-1)!;
  return fake.checkoutSessions.get(sessionId)!;
}

/** A member who went through Checkout and paid: Coaching is theirs. Returns their subscription id. */
async function payingMember(email: string): Promise<{ browser: Browser; subscriptionId: string }> {
  const browser = await signedUpMember(base, sql, email);
  const session = await startCheckout(browser);
  const subscription = await fake.completeCheckout(session.id);
  expect((await entitlement(email))?.status).toBe('active');
  return { browser, subscriptionId: subscription.id };
}

/** The premium article's paid part as a reader would see it: sentences of plain text. */
function paidSentences(): string[] {
  const markdown = readFileSync(`src/content/articles/${PREMIUM_SLUG}.md`, 'utf8');
  const { rest } = splitPremium(markdown);
  return markdownToText(rest)
    .split(/(?<=[.!?])\s+/)
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.length > 50 && !/[{}]/.test(sentence));
}

function previewSentence(): string {
  const markdown = readFileSync(`src/content/articles/${PREMIUM_SLUG}.md`, 'utf8');
  const body = markdown.split(/^---$/m).slice(2).join('---');
  const { preview } = splitPremium(body);
  return markdownToText(preview)
    .split(/(?<=[.!?])\s+/)[0]!
    .trim();
}

/** The article's premium island, fetched as the page's own script would. */
async function premiumIsland(browser: Browser): Promise<string> {
  const page = await browser.get(`/articles/${PREMIUM_SLUG}`);
  expect(page.status).toBe(200);
  const url = /fetch\("(\/_server-islands\/PremiumRest\?[^"]+)"/.exec(await page.text())?.[1];
  expect(url, 'the premium article loads its paid part through an island').toBeTruthy();
  const response = await browser.get(url!);
  expect(response.status).toBe(200);
  expect(response.headers.get('cache-control')).toContain('no-store');
  return response.text();
}

/**
 * Words only, lower-cased: tags, entities, punctuation and typographic quotes all become one space,
 * so a sentence from the Markdown is found in the HTML rendered from it however it was typeset.
 */
const words = (text: string) =>
  ` ${text
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[#\w]+;/g, ' ')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim()
    .toLowerCase()} `;
const containsAny = (html: string, sentences: string[]) => {
  const page = words(html);
  return sentences.filter((sentence) => page.includes(words(sentence)));
};

describe('the pricing page', () => {
  it('shows both plans with Stripe’s prices and invites visitors to sign up', async () => {
    const response = await new Browser(base).get('/pricing');
    // Browsers apply form-action to the redirect after a form: Checkout's host must be allowed.
    expect(response.headers.get('content-security-policy')).toContain(
      `form-action 'self' https://checkout.stripe.com https://billing.stripe.com ${fake.url}`,
    );
    const html = visible(await response.text());
    expect(html).toContain('$19 a month');
    expect(html).toContain('$190 a year');
    expect(html).toContain('Sign up to upgrade');
    expect(html).not.toContain('switched off');
  });

  it('refuses checkout to visitors', async () => {
    const response = await new Browser(base).post('/pricing?_action=billing.checkout', { interval: 'month' });
    expect(response.status).toBe(401);
    expect(fake.checkoutSessions.size).toBe(0);
  });

  it('refuses an interval that is not offered, with a message and no session', async () => {
    const member = await signedUpMember(base, sql, 'odd-plan@example.com');
    for (const interval of ['week', '', 'month; DROP TABLE users']) {
      const response = await member.post('/pricing?_action=billing.checkout', { interval });
      expect(response.status).toBe(400);
      expect(visible(await response.text())).toContain('Choose monthly or yearly.');
    }
    expect(fake.checkoutSessions.size).toBe(0);
  });
});

describe('upgrading through Checkout', () => {
  it('creates the customer once, opens Checkout, and Coaching opens after payment', async () => {
    const email = 'upgrade@example.com';
    const member = await signedUpMember(base, sql, email);
    const first = await startCheckout(member, 'year');
    const second = await startCheckout(member, 'month');
    // Both sessions belong to one Stripe customer, made once, tagged with the member.
    expect(first.customer).toBe(second.customer);
    const customer = fake.customers.get(first.customer!)!;
    expect(customer.email).toBe(email);
    expect(customer.metadata['userId']).toBe(await userId(email));
    expect(first.client_reference_id).toBe(await userId(email));
    expect(first.success_url).toContain('/pricing/success?session_id={CHECKOUT_SESSION_ID}');
    expect(await count('SELECT count(*) FROM billing_customers WHERE user_id = ?', [await userId(email)])).toBe(1);

    expect(await entitlement(email)).toBeUndefined();
    await fake.completeCheckout(second.id);
    expect((await entitlement(email))?.status).toBe('active');

    const success = await member.get(`/pricing/success?session_id=${second.id}`);
    expect(success.status).toBe(200);
    expect(visible(await success.text())).toContain('Welcome to Coaching');

    const account = visible(await (await member.get('/account')).text());
    expect(account).toContain('Coaching, billed monthly. Renews on');
    expect(account).toContain('Manage billing');

    const again = await member.post('/pricing?_action=billing.checkout', { interval: 'month' });
    expect(again.status).toBe(409);
    expect(visible(await again.text())).toContain('You already have Coaching');
  });

  it('a customer deleted in Stripe’s dashboard is replaced at the next checkout', async () => {
    const email = 'recreated@example.com';
    const member = await signedUpMember(base, sql, email);
    const first = await startCheckout(member);
    fake.customers.delete(first.customer!);
    const second = await startCheckout(member);
    expect(second.customer).not.toBe(first.customer);
    expect(fake.customers.has(second.customer!)).toBe(true);
    expect(await customerOf(email)).toBe(second.customer);
  });

  it('the success page applies a completed checkout even before the webhook arrives', async () => {
    const email = 'early@example.com';
    const member = await signedUpMember(base, sql, email);
    const session = await startCheckout(member);
    await fake.completeCheckout(session.id, { deliver: false });
    expect(await entitlement(email)).toBeUndefined();
    const success = await member.get(`/pricing/success?session_id=${session.id}`);
    expect(visible(await success.text())).toContain('Welcome to Coaching');
    expect((await entitlement(email))?.status).toBe('active');
  });

  it('another member’s checkout session is not found', async () => {
    const owner = await signedUpMember(base, sql, 'owner@example.com');
    const session = await startCheckout(owner);
    await fake.completeCheckout(session.id, { deliver: false });
    const stranger = await signedUpMember(base, sql, 'stranger@example.com');
    for (const id of [session.id, 'cs_unknown', '../../v1/customers', '']) {
      const response = await stranger.get(`/pricing/success?session_id=${encodeURIComponent(id)}`);
      expect(response.status).toBe(404);
    }
    expect(await entitlement('stranger@example.com')).toBeUndefined();
    expect(await entitlement('owner@example.com')).toBeUndefined();
  });

  it('the canceled page says nothing was charged', async () => {
    const html = visible(await (await new Browser(base).get('/pricing/canceled')).text());
    expect(html).toContain('Nothing was charged');
  });

  it('opens the customer portal for members with a customer, and refuses the rest', async () => {
    const { browser } = await payingMember('portal@example.com');
    const response = await browser.post('/account?_action=billing.portal', {});
    expect(response.status).toBe(303);
    const portalId = response.headers.get('location')!.split('/').at(-1)!;
    const portal = fake.portalSessions.get(portalId)!;
    expect(portal.customer).toBe(await customerOf('portal@example.com'));
    expect(portal.return_url).toMatch(/\/account#billing$/);

    const free = await signedUpMember(base, sql, 'free-portal@example.com');
    const refused = await free.post('/account?_action=billing.portal', {});
    expect(refused.status).toBe(409);
    expect(visible(await refused.text())).toContain('There is no billing to manage yet');
    const portals = fake.portalSessions.size;
    const visitor = await new Browser(base).post('/account?_action=billing.portal', {});
    expect(visitor.headers.get('location')).toMatch(/^\/login\?next=/);
    expect(fake.portalSessions.size).toBe(portals);
  });
});

async function customerOf(email: string): Promise<string> {
  const row = (
    await sql.execute({
      sql: 'SELECT stripe_customer_id FROM billing_customers WHERE user_id = ?',
      args: [await userId(email)],
    })
  ).rows[0];
  return String(row!['stripe_customer_id']);
}

/** Posts a payload to the webhook with the given signature header. */
async function postWebhook(payload: string, signature?: string) {
  const response = await fetch(`${server.url}/api/stripe/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature === undefined ? {} : { 'stripe-signature': signature }),
    },
    body: payload,
  });
  return { status: response.status, body: await response.text() };
}

describe('the webhook', () => {
  it('refuses a bad signature with a 400 and changes nothing', async () => {
    const email = 'forged@example.com';
    const member = await signedUpMember(base, sql, email);
    const session = await startCheckout(member);
    const subscription = await fake.completeCheckout(session.id, { deliver: false });
    const event = fake.makeEvent('customer.subscription.created', subscription);
    const payload = JSON.stringify(event);
    const events = await count('SELECT count(*) FROM stripe_events');
    const forged = [
      undefined,
      '',
      't=1,v1=deadbeef',
      Stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_someone_else' }),
      Stripe.webhooks.generateTestHeaderString({
        payload: payload.replace('active', 'trialing'),
        secret: WEBHOOK_SECRET,
      }),
      // A genuine signature an hour old (past Stripe's five-minute tolerance) is refused as a replay.
      Stripe.webhooks.generateTestHeaderString({
        payload,
        secret: WEBHOOK_SECRET,
        timestamp: Math.floor(Date.now() / 1000) - 3600,
      }),
    ];
    for (const signature of forged) {
      const response = await postWebhook(payload, signature);
      expect(response.status, String(signature)).toBe(400);
      expect(response.body).toContain('did not verify');
    }
    expect(await count('SELECT count(*) FROM stripe_events')).toBe(events);
    expect(await entitlement(email)).toBeUndefined();
  });

  it('handles a replayed event once: one record, one email', async () => {
    const email = 'replay@example.com';
    const { subscriptionId } = await payingMember(email);
    const failed = await fake.failPayment(subscriptionId, { deliver: false });
    const first = await fake.deliver(failed);
    expect(first.status).toBe(200);
    for (let i = 0; i < 3; i++) {
      const again = await fake.deliver(failed);
      expect(again.status).toBe(200);
      expect(again.body).toBe('Already handled.');
    }
    expect(await count('SELECT count(*) FROM stripe_events WHERE id = ?', [failed.id])).toBe(1);
    expect(await count("SELECT count(*) FROM outbox WHERE to_address = ? AND kind = 'payment-failed'", [email])).toBe(
      1,
    );
  });

  it('handles events in any order: the subscription’s current state wins', async () => {
    const email = 'shuffled@example.com';
    const member = await signedUpMember(base, sql, email);
    const session = await startCheckout(member);
    const subscription = await fake.completeCheckout(session.id, { deliver: false });
    const [created, completed] = fake.events.slice(-2);
    const deleted = await fake.cancelSubscription(subscription.id, { deliver: false });
    // Deleted first, then created and completed: the member must not end up with Coaching.
    for (const event of [deleted, created!, completed!]) expect((await fake.deliver(event)).status).toBe(200);
    expect((await entitlement(email))?.status).toBe('ended');
    expect(visible(await (await member.get('/account')).text())).toContain('Your Coaching membership has ended');
  });

  it('an old "past due" event arriving after the card was fixed leaves Coaching open', async () => {
    const email = 'late-event@example.com';
    const { subscriptionId } = await payingMember(email);
    const failed = await fake.failPayment(subscriptionId, { deliver: false });
    const fixed = await fake.updateSubscription(subscriptionId, { status: 'active' }, { deliver: false });
    expect((await fake.deliver(fixed)).status).toBe(200);
    expect((await fake.deliver(failed)).status).toBe(200);
    expect((await entitlement(email))?.status).toBe('active');
    // Nor does the member who just fixed their card hear that the payment failed.
    expect(await count("SELECT count(*) FROM outbox WHERE to_address = ? AND kind = 'payment-failed'", [email])).toBe(
      0,
    );
  });

  it('a cancellation set for a date ends access there and is shown as such', async () => {
    const email = 'cancel-on-date@example.com';
    const { browser, subscriptionId } = await payingMember(email);
    const on = Math.floor(Date.now() / 1000) + 10 * 86_400;
    await fake.updateSubscription(subscriptionId, { cancel_at: on } as never);
    const account = visible(await (await browser.get('/account')).text());
    expect(account).toContain('Cancelled: Coaching stays open until');
    expect(account).not.toContain('Renews on');
    const until = Number((await entitlement(email))!.accessUntil);
    expect(Math.abs(until - (on + 3 * 86_400) * 1000)).toBeLessThan(1000);
  });

  it('only subscriptions to Coaching open Coaching; an older price of the same product still does', async () => {
    const other = await signedUpMember(base, sql, 'other-product@example.com');
    const session = await startCheckout(other);
    const subscription = await fake.completeCheckout(session.id, { deliver: false });
    const item = subscription.items.data[0]!;
    const stored = fake.subscriptions.get(subscription.id)!;
    stored.items.data[0] = { ...item, price: { ...item.price, id: 'price_other', product: 'prod_other' } };
    const event = await fake.updateSubscription(subscription.id, {});
    expect(
      await count('SELECT count(*) FROM stripe_events WHERE id = ? AND outcome LIKE ?', [
        event.id,
        'ignored: not a Coaching%',
      ]),
    ).toBe(1);
    expect(await entitlement('other-product@example.com')).toBeUndefined();

    stored.items.data[0] = { ...item, price: { ...item.price, id: 'price_retired' } };
    await fake.updateSubscription(subscription.id, {});
    expect((await entitlement('other-product@example.com'))?.status).toBe('active');
  });

  it('a deleted subscription removes access at once', async () => {
    const email = 'leaving@example.com';
    const { browser, subscriptionId } = await payingMember(email);
    expect(containsAny(await premiumIsland(browser), paidSentences()).length).toBeGreaterThan(0);
    await fake.cancelSubscription(subscriptionId);
    expect((await entitlement(email))?.status).toBe('ended');
    const island = await premiumIsland(browser);
    expect(containsAny(island, paidSentences())).toEqual([]);
    expect(island).toContain('for Coaching members');
  });

  it('a failed payment opens a grace period with a notice; paying ends it, "unpaid" ends access', async () => {
    const email = 'card-declined@example.com';
    const { browser, subscriptionId } = await payingMember(email);
    await fake.failPayment(subscriptionId);
    const grace = await entitlement(email);
    expect(grace?.status).toBe('grace');
    const days = (Number(grace!.accessUntil) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.9);
    expect(days).toBeLessThanOrEqual(7);
    const mail = (
      await sql.execute({
        sql: "SELECT subject, text FROM outbox WHERE to_address = ? AND kind = 'payment-failed'",
        args: [email],
      })
    ).rows[0]!;
    expect(String(mail['subject'])).toBe('Your Coaching payment did not go through');
    expect(String(mail['text'])).toContain('/account#billing');
    const account = visible(await (await browser.get('/account')).text());
    expect(account).toContain('Your last payment did not go through. Update your card by');
    // Still open during the grace period.
    expect(containsAny(await premiumIsland(browser), paidSentences()).length).toBeGreaterThan(0);

    await fake.updateSubscription(subscriptionId, { status: 'active' });
    expect((await entitlement(email))?.status).toBe('active');
    expect(
      await count('SELECT count(*) FROM subscriptions WHERE id = ? AND past_due_since IS NULL', [subscriptionId]),
    ).toBe(1);

    await fake.updateSubscription(subscriptionId, { status: 'unpaid' });
    expect((await entitlement(email))?.status).toBe('ended');
    expect(containsAny(await premiumIsland(browser), paidSentences())).toEqual([]);
  });

  it('records events it does not act on, and subscriptions Stripe does not have, without retries', async () => {
    const other = fake.makeEvent('customer.created', { id: 'cus_x', object: 'customer' });
    const response = await fake.deliver(other);
    expect(response.status).toBe(200);
    expect(await count('SELECT count(*) FROM stripe_events WHERE id = ?', [other.id])).toBe(1);

    const ghost = fake.makeEvent('customer.subscription.updated', { id: 'sub_missing', object: 'subscription' });
    const ignored = await fake.deliver(ghost);
    expect(ignored.status).toBe(200);
    expect(ignored.body).toBe('ignored: Stripe has no such subscription');
  });

  it('while Stripe cannot be reached answers 503 and records nothing; the redelivery applies it', async () => {
    const email = 'outage@example.com';
    const member = await signedUpMember(base, sql, email);
    const session = await startCheckout(member);
    const subscription = await fake.completeCheckout(session.id, { deliver: false });
    const created = fake.events.at(-2)!;
    expect(created.type).toBe('customer.subscription.created');
    fake.failNext(3); // the SDK's first try and its two retries
    const during = await fake.deliver(created);
    expect(during.status).toBe(503);
    expect(await count('SELECT count(*) FROM stripe_events WHERE id = ?', [created.id])).toBe(0);
    expect(await entitlement(email)).toBeUndefined();
    const after = await fake.deliver(created);
    expect(after.status).toBe(200);
    expect((await entitlement(email))?.status).toBe('active');
    expect(fake.subscriptions.get(subscription.id)!.status).toBe('active');
  });

  it('refuses payloads far larger than any Stripe event', async () => {
    const response = await postWebhook('x'.repeat(300 * 1024), 't=1,v1=00');
    expect(response.status).toBe(413);
  });
});

describe('premium articles', () => {
  it('no paid sentence is in any page a visitor or a free member is sent', async () => {
    const paid = paidSentences();
    expect(paid.length).toBeGreaterThan(10);
    const visitor = new Browser(base);
    const free = await signedUpMember(base, sql, 'free-reader@example.com');
    const sitemap = await (await visitor.get('/sitemap-0.xml')).text();
    const paths = [...sitemap.matchAll(/<loc>([^<]+)<\/loc>/g)].map((match) => new URL(match[1]!).pathname);
    expect(paths).toContain(`/articles/${PREMIUM_SLUG}`);
    const word = words(paid.join(' '))
      .split(' ')
      .find((w) => w.length > 9)!;
    expect(paths).not.toContain('/account');
    paths.push('/rss.xml', `/search?q=${encodeURIComponent(word)}`, `/articles/${PREMIUM_SLUG}/comments`);
    for (const reader of [visitor, free]) {
      for (const path of reader === free ? [...paths, '/tracker', '/account', '/tracker/board'] : paths) {
        const response = await reader.get(path);
        expect(response.status, path).toBe(200);
        expect(containsAny(await response.text(), paid), path).toEqual([]);
      }
      const island = await premiumIsland(reader);
      expect(containsAny(island, paid)).toEqual([]);
      expect(island).toContain('The rest of this guide is for Coaching members');
    }
    // The prerendered file itself, as any CDN in front of the server would hold it.
    const built = readFileSync(`dist/client/articles/${PREMIUM_SLUG}/index.html`, 'utf8');
    expect(containsAny(built, paid)).toEqual([]);
  });

  it('shows the preview to everyone and the rest to members with Coaching and to the coach', async () => {
    const visitorPage = await (await new Browser(base).get(`/articles/${PREMIUM_SLUG}`)).text();
    expect(containsAny(visitorPage, [previewSentence()])).toHaveLength(1);
    expect(visitorPage).toContain('"isAccessibleForFree":false');

    const { browser } = await payingMember('premium-reader@example.com');
    const island = await premiumIsland(browser);
    expect(containsAny(island, paidSentences()).length).toBe(paidSentences().length);

    const coach = await signedUpMember(base, sql, 'premium-coach@example.com');
    await sql.execute("UPDATE users SET role = 'coach' WHERE email = 'premium-coach@example.com'");
    expect(containsAny(await premiumIsland(coach), paidSentences()).length).toBeGreaterThan(0);
  });
});

/** Adds an interview to a member's tracker; returns its id. */
async function addInterview(browser: Browser): Promise<string> {
  const yesterday = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(
    new Date(Date.now() - 86_400_000),
  );
  const response = await browser.post('/tracker/new?_action=tracker.create', {
    kind: 'interview',
    company: 'Northwind Labs',
    roleTitle: 'Product Designer',
    contactName: 'Priya Shah',
    contactEmail: 'priya@northwind.example',
    happenedOn: yesterday,
    happenedAt: '14:00',
    decisionBy: '',
    specificDetail: 'design critiques across time zones',
  });
  expect(response.status).toBe(303);
  return /^\/tracker\/o\/([^?]+)/.exec(response.headers.get('location')!)![1]!;
}

const draft = (opportunityId: string, overrides: Record<string, string> = {}) => ({
  opportunityId,
  step: 'thank-you',
  subject: 'Thank you, Priya',
  body: 'Hi Priya,\n\nThank you for the conversation about design critiques.\n\nSam',
  note: 'Is the second line too long?',
  ...overrides,
});

/** What the coach's answer form carries as the version of the draft it shows. */
async function reviewVersion(id: string): Promise<string> {
  return String(
    (await sql.execute({ sql: 'SELECT updated_at FROM draft_reviews WHERE id = ?', args: [id] })).rows[0]![
      'updated_at'
    ],
  );
}

describe('coach review of drafts', () => {
  let member: Browser;
  let coach: Browser;
  let entry: string;

  beforeAll(async () => {
    member = (await payingMember('reviewed@example.com')).browser;
    entry = await addInterview(member);
    coach = await signedUpMember(base, sql, 'reviews-coach@example.com');
    await sql.execute("UPDATE users SET role = 'coach' WHERE email = 'reviews-coach@example.com'");
  });

  const request = (browser: Browser, id: string, fields: Record<string, string> = {}) =>
    browser.post(`/tracker/o/${id}?_action=reviews.request`, draft(id, fields));

  it('the entry page offers review to Coaching members and an invitation to the rest', async () => {
    expect(visible(await (await member.get(`/tracker/o/${entry}`)).text())).toContain('Send to the coach for review');
    const free = await signedUpMember(base, sql, 'free-drafter@example.com');
    const freeEntry = await addInterview(free);
    const page = visible(await (await free.get(`/tracker/o/${freeEntry}`)).text());
    expect(page).not.toContain('Send to the coach for review');
    expect(page).toContain('members can send this draft to the coach');
    const refused = await request(free, freeEntry);
    expect(refused.status).toBe(403);
    expect(visible(await refused.text())).toContain('Coach review is part of Coaching');
    expect(await count('SELECT count(*) FROM draft_reviews')).toBe(0);
  });

  it('refuses bad input with a message and writes nothing', async () => {
    const cases: [Record<string, string>, number, string][] = [
      [{ subject: '' }, 400, ''],
      [{ body: '   ' }, 400, ''],
      [{ body: 'x'.repeat(20_001) }, 400, ''],
      [{ step: 'launch-missiles' }, 400, 'That follow-up step is not one we know.'],
      [{ opportunityId: 'not-an-entry' }, 404, 'This entry is not in your tracker.'],
    ];
    for (const [fields, status, message] of cases) {
      const response = await member.post(`/tracker/o/${entry}?_action=reviews.request`, draft(entry, fields));
      expect(response.status, JSON.stringify(fields).slice(0, 60)).toBe(status);
      if (message) expect(visible(await response.text())).toContain(message);
    }
    expect(await count('SELECT count(*) FROM draft_reviews')).toBe(0);
  });

  it('a member sends a draft; sending again replaces the waiting one', async () => {
    const first = await request(member, entry);
    expect(first.status).toBe(303);
    expect(first.headers.get('location')).toBe(`/tracker/o/${entry}?saved=review#review`);
    const second = await request(member, entry, { body: 'Hi Priya,\n\nThanks again.\n\nSam' });
    expect(second.status).toBe(303);
    expect(await count("SELECT count(*) FROM draft_reviews WHERE status = 'pending'")).toBe(1);
    const page = visible(await (await member.get(`/tracker/o/${entry}`)).text());
    expect(page).toContain('Waiting for the coach.');
  });

  it('nobody but the coach sees the queue or answers; other members cannot withdraw', async () => {
    const [review] = (await sql.execute("SELECT id FROM draft_reviews WHERE status = 'pending'")).rows;
    const id = String(review!['id']);
    const other = await signedUpMember(base, sql, 'nosy@example.com');
    for (const path of ['/coach/reviews', `/coach/reviews/${id}`]) {
      expect((await other.get(path)).status).toBe(404);
      expect((await member.get(path)).status).toBe(404);
      expect((await new Browser(base).get(path)).headers.get('location')).toMatch(/^\/login\?next=/);
    }
    const answer = { id, version: await reviewVersion(id), subject: 'x', body: 'y', comment: 'z' };
    expect((await other.post(`/coach/reviews/${id}?_action=reviews.answer`, answer)).status).toBe(404);
    expect((await member.post(`/coach/reviews/${id}?_action=reviews.answer`, answer)).status).toBe(404);
    const withdraw = await other.post(`/tracker/o/${entry}?_action=reviews.withdraw`, { id });
    expect(withdraw.status).toBe(404);
    expect(await count("SELECT count(*) FROM draft_reviews WHERE status = 'pending'")).toBe(1);
  });

  it('the coach answers from the queue; the member is emailed and sees both versions', async () => {
    const queue = visible(await (await coach.get('/coach/reviews')).text());
    expect(queue).toContain('Waiting (1)');
    expect(queue).toContain('Thank-you note to Priya Shah, Northwind Labs');
    const id = String((await sql.execute("SELECT id FROM draft_reviews WHERE status = 'pending'")).rows[0]!['id']);
    const page = visible(await (await coach.get(`/coach/reviews/${id}`)).text());
    expect(page).toContain('Is the second line too long?');
    expect(page).toContain('Thanks again.');

    const empty = await coach.post(`/coach/reviews/${id}?_action=reviews.answer`, {
      id,
      version: await reviewVersion(id),
      subject: 'Thank you, Priya',
      body: 'Hi Priya,',
      comment: '',
    });
    expect(empty.status).toBe(400);
    expect(visible(await empty.text())).toContain('Your comment is missing.');
    expect(await count("SELECT count(*) FROM draft_reviews WHERE status = 'pending'")).toBe(1);

    const version = /name="version" value="(\d+)"/.exec(page)?.[1] ?? (await reviewVersion(id));
    // The member sends a new version while the coach is reading the old one: no blind answer.
    await request(member, entry, { body: 'Hi Priya,\n\nThanks again.\n\nSam' });
    const stale = await coach.post(`/coach/reviews/${id}?_action=reviews.answer`, {
      id,
      version,
      subject: 'Thank you for Tuesday, Priya',
      body: 'Hi Priya,',
      comment: 'Shorter.',
    });
    expect(stale.status).toBe(409);
    expect(visible(await stale.text())).toContain('sent a new version of this draft');
    expect(await count("SELECT count(*) FROM draft_reviews WHERE status = 'pending'")).toBe(1);

    const answered = await coach.post(`/coach/reviews/${id}?_action=reviews.answer`, {
      id,
      version: await reviewVersion(id),
      subject: 'Thank you for Tuesday, Priya',
      body: 'Hi Priya,\n\nThank you for walking me through how your team runs design critiques.\n\nSam',
      comment: 'Name the detail: it shows you listened. <b>bold</b>',
    });
    expect(answered.status).toBe(303);
    const mail = (
      await sql.execute(
        "SELECT subject, text FROM outbox WHERE to_address = 'reviewed@example.com' AND kind = 'review-answered'",
      )
    ).rows;
    expect(mail).toHaveLength(1);
    expect(String(mail[0]!['subject'])).toBe('Your follow-up to Northwind Labs is reviewed');
    expect(String(mail[0]!['text'])).toContain(`/tracker/o/${entry}#review`);

    const entryPage = await (await member.get(`/tracker/o/${entry}`)).text();
    expect(entryPage).toContain('Your draft');
    expect(entryPage).toContain("The coach's version");
    expect(entryPage).toContain('Thank you for walking me through how your team runs design critiques.');
    expect(entryPage).toContain('&lt;b&gt;bold&lt;/b&gt;');
    expect(entryPage).not.toContain('<b>bold</b>');

    const used = await (await member.get(`/tracker/o/${entry}?use=${id}`)).text();
    expect(used).toContain('Thank you for Tuesday, Priya');

    const twice = await coach.post(`/coach/reviews/${id}?_action=reviews.answer`, {
      id,
      version: await reviewVersion(id),
      subject: 'Again',
      body: 'Again',
      comment: 'Again',
    });
    expect(twice.status).toBe(409);
    expect(await count("SELECT count(*) FROM outbox WHERE kind = 'review-answered'")).toBe(1);
  });

  it('a member withdraws a waiting draft, and holds at most five at once', async () => {
    const entries: string[] = [];
    for (let i = 0; i < 6; i++) entries.push(await addInterview(member));
    for (const id of entries.slice(0, 5)) {
      const response = await request(member, id);
      expect(response.status, visible(await response.text()).slice(-600)).toBe(303);
    }
    const sixth = await request(member, entries[5]!);
    expect(sixth.status).toBe(429);
    expect(visible(await sixth.text())).toContain('drafts waiting for the coach');
    const id = String(
      (await sql.execute({ sql: 'SELECT id FROM draft_reviews WHERE opportunity_id = ?', args: [entries[0]!] }))
        .rows[0]!['id'],
    );
    expect((await member.post(`/tracker/o/${entries[0]}?_action=reviews.withdraw`, { id })).status).toBe(303);
    expect((await request(member, entries[5]!)).status).toBe(303);
  });
});

describe('the coach’s Coaching-only extras', () => {
  it('keeps the calendar feed for Coaching when the coach chooses, never the tracker', async () => {
    const coach = await signedUpMember(base, sql, 'limits-coach@example.com');
    await sql.execute("UPDATE users SET role = 'coach' WHERE email = 'limits-coach@example.com'");
    const free = await signedUpMember(base, sql, 'free-calendar@example.com');
    const paying = (await payingMember('paid-calendar@example.com')).browser;
    const feeds: string[] = [];
    for (const browser of [free, paying]) {
      const page = await (await browser.post('/tracker/data?_action=tracker.calendarFeed', { enable: 'on' })).text();
      feeds.push(new URL(/value="(http[^"]+\.ics)"/.exec(page)![1]!).pathname);
    }
    for (const feed of feeds) expect((await fetch(server.url + feed)).status).toBe(200);

    expect((await free.post('/coach?_action=billing.setLimits', { calendar: 'on' })).status).toBe(404);
    const saved = await coach.post('/coach?_action=billing.setLimits', { calendar: 'on' });
    expect(saved.status).toBe(303);
    const refused = await fetch(server.url + feeds[0]);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('part of Coaching');
    expect((await fetch(server.url + feeds[1])).status).toBe(200);
    expect((await free.get('/tracker')).status).toBe(200);
    const pricing = visible(await (await free.get('/pricing')).text());
    const coachingPlan = pricing.slice(pricing.indexOf('id="coaching-heading"'));
    expect(coachingPlan).toContain('Your follow-ups in your calendar');

    expect((await coach.post('/coach?_action=billing.setLimits', {})).status).toBe(303);
    expect((await fetch(server.url + feeds[0])).status).toBe(200);
  });
});

describe('the coach’s setting, with bad input', () => {
  it('refuses values other than a ticked box, with a message, and keeps the setting', async () => {
    const coach = await signedUpMember(base, sql, 'limits-bad-input@example.com');
    await sql.execute("UPDATE users SET role = 'coach' WHERE email = 'limits-bad-input@example.com'");
    const setting = async () =>
      String(
        (await sql.execute("SELECT value FROM app_settings WHERE key = 'coaching.limits'")).rows[0]?.['value'] ??
          'none',
      );
    const before = await setting();
    const cases: Record<string, string>[] = [
      { reminders: 'yes' },
      { calendar: 'true' },
      { reminders: 'on', calendar: 'x'.repeat(5000) },
    ];
    for (const fields of cases) {
      const response = await coach.post('/coach?_action=billing.setLimits', fields);
      expect(response.status).toBe(400);
      expect(visible(await response.text())).toContain('Something in the form was not as expected');
    }
    expect(await setting()).toBe(before);
  });
});

describe('deleting an account', () => {
  const remove = (browser: Browser) =>
    browser.post('/account?_action=account.deleteAccount', { password: 'a phrase long enough', confirmText: 'DELETE' });

  it('deletes the member’s Stripe customer first, ending every subscription of theirs', async () => {
    const email = 'deleting@example.com';
    const { browser, subscriptionId } = await payingMember(email);
    // A second subscription we have not heard about yet (its webhooks are still on the way).
    const customer = await customerOf(email);
    const stripe = new Stripe(fake.secretKey, {
      host: '127.0.0.1',
      port: Number(new URL(fake.url).port),
      protocol: 'http',
    });
    const extra = await stripe.checkout.sessions.create({
      mode: 'subscription',
      customer,
      line_items: [{ price: fake.prices.yearly, quantity: 1 }],
      success_url: 'http://localhost/done',
      cancel_url: 'http://localhost/cancel',
    });
    const late = await fake.completeCheckout(extra.id, { deliver: false });
    expect((await remove(browser)).status).toBe(303);
    expect(fake.subscriptions.get(subscriptionId)!.status).toBe('canceled');
    expect(fake.subscriptions.get(late.id)!.status).toBe('canceled');
    expect(fake.customers.has(customer)).toBe(false);
    expect(await count('SELECT count(*) FROM users WHERE email = ?', [email])).toBe(0);
  });

  it('goes ahead when Stripe no longer has the customer', async () => {
    const email = 'already-gone@example.com';
    const { browser } = await payingMember(email);
    fake.customers.delete(await customerOf(email));
    expect((await remove(browser)).status).toBe(303);
    expect(await count('SELECT count(*) FROM users WHERE email = ?', [email])).toBe(0);
  });

  it('is refused, with the account kept, while Stripe cannot be reached', async () => {
    const email = 'keep-me@example.com';
    const { browser } = await payingMember(email);
    fake.failNext(3);
    const response = await remove(browser);
    expect(response.status).toBe(502);
    expect(visible(await response.text())).toContain('your account was not deleted');
    expect(await count('SELECT count(*) FROM users WHERE email = ?', [email])).toBe(1);
  });
});

describe('with payments switched off', () => {
  let off: RunningServer;
  const offDatabase = freshDatabaseFile();
  const offSql = testClient(offDatabase.url);

  beforeAll(async () => {
    off = await startMemberServer(offDatabase.url);
  });
  afterAll(async () => {
    await off.stop();
    offSql.close();
  });

  it('says so on the pricing page, refuses checkout plainly, and has no webhook', async () => {
    const offBase = () => off.url;
    const html = visible(await (await new Browser(offBase).get('/pricing')).text());
    expect(html).toContain('Payments are switched off on this site.');
    expect(html).not.toContain('Upgrade, billed');
    const member = await signedUpMember(offBase, offSql, 'nopay@example.com');
    const response = await member.post('/pricing?_action=billing.checkout', { interval: 'month' });
    expect(response.status).toBe(503);
    expect(visible(await response.text())).toContain('Payments are switched off');
    const webhook = await fetch(`${off.url}/api/stripe/webhook`, { method: 'POST', body: '{}' });
    expect(webhook.status).toBe(404);
    expect(visible(await (await member.get('/account')).text())).toContain('See what Coaching adds');
  });
});

describe('the paid flow’s small things', () => {
  const PLACEHOLDER = '{one result that relates to it}';
  const withPlaceholder = (entry: string) =>
    draft(entry, { body: `Hi Priya,\n\nLast year I shipped ${PLACEHOLDER}.\n\nSam`, note: '' });
  const reviewsOf = async (email: string) =>
    count('SELECT count(*) FROM draft_reviews WHERE user_id = ?', [await userId(email)]);

  it('a draft with an unfilled placeholder is held back, named, until the member keeps it', async () => {
    const email = 'placeholder@example.com';
    const { browser } = await payingMember(email);
    const entry = await addInterview(browser);
    const page = await (await browser.get(`/tracker/o/${entry}`)).text();
    // The editor warns as soon as the draft shows one (the thank-you note leaves a result to fill in).
    expect(visible(page)).toContain('Still to fill in before it goes');
    expect(page).toContain('name="keepPlaceholders"');

    const refused = await browser.post(`/tracker/o/${entry}?_action=reviews.request`, withPlaceholder(entry));
    expect(refused.status).toBe(400);
    const html = visible(await refused.text());
    expect(html).toContain(`Your message still has ${PLACEHOLDER} to fill in.`);
    expect(html).toContain('Last year I shipped {one result that relates to it}.');
    // The review part stays open, so the member can send it again from where they were.
    expect(html).toMatch(/<details id="ask-review" class="review-request" open/);
    expect(await reviewsOf(email)).toBe(0);

    const kept = await browser.post(`/tracker/o/${entry}?_action=reviews.request`, {
      ...withPlaceholder(entry),
      keepPlaceholders: 'on',
    });
    expect(kept.status).toBe(303);
    expect(await reviewsOf(email)).toBe(1);

    const { note: _note, ...sent } = withPlaceholder(entry);
    const unsent = await browser.post(`/tracker/o/${entry}?_action=tracker.markSent`, sent);
    expect(unsent.status).toBe(400);
    expect(visible(await unsent.text())).toContain(`Your message still has ${PLACEHOLDER} to fill in.`);
    expect(await count('SELECT count(*) FROM touches WHERE opportunity_id = ?', [entry])).toBe(0);
    const logged = await browser.post(`/tracker/o/${entry}?_action=tracker.markSent`, {
      ...sent,
      keepPlaceholders: 'on',
    });
    expect(logged.status).toBe(303);
    expect(await count('SELECT count(*) FROM touches WHERE opportunity_id = ?', [entry])).toBe(1);
  });

  it('the coach reads a draft to review, with times in the coach’s own zone', async () => {
    const { browser } = await payingMember('zoned-member@example.com');
    const entry = await addInterview(browser);
    expect((await browser.post(`/tracker/o/${entry}?_action=reviews.request`, draft(entry))).status).toBe(303);
    const coach = await signedUpMember(base, sql, 'zoned-coach@example.com', 'America/New_York');
    await sql.execute("UPDATE users SET role = 'coach' WHERE email = 'zoned-coach@example.com'");
    const id = String(
      (await sql.execute({ sql: 'SELECT id FROM draft_reviews WHERE opportunity_id = ?', args: [entry] })).rows[0]![
        'id'
      ],
    );
    const queue = visible(await (await coach.get('/coach/reviews')).text());
    expect(queue).toContain('America/New York');
    expect(queue).not.toContain('UTC');
    const page = visible(await (await coach.get(`/coach/reviews/${id}`)).text());
    expect(page).toContain('asks you to review a draft of their thank-you note, not yet sent');
    expect(page).not.toContain('sent their');
    expect(page).toContain('America/New York');
    expect(page).not.toContain('UTC');
  });

  it('the success page links to a draft with review open, and to invoices in the billing portal', async () => {
    const email = 'welcome@example.com';
    const member = await signedUpMember(base, sql, email);
    const entry = await addInterview(member);
    const session = await startCheckout(member);
    await fake.completeCheckout(session.id);
    const response = await member.get(`/pricing/success?session_id=${session.id}`);
    expect(response.headers.get('content-security-policy')).toContain('https://billing.stripe.com');
    const html = visible(await response.text());
    const link = `/tracker/o/${entry}?review=ask#ask-review`;
    expect(html).toContain(`href="${link}"`);
    expect(html).toContain('Invoices and receipts are in the billing portal');
    expect(html).not.toContain('Your receipt');
    expect(html).toContain('action="/account?_action=billing.portal"');

    const entryPage = visible(await (await member.get(link)).text());
    expect(entryPage).toMatch(/<details id="ask-review" class="review-request" open/);
    const portal = await member.post('/account?_action=billing.portal', {});
    expect(portal.status).toBe(303);
    expect(portal.headers.get('location')!.startsWith(fake.url)).toBe(true);
  });

  it('Delete my account says that it ends Coaching at once, to members who have it', async () => {
    const { browser } = await payingMember('ending@example.com');
    const paid = visible(await (await browser.get('/account')).text());
    expect(paid).toContain('Deleting your account ends your Coaching subscription at once.');
    expect(paid).toContain('is not refunded');
    const free = await signedUpMember(base, sql, 'free-ending@example.com');
    expect(visible(await (await free.get('/account')).text())).not.toContain('ends your Coaching subscription');
  });

  it('the yearly price states its saving against twelve monthly payments', async () => {
    const html = visible(await (await new Browser(base).get('/pricing')).text());
    expect(html).toMatch(/\$190 a year<\/span>\s*<span class="plan-saving"> — save \$38 against paying monthly</);
  });
});
