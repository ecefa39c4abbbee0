/**
 * Billing mutations: start Checkout, open the customer portal, and the coach's choice of which
 * extras are Coaching-only. Each answers with where to send the browser; the page redirects.
 */
import { ActionError, defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { BILLING_INTERVALS } from '../lib/coaching/billing-rules';
import { BillingRefusal, openPortal, startCheckout, type BillingContext } from '../lib/coaching/billing.server';
import { setCoachingLimits } from '../lib/coaching/entitlements.server';
import { enforceRateLimit, requireActionUser } from '../lib/auth/guards.server';

const CHECKOUTS_PER_MEMBER = { name: 'billing:member', limit: 20, windowMs: 3_600_000 };

function requirePayments(payments: BillingContext | null): BillingContext {
  if (!payments) {
    throw new ActionError({
      code: 'SERVICE_UNAVAILABLE',
      message: 'Payments are switched off on this site, so Coaching cannot be bought here yet.',
    });
  }
  return payments;
}

/** Stripe being unreachable is said plainly, never shown as a crash. */
async function callingStripe<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BillingRefusal) throw new ActionError({ code: 'CONFLICT', message: error.message });
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
      interval: z.enum(BILLING_INTERVALS as ['month', 'year'], { error: 'Choose monthly or yearly.' }),
    }),
    handler: async ({ interval }, context) => {
      const { db } = context.locals.app;
      const { user } = requireActionUser(context);
      const ctx = requirePayments(context.locals.app.payments);
      await enforceRateLimit(db, CHECKOUTS_PER_MEMBER, user.id, 'checkout attempts');
      return { url: await callingStripe(() => startCheckout(ctx, user, interval)) };
    },
  }),

  portal: defineAction({
    accept: 'form',
    handler: async (_input, context) => {
      const { db } = context.locals.app;
      const { user } = requireActionUser(context);
      const ctx = requirePayments(context.locals.app.payments);
      await enforceRateLimit(db, CHECKOUTS_PER_MEMBER, user.id, 'billing requests');
      return { url: await callingStripe(() => openPortal(ctx, user)) };
    },
  }),

  setLimits: defineAction({
    accept: 'form',
    input: z.object({
      reminders: z.literal('on').nullish(),
      calendar: z.literal('on').nullish(),
    }),
    handler: async (input, context) => {
      const { db } = context.locals.app;
      const { user } = requireActionUser(context);
      if (user.role !== 'coach') throw new ActionError({ code: 'NOT_FOUND', message: 'Not found.' });
      await setCoachingLimits(db, { reminders: input.reminders === 'on', calendar: input.calendar === 'on' });
      return { saved: true };
    },
  }),
};
