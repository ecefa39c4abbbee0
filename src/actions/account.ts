import { ActionError, defineAction } from 'astro:actions';
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema';
import { changePasswordSchema, deleteAccountSchema, profileSchema, sessionIdSchema } from '../lib/auth/auth-form';
import { deleteAccountData } from '../lib/data/account-data.server';
import { changePassword, verifyPassword } from '../lib/auth/accounts.server';
import { deleteCustomerOf } from '../lib/coaching/billing.server';
import { endSession, enforceRateLimit, requireActionUser } from '../lib/auth/guards.server';
import { invalidateSession, invalidateUserSessions } from '../lib/auth/session.server';
import { replanAll } from '../lib/tracker/tracker.server';
import { and } from 'drizzle-orm';
import { sessions } from '../../db/schema';

/**
 * Checking a password costs an Argon2 hash, and a wrong guess must not be free to repeat: someone
 * at an unlocked computer could otherwise try passwords to take the account over.
 */
export const PASSWORD_CHECKS_PER_MEMBER = { name: 'password:member', limit: 8, windowMs: 15 * 60_000 };
/** A new time zone replans every tracker entry of the member. */
export const PROFILE_SAVES_PER_MEMBER = { name: 'profile:member', limit: 30, windowMs: 3_600_000 };

export const account = {
  updateProfile: defineAction({
    accept: 'form',
    input: profileSchema,
    handler: async (input, context) => {
      const { db } = context.locals.app;
      const { user } = requireActionUser(context);
      await enforceRateLimit(db, PROFILE_SAVES_PER_MEMBER, user.id, 'profile changes in an hour');
      await db
        .update(users)
        .set({ ...input, updatedAt: new Date() })
        .where(eq(users.id, user.id));
      // Working days and due times are counted in the member's zone: a new zone moves them.
      if (input.timeZone !== user.timeZone) await replanAll(db, { id: user.id, timeZone: input.timeZone });
      return { saved: 'profile' as const };
    },
  }),

  changePassword: defineAction({
    accept: 'form',
    input: changePasswordSchema,
    handler: async (input, context) => {
      const { db } = context.locals.app;
      const { user, session } = requireActionUser(context);
      await enforceRateLimit(db, PASSWORD_CHECKS_PER_MEMBER, user.id, 'password attempts');
      const result = await changePassword(context.locals.app, user, session.id, input.current, input.password);
      if (result === 'wrong-password')
        throw new ActionError({
          code: 'BAD_REQUEST',
          message: 'Your current password is not right. Nothing was changed.',
        });
      return { saved: 'password' as const };
    },
  }),

  revokeSession: defineAction({
    accept: 'form',
    input: sessionIdSchema,
    handler: async (input, context) => {
      const { db } = context.locals.app;
      const { user, session } = requireActionUser(context);
      // Only the member's own sessions: another member's id matches nothing.
      const [target] = await db
        .select()
        .from(sessions)
        .where(and(eq(sessions.id, input.sessionId), eq(sessions.userId, user.id)))
        .limit(1);
      if (!target) throw new ActionError({ code: 'NOT_FOUND', message: 'That session has already ended.' });
      await invalidateSession(db, target.id);
      if (target.id === session.id) endSession(context);
      return { saved: 'sessions' as const };
    },
  }),

  revokeOtherSessions: defineAction({
    accept: 'form',
    handler: async (_input, context) => {
      const { db } = context.locals.app;
      const { user, session } = requireActionUser(context);
      await invalidateUserSessions(db, user.id, session.id);
      return { saved: 'sessions' as const };
    },
  }),

  deleteAccount: defineAction({
    accept: 'form',
    input: deleteAccountSchema,
    handler: async (input, context) => {
      const { db, payments } = context.locals.app;
      const { user } = requireActionUser(context);
      await enforceRateLimit(db, PASSWORD_CHECKS_PER_MEMBER, user.id, 'password attempts');
      if (!(await verifyPassword(user, input.password)))
        throw new ActionError({
          code: 'BAD_REQUEST',
          message: 'That password is not right. Your account was not deleted.',
        });
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
    },
  }),
};
