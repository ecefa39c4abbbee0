/**
 * A local stand-in for the few Stripe endpoints the app uses (customers, prices, Checkout and
 * billing-portal sessions, subscriptions, invoice payments and refunds), for the real Stripe SDK to talk to in tests
 * (`new Stripe(key, { host: '127.0.0.1', port, protocol: 'http' })`). Like Stripe it checks the
 * Bearer key, honours Idempotency-Key and answers errors in Stripe's shape. It also serves plain
 * hosted checkout, portal and invoice pages, and sends webhooks signed with the webhook secret, so a
 * test can pay, fail a payment or cancel and watch the app react. State lives in memory.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import Stripe from 'stripe';

type Params = Record<string, unknown>;
type Metadata = Record<string, string>;
/** What every object here carries. Times are Unix seconds. */
type Base<O extends string> = { id: string; object: O; created: number; livemode: false };

export type FakePrice = Base<'price'> & {
  active: boolean;
  currency: string;
  unit_amount: number;
  recurring: { interval: 'month' | 'year'; interval_count: number };
  product: string;
  nickname: string;
};
export type FakeCustomer = Base<'customer'> & { email: string | null; name: string | null; metadata: Metadata };
export type FakeSubscriptionItem = Omit<Base<'subscription_item'>, 'livemode'> & {
  price: FakePrice;
  quantity: number;
  current_period_start: number;
  current_period_end: number;
};
export type FakeSubscription = Base<'subscription'> & {
  customer: string;
  status: 'active' | 'past_due' | 'unpaid' | 'canceled';
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  ended_at: number | null;
  cancellation_details: { comment: string | null; feedback: string | null; reason: string | null };
  currency: string;
  metadata: Metadata;
  latest_invoice: string | null;
  items: { object: 'list'; data: FakeSubscriptionItem[] };
};
export type FakeCheckoutSession = Base<'checkout.session'> & {
  status: 'open' | 'complete' | 'expired';
  payment_status: 'unpaid' | 'paid';
  /** The hosted page; null once complete, as on Stripe. */
  url: string | null;
  mode: 'subscription';
  customer: string;
  client_reference_id: string | null;
  subscription: string | null;
  success_url: string;
  cancel_url: string;
  amount_total: number;
  currency: string;
  metadata: Metadata;
  /** As sent (Stripe itself does not echo it back). */
  subscription_data: Params & { metadata: Metadata };
};
export type FakePortalSession = Base<'billing_portal.session'> & { customer: string; return_url: string; url: string };
export type FakeInvoice = Base<'invoice'> & {
  status: 'open' | 'paid';
  customer: string;
  currency: string;
  amount_due: number;
  amount_paid: number;
  hosted_invoice_url: string;
  parent: { type: 'subscription_details'; subscription_details: { subscription: string; metadata: Metadata } };
};
/** How an invoice was paid (Stripe's invoice payments; invoices no longer carry payment_intent). */
export type FakeInvoicePayment = Base<'invoice_payment'> & {
  invoice: string;
  status: 'paid';
  amount_paid: number;
  amount_requested: number;
  currency: string;
  is_default: true;
  payment: { type: 'payment_intent'; payment_intent: string };
};
export type FakeRefund = Base<'refund'> & {
  amount: number;
  currency: string;
  payment_intent: string;
  reason: string | null;
  status: 'succeeded';
  metadata: Metadata;
};
export type FakeEvent = Base<'event'> & {
  type: string;
  api_version: string;
  data: { object: Params; previous_attributes?: Params };
};
/** One webhook delivery attempt: the receiver's status (0: unreachable) and answer. */
export type FakeDelivery = { eventId: string; type: string; status: number; body: string };

export interface FakeStripeOptions {
  webhookSecret: string;
  webhookUrl?: string;
  port?: number;
  /** Default 'sk_test_fake_local'. */
  secretKey?: string;
}

