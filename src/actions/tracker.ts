/**
 * The tracker's mutations. Every one requires a signed-in member and touches only that member's
 * rows: another member's id is answered exactly like an id that does not exist.
 */
import { defineAction } from 'astro:actions';
import { z } from 'astro/zod';
import { handleRefusals, throwFieldErrors } from '../lib/forms/action-errors';
import { Refusal } from '../lib/app/refusal';
import { enforceRateLimit, requireTrackerWriter } from '../lib/auth/guards.server';
import { randomToken, hashToken } from '../lib/auth/tokens.server';
import {
  addConversation,
  createOpportunity,
  deleteOpportunity,
  deleteTouch,
  logTouch,
  setArchived,
  setStage,
  updateOpportunity,
} from '../lib/tracker/entries.server';
import { importOpportunities } from '../lib/tracker/transfer.server';
import { setCalendarTokenHash } from '../lib/tracker/calendar-feed.server';
import type { ConversationValue } from '../lib/tracker/records';
import { readTrackerFile } from '../lib/tracker/import-file';
import { IMPORT_TOO_LARGE_MESSAGE, MAX_IMPORT_FILE_BYTES } from '../lib/tracker/import-report';
import { refuseUnfilledPlaceholders } from '../lib/tracker/drafts';
import { checkbox, multiLineText, singleLineText, trueOrFalse } from '../lib/forms/fields';
import {
  conversationInstant,
  editOpportunitySchema,
  entryId as id,
  newConversationSchema,
  newOpportunitySchema,
  optionalClockTime,
  optionalDate,
  questionDates,
  STAGES,
  STEP_IDS,
  TOUCH_LIMITS,
  type ConversationFieldsValue,
} from '../lib/tracker/model';
import { addDays, localClockTime, localDate, zonedInstant } from '../lib/time/zoned-time';

const CREATE_PER_MEMBER = { name: 'tracker:create', limit: 300, windowMs: 3_600_000 };
const IMPORT_PER_MEMBER = { name: 'tracker:import', limit: 10, windowMs: 3_600_000 };

/** The tracker's store answers false for an entry the member does not have. */
const gone = () =>
  new Refusal('not-found', 'entry-missing', 'That entry is not in your tracker (it may have been deleted).');

function conversationValue(input: ConversationFieldsValue, timeZone: string): ConversationValue {
  return {
    at: conversationInstant(input, timeZone),
    decisionBy: input.decisionBy,
    timingNote: input.timingNote,
    specificDetail: input.specificDetail,
    valueIdea: input.valueIdea,
  };
}

/** When a touch happened: the date and time given (from 2000 on, as its field allows), or now. Never in the future. */
function touchInstant(on: string | null | undefined, at: string | null | undefined, timeZone: string, now: Date) {
  // Today without a time is now: a reply logged right after a send must come after it.
  if (!on || (!at && on === localDate(now, timeZone))) return now;
  const when = zonedInstant(on, at || localClockTime(now, timeZone), timeZone);
  if (when.getTime() > now.getTime() + 5 * 60_000)
    throwFieldErrors({ sentOn: 'This is in the future. Log a message once it has happened.' });
  return when;
}

