/**
 * The coach's newsletters: drafts, a test to the coach's own inbox, scheduling (in the coach's time
 * zone), sending now, unscheduling, a draft announcing a new article, and the sender's postal
 * address and footer. Coach only: anyone else gets NOT_FOUND. The editor's buttons all post the
 * whole form, so nothing typed is lost whichever is pressed; a refusal lists every problem beside
 * its field and writes nothing.
 */
import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { multiLineText, singleLineText } from '../lib/forms/fields';
import { requireActionCoach } from '../lib/auth/guards.server';
import { Refusal } from '../lib/app/refusal';
import { handleRefusals, throwFieldErrors } from '../lib/forms/action-errors';
import { audienceFromFields, type Audience } from '../lib/marketing/audience';
import { countAudience } from '../lib/marketing/audience.server';
import {
  BroadcastProblems,
  coachTimeZone,
  draftAnnouncement,
  announcementOf,
  MAX_PREVIEW_LENGTH,
  MAX_SUBJECT_LENGTH,
  previewBroadcast,
  saveDraft,
  scheduleBroadcast,
  sendTest,
  unscheduleBroadcast,
  announcementOffers,
  type BroadcastContent,
} from '../lib/marketing/broadcasts.server';
import { markdownProblems, MAX_EMAIL_MARKDOWN_LENGTH } from '../lib/marketing/markdown-email';
import { MAX_FOOTER_NOTE_LENGTH, MAX_POSTAL_ADDRESS_LENGTH, setSenderSettings } from '../lib/marketing/sender.server';
import { getPublishedCards } from '../lib/articles/collection.server';

const idField = singleLineText({ max: 64, missing: 'Choose an email first.', tooLong: 'There is no such email.' });

/** The editor's fields, as every button of its form sends them. */
const editorFields = {
  id: singleLineText({ max: 64, tooLong: 'There is no such email.' }).optional(),
  subject: singleLineText({
    max: MAX_SUBJECT_LENGTH,
    tooLong: `Keep the subject under ${MAX_SUBJECT_LENGTH} characters.`,
  }).optional(),
  preview: singleLineText({
    max: MAX_PREVIEW_LENGTH,
    tooLong: `Keep the preview line under ${MAX_PREVIEW_LENGTH} characters.`,
  }).optional(),
  body: multiLineText({
    max: MAX_EMAIL_MARKDOWN_LENGTH,
    trim: false,
    tooLong: `Keep the email under ${MAX_EMAIL_MARKDOWN_LENGTH.toLocaleString('en')} characters.`,
  }).optional(),
  audienceKind: singleLineText({ max: 20, tooLong: 'Choose who gets this email.' }).optional(),
  audienceArticle: singleLineText({ max: 120, tooLong: 'Choose an article from the list.' }).optional(),
  audienceTag: singleLineText({ max: 80, tooLong: 'Choose a tag from the list.' }).optional(),
  audienceFrom: singleLineText({ max: 20, tooLong: 'Use a real date, like 2026-12-03.' }).optional(),
  audienceTo: singleLineText({ max: 20, tooLong: 'Use a real date, like 2026-12-03.' }).optional(),
};
const editorInput = z.object(editorFields);
type EditorInput = z.infer<typeof editorInput>;

/** The form as a broadcast's content, or the field messages. */
function contentOf(input: EditorInput): BroadcastContent {
  const audience = audienceFromFields(input);
  if (!audience.ok) throwFieldErrors(audience.problems);
  return {
    subject: input.subject ?? '',
    preview: input.preview ?? '',
    bodyMarkdown: (input.body ?? '').replace(/\r\n?/g, '\n'),
    audience: (audience as { audience: Audience }).audience,
  };
}

/** The articles carrying an audience's tag, from the content collection. */
async function tagArticles(audience: Audience): Promise<string[] | undefined> {
  if (!audience.tag) return undefined;
  const cards = await getPublishedCards();
  return cards.filter((card) => card.tags.includes(audience.tag!)).map((card) => card.id);
}

/** Every problem beside its field, not only the first. */
async function withProblems<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof BroadcastProblems) throwFieldErrors(error.problems);
    throw error;
  }
}

