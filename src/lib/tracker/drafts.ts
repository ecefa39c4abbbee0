/**
 * Drafts: the cheat sheet's ready messages, filled with what the member logged about the
 * conversation. Pure: the templates are passed in (read from src/content/cheat-sheet).
 * Anything we do not know stays as a `{placeholder}` for the member to fill before sending.
 */
import { fillTemplate, templatePlaceholders, type CheatSheetTemplate, type TemplateId } from '../leads/cheat-sheet';
import { Refusal } from '../app/refusal';
import type { StepId } from './model';
import { formatDay } from '../time/zoned-time';

/** The graceful close is the tracker's own message: the cheat sheet stops at persistence. */
const CLOSE_THE_LOOP: Pick<CheatSheetTemplate, 'subject' | 'body'> = {
  subject: 'Closing the loop on the {role title} role',
  body: `Hi {contact name},

I have not heard back on the {role title} role, so I will assume the team has moved in another direction or the timing is not right. I understand completely.

I enjoyed our conversation about {something specific you discussed}, and I would be glad to stay in touch. If anything changes, or another role opens up where I could help, I would love to hear from you.

Thank you again for your time.

Best regards,
{your name}`,
};

const TEMPLATE_FOR_STEP: Record<StepId, TemplateId | null> = {
  'thank-you': 'thank-you',
  'first-check-in': 'first-check-in',
  'persistent-check-in': 'persistent-check-in',
  'close-the-loop': null,
  'networking-summary': 'networking-summary',
  'offer-value': 'offer-value',
};

export interface DraftContext {
  contactName: string;
  contactEmail: string;
  company: string;
  roleTitle: string;
  specificDetail: string;
  valueIdea: string;
  /** YYYY-MM-DD they gave, or null. */
  decisionBy: string | null;
  /** What they said about timing, in the member's words. */
  timingNote: string;
  memberName: string;
}

export interface Draft {
  subject: string;
  body: string;
  /** `mailto:` link that opens the member's own mail app with the draft filled in. */
  mailto: string;
}

/** First name for a greeting: "Priya Shah" → "Priya". */
export function greetingName(contactName: string): string {
  return contactName.trim().split(/\s+/)[0] ?? '';
}

export function draftFor(step: StepId, context: DraftContext, templates: readonly CheatSheetTemplate[]): Draft {
  const templateId = TEMPLATE_FOR_STEP[step];
  const template = templateId ? templates.find((candidate) => candidate.id === templateId) : CLOSE_THE_LOOP;
  if (!template) throw new Error(`The cheat sheet has no template "${templateId}"`);
  const values: Record<string, string> = {
    'contact name': greetingName(context.contactName),
    company: context.company,
    'role title': context.roleTitle,
    'something specific you discussed': context.specificDetail,
    'value idea': context.valueIdea,
    'date they gave': context.decisionBy ? formatDay(context.decisionBy) : context.timingNote,
    'your name': context.memberName,
  };
  const subject = fillTemplate(template.subject, values);
  const body = fillTemplate(template.body, values).trimEnd();
  return { subject, body, mailto: mailtoLink(context.contactEmail, subject, body) };
}

/** RFC 6068: the address as is, subject and body percent-encoded with line breaks as CRLF. */
export function mailtoLink(to: string, subject: string, body: string): string {
  const encode = (text: string) => encodeURIComponent(text.replace(/\r?\n/g, '\r\n'));
  return `mailto:${encodeURIComponent(to).replace(/%40/g, '@')}?subject=${encode(subject)}&body=${encode(body)}`;
}

/**
 * The `{placeholders}` still in a message, as written (`{one result that relates to it}`), each
 * once, in order of first appearance across the texts given (the subject, then the body).
 */
export function unfilledPlaceholders(...texts: string[]): string[] {
  return [...new Set(texts.flatMap((text) => templatePlaceholders(text)))].map((name) => `{${name}}`);
}

/** The checkbox that sends a message with its braces anyway: some people mean them. */
export const KEEP_PLACEHOLDERS_FIELD = 'keepPlaceholders';
export const KEEP_PLACEHOLDERS_LABEL = 'Keep the text in braces as it is';

/** `{a}`, `{a} and {b}`, `{a}, {b} and {c}`. */
function listed(items: string[]): string {
  return items.length < 2 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/**
 * Refuses a message that still holds a placeholder from the cheat sheet, unless the member ticked
 * the box that keeps it: the message names what is left, beside the message field.
 */
export function refuseUnfilledPlaceholders(message: { subject: string; body: string }, keep: boolean): void {
  const unfilled = unfilledPlaceholders(message.subject, message.body);
  if (unfilled.length === 0 || keep) return;
  throw new Refusal(
    'bad-input',
    'unfilled-placeholders',
    `Your message still has ${listed(unfilled)} to fill in. Replace ${unfilled.length === 1 ? 'it' : 'them'} with your own words, or tick “${KEEP_PLACEHOLDERS_LABEL}” to send it as written.`,
    'body',
  );
}