export const tracker = {
  create: defineAction({
    accept: 'form',
    input: newOpportunitySchema,
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      const { user } = requireTrackerWriter(context);
      const now = new Date();
      throwFieldErrors(questionDates(input, now, user.timeZone));
      await enforceRateLimit(db, CREATE_PER_MEMBER, user.id, 'new entries in an hour');
      const { kind, company, roleTitle, contactName, contactRole, contactEmail, notes } = input;
      const opportunityId = await createOpportunity(
        db,
        user,
        { kind, company, roleTitle, contactName, contactRole, contactEmail, notes },
        conversationValue(input, user.timeZone),
        now,
      );
      return { id: opportunityId };
    }),
  }),

  update: defineAction({
    accept: 'form',
    input: editOpportunitySchema,
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      const { user } = requireTrackerWriter(context);
      const { id: opportunityId, ...fields } = input;
      if (!(await updateOpportunity(db, user, opportunityId, fields))) throw gone();
      return { id: opportunityId };
    }),
  }),

  addRound: defineAction({
    accept: 'form',
    input: newConversationSchema,
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      const { user } = requireTrackerWriter(context);
      throwFieldErrors(questionDates(input, new Date(), user.timeZone));
      if (!(await addConversation(db, user, input.opportunityId, conversationValue(input, user.timeZone))))
        throw gone();
      return { id: input.opportunityId };
    }),
  }),

  /** "Mark as sent": logs the message (as edited) and schedules the next step. */
  markSent: defineAction({
    accept: 'form',
    input: z.object({
      opportunityId: id,
      step: z
        .enum(STEP_IDS)
        .nullish()
        .or(z.literal(''))
        .transform((value) => value || null),
      subject: singleLineText({
        max: TOUCH_LIMITS.subject,
        tooLong: `Keep the subject under ${TOUCH_LIMITS.subject} characters.`,
      }).nullish(),
      body: multiLineText({
        max: TOUCH_LIMITS.body,
        tooLong: `Keep the message under ${TOUCH_LIMITS.body.toLocaleString('en-US')} characters.`,
        trim: false,
      }).nullish(),
      sentOn: optionalDate,
      sentAt: optionalClockTime,
      keepPlaceholders: checkbox(),
    }),
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      const { user } = requireTrackerWriter(context);
      const now = new Date();
      const at = touchInstant(input.sentOn, input.sentAt, user.timeZone, now);
      refuseUnfilledPlaceholders({ subject: input.subject ?? '', body: input.body ?? '' }, input.keepPlaceholders);
      const logged = await logTouch(db, user, input.opportunityId, {
        type: 'sent',
        step: input.step,
        at,
        decisionBy: null,
        subject: input.subject ?? '',
        body: input.body ?? '',
      });
      if (!logged) throw gone();
      return { id: input.opportunityId, logged: 'sent' as const };
    }),
  }),

  /** "They replied": pauses the schedule, or restarts it from a new date they gave. */
  logReply: defineAction({
    accept: 'form',
    input: z.object({
      opportunityId: id,
      sentOn: optionalDate,
      decisionBy: optionalDate,
      note: multiLineText({
        max: TOUCH_LIMITS.note,
        tooLong: `Keep the note under ${TOUCH_LIMITS.note.toLocaleString('en-US')} characters.`,
      }).nullish(),
    }),
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      const { user } = requireTrackerWriter(context);
      const now = new Date();
      const at = touchInstant(input.sentOn, null, user.timeZone, now);
      const today = localDate(now, user.timeZone);
      if (input.decisionBy && input.decisionBy < localDate(at, user.timeZone))
        throwFieldErrors({ decisionBy: 'This date is before their reply. Check it.' });
      if (input.decisionBy && input.decisionBy > addDays(today, 365))
        throwFieldErrors({ decisionBy: 'This is over a year away. Check the year.' });
      const logged = await logTouch(db, user, input.opportunityId, {
        type: 'reply',
        step: null,
        at,
        decisionBy: input.decisionBy,
        subject: '',
        body: input.note ?? '',
      });
      if (!logged) throw gone();
      return { id: input.opportunityId, logged: 'reply' as const };
    }),
  }),

  undoTouch: defineAction({
    accept: 'form',
    input: z.object({ touchId: id, opportunityId: id }),
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      const { user } = requireTrackerWriter(context);
      if (!(await deleteTouch(db, user, input.touchId))) throw gone();
      return { id: input.opportunityId };
    }),
  }),

  setStage: defineAction({
    accept: 'form',
    input: z.object({ id, stage: z.enum(STAGES, { error: 'Choose a stage from the list.' }) }),
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      const { user } = requireTrackerWriter(context);
      if (!(await setStage(db, user, input.id, input.stage))) throw gone();
      return { id: input.id, stage: input.stage };
    }),
  }),

  archive: defineAction({
    accept: 'form',
    input: z.object({ id, archived: trueOrFalse() }),
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      const { user } = requireTrackerWriter(context);
      if (!(await setArchived(db, user, input.id, input.archived))) throw gone();
      return { id: input.id, archived: input.archived };
    }),
  }),

  remove: defineAction({
    accept: 'form',
    input: z.object({ id, confirm: checkbox('Tick "Yes, delete it" to confirm. Nothing was deleted.') }),
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      const { user } = requireTrackerWriter(context);
      if (!input.confirm)
        throw new Refusal('bad-input', 'not-confirmed', 'Tick "Yes, delete it" to confirm. Nothing was deleted.');
      if (!(await deleteOpportunity(db, user, input.id))) throw gone();
      return { removed: true as const };
    }),
  }),

  /**
   * Import of a CSV or the JSON export (src/lib/tracker/import-file.ts): good rows or entries are
   * added in one transaction; bad ones are reported, never half-added.
   */
  importFile: defineAction({
    accept: 'form',
    input: z.object({
      file: z
        .instanceof(File, { error: 'Choose a CSV or JSON file to import.' })
        .refine((file) => file.size > 0, 'That file is empty.')
        .refine((file) => file.size <= MAX_IMPORT_FILE_BYTES, IMPORT_TOO_LARGE_MESSAGE),
    }),
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      const { user } = requireTrackerWriter(context);
      await enforceRateLimit(db, IMPORT_PER_MEMBER, user.id, 'imports in an hour');
      // The bytes, not file.text(): that would decode a Windows-1252 file as UTF-8 and lose its accents.
      const report = readTrackerFile(await input.file.arrayBuffer(), { timeZone: user.timeZone, now: new Date() });
      const { added, alreadyThere } =
        report.opportunities.length > 0
          ? await importOpportunities(db, user, report.opportunities)
          : { added: 0, alreadyThere: 0 };
      return {
        unit: report.unit,
        refused: report.refused,
        added,
        alreadyThere,
        rowsRead: report.rowsRead,
        rowsAccepted: report.rowsAccepted,
        problems: report.problems,
        notices: report.notices,
      };
    }),
  }),

  /** A new private calendar address (the old one stops working), or none. */
  calendarFeed: defineAction({
    accept: 'form',
    input: z.object({ enable: z.enum(['on', 'off'], { error: 'Choose to turn the feed on or off.' }) }),
    handler: handleRefusals(async (input, context) => {
      const { db } = context.locals.app;
      const { user } = requireTrackerWriter(context);
      if (input.enable === 'off') {
        await setCalendarTokenHash(db, user, null);
        return { token: null };
      }
      const token = randomToken(24);
      await setCalendarTokenHash(db, user, hashToken(token));
      return { token };
    }),
  }),
};
