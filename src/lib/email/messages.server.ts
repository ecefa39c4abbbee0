/**
 * The cheat-sheet funnel's emails, rendered to what the outbox stores: a subject, an HTML part and a
 * plain-text part. Templates live in src/lib/email/templates; this module is the only thing the rest of
 * the app calls.
 *
 * Every value reaches the HTML through React, which escapes text and attributes; nothing here builds
 * markup by hand.
 */
import { createElement, type ReactElement } from 'react';
import { CheatSheetDeliveryEmail, type CheatSheetDeliveryEmailProps } from './templates/CheatSheetDeliveryEmail';
import { ConfirmCheatSheetEmail } from './templates/ConfirmCheatSheetEmail';
import { ThankYouInPracticeEmail } from './templates/ThankYouInPracticeEmail';
import { TrackYourFollowUpsEmail } from './templates/TrackYourFollowUpsEmail';
import { AccountLinkEmail } from './templates/AccountLinkEmail';
import { ReminderDigestEmail, type ReminderItem } from './templates/ReminderDigestEmail';
import { ReplyNotificationEmail } from './templates/ReplyNotificationEmail';
import { BillingNoticeEmail } from './templates/BillingNoticeEmail';
import { ReviewAnsweredEmail } from './templates/ReviewAnsweredEmail';
import { MarketingEmail } from './templates/MarketingEmail';
import { renderEmailMarkdown } from '../marketing/markdown-email';
import type { CampaignSource } from '../marketing/campaigns';
import { UNSUBSCRIBE_PLACEHOLDER } from '../marketing/personalise';
import { headerValue } from './headers.server';

export interface EmailContent {
  subject: string;
  html: string;
  text: string;
}

export interface ConfirmCheatSheetEmailInput {
  siteUrl: string;
  confirmUrl: string;
  expiresInHours: number;
}

/** What the delivery email says is the template's own props, checked before rendering. */
export type CheatSheetDeliveryEmailInput = CheatSheetDeliveryEmailProps;

export interface ThankYouInPracticeEmailInput {
  siteUrl: string;
  articleUrl: string;
  unsubscribeUrl: string;
}

export interface TrackYourFollowUpsEmailInput {
  siteUrl: string;
  signupUrl: string;
  unsubscribeUrl: string;
}

export const EMAIL_SUBJECTS = {
  confirmCheatSheet: 'Confirm your email to get the cheat sheet',
  cheatSheetDelivery: 'Your Interview Success Cheat Sheet',
  thankYouInPractice: 'The thank-you note, before and after',
  trackYourFollowUps: 'Track every follow-up in one place',
} as const;

/** The slice of html-to-text's block builder that the button formatter uses (the package ships no types). */
interface TextBuilder {
  openBlock(options?: { leadingLineBreaks?: number }): void;
  closeBlock(options?: { trailingLineBreaks?: number }): void;
  addInline(text: string, options?: { noWordTransform?: boolean }): void;
  addLineBreak(): void;
}
interface TextElement {
  attribs?: Record<string, string>;
  children: unknown[];
}
type Walk = (nodes: unknown[], builder: TextBuilder) => void;

/**
 * In the text part a button becomes its label followed by the full address on a line of its own,
 * rather than html-to-text's "label https://…" run together, which is easy to misread and to
 * mis-copy in a plain-text client.
 */
const htmlToTextOptions = {
  formatters: {
    emailButton(elem: TextElement, walk: Walk, builder: TextBuilder) {
      builder.openBlock({ leadingLineBreaks: 2 });
      walk(elem.children, builder);
      builder.addInline(':');
      builder.addLineBreak();
      builder.addInline(elem.attribs?.href ?? '', { noWordTransform: true });
      builder.closeBlock({ trailingLineBreaks: 2 });
    },
  },
  selectors: [
    { selector: 'a[data-email-button]', format: 'emailButton' },
    // Headings keep their case: a plain-text email in capitals reads as shouting.
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'ul', options: { itemPrefix: ' - ' } },
  ],
};

