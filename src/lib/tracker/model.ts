/**
 * The follow-up tracker's words: what an opportunity, a conversation and a touch are, and the
 * rules every entry must follow, whether typed in a form or read from an imported file. Pure.
 */
import { z } from 'astro/zod';
import { MAX_EMAIL_LENGTH, normalizeEmail } from '../forms/email-address';
import { checkbox, dateField, multiLineText, optionalDateField, singleLineText } from '../forms/fields';
import { addDays, localDate, zonedInstant } from '../time/zoned-time';

/** An interview process (one or more rounds) or a networking relationship. */
export const OPPORTUNITY_KINDS = ['interview', 'networking'] as const;
export type OpportunityKind = (typeof OPPORTUNITY_KINDS)[number];

/** Where an opportunity stands. Every stage but `open` ends the schedule. */
export const STAGES = ['open', 'offer', 'rejected', 'withdrawn', 'closed'] as const;
export type Stage = (typeof STAGES)[number];
export const ENDED_STAGES: readonly Stage[] = ['offer', 'rejected', 'withdrawn', 'closed'];

export const STAGE_LABELS: Record<Stage, string> = {
  open: 'Open',
  offer: 'Offer',
  rejected: 'Rejected',
  withdrawn: 'Withdrawn',
  closed: 'Closed',
};

export const KIND_LABELS: Record<OpportunityKind, string> = { interview: 'Interview', networking: 'Networking' };

/** The moves of the playbook. Each is a message the member sends from their own mailbox. */
export const STEP_IDS = [
  'thank-you',
  'first-check-in',
  'persistent-check-in',
  'close-the-loop',
  'networking-summary',
  'offer-value',
] as const;
export type StepId = (typeof STEP_IDS)[number];

export const STEP_LABELS: Record<StepId, string> = {
  'thank-you': 'Thank-you note',
  'first-check-in': 'Status check-in',
  'persistent-check-in': 'Follow-up check-in',
  'close-the-loop': 'Graceful close',
  'networking-summary': 'Summary and next steps',
  'offer-value': 'Offer-value note',
};

/** An interview round or a networking call, as the playbook needs it. */
export interface ConversationRecord {
  at: Date;
  /** The date they said they would decide by, `YYYY-MM-DD` in the member's zone. */
  decisionBy: string | null;
}

/** Something the member sent, or their reply (which pauses the schedule). */
export interface TouchRecord {
  type: 'sent' | 'reply';
  /** The playbook step a sent message answered; null for a message outside the playbook. */
  step: StepId | null;
  at: Date;
  /** With a reply: a new date they gave, which restarts the schedule from it. */
  decisionBy: string | null;
}

export const TOUCH_TYPES = ['sent', 'reply'] as const;

// ---- Field rules, shared by the forms and the importer ----

/** The longest text each field takes: the Actions' schemas and the forms' `maxlength` both read these. */
export const OPPORTUNITY_LIMITS = {
  company: 120,
  roleTitle: 120,
  contactName: 120,
  contactRole: 120,
  notes: 2000,
} as const;
export const CONVERSATION_LIMITS = { timingNote: 200, specificDetail: 300, valueIdea: 300 } as const;
/** A message marked as sent (its subject and body as edited) and the note with a reply. */
export const TOUCH_LIMITS = { subject: 300, body: 20_000, note: 2000 } as const;

const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

const requiredText = (max: number, missing: string) => singleLineText({ max, missing });
const optionalText = (max: number) =>
  singleLineText({ max })
    .nullish()
    .transform((value) => value ?? '');
const optionalNotes = (max: number) =>
  multiLineText({ max })
    .nullish()
    .transform((value) => value ?? '');

/** A date a member may leave empty (`YYYY-MM-DD`, a real calendar day between 2000 and 2099). */
export const optionalDate = optionalDateField();

/** A time a member may leave empty (`HH:MM`, 24-hour clock). */
export const optionalClockTime = z
  .string()
  .trim()
  .nullish()
  .transform((value) => value || null)
  .refine((value) => value === null || CLOCK_TIME.test(value), 'Use a time like 14:30.');

/** The id of an entry, as the forms send it back. */
export const entryId = singleLineText({ max: 64, missing: 'Missing entry.', tooLong: 'Missing entry.' });