export interface FakeStripe {
  /** http://127.0.0.1:<port> */
  url: string;
  secretKey: string;
  /** Seeded recurring prices of the product 'Coaching': 1900 usd a month, 19000 usd a year. */
  prices: { monthly: string; yearly: string };
  webhookUrl: string | undefined;
  /** API requests seen (not pages); body is the parsed form body, or the query for GET and DELETE. */
  requests: { method: string; path: string; body: Params }[];
  customers: Map<string, FakeCustomer>;
  subscriptions: Map<string, FakeSubscription>;
  checkoutSessions: Map<string, FakeCheckoutSession>;
  portalSessions: Map<string, FakePortalSession>;
  invoices: Map<string, FakeInvoice>;
  /** Each paid invoice's payment, by id. */
  invoicePayments: Map<string, FakeInvoicePayment>;
  refunds: Map<string, FakeRefund>;
  /** The events built so far, in order (including ones only built, not sent). */
  events: FakeEvent[];
  /** Webhook delivery attempts, in order. */
  deliveries: FakeDelivery[];
  /** The next n API requests answer 500, as in an outage (the SDK retries, so count its retries). */
  failNext(n: number): void;
  /**
   * Pays a checkout session as the hosted page would: creates an active subscription (the session's
   * customer and price, subscription_data.metadata) with a paid first invoice (its payment a
   * PaymentIntent), completes the session, then delivers
   * customer.subscription.created and checkout.session.completed, in order, unless { deliver: false }.
   */
  completeCheckout(sessionId: string, options?: { deliver?: boolean }): Promise<FakeSubscription>;
  /** Patches a subscription and delivers customer.subscription.updated (or `type`); returns the event. */
  updateSubscription(
    id: string,
    patch: Partial<FakeSubscription>,
    options?: { type?: string; deliver?: boolean },
  ): Promise<FakeEvent>;
  /** Sets status past_due, creates an open invoice and delivers invoice.payment_failed; returns the event. */
  failPayment(subscriptionId: string, options?: { deliver?: boolean }): Promise<FakeEvent>;
  /** Cancels now and delivers customer.subscription.deleted; returns the event. */
  cancelSubscription(subscriptionId: string, options?: { deliver?: boolean }): Promise<FakeEvent>;
  /** Builds an event around a snapshot of the object and records it in events. */
  makeEvent(type: string, object: object): FakeEvent;
  /** Signs the event and POSTs it to webhookUrl; delivering the same event again sends the same bytes. */
  deliver(event: FakeEvent): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

const DAY = 86_400;
const now = () => Math.floor(Date.now() / 1000);
const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const base = <O extends string>(prefix: string, object: O): Base<O> => ({
  id: newId(prefix),
  object,
  created: now(),
  livemode: false,
});

/** An error answer in Stripe's shape (thrown by the handlers; also a readable Error for the helpers). */
class ApiError extends Error {
  readonly status: number;
  readonly details: Params;
  constructor(status: number, message: string, details: Params = {}) {
    super(message);
    this.status = status;
    this.details = details;
  }
  get body() {
    return { error: { type: 'invalid_request_error', ...this.details, message: this.message } };
  }
}
const noSuch = (what: string, id: string, status = 404, param = 'id') =>
  new ApiError(status, `No such ${what}: '${id}'`, { code: 'resource_missing', param });

function find<T>(map: Map<string, T>, what: string, id: string): T {
  const found = map.get(id);
  if (!found) throw noSuch(what, id);
  return found;
}
function text(params: Params, key: string): string | undefined {
  const value = params[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}
function required(params: Params, key: string, param = key): string {
  const value = text(params, key);
  if (value === undefined)
    throw new ApiError(400, `Missing required param: ${param}.`, { code: 'parameter_missing', param });
  return value;
}
function metadata(value: unknown): Metadata {
  if (typeof value !== 'object' || value === null) return {};
  return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Parses the SDK's form encoding (`a[b][0][c]=v`, `expand[]=x`) into nested objects and arrays. */
export function parseForm(body: string): Params {
  const root: Params = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = [key.replace(/\[.*$/s, ''), ...Array.from(key.matchAll(/\[([^\]]*)\]/g), (m) => m[1] ?? '')];
    let node = root;
    path.forEach((part, i) => {
      const name = part === '' ? String(Object.keys(node).length) : part;
      if (i === path.length - 1) node[name] = value;
      else node = (typeof node[name] === 'object' ? node[name] : (node[name] = {})) as Params;
    });
  }
  const arrays = (value: unknown): unknown => {
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value).map(([k, v]) => [k, arrays(v)] as const);
    const isList = entries.length > 0 && entries.every(([k], i) => k === String(i));
    return isList ? entries.map(([, v]) => v) : Object.fromEntries(entries);
  };
  return arrays(root) as Params;
}

const escape = (value: unknown) => String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const money = (cents: number, currency: string) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency }).format(cents / 100);
const priceLabel = (price: FakePrice) => `${money(price.unit_amount, price.currency)} per ${price.recurring.interval}`;
const date = (seconds: number) =>
  new Date(seconds * 1000).toLocaleDateString('en-US', { dateStyle: 'long', timeZone: 'UTC' });

