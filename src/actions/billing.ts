/**
 * Billing mutations: start Checkout, open the customer portal, and the coach's choice of which
 * extras are Coaching-only. Each answers with where to send the browser; the page redirects.
 */
import { ActionError, defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { BILLING_INTERVALS } from '../lib/coaching/billing-rules';
import { openPortal, startCheckout, type BillingContext } from '../lib/coaching/billing.server';
import { Refusal } from '../lib/app/refusal';
import { handleRefusals } from '../lib/forms/action-errors';
import { setCoachingLimits } from '../lib/coaching/entitlements.server';
import { enforceRateLimit, requireActionCoach, requireActionUser } from '../lib/auth/guards.server';

const CHECKOUTS_PER_MEMBER = { name: 'billing:member', limit: 20, windowMs: 3_600_000 };

function requirePayments(payments: BillingContext | null): BillingContext {
  if (!payments) {
    throw new Refusal(
      'unavailable',
      'payments-off',
      'Payments are switched off on this site, so Coaching cannot be bought here yet.',
    );
  }
  return payments;
}

/** Stripe being unreachable is said plainly, never shown as a crash; our own refusals go on as they are. */
async function callingStripe<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof Refusal) throw error;
    console.error('stripe request failed', error);
    throw new ActionError({
      code: 'BAD_GATEWAY',
      message: 'We could not reach our payment provider. Nothing was charged; please try again in a minute.',
    });
  }
}

export const billing = {
  checkout: defineAction({
    accept: 'form',
    input: z.object({
      interval: z.enum(BILLING_INTERVALS, { error: 'Choose monthly or yearly.' }),
    }),
    handler: handleRefusals(async ({ interval }, context) => {
      const { db } = context.locals.app;
      const { user } = requireActionUser(context);
      const ctx = requirePayments(context.locals.app.payments);
      await enforceRateLimit(db, CHECKOUTS_PER_MEMBER, user.id, 'checkout attempts');
      return { url: await callingStripe(() => startCheckout(ctx, user, interval)) };
    }),
  }),

  portal: defineAction({
    accept: 'form',
    handler: handleRefusals(async (_input, context) => {
      const { db } = context.locals.app;
      const { user } = requireActionUser(context);
      const ctx = requirePayments(context.locals.app.payments);
      await enforceRateLimit(db, CHECKOUTS_PER_MEMBER, user.id, 'billing requests');
      return { url: await callingStripe(() => openPortal(ctx, user)) };
    }),
  }),

  setLimits: defineAction({
    accept: 'form',
    input: z.object({
      reminders: z.literal('on').nullish(),
      calendar: z.literal('on').nullish(),
    }),
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      requireActionCoach(context);
      await setCoachingLimits(db, { reminders: input.reminders === 'on', calendar: input.calendar === 'on' });
      return { saved: true };
    }),
  }),
};