/** Who and where: the parts of an opportunity that do not change from round to round. */
export const opportunityFields = {
  kind: z.enum(OPPORTUNITY_KINDS, { error: 'Choose interview or networking.' }),
  company: requiredText(
    OPPORTUNITY_LIMITS.company,
    'Add the company (or "Independent" for a networking contact without one).',
  ),
  roleTitle: optionalText(OPPORTUNITY_LIMITS.roleTitle),
  contactName: requiredText(OPPORTUNITY_LIMITS.contactName, 'Add the name of the person you spoke with.'),
  contactRole: optionalText(OPPORTUNITY_LIMITS.contactRole),
  contactEmail: z
    .string()
    .trim()
    .max(MAX_EMAIL_LENGTH, 'That address is too long.')
    .nullish()
    .transform((value) => (value ? normalizeEmail(value) : ''))
    .refine(
      (value) => value === '' || /^[^\s@<>(),;:"\p{Cc}]+@[^\s@<>(),;:"\p{Cc}]+\.[^\s@<>(),;:"\p{Cc}]+$/u.test(value),
      {
        message: 'That email address does not look right (name@example.com).',
      },
    ),
  notes: optionalNotes(OPPORTUNITY_LIMITS.notes),
};

/** One conversation: when it happened, what they said about timing, what to mention. */
export const conversationFields = {
  happenedOn: dateField('Add the date you spoke.'),
  happenedAt: z
    .string()
    .trim()
    .nullish()
    .transform((value) => value || '12:00')
    .refine((value) => CLOCK_TIME.test(value), 'Use a time like 14:30.'),
  decisionBy: optionalDate,
  timingNote: optionalText(CONVERSATION_LIMITS.timingNote),
  specificDetail: optionalText(CONVERSATION_LIMITS.specificDetail),
  valueIdea: optionalText(CONVERSATION_LIMITS.valueIdea),
  /** Ticked after we questioned an unusual date: the member confirms it is right. */
  confirmDates: checkbox(),
};

export const ROLE_MISSING_MESSAGE = 'Add the role you interviewed for.';

/** An interview names its role; a networking contact may have none. */
export const requireRoleForInterviews = (
  value: { kind: OpportunityKind; roleTitle: string },
  context: z.RefinementCtx,
) => {
  if (value.kind === 'interview' && value.roleTitle === '')
    context.addIssue({ code: 'custom', path: ['roleTitle'], message: ROLE_MISSING_MESSAGE });
};

/** The form fields of each part, for pages that show errors beside them. */
export const OPPORTUNITY_FIELD_NAMES = Object.keys(opportunityFields);
export const CONVERSATION_FIELD_NAMES = Object.keys(conversationFields);

/** Adding an opportunity: who, plus its first conversation. */
export const newOpportunitySchema = z
  .object({ ...opportunityFields, ...conversationFields, from: singleLineText({ max: 200 }).nullish() })
  .superRefine(requireRoleForInterviews);
export type NewOpportunityInput = z.infer<typeof newOpportunitySchema>;

export const editOpportunitySchema = z
  .object({ id: entryId, ...opportunityFields })
  .superRefine(requireRoleForInterviews);
export type EditOpportunityInput = z.infer<typeof editOpportunitySchema>;

export const newConversationSchema = z.object({ opportunityId: entryId, ...conversationFields });
export type NewConversationInput = z.infer<typeof newConversationSchema>;

/** The conversation fields after parsing, whichever schema they came from. */
export interface ConversationFieldsValue {
  happenedOn: string;
  happenedAt: string;
  decisionBy: string | null;
  timingNote: string;
  specificDetail: string;
  valueIdea: string;
  confirmDates: boolean;
}

/**
 * Dates a person may have mistyped are questioned rather than accepted: a conversation in the
 * future or over a year ago, a decision date before the conversation or over a year after it.
 * Returns field messages; empty when the dates look right or the member confirmed them.
 * A decision date before the conversation is never accepted.
 */
export function questionDates(
  value: Pick<ConversationFieldsValue, 'happenedOn' | 'happenedAt' | 'decisionBy' | 'confirmDates'>,
  now: Date,
  timeZone: string,
): Record<string, string> {
  const problems: Record<string, string> = {};
  const at = zonedInstant(value.happenedOn, value.happenedAt, timeZone);
  const today = localDate(now, timeZone);
  if (value.decisionBy !== null && value.decisionBy < value.happenedOn)
    problems.decisionBy = 'Their decision date is before the conversation. Check both dates.';
  if (value.confirmDates) return problems;
  if (at.getTime() > now.getTime() + 5 * 60_000)
    problems.happenedOn =
      'This is in the future. The tracker plans follow-ups after a conversation has happened: check the date, or tick the box to keep it.';
  else if (value.happenedOn < addDays(today, -365))
    problems.happenedOn = 'This is over a year ago. Check the year, or tick the box to keep it.';
  if (!problems.decisionBy && value.decisionBy !== null && value.decisionBy > addDays(value.happenedOn, 365))
    problems.decisionBy = 'This is over a year after the conversation. Check the year, or tick the box to keep it.';
  return problems;
}

/** When a conversation happened, from the member's wall-clock date and time in their zone. */
export function conversationInstant(
  value: Pick<ConversationFieldsValue, 'happenedOn' | 'happenedAt'>,
  timeZone: string,
) {
  return zonedInstant(value.happenedOn, value.happenedAt, timeZone);
}
