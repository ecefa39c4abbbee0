/**
 * Coach review of drafts. Members with Coaching send a draft and may withdraw it while it waits;
 * the coach answers. Members without Coaching, and anyone but the coach answering, are refused.
 */
import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { checkbox, multiLineText, singleLineText } from '../lib/forms/fields';
import { refuseUnfilledPlaceholders } from '../lib/tracker/drafts';
import { hasCoaching } from '../lib/coaching/entitlements.server';
import { enforceRateLimit, requireActionCoach, requireActionUser } from '../lib/auth/guards.server';
import { answerReview, requestReview, withdrawReview } from '../lib/coaching/reviews.server';
import { REVIEW_LIMITS } from '../lib/coaching/review-rules';
import { Refusal } from '../lib/app/refusal';
import { handleRefusals } from '../lib/forms/action-errors';

const REQUESTS_PER_MEMBER = { name: 'review:member', limit: 30, windowMs: 86_400_000 };

const id = (what: string) =>
  singleLineText({ max: 64, missing: `Missing ${what}.`, tooLong: `That ${what} does not exist.` });
/** A subject is one line; a message, a note and a comment may have several. */
const text = (label: string, max: number, { required = true, oneLine = false } = {}) =>
  (oneLine ? singleLineText : multiLineText)({
    max,
    tooLong: `${label} is too long (at most ${max.toLocaleString('en-US')} characters).`,
    ...(required ? { missing: `${label} is missing.` } : {}),
  });

export const reviews = {
  request: defineAction({
    accept: 'form',
    input: z.object({
      opportunityId: id('entry'),
      step: id('step'),
      subject: text('The subject', REVIEW_LIMITS.subject, { oneLine: true }),
      body: text('The message', REVIEW_LIMITS.body),
      note: text('Your note', REVIEW_LIMITS.note, { required: false }).nullish(),
      keepPlaceholders: checkbox(),
    }),
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      const { user } = requireActionUser(context);
      if (!(await hasCoaching(db, user))) {
        throw new Refusal(
          'forbidden',
          'coaching-only',
          'Coach review is part of Coaching. See the plans on the pricing page to add it.',
        );
      }
      refuseUnfilledPlaceholders(input, input.keepPlaceholders);
      await enforceRateLimit(db, REQUESTS_PER_MEMBER, user.id, 'review requests today');
      return requestReview(db, user, { ...input, note: input.note ?? '' });
    }),
  }),

  withdraw: defineAction({
    accept: 'form',
    input: z.object({ id: id('review') }),
    handler: handleRefusals(async ({ id }, context) => {
      const { db } = context.locals.app;
      const { user } = requireActionUser(context);
      await withdrawReview(db, user, id);
      return { withdrawn: true };
    }),
  }),

  answer: defineAction({
    accept: 'form',
    input: z.object({
      id: id('review'),
      version: z.coerce
        .number({ error: 'Reload the review and answer again.' })
        .int('Reload the review and answer again.')
        .nonnegative('Reload the review and answer again.'),
      subject: text('The subject', REVIEW_LIMITS.subject, { oneLine: true }),
      body: text('The message', REVIEW_LIMITS.body),
      comment: text('Your comment', REVIEW_LIMITS.comment),
    }),
    handler: handleRefusals(async ({ id, ...answer }, context) => {
      const { db, siteUrl } = context.locals.app;
      const { user } = requireActionCoach(context);
      await answerReview(db, user, id, answer, siteUrl);
      return { answered: true };
    }),
  }),
};