export const newsletter = {
  save: defineAction({
    accept: 'form',
    input: editorInput,
    handler: handleRefusals(async (input, context) => {
      const { app } = context.locals;
      requireActionCoach(context);
      const content = contentOf(input);
      const id = await withProblems(() => saveDraft(app.db, input.id || undefined, content, app.clock()));
      return { id };
    }),
  }),

  /**
   * The email as it would look and how many people the audience holds now, as JSON for the
   * editor's island (it posts the editor's form); nothing is saved.
   */
  preview: defineAction({
    accept: 'form',
    input: editorInput,
    handler: handleRefusals(async (input, context) => {
      const { app } = context.locals;
      requireActionCoach(context);
      const rendered = await previewBroadcast(app, input.id ?? '', {
        subject: input.subject ?? '',
        preview: input.preview ?? '',
        bodyMarkdown: input.body ?? '',
      });
      const audience = audienceFromFields(input);
      const count = audience.ok
        ? await countAudience(app.db, audience.audience, {
            now: app.clock(),
            tagArticles: await tagArticles(audience.audience),
          })
        : undefined;
      const body = input.body?.trim() ? markdownProblems(input.body) : undefined;
      const problems = { ...(audience.ok ? {} : audience.problems), ...(body ? { body } : {}) };
      return { html: rendered.html, text: rendered.text, count, problems };
    }),
  }),

  sendTest: defineAction({
    accept: 'form',
    input: editorInput,
    handler: handleRefusals(async (input, context) => {
      const { app } = context.locals;
      const { user } = requireActionCoach(context);
      const content = contentOf(input);
      return withProblems(async () => {
        const id = await saveDraft(app.db, input.id || undefined, content, app.clock());
        await sendTest(app, user, id);
        return { id, to: user.email };
      });
    }),
  }),

  schedule: defineAction({
    accept: 'form',
    input: editorInput.extend({
      date: singleLineText({ max: 20, tooLong: 'Choose the day to send it, like 2026-12-03.' }).optional(),
      time: singleLineText({ max: 10, tooLong: 'Choose the time to send it, like 09:30.' }).optional(),
    }),
    handler: handleRefusals(async (input, context) => {
      const { app } = context.locals;
      const { user } = requireActionCoach(context);
      if (!input.id) throw new Refusal('bad-input', 'save-first', 'Save the email before scheduling it.');
      const content = contentOf(input);
      const timeZone = await coachTimeZone(app.db, user.id);
      const { at } = await withProblems(async () =>
        scheduleBroadcast(
          app,
          input.id!,
          content,
          { date: input.date ?? '', time: input.time ?? '', timeZone },
          await tagArticles(content.audience),
        ),
      );
      return { id: input.id, at: at.getTime() };
    }),
  }),

  sendNow: defineAction({
    accept: 'form',
    input: editorInput,
    handler: handleRefusals(async (input, context) => {
      const { app } = context.locals;
      requireActionCoach(context);
      if (!input.id) throw new Refusal('bad-input', 'save-first', 'Save the email before sending it.');
      const content = contentOf(input);
      await withProblems(async () =>
        scheduleBroadcast(app, input.id!, content, 'now', await tagArticles(content.audience)),
      );
      return { id: input.id };
    }),
  }),

  unschedule: defineAction({
    accept: 'form',
    input: z.object({ id: idField }),
    handler: handleRefusals(async (input, context) => {
      const { app } = context.locals;
      requireActionCoach(context);
      await unscheduleBroadcast(app.db, input.id, app.clock());
      return { id: input.id };
    }),
  }),

  draftAnnouncement: defineAction({
    accept: 'form',
    input: z.object({
      article: singleLineText({ max: 120, missing: 'Choose an article first.', tooLong: 'There is no such article.' }),
    }),
    handler: handleRefusals(async (input, context) => {
      const { app } = context.locals;
      requireActionCoach(context);
      const offered = await announcementOffers(app.db, await getPublishedCards(), app.clock());
      const article = offered.find((card) => card.id === input.article);
      if (!article) {
        const existing = await announcementOf(app.db, input.article);
        if (existing) return { id: existing };
        throw new Refusal('not-found', 'no-article', 'There is no new article with that name to announce.');
      }
      return { id: await draftAnnouncement(app, article) };
    }),
  }),

  setSender: defineAction({
    accept: 'form',
    input: z.object({
      postalAddress: multiLineText({
        max: MAX_POSTAL_ADDRESS_LENGTH,
        missing: 'Write the postal address newsletters are sent from.',
        tooLong: `Keep the address under ${MAX_POSTAL_ADDRESS_LENGTH} characters.`,
      }),
      footerNote: multiLineText({
        max: MAX_FOOTER_NOTE_LENGTH,
        tooLong: `Keep the note under ${MAX_FOOTER_NOTE_LENGTH} characters.`,
      }).optional(),
    }),
    handler: handleRefusals(async (input, context) => {
      const { app } = context.locals;
      requireActionCoach(context);
      await setSenderSettings(
        app.db,
        { postalAddress: input.postalAddress, footerNote: input.footerNote ?? '' },
        app.clock(),
      );
      return { saved: true };
    }),
  }),
};
