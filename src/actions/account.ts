import { ActionError, defineAction } from 'astro:actions';
import { Refusal } from '../lib/app/refusal';
import { handleRefusals } from '../lib/forms/action-errors';
import { changePasswordSchema, deleteAccountSchema, profileSchema, sessionIdSchema } from '../lib/auth/auth-form';
import { deleteAccountData } from '../lib/data/account-data.server';
import { changePassword, updateProfile, verifyPassword } from '../lib/auth/accounts.server';
import { deleteCustomerOf } from '../lib/coaching/billing.server';
import { endSession, enforceRateLimit, requireActionUser } from '../lib/auth/guards.server';
import { findUserSession, invalidateSession, invalidateUserSessions } from '../lib/auth/session.server';
import { replanAll } from '../lib/tracker/entries.server';
import { resolveHolidayPlace } from '../lib/time/holidays.server';

/**
 * Checking a password costs an Argon2 hash, and a wrong guess must not be free to repeat: someone
 * at an unlocked computer could otherwise try passwords to take the account over.
 */
export const PASSWORD_CHECKS_PER_MEMBER = { name: 'password:member', limit: 8, windowMs: 15 * 60_000 };
/** A new time zone, country or region replans every tracker entry of the member. */
export const PROFILE_SAVES_PER_MEMBER = { name: 'profile:member', limit: 30, windowMs: 3_600_000 };

export const account = {
  updateProfile: defineAction({
    accept: 'form',
    input: profileSchema,
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      const { user } = requireActionUser(context);
      await enforceRateLimit(db, PROFILE_SAVES_PER_MEMBER, user.id, 'profile changes in an hour');
      const place = await resolveHolidayPlace(input, user);
      await updateProfile(db, user.id, { ...input, ...place });
      // Working days and due times are counted in the member's zone, less its country's (and
      // region's) public holidays: a new zone or place moves them.
      const moved = input.timeZone !== user.timeZone || place.country !== user.country || place.region !== user.region;
      if (moved) await replanAll(db, { id: user.id, timeZone: input.timeZone, ...place });
      // The page this form posts to renders in the same request: it shows the member as saved,
      // not as the session found them before the save.
      context.locals.user = { ...user, ...input, ...place };
      return { saved: 'profile' as const };
    }),
  }),

  changePassword: defineAction({
    accept: 'form',
    input: changePasswordSchema,
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      const { user, session } = requireActionUser(context);
      await enforceRateLimit(db, PASSWORD_CHECKS_PER_MEMBER, user.id, 'password attempts');
      await changePassword(context.locals.app, user, session.id, input.current, input.password);
      return { saved: 'password' as const };
    }),
  }),

  revokeSession: defineAction({
    accept: 'form',
    input: sessionIdSchema,
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      const { user, session } = requireActionUser(context);
      // Only the member's own sessions: another member's id matches nothing.
      const target = await findUserSession(db, user.id, input.sessionId);
      if (!target) throw new Refusal('not-found', 'session-ended', 'That session has already ended.');
      await invalidateSession(db, target.id);
      if (target.id === session.id) endSession(context);
      return { saved: 'sessions' as const };
    }),
  }),

  revokeOtherSessions: defineAction({
    accept: 'form',
    handler: handleRefusals(async (_input, context) => {
      const { db } = context.locals.app;
      const { user, session } = requireActionUser(context);
      await invalidateUserSessions(db, user.id, session.id);
      return { saved: 'sessions' as const };
    }),
  }),

  deleteAccount: defineAction({
    accept: 'form',
    input: deleteAccountSchema,
    handler: handleRefusals(async (input, context) => {
      const { db, payments } = context.locals.app;
      const { user } = requireActionUser(context);
      await enforceRateLimit(db, PASSWORD_CHECKS_PER_MEMBER, user.id, 'password attempts');
      if (!(await verifyPassword(user, input.password)))
        throw new Refusal('bad-input', 'wrong-password', 'That password is not right. Your account was not deleted.');
      if (payments) {
        // Nobody is billed for an account that no longer exists.
        try {
          await deleteCustomerOf(payments, user.id);
        } catch (error) {
          console.error('could not cancel subscriptions before deleting an account', error);
          throw new ActionError({
            code: 'BAD_GATEWAY',
            message:
              'We could not reach our payment provider to cancel your Coaching membership, so your account was not deleted. Please try again in a minute.',
          });
        }
      }
      await deleteAccountData(db, user);
      endSession(context);
      return { deleted: true as const };
    }),
  }),
};
