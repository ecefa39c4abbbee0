/**
 * Payments as configured for this instance: the Stripe context when STRIPE_SECRET_KEY,
 * STRIPE_WEBHOOK_SECRET and at least one price id are set, otherwise null (payments off, and the
 * pricing page says so). Prices are read from Stripe for the pricing page and kept for ten minutes.
 * No astro: imports: the app context (src/lib/app/context.server.ts) builds it from the configuration.
 */
import type { Database } from '../../../db/connect.ts';
import type { AppConfig } from '../app/config.ts';
import { BILLING_INTERVALS, formatPrice, yearlySaving, type BillingInterval, type PriceAmount } from './billing-rules';
import { createStripeClient, type BillingContext } from './billing.server';

/** The Stripe context of this configuration, or null when payments are switched off. */
export function paymentsFor(config: AppConfig, db: Database): BillingContext | null {
  const { secretKey, webhookSecret, priceMonthly, priceYearly, apiUrl } = config.stripe;
  const prices: Partial<Record<BillingInterval, string>> = {
    ...(priceMonthly ? { month: priceMonthly } : {}),
    ...(priceYearly ? { year: priceYearly } : {}),
  };
  return secretKey && webhookSecret && Object.keys(prices).length > 0
    ? { db, stripe: createStripeClient(secretKey, apiUrl), siteUrl: config.siteUrl, webhookSecret, prices }
    : null;
}

/**
 * The Content-Security-Policy of pages whose forms send the browser on to Stripe (Checkout, the
 * customer portal): browsers apply form-action to the redirect a form's answer makes, so Stripe's
 * hosted pages are allowed there (and the API host, where a test fake serves its own pages).
 */
export function paymentFormsDirective(config: AppConfig): `form-action ${string}` {
  const { apiUrl } = config.stripe;
  return `form-action 'self' https://checkout.stripe.com https://billing.stripe.com${apiUrl ? ` ${new URL(apiUrl).origin}` : ''}`;
}

export interface Plan {
  interval: BillingInterval;
  /** "$19 a month", or undefined when Stripe could not be asked (Checkout shows the amount). */
  label: string | undefined;
  /** The yearly plan's "save $38 against paying monthly", when it is cheaper than twelve months. */
  saving?: string | undefined;
}

const FRESH_MS = 10 * 60_000;
const RETRY_MS = 60_000;
let cached: { plans: Plan[]; until: number } | undefined;

/** The plans on offer, with their prices as Stripe has them. */
export async function coachingPlans(payments: BillingContext | null, now = Date.now()): Promise<Plan[]> {
  if (!payments) return [];
  if (cached && cached.until > now) return cached.plans;
  let complete = true;
  const amounts: Partial<Record<BillingInterval, PriceAmount>> = {};
  const plans = await Promise.all(
    BILLING_INTERVALS.filter((interval) => payments.prices[interval]).map(async (interval): Promise<Plan> => {
      try {
        const price = await (await payments.stripe()).prices.retrieve(payments.prices[interval]!);
        if (price.unit_amount === null) return { interval, label: undefined };
        amounts[interval] = { unitAmount: price.unit_amount, currency: price.currency };
        return { interval, label: formatPrice(price.unit_amount, price.currency, interval) };
      } catch (error) {
        console.error(`could not read the ${interval}ly price from Stripe`, error);
        complete = false;
        return { interval, label: undefined };
      }
    }),
  );
  const saving = yearlySaving(amounts.month, amounts.year);
  for (const plan of plans) if (plan.interval === 'year' && saving) plan.saving = saving;
  cached = { plans, until: now + (complete ? FRESH_MS : RETRY_MS) };
  return plans;
}
