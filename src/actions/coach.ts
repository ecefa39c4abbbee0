/**
 * The coach's changes to members' accounts, from a member's page, and the deletion of a lead from
 * the leads page. Coach only: anyone else gets
 * NOT_FOUND, as if nothing were here. A coach cannot remove their own role, so the site always
 * keeps at least one coach and nobody locks themselves out by a slip of the mouse.
 */
import { ActionError, defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { singleLineText } from '../lib/forms/fields';
import { MEMBER_ROLES, setMemberRole } from '../lib/coach/members.server';
import { requireActionUser } from '../lib/auth/guards.server';
import { deleteLead } from '../lib/leads/leads.server';
import type { User } from '../lib/auth/session.server';

function requireCoachUser(context: Parameters<typeof requireActionUser>[0]): User {
  const { user } = requireActionUser(context);
  if (user.role !== 'coach') throw new ActionError({ code: 'NOT_FOUND', message: 'Not found.' });
  return user;
}

export const coach = {
  setRole: defineAction({
    accept: 'form',
    input: z.object({
      userId: singleLineText({ max: 64, missing: 'Choose a member first.', tooLong: 'Choose a member first.' }),
      role: z.enum(MEMBER_ROLES, { error: 'Choose member or coach as the role.' }),
    }),
    handler: async (input, context) => {
      const { db } = context.locals.app;
      const self = requireCoachUser(context);
      if (input.userId === self.id && input.role !== 'coach')
        throw new ActionError({
          code: 'BAD_REQUEST',
          message: 'You cannot remove your own coach role: ask another coach.',
        });
      if (!(await setMemberRole(db, input.userId, input.role)))
        throw new ActionError({ code: 'NOT_FOUND', message: 'There is no member with that id.' });
      return { userId: input.userId, role: input.role };
    },
  }),

  deleteLead: defineAction({
    accept: 'form',
    input: z.object({
      leadId: singleLineText({
        max: 64,
        missing: 'Choose a lead to delete first.',
        tooLong: 'There is no lead with that id.',
      }),
    }),
    handler: async (input, context) => {
      const { db } = context.locals.app;
      requireCoachUser(context);
      const deleted = await deleteLead(db, input.leadId);
      if (!deleted)
        throw new ActionError({
          code: 'NOT_FOUND',
          message: 'There is no lead with that id: it may have been deleted already. Nothing was changed.',
        });
      return { becameMember: deleted.userId !== null };
    },
  }),
};