/** The subject often quotes what a member typed (a name, a company): it goes out on one line. */
async function renderEmail(subject: string, element: ReactElement): Promise<EmailContent> {
  // Loaded on the first email, not at start: the renderer and its HTML-to-text converter are large.
  const { render, toPlainText } = await import('@react-email/render');
  const html = await render(element);
  const text = toPlainText(html, htmlToTextOptions).trim() + '\n';
  return { subject: headerValue('Subject', subject), html, text };
}

/** Links in email must be absolute http(s) addresses: a relative or script URL is a bug upstream. */
function requireUrl(name: string, value: string): string {
  if (!/^https?:\/\/[^\s/]/i.test(value)) {
    throw new TypeError(`${name} must be an absolute http(s) URL, got ${JSON.stringify(value)}`);
  }
  return value;
}

function requirePositiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive whole number, got ${value}`);
  }
  return value;
}

/** Double opt-in confirmation. Transactional: no unsubscribe link. */
export async function confirmCheatSheetEmail({
  siteUrl,
  confirmUrl,
  expiresInHours,
}: ConfirmCheatSheetEmailInput): Promise<EmailContent> {
  return renderEmail(
    EMAIL_SUBJECTS.confirmCheatSheet,
    createElement(ConfirmCheatSheetEmail, {
      siteUrl: requireUrl('siteUrl', siteUrl),
      confirmUrl: requireUrl('confirmUrl', confirmUrl),
      expiresInHours: requirePositiveInteger('expiresInHours', expiresInHours),
    }),
  );
}

/** Nurture step 1, sent on confirmation: the download link. */
export async function cheatSheetDeliveryEmail({
  siteUrl,
  downloadUrl,
  expiresInDays,
  cheatSheetUrl,
  unsubscribeUrl,
  sheetPages,
}: CheatSheetDeliveryEmailInput): Promise<EmailContent> {
  return renderEmail(
    EMAIL_SUBJECTS.cheatSheetDelivery,
    createElement(CheatSheetDeliveryEmail, {
      siteUrl: requireUrl('siteUrl', siteUrl),
      downloadUrl: requireUrl('downloadUrl', downloadUrl),
      expiresInDays: requirePositiveInteger('expiresInDays', expiresInDays),
      cheatSheetUrl: requireUrl('cheatSheetUrl', cheatSheetUrl),
      unsubscribeUrl: requireUrl('unsubscribeUrl', unsubscribeUrl),
      sheetPages: requirePositiveInteger('sheetPages', sheetPages),
    }),
  );
}

export interface MarketingEmailInput {
  siteUrl: string;
  subject: string;
  /** The preheader; the subject when empty. */
  preview: string;
  bodyMarkdown: string;
  campaign: string;
  source: CampaignSource;
  /** Why this address gets it, for the footer. */
  reason: string;
  sender: { postalAddress: string; footerNote: string };
  button?: { href: string; label: string; note?: string | undefined } | undefined;
}

/**
 * A broadcast or a sequence step, rendered once for every recipient: the unsubscribe link is
 * UNSUBSCRIBE_PLACEHOLDER, which personalise() replaces with each recipient's own.
 */
export async function marketingEmail(input: MarketingEmailInput): Promise<EmailContent> {
  const siteUrl = requireUrl('siteUrl', input.siteUrl);
  return renderEmail(
    input.subject,
    createElement(MarketingEmail, {
      siteUrl,
      preview: input.preview.trim() || input.subject,
      reason: input.reason,
      unsubscribeUrl: UNSUBSCRIBE_PLACEHOLDER,
      sender: input.sender,
      bodyHtml: renderEmailMarkdown(input.bodyMarkdown, { siteUrl, campaign: input.campaign, source: input.source }),
      button: input.button
        ? { href: requireUrl('button', input.button.href), label: input.button.label, note: input.button.note }
        : undefined,
    }),
  );
}

/** Nurture step 2, two days later: the 24-hour thank-you note in practice. */
export async function thankYouInPracticeEmail({
  siteUrl,
  articleUrl,
  unsubscribeUrl,
}: ThankYouInPracticeEmailInput): Promise<EmailContent> {
  return renderEmail(
    EMAIL_SUBJECTS.thankYouInPractice,
    createElement(ThankYouInPracticeEmail, {
      siteUrl: requireUrl('siteUrl', siteUrl),
      articleUrl: requireUrl('articleUrl', articleUrl),
      unsubscribeUrl: requireUrl('unsubscribeUrl', unsubscribeUrl),
    }),
  );
}

/** Nurture step 3, a week in: the invitation to track every follow-up. */
export async function trackYourFollowUpsEmail({
  siteUrl,
  signupUrl,
  unsubscribeUrl,
}: TrackYourFollowUpsEmailInput): Promise<EmailContent> {
  return renderEmail(
    EMAIL_SUBJECTS.trackYourFollowUps,
    createElement(TrackYourFollowUpsEmail, {
      siteUrl: requireUrl('siteUrl', siteUrl),
      signupUrl: requireUrl('signupUrl', signupUrl),
      unsubscribeUrl: requireUrl('unsubscribeUrl', unsubscribeUrl),
    }),
  );
}

export interface AccountLinkInput {
  siteUrl: string;
  url: string;
}

/** Sent on sign-up: proves the address is theirs (and links any cheat-sheet history to the account). */
export async function verifyEmailEmail({ siteUrl, url }: AccountLinkInput): Promise<EmailContent> {
  return renderEmail(
    'Confirm your email address',
    createElement(AccountLinkEmail, {
      siteUrl: requireUrl('siteUrl', siteUrl),
      heading: 'Confirm your email address',
      intro:
        'Welcome to Own the Follow-Up. Confirm this address so we can send your reminders and keep your account safe.',
      buttonLabel: 'Confirm my email address',
      url: requireUrl('url', url),
      expiresIn: '48 hours',
      notYou: 'If you did not create an account, ignore this email and no account will be confirmed.',
    }),
  );
}

export async function passwordResetEmail({ siteUrl, url }: AccountLinkInput): Promise<EmailContent> {
  return renderEmail(
    'Reset your password',
    createElement(AccountLinkEmail, {
      siteUrl: requireUrl('siteUrl', siteUrl),
      heading: 'Reset your password',
      intro: 'Someone, hopefully you, asked to reset the password of your Own the Follow-Up account.',
      buttonLabel: 'Choose a new password',
      url: requireUrl('url', url),
      expiresIn: '1 hour',
      notYou: 'If it was not you, ignore this email: your password stays as it is.',
    }),
  );
}

export async function loginLinkEmail({ siteUrl, url }: AccountLinkInput): Promise<EmailContent> {
  return renderEmail(
    'Your sign-in link',
    createElement(AccountLinkEmail, {
      siteUrl: requireUrl('siteUrl', siteUrl),
      heading: 'Sign in to Own the Follow-Up',
      intro: 'Here is the sign-in link you asked for. No password needed.',
      buttonLabel: 'Sign me in',
      url: requireUrl('url', url),
      expiresIn: '15 minutes',
      notYou: 'If you did not ask for it, ignore this email: nobody can sign in without this link.',
    }),
  );
}

export interface ReminderDigestInput {
  siteUrl: string;
  trackerUrl: string;
  offUrl: string;
  items: ReminderItem[];
}

/** The morning reminder of follow-ups due. */
export async function reminderDigestEmail({ siteUrl, trackerUrl, offUrl, items }: ReminderDigestInput) {
  const overdue = items.some((item) => item.overdue);
  const subject =
    items.length === 1
      ? `Follow-up ${overdue ? 'overdue' : 'due today'}: ${items[0]!.who}`
      : `${items.length} follow-ups due${overdue ? ', some overdue' : ' today'}`;
  return renderEmail(
    subject,
    createElement(ReminderDigestEmail, {
      siteUrl: requireUrl('siteUrl', siteUrl),
      trackerUrl: requireUrl('trackerUrl', trackerUrl),
      offUrl: requireUrl('offUrl', offUrl),
      items: items.map((item) => ({ ...item, url: requireUrl('url', item.url) })),
    }),
  );
}

export interface ReplyNotificationInput {
  siteUrl: string;
  replierName: string;
  replyText: string;
  url: string;
  offUrl: string;
}

/** A reply to one of the member's comments. */
export async function replyNotificationEmail(input: ReplyNotificationInput) {
  return renderEmail(
    `${input.replierName} replied to your comment`,
    createElement(ReplyNotificationEmail, {
      ...input,
      siteUrl: requireUrl('siteUrl', input.siteUrl),
      url: requireUrl('url', input.url),
      offUrl: requireUrl('offUrl', input.offUrl),
    }),
  );
}

export interface PaymentFailedInput {
  siteUrl: string;
  accountUrl: string;
  graceDays: number;
  /** Stripe's page for the unpaid invoice, when it has one. */
  invoiceUrl?: string | undefined;
}

/** A Coaching payment failed: access stays open for the grace period while the card is fixed. */
export async function paymentFailedEmail({ siteUrl, accountUrl, graceDays, invoiceUrl }: PaymentFailedInput) {
  return renderEmail(
    'Your Coaching payment did not go through',
    createElement(BillingNoticeEmail, {
      siteUrl: requireUrl('siteUrl', siteUrl),
      heading: 'Your payment did not go through',
      paragraphs: [
        `We could not take this period's payment for your Coaching membership. Nothing is lost: Coaching stays open for ${graceDays} days while Stripe tries the card again.`,
        'Update your card from your account page (Manage billing) and the membership carries on as before. If you meant to stop, you need do nothing: it ends on its own.',
        ...(invoiceUrl ? [`You can also pay the invoice directly: ${requireUrl('invoiceUrl', invoiceUrl)}`] : []),
      ],
      buttonLabel: 'Update my card',
      url: requireUrl('accountUrl', accountUrl),
    }),
  );
}

