/**
 * Comment mutations. Members post, reply, edit within the window, delete their own, like and
 * report; the coach moderates. Every refusal is a clear message; limits guard against floods.
 */
import { defineAction } from 'astro:actions';
import { getCollection, getEntry } from 'astro:content';
import { z } from 'astro/zod';
import {
  checkBody,
  deleteOwnComment,
  editComment,
  postComment,
  reportComment,
  REPORT_REASONS,
  setReplyEmails,
  toggleLike,
} from '../lib/comments/posting.server';
import { moderate, MODERATION_ACTIONS, setCommentingBlocked } from '../lib/comments/moderation.server';
import { setHoldFirstComment } from '../lib/comments/hold-first.server';
import type { Viewer } from '../lib/comments/discussion.server';
import { importComments, type CommentImportReport } from '../lib/comments/transfer.server';
import { MAX_REPORT_NOTE_LENGTH } from '../lib/comments/moderation-queue';
import { checkbox, singleLineText, trueOrFalse } from '../lib/forms/fields';
import { handleRefusals } from '../lib/forms/action-errors';
import { Refusal } from '../lib/app/refusal';
import { enforceRateLimit, requireActionCoach, requireActionUser } from '../lib/auth/guards.server';
import { clientNetwork } from '../lib/http/request.server';

export const COMMENTS_PER_MEMBER = { name: 'comment:member', limit: 6, windowMs: 10 * 60_000 };
export const COMMENTS_PER_IP = { name: 'comment:ip', limit: 30, windowMs: 3_600_000 };
const ACTIONS_PER_MEMBER = { name: 'comment-act:member', limit: 120, windowMs: 3_600_000 };

const id = singleLineText({ max: 64, missing: 'Missing comment.', tooLong: 'Missing comment.' });
/**
 * Markdown source, taken as typed: micromark turns NUL into U+FFFD and shows every other character
 * as text (decision 0007), and a body only ever reaches an email's text, never a header.
 */
const body = z.string({ error: 'Write your comment first.' }).max(20_000, 'That is far too long for a comment.');

function viewerOf(context: Parameters<typeof requireActionUser>[0]): Viewer {
  const { user } = requireActionUser(context);
  return user;
}

function requireCoachViewer(context: Parameters<typeof requireActionUser>[0]): Viewer {
  return requireActionCoach(context).user;
}

