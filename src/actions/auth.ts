import { defineAction } from 'astro:actions';
import { handleRefusals } from '../lib/forms/action-errors';
import { emailOnlySchema, resetSchema, signInSchema, signUpSchema } from '../lib/auth/auth-form';
import { requestLoginLink, requestPasswordReset, resetPassword, signIn, signUp } from '../lib/auth/accounts.server';
import {
  endSession,
  enforceAddressLimits,
  enforceRateLimit,
  startSession,
  type AddressLimits,
} from '../lib/auth/guards.server';
import { clientIp } from '../lib/http/request.server';
import { utmFrom } from '../lib/leads/lead-form';
import { isCampaign } from '../lib/marketing/campaigns';
import { invalidateSession } from '../lib/auth/session.server';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const AUTH_LIMITS = {
  signUpIp: { name: 'signup:ip', limit: 5, windowMs: HOUR },
  signInIp: { name: 'signin:ip', limit: 20, windowMs: 15 * MINUTE },
  linkIp: { name: 'link:ip', limit: 10, windowMs: HOUR },
  resetIp: { name: 'reset:ip', limit: 10, windowMs: HOUR },
};

/**
 * Limits on one address, per network and across networks (see `enforceAddressLimits`): failed
 * passwords (a right one is forgiven), and account emails (every request, known address or not,
 * so that a refusal says nothing about whether the address has an account).
 */
export const ADDRESS_LIMITS = {
  signInFailures: {
    perNetwork: { name: 'signin-failures:address-network', limit: 8, windowMs: 15 * MINUTE },
    acrossNetworks: { name: 'signin-failures:address', limit: 50, windowMs: 15 * MINUTE },
  },
  accountEmails: {
    perNetwork: { name: 'account-emails:address-network', limit: 3, windowMs: HOUR },
    acrossNetworks: { name: 'account-emails:address', limit: 10, windowMs: HOUR },
  },
} satisfies Record<string, AddressLimits>;

const userAgent = (request: Request) => request.headers.get('user-agent') ?? '';

export const auth = {
  signup: defineAction({
    accept: 'form',
    input: signUpSchema,
    handler: handleRefusals(async (input, context) => {
      const { app } = context.locals;
      const network = clientIp(context);
      await enforceRateLimit(app.db, AUTH_LIMITS.signUpIp, network, 'sign-ups from your network');
      await enforceAddressLimits(app.db, ADDRESS_LIMITS.accountEmails, input.email, network, 'emails to this address');
      // A sign-up on the page an email's link opened is credited to that email (no cookie: a
      // visitor who wanders off first is not). The form carries the page's campaign; the Referer
      // stands in for a form rendered without it.
      const fromReferer = utmFrom(context.request.headers.get('referer')).utmCampaign;
      const campaign = input.campaign ?? (isCampaign(fromReferer) ? fromReferer : undefined);
      await signUp(app, { ...input, campaign });
      return { ok: true as const };
    }),
  }),

  login: defineAction({
    accept: 'form',
    input: signInSchema,
    handler: handleRefusals(async (input, context) => {
      const { app } = context.locals;
      const network = clientIp(context);
      await enforceRateLimit(app.db, AUTH_LIMITS.signInIp, network, 'sign-in attempts from your network');
      const attempt = await enforceAddressLimits(
        app.db,
        ADDRESS_LIMITS.signInFailures,
        input.email,
        network,
        'sign-in attempts for this address',
      );
      const result = await signIn(app, input.email, input.password, userAgent(context.request));
      await attempt.forgive();
      startSession(context, result.token, result.session.expiresAt);
      return { ok: true as const };
    }),
  }),

  logout: defineAction({
    accept: 'form',
    handler: handleRefusals(async (_input, context) => {
      const { app } = context.locals;
      if (context.locals.session) await invalidateSession(app.db, context.locals.session.id);
      endSession(context);
      return { ok: true as const };
    }),
  }),

  forgotPassword: defineAction({
    accept: 'form',
    input: emailOnlySchema,
    handler: handleRefusals(async (input, context) => {
      const { app } = context.locals;
      const network = clientIp(context);
      await enforceRateLimit(app.db, AUTH_LIMITS.resetIp, network, 'reset requests from your network');
      await enforceAddressLimits(app.db, ADDRESS_LIMITS.accountEmails, input.email, network, 'emails to this address');
      await requestPasswordReset(app, input.email);
      return { ok: true as const };
    }),
  }),

  loginLink: defineAction({
    accept: 'form',
    input: emailOnlySchema,
    handler: handleRefusals(async (input, context) => {
      const { app } = context.locals;
      const network = clientIp(context);
      await enforceRateLimit(app.db, AUTH_LIMITS.linkIp, network, 'sign-in link requests from your network');
      await enforceAddressLimits(app.db, ADDRESS_LIMITS.accountEmails, input.email, network, 'emails to this address');
      await requestLoginLink(app, input.email);
      return { ok: true as const };
    }),
  }),

  resetPassword: defineAction({
    accept: 'form',
    input: resetSchema,
    handler: handleRefusals(async (input, context) => {
      const { app } = context.locals;
      await enforceRateLimit(app.db, AUTH_LIMITS.resetIp, clientIp(context), 'reset attempts from your network');
      const result = await resetPassword(app, input.token, input.password, userAgent(context.request));
      startSession(context, result.token, result.session.expiresAt);
      return { ok: true as const };
    }),
  }),
};