export interface DuplicateRefundedInput {
  siteUrl: string;
  accountUrl: string;
  /** The cancelled subscription's interval: month or year. */
  interval?: string | undefined;
}

/** A second Coaching subscription (two tabs, both paid) was cancelled and its payment refunded. */
export async function duplicateRefundedEmail({ siteUrl, accountUrl, interval }: DuplicateRefundedInput) {
  const which = interval === 'year' ? 'yearly ' : interval === 'month' ? 'monthly ' : '';
  return renderEmail(
    'We refunded your second Coaching subscription',
    createElement(BillingNoticeEmail, {
      siteUrl: requireUrl('siteUrl', siteUrl),
      heading: 'You were charged twice: we refunded it',
      paragraphs: [
        `Two Coaching checkouts went through for your account at nearly the same moment. You only need one, so we cancelled the later, ${which}subscription straight away and refunded its payment in full.`,
        'Your first subscription carries on as before. The refund reaches your card within 5 to 10 business days.',
      ],
      buttonLabel: 'See my plan',
      url: requireUrl('accountUrl', accountUrl),
    }),
  );
}

export interface ReviewAnsweredInput {
  siteUrl: string;
  coachName: string;
  company: string;
  comment: string;
  url: string;
}

/** The coach answered a draft the member sent for review. */
export async function reviewAnsweredEmail(input: ReviewAnsweredInput) {
  return renderEmail(
    `Your follow-up to ${input.company} is reviewed`,
    createElement(ReviewAnsweredEmail, {
      ...input,
      siteUrl: requireUrl('siteUrl', input.siteUrl),
      url: requireUrl('url', input.url),
    }),
  );
}