export const comments = {
  post: defineAction({
    accept: 'form',
    input: z.object({
      slug: singleLineText({ max: 200, missing: 'That article is not here.' }),
      parentId: singleLineText({ max: 64, tooLong: 'Missing comment.' })
        .nullish()
        .transform((value) => value || null),
      body,
      /** The honeypot: people never see it, bots fill it in. */
      website: z.string().nullish(),
      /** The reply-email box was on the form (`1`), and whether it was ticked. */
      notifyChoice: z.literal('1', { error: 'Reload the page and send your comment again.' }).nullish(),
      notifyReplies: checkbox(),
    }),
    handler: handleRefusals(async (input, actionContext) => {
      const { db } = actionContext.locals.app;
      const viewer = viewerOf(actionContext);
      const article = await getEntry('articles', input.slug);
      if (!article || article.data.draft)
        throw new Refusal('not-found', 'article-missing', 'That article is not here.');
      if (input.website) return { id: '', status: 'held' as const, slug: input.slug };
      // A refused body costs nothing: only comments that could be posted count towards the limits.
      checkBody(input.body);
      await enforceRateLimit(db, COMMENTS_PER_MEMBER, viewer.id, 'comments in a few minutes');
      await enforceRateLimit(db, COMMENTS_PER_IP, clientNetwork(actionContext), 'comments from your network');
      const result = await postComment(actionContext.locals.app, viewer, {
        slug: input.slug,
        parentId: input.parentId,
        body: input.body,
      });
      if (input.notifyChoice === '1') await setReplyEmails(db, viewer.id, input.notifyReplies);
      return { ...result, slug: input.slug };
    }),
  }),

  edit: defineAction({
    accept: 'form',
    input: z.object({ id, body }),
    handler: handleRefusals(async (input, actionContext) => {
      const { db } = actionContext.locals.app;
      const viewer = viewerOf(actionContext);
      await enforceRateLimit(db, ACTIONS_PER_MEMBER, viewer.id, 'changes in an hour');
      const comment = await editComment(db, viewer, input.id, input.body);
      return { id: comment.id, slug: comment.articleSlug };
    }),
  }),

  remove: defineAction({
    accept: 'form',
    input: z.object({ id }),
    handler: handleRefusals(async (input, actionContext) => {
      const { db } = actionContext.locals.app;
      const viewer = viewerOf(actionContext);
      const comment = await deleteOwnComment(db, viewer, input.id);
      return { id: comment.id, slug: comment.articleSlug };
    }),
  }),

  like: defineAction({
    accept: 'form',
    input: z.object({ id }),
    handler: handleRefusals(async (input, actionContext) => {
      const { db } = actionContext.locals.app;
      const viewer = viewerOf(actionContext);
      await enforceRateLimit(db, ACTIONS_PER_MEMBER, viewer.id, 'changes in an hour');
      const result = await toggleLike(db, viewer, input.id);
      return { id: input.id, ...result };
    }),
  }),

  report: defineAction({
    accept: 'form',
    input: z.object({
      id,
      reason: z.enum(REPORT_REASONS, { error: 'Choose why you are reporting it.' }),
      note: singleLineText({
        max: MAX_REPORT_NOTE_LENGTH,
        tooLong: `Keep the note under ${MAX_REPORT_NOTE_LENGTH} characters.`,
      })
        .nullish()
        .transform((value) => value ?? ''),
    }),
    handler: handleRefusals(async (input, actionContext) => {
      const { db } = actionContext.locals.app;
      const viewer = viewerOf(actionContext);
      await enforceRateLimit(db, ACTIONS_PER_MEMBER, viewer.id, 'changes in an hour');
      const result = await reportComment(db, viewer, input.id, input.reason, input.note);
      return { id: input.id, ...result };
    }),
  }),

  moderate: defineAction({
    accept: 'form',
    input: z.object({ id, action: z.enum(MODERATION_ACTIONS, { error: 'Choose an action.' }) }),
    handler: handleRefusals(async (input, actionContext) => {
      const coach = requireCoachViewer(actionContext);
      await moderate(actionContext.locals.app, coach, input.id, input.action);
      return { id: input.id, action: input.action };
    }),
  }),

  block: defineAction({
    accept: 'form',
    input: z.object({
      userId: singleLineText({
        max: 64,
        missing: 'Choose a member first.',
        tooLong: 'There is no member with that id.',
      }),
      blocked: trueOrFalse(),
      hidePast: checkbox(),
    }),
    handler: handleRefusals(async (input, actionContext) => {
      const { db } = actionContext.locals.app;
      const coach = requireCoachViewer(actionContext);
      if (!(await setCommentingBlocked(db, coach, input.userId, input.blocked, input.hidePast)))
        throw new Refusal(
          'not-found',
          'member-missing',
          'There is no member with that id (the coach cannot be blocked).',
        );
      return { userId: input.userId, blocked: input.blocked };
    }),
  }),

  holdFirst: defineAction({
    accept: 'form',
    input: z.object({ hold: trueOrFalse() }),
    handler: handleRefusals(async (input, actionContext) => {
      const { db } = actionContext.locals.app;
      const coach = requireCoachViewer(actionContext);
      await setHoldFirstComment(db, coach, input.hold);
      return { hold: input.hold };
    }),
  }),

  importJson: defineAction({
    accept: 'form',
    input: z.object({
      file: z
        .instanceof(File, { error: 'Choose a JSON file to import.' })
        .refine((file) => file.size > 0, 'That file is empty.')
        .refine((file) => file.size <= 5_000_000, 'That file is over 5 MB.'),
    }),
    handler: handleRefusals(async (input, actionContext): Promise<CommentImportReport> => {
      const { db } = actionContext.locals.app;
      const coach = requireCoachViewer(actionContext);
      const slugs = new Set((await getCollection('articles')).map((entry) => entry.id));
      return importComments(db, coach, await input.file.text(), slugs);
    }),
  }),
};
