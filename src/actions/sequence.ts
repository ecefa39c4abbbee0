/**
 * The coach's changes to the cheat-sheet sequence, from /coach/email/sequence and each step's
 * page: its words, its day, who gets it, its place, and pausing it. Coach only: anyone else gets
 * NOT_FOUND, as if nothing were here. A refused change writes nothing and says why beside the field.
 */
import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { requireActionCoach } from '../lib/auth/guards.server';
import { handleRefusals, throwFieldErrors } from '../lib/forms/action-errors';
import { checkbox, multiLineText, singleLineText } from '../lib/forms/fields';
import { MAX_EMAIL_MARKDOWN_LENGTH } from '../lib/marketing/markdown-email';
import { MAX_DELAY_DAYS } from '../lib/marketing/sequence';
import {
  addStep,
  MAX_PREVIEW_LENGTH,
  MAX_SUBJECT_LENGTH,
  moveStep,
  saveStep,
  setPaused,
  stepProblems,
} from '../lib/marketing/sequence.server';

const stepId = () =>
  singleLineText({ max: 64, missing: 'Choose a step first.', tooLong: 'There is no such step in the sequence.' });

const DELAY_MESSAGE = `Use a whole number of days from 0 to ${MAX_DELAY_DAYS}.`;

export const sequence = {
  save: defineAction({
    accept: 'form',
    input: z.object({
      id: stepId(),
      subject: singleLineText({
        max: MAX_SUBJECT_LENGTH,
        missing: 'Write a subject: it is what the inbox shows first.',
        tooLong: `Keep the subject under ${MAX_SUBJECT_LENGTH} characters.`,
      }),
      preview: singleLineText({
        max: MAX_PREVIEW_LENGTH,
        tooLong: `Keep the preview line under ${MAX_PREVIEW_LENGTH} characters.`,
      }).optional(),
      delayDays: z
        .string({ error: DELAY_MESSAGE })
        .trim()
        .regex(/^\d{1,3}$/, DELAY_MESSAGE)
        .transform(Number)
        .refine((days) => days <= MAX_DELAY_DAYS, DELAY_MESSAGE),
      bodyMarkdown: multiLineText({
        max: MAX_EMAIL_MARKDOWN_LENGTH,
        missing: 'Write the email before saving it.',
        tooLong: `Keep the email under ${MAX_EMAIL_MARKDOWN_LENGTH.toLocaleString('en')} characters.`,
      }),
      forMembers: checkbox(),
    }),
    handler: handleRefusals(async (input, context) => {
      const app = context.locals.app;
      requireActionCoach(context);
      const step = { ...input, preview: input.preview ?? '' };
      throwFieldErrors(stepProblems(step, app.siteUrl));
      const saved = await saveStep(app, input.id, step);
      return { id: saved.id, version: saved.version };
    }),
  }),

  add: defineAction({
    accept: 'form',
    input: z.object({}),
    handler: handleRefusals(async (_input, context) => {
      requireActionCoach(context);
      const step = await addStep(context.locals.app);
      return { id: step.id };
    }),
  }),

  move: defineAction({
    accept: 'form',
    input: z.object({
      id: stepId(),
      direction: z.enum(['up', 'down'], { error: 'Choose up or down.' }),
    }),
    handler: handleRefusals(async (input, context) => {
      requireActionCoach(context);
      await moveStep(context.locals.app, input.id, input.direction);
      return { id: input.id };
    }),
  }),

  pause: defineAction({
    accept: 'form',
    input: z.object({
      id: stepId(),
      paused: z.enum(['true', 'false'], { error: 'Choose pause or resume.' }).transform((value) => value === 'true'),
    }),
    handler: handleRefusals(async (input, context) => {
      requireActionCoach(context);
      await setPaused(context.locals.app, input.id, input.paused);
      return { id: input.id, paused: input.paused };
    }),
  }),
};