type PageAnswer = { status: number; html?: string; location?: string };
function page(status: number, title: string, body: string): PageAnswer {
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;color:#1a1f36;max-width:32rem;margin:3rem auto;padding:0 1rem}
.note{background:#fff4d6;padding:.25rem .5rem}button{font:inherit;background:#4f46e5;color:#fff;border:0;
border-radius:6px;padding:.6rem 1.2rem;cursor:pointer}a{color:#3730a3}dt{font-weight:600}</style></head>
<body><main><p class="note">Local test fake of Stripe: no real payment is taken.</p>
<h1>${escape(title)}</h1>
${body}
</main></body></html>`;
  return { status, html };
}
const notFound = page(404, 'Not found (local fake of Stripe)', '<p>The fake has no such page.</p>');

export async function startFakeStripe(options: FakeStripeOptions): Promise<FakeStripe> {
  const secretKey = options.secretKey ?? 'sk_test_fake_local';
  const product = { ...base('prod', 'product'), id: 'prod_fake_coaching', name: 'Coaching', active: true };
  const seed = (id: string, unit_amount: number, interval: 'month' | 'year', nickname: string): FakePrice => ({
    ...base('price', 'price'),
    id,
    active: true,
    currency: 'usd',
    unit_amount,
    recurring: { interval, interval_count: 1 },
    product: product.id,
    nickname,
  });
  const prices = new Map<string, FakePrice>();
  for (const price of [
    seed('price_fake_monthly', 1900, 'month', 'Monthly'),
    seed('price_fake_yearly', 19000, 'year', 'Yearly'),
  ])
    prices.set(price.id, price);
  const sessionPrices = new Map<string, FakePrice>();
  const idempotent = new Map<string, { status: number; json: string }>();
  const payloads = new Map<string, string>();

  /** The customer's newest live subscription, else their newest one. */
  const subscriptionOf = (customer: string) => {
    const theirs = [...fake.subscriptions.values()].filter((s) => s.customer === customer).reverse();
    return theirs.find((s) => s.status !== 'canceled') ?? theirs[0];
  };
  const cancelNow = (id: string, details: Params = {}) => {
    const sub = find(fake.subscriptions, 'subscription', id);
    if (sub.status === 'canceled') throw new ApiError(400, `This subscription is already canceled: '${id}'`);
    const comment = text(details, 'comment') ?? null;
    const reason = 'cancellation_requested';
    const cancellation_details = { ...sub.cancellation_details, comment, reason };
    return Object.assign(sub, {
      status: 'canceled',
      canceled_at: now(),
      ended_at: now(),
      cancellation_details,
    } as const);
  };
  const existingCustomer = (params: Params) => {
    const customer = required(params, 'customer');
    if (!fake.customers.has(customer)) throw noSuch('customer', customer, 400, 'customer');
    return customer;
  };

  function api(method: string, path: string, params: Params): unknown {
    const [, resource = '', rawId = '', verb = ''] =
      path.match(/^\/v1\/([a-z_]+(?:\/sessions)?)(?:\/([^/]+))?(?:\/(expire))?$/) ?? [];
    const id = decodeURIComponent(rawId);
    const limit = Math.min(Math.max(Number(text(params, 'limit') ?? 10) || 10, 1), 100);
    const list = <T>(data: T[], url: string) => ({
      object: 'list',
      data: data.slice(0, limit),
      has_more: data.length > limit,
      url,
    });
    switch (`${method} ${resource}${id ? '/:id' : ''}${verb ? `/${verb}` : ''}`) {
      case 'POST customers': {
        const email = text(params, 'email') ?? null;
        const customer: FakeCustomer = {
          ...base('cus', 'customer'),
          email,
          name: text(params, 'name') ?? null,
          metadata: metadata(params.metadata),
        };
        fake.customers.set(customer.id, customer);
        return customer;
      }
      case 'GET customers/:id':
        return find(fake.customers, 'customer', id);
      case 'DELETE customers/:id': {
        // As in Stripe: the customer's subscriptions end at once, each with its deleted event.
        find(fake.customers, 'customer', id);
        fake.customers.delete(id);
        for (const sub of fake.subscriptions.values()) {
          if (sub.customer !== id || sub.status === 'canceled') continue;
          const event = fake.makeEvent('customer.subscription.deleted', cancelNow(sub.id));
          setTimeout(() => fake.deliver(event).catch(() => undefined), 0);
        }
        return { id, object: 'customer', deleted: true };
      }
      case 'GET prices/:id':
        return find(prices, 'price', id);
      case 'GET products/:id':
        return find(new Map([[product.id, product]]), 'product', id);
      case 'POST checkout/sessions': {
        if (required(params, 'mode') !== 'subscription')
          throw new ApiError(400, 'The fake supports only mode=subscription.', { param: 'mode' });
        const customer = existingCustomer(params);
        const item = (Array.isArray(params.line_items) ? params.line_items[0] : {}) as Params;
        const price = prices.get(required(item, 'price', 'line_items[0][price]'));
        if (!price) throw noSuch('price', String(item.price), 400, 'line_items[0][price]');
        const subscriptionData = (
          typeof params.subscription_data === 'object' ? params.subscription_data : {}
        ) as Params;
        const session: FakeCheckoutSession = {
          ...base('cs_test', 'checkout.session'),
          status: 'open',
          payment_status: 'unpaid',
          url: null,
          mode: 'subscription',
          customer,
          client_reference_id: text(params, 'client_reference_id') ?? null,
          subscription: null,
          success_url: required(params, 'success_url'),
          cancel_url: required(params, 'cancel_url'),
          amount_total: price.unit_amount * Number(text(item, 'quantity') ?? 1),
          currency: price.currency,
          metadata: metadata(params.metadata),
          subscription_data: { ...subscriptionData, metadata: metadata(subscriptionData.metadata) },
        };
        session.url = `${fake.url}/checkout/${session.id}`;
        fake.checkoutSessions.set(session.id, session);
        sessionPrices.set(session.id, price);
        return session;
      }
      case 'GET checkout/sessions/:id':
        return find(fake.checkoutSessions, 'checkout.session', id);
      case 'GET checkout/sessions': {
        // Newest first, as Stripe lists.
        const status = text(params, 'status');
        const data = [...fake.checkoutSessions.values()]
          .reverse()
          .filter((s) => !params.customer || s.customer === params.customer)
          .filter((s) => !status || s.status === status);
        return list(data, '/v1/checkout/sessions');
      }
      case 'POST checkout/sessions/:id/expire': {
        const session = find(fake.checkoutSessions, 'checkout.session', id);
        if (session.status !== 'open')
          throw new ApiError(400, `Only Checkout Sessions with a status of 'open' can be expired.`, {
            code: 'checkout_session_not_open',
          });
        Object.assign(session, { status: 'expired', url: null } as const);
        const event = fake.makeEvent('checkout.session.expired', session);
        setTimeout(() => fake.deliver(event).catch(() => undefined), 0);
        return session;
      }
      case 'POST billing_portal/sessions': {
        const portal = { ...base('bps', 'billing_portal.session'), customer: existingCustomer(params) };
        const session: FakePortalSession = {
          ...portal,
          return_url: required(params, 'return_url'),
          url: `${fake.url}/portal/${portal.id}`,
        };
        fake.portalSessions.set(session.id, session);
        return session;
      }
      case 'GET subscriptions': {
        const status = text(params, 'status');
        const data = [...fake.subscriptions.values()]
          .reverse()
          .filter((s) => !params.customer || s.customer === params.customer)
          .filter((s) => status === 'all' || (status ? s.status === status : s.status !== 'canceled'));
        return list(data, '/v1/subscriptions');
      }
      case 'GET subscriptions/:id':
        return find(fake.subscriptions, 'subscription', id);
      case 'DELETE subscriptions/:id': {
        const details = params.cancellation_details;
        const sub = cancelNow(id, typeof details === 'object' && details !== null ? (details as Params) : {});
        const event = fake.makeEvent('customer.subscription.deleted', sub);
        setTimeout(() => fake.deliver(event).catch(() => undefined), 0); // failures land in fake.deliveries
        return sub;
      }
      case 'GET invoices/:id':
        return find(fake.invoices, 'invoice', id);
      case 'GET invoice_payments': {
        const invoice = text(params, 'invoice');
        const status = text(params, 'status');
        const data = [...fake.invoicePayments.values()]
          .reverse()
          .filter((p) => !invoice || p.invoice === invoice)
          .filter((p) => !status || p.status === status);
        return list(data, '/v1/invoice_payments');
      }
      case 'POST refunds': {
        const intent = required(params, 'payment_intent');
        const paid = [...fake.invoicePayments.values()].find((p) => p.payment.payment_intent === intent);
        if (!paid) throw noSuch('payment_intent', intent, 400, 'payment_intent');
        const refunded = [...fake.refunds.values()]
          .filter((r) => r.payment_intent === intent)
          .reduce((sum, r) => sum + r.amount, 0);
        const amount = Number(text(params, 'amount') ?? paid.amount_paid - refunded);
        if (refunded >= paid.amount_paid)
          throw new ApiError(400, `Charge for PaymentIntent ${intent} has already been refunded.`, {
            code: 'charge_already_refunded',
          });
        if (!(amount > 0 && amount <= paid.amount_paid - refunded))
          throw new ApiError(400, 'Refund amount is greater than the unrefunded amount.', { param: 'amount' });
        const refund: FakeRefund = {
          ...base('re', 'refund'),
          amount,
          currency: paid.currency,
          payment_intent: intent,
          reason: text(params, 'reason') ?? null,
          status: 'succeeded',
          metadata: metadata(params.metadata),
        };
        fake.refunds.set(refund.id, refund);
        return refund;
      }
      default:
        throw new ApiError(404, `Unrecognized request URL (${method}: ${path}).`);
    }
  }

  async function hosted(method: string, path: string): Promise<PageAnswer> {
    const [, kind, id = '', action] = path.match(/^\/(checkout|portal|invoice)\/([^/]+)(?:\/(pay|cancel))?$/) ?? [];
    const route = `${method} ${kind}${action ? `/${action}` : ''}`;
    if (kind === 'checkout') {
      const session = fake.checkoutSessions.get(id);
      const price = sessionPrices.get(id);
      if (!session || !price || !['GET checkout', 'POST checkout/pay'].includes(route)) return notFound;
      if (session.status !== 'open')
        return page(400, 'Checkout finished', `<p>This checkout session is ${escape(session.status)}.</p>`);
      if (route === 'POST checkout/pay') {
        await fake.completeCheckout(id);
        return { status: 303, location: session.success_url.replaceAll('{CHECKOUT_SESSION_ID}', id) };
      }
      const email = fake.customers.get(session.customer)?.email;
      return page(
        200,
        'Test checkout (local fake of Stripe)',
        `<p>Subscribe to <strong>${escape(product.name)}</strong>: ${escape(priceLabel(price))}</p>
${email ? `<p>Paying as ${escape(email)}</p>` : ''}
<form method="post" action="/checkout/${escape(id)}/pay"><button type="submit">Pay and subscribe</button></form>
<p><a href="${escape(session.cancel_url)}">Cancel</a></p>`,
      );
    }
    if (kind === 'portal') {
      const portal = fake.portalSessions.get(id);
      if (!portal || !['GET portal', 'POST portal/cancel'].includes(route)) return notFound;
      const sub = subscriptionOf(portal.customer);
      const item = sub?.items.data[0];
      if (route === 'POST portal/cancel') {
        if (!sub || sub.status === 'canceled') return page(400, 'Nothing to cancel', '<p>No live subscription.</p>');
        await fake.cancelSubscription(sub.id);
        return { status: 303, location: portal.return_url };
      }
      const details =
        sub && item
          ? `<dl><dt>Plan</dt><dd>${escape(product.name)}, ${escape(priceLabel(item.price))}</dd>
<dt>Status</dt><dd>${escape(sub.status)}${sub.cancel_at_period_end ? ' (cancels at period end)' : ''}</dd>
<dt>Current period ends</dt><dd>${escape(date(item.current_period_end))}</dd></dl>
${sub.status === 'canceled' ? '' : `<form method="post" action="/portal/${escape(id)}/cancel"><button type="submit">Cancel my subscription</button></form>`}`
          : '<p>No subscription.</p>';
      const back = `<p><a href="${escape(portal.return_url)}">Return to the site</a></p>`;
      return page(200, 'Test billing portal (local fake of Stripe)', `${details}\n${back}`);
    }
    const invoice = route === 'GET invoice' ? fake.invoices.get(id) : undefined;
    if (!invoice) return notFound;
    const due = money(invoice.amount_due, invoice.currency);
    return page(
      200,
      'Test invoice (local fake of Stripe)',
      `<p>${escape(due)} due, status ${escape(invoice.status)}.</p>`,
    );
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body = '';
    for await (const chunk of req) body += chunk;
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake');
    if (!url.pathname.startsWith('/v1/')) {
      const { status, html, location } = await hosted(method, url.pathname);
      res.writeHead(status, location ? { location } : { 'content-type': 'text/html; charset=utf-8' });
      return void res.end(html);
    }
    const params = parseForm(method === 'POST' ? body : url.search.slice(1));
    fake.requests.push({ method, path: url.pathname, body: params });
    const reply = ({ status, json }: { status: number; json: string }, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', 'request-id': newId('req'), ...headers });
      res.end(json);
    };
    if (failures > 0) {
      failures--;
      return reply({ status: 500, json: JSON.stringify({ error: { type: 'api_error', message: 'Fake outage' } }) });
    }
    if (req.headers.authorization !== `Bearer ${secretKey}`)
      return reply({ status: 401, json: JSON.stringify(new ApiError(401, 'Invalid API Key provided').body) });
    const key = method === 'POST' ? req.headers['idempotency-key'] : undefined;
    const replay = typeof key === 'string' ? idempotent.get(key) : undefined;
    if (replay) return reply(replay, { 'idempotent-replayed': 'true' });
    let answer: { status: number; json: string };
    try {
      answer = { status: 200, json: JSON.stringify(api(method, url.pathname, params), null, 2) };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      answer = { status: error.status, json: JSON.stringify(error.body, null, 2) };
    }
    if (typeof key === 'string') idempotent.set(key, answer);
    reply(answer);
  }

  let failures = 0;
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(`Fake Stripe failed: ${error instanceof Error ? error.message : String(error)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };

  const fake: FakeStripe = {
    url: `http://127.0.0.1:${port}`,
    secretKey,
    prices: { monthly: 'price_fake_monthly', yearly: 'price_fake_yearly' },
    webhookUrl: options.webhookUrl,
    requests: [],
    customers: new Map(),
    subscriptions: new Map(),
    checkoutSessions: new Map(),
    portalSessions: new Map(),
    invoices: new Map(),
    invoicePayments: new Map(),
    refunds: new Map(),
    events: [],
    deliveries: [],
    failNext(n) {
      failures = n;
    },

    async completeCheckout(sessionId, { deliver = true } = {}) {
      const session = find(fake.checkoutSessions, 'checkout.session', sessionId);
      const price = sessionPrices.get(sessionId);
      if (session.status !== 'open' || !price)
        throw new ApiError(400, `Checkout session ${sessionId} is ${session.status}.`);
      const start = now();
      const days = price.recurring.interval === 'year' ? 365 : 30;
      const item: FakeSubscriptionItem = {
        id: newId('si'),
        object: 'subscription_item',
        created: start,
        price: structuredClone(price),
        quantity: 1,
        current_period_start: start,
        current_period_end: start + days * DAY,
      };
      const sub: FakeSubscription = {
        ...base('sub', 'subscription'),
        customer: session.customer,
        status: 'active',
        cancel_at_period_end: false,
        canceled_at: null,
        ended_at: null,
        cancellation_details: { comment: null, feedback: null, reason: null },
        currency: price.currency,
        metadata: { ...session.subscription_data.metadata },
        latest_invoice: null,
        items: { object: 'list', data: [item] },
      };
      const invoice: FakeInvoice = {
        ...base('in', 'invoice'),
        status: 'paid',
        customer: session.customer,
        currency: price.currency,
        amount_due: session.amount_total,
        amount_paid: session.amount_total,
        hosted_invoice_url: '',
        parent: {
          type: 'subscription_details',
          subscription_details: { subscription: sub.id, metadata: sub.metadata },
        },
      };
      invoice.hosted_invoice_url = `${fake.url}/invoice/${invoice.id}`;
      const payment: FakeInvoicePayment = {
        ...base('inpay', 'invoice_payment'),
        invoice: invoice.id,
        status: 'paid',
        amount_paid: invoice.amount_paid,
        amount_requested: invoice.amount_due,
        currency: invoice.currency,
        is_default: true,
        payment: { type: 'payment_intent', payment_intent: newId('pi') },
      };
      fake.invoices.set(invoice.id, invoice);
      fake.invoicePayments.set(payment.id, payment);
      sub.latest_invoice = invoice.id;
      fake.subscriptions.set(sub.id, sub);
      Object.assign(session, { status: 'complete', payment_status: 'paid', subscription: sub.id, url: null } as const);
      const created = fake.makeEvent('customer.subscription.created', sub);
      const completed = fake.makeEvent('checkout.session.completed', session);
      if (deliver) for (const event of [created, completed]) await fake.deliver(event);
      return sub;
    },

    async updateSubscription(id, patch, { type = 'customer.subscription.updated', deliver = true } = {}) {
      const sub = find(fake.subscriptions, 'subscription', id);
      const before: Params = sub;
      const previous = Object.fromEntries(Object.keys(patch).map((k) => [k, structuredClone(before[k])]));
      Object.assign(sub, patch);
      const event = fake.makeEvent(type, sub);
      event.data.previous_attributes = previous;
      if (deliver) await fake.deliver(event);
      return event;
    },

    async failPayment(subscriptionId, { deliver = true } = {}) {
      const sub = find(fake.subscriptions, 'subscription', subscriptionId);
      const item = sub.items.data[0];
      const invoice: FakeInvoice = {
        ...base('in', 'invoice'),
        status: 'open',
        customer: sub.customer,
        currency: sub.currency,
        amount_due: (item?.price.unit_amount ?? 0) * (item?.quantity ?? 1),
        amount_paid: 0,
        hosted_invoice_url: '',
        parent: {
          type: 'subscription_details',
          subscription_details: { subscription: sub.id, metadata: sub.metadata },
        },
      };
      invoice.hosted_invoice_url = `${fake.url}/invoice/${invoice.id}`;
      fake.invoices.set(invoice.id, invoice);
      Object.assign(sub, { status: 'past_due', latest_invoice: invoice.id } as const);
      const event = fake.makeEvent('invoice.payment_failed', invoice);
      if (deliver) await fake.deliver(event);
      return event;
    },

    async cancelSubscription(subscriptionId, { deliver = true } = {}) {
      const event = fake.makeEvent('customer.subscription.deleted', cancelNow(subscriptionId));
      if (deliver) await fake.deliver(event);
      return event;
    },

    makeEvent(type, object) {
      const data = { object: structuredClone(object) as Params };
      const event: FakeEvent = { ...base('evt', 'event'), type, api_version: Stripe.API_VERSION, data };
      fake.events.push(event);
      return event;
    },

    async deliver(event) {
      if (!fake.webhookUrl) throw new Error('Fake Stripe: set webhookUrl before delivering events');
      const payload = payloads.get(event.id) ?? JSON.stringify(event, null, 2);
      payloads.set(event.id, payload);
      const signature = Stripe.webhooks.generateTestHeaderString({ payload, secret: options.webhookSecret });
      const record: FakeDelivery = { eventId: event.id, type: event.type, status: 0, body: '' };
      fake.deliveries.push(record);
      try {
        const response = await fetch(fake.webhookUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signature },
          body: payload,
        });
        Object.assign(record, { status: response.status, body: await response.text() });
        return { status: record.status, body: record.body };
      } catch (error) {
        record.body = String(error);
        throw error;
      }
    },

    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  return fake;
}
