/**
 * The coach's changes to members' accounts, from a member's page, and the deletion of a lead from
 * the leads page. Coach only: anyone else gets
 * NOT_FOUND, as if nothing were here. A coach cannot remove their own role, so the site always
 * keeps at least one coach and nobody locks themselves out by a slip of the mouse.
 */
import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { singleLineText } from '../lib/forms/fields';
import { MEMBER_ROLES, setMemberRole } from '../lib/coach/members.server';
import { requireActionCoach } from '../lib/auth/guards.server';
import { deleteLead } from '../lib/leads/leads.server';
import { Refusal } from '../lib/app/refusal';
import { handleRefusals } from '../lib/forms/action-errors';

export const coach = {
  setRole: defineAction({
    accept: 'form',
    input: z.object({
      userId: singleLineText({ max: 64, missing: 'Choose a member first.', tooLong: 'Choose a member first.' }),
      role: z.enum(MEMBER_ROLES, { error: 'Choose member or coach as the role.' }),
    }),
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      const { user: self } = requireActionCoach(context);
      if (input.userId === self.id && input.role !== 'coach')
        throw new Refusal('bad-input', 'own-coach-role', 'You cannot remove your own coach role: ask another coach.');
      await setMemberRole(db, input.userId, input.role);
      return { userId: input.userId, role: input.role };
    }),
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
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      requireActionCoach(context);
      const deleted = await deleteLead(db, input.leadId);
      return { becameMember: deleted.userId !== null };
    }),
  }),
};
