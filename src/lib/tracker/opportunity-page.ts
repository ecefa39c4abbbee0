/** The words of one tracker entry's page (src/pages/tracker/o/[id].astro). Pure. */
import { savedMessage } from '../forms/saved-message';

/** What each form of the page says once it has been saved (the `saved` key of its redirect). */
export const OPPORTUNITY_SAVED_MESSAGES: Readonly<Record<string, string>> = {
  created: 'Added. Here is your first follow-up.',
  sent: 'Logged as sent. The next step is scheduled.',
  reply: 'Reply logged.',
  round: 'Conversation added. The schedule starts again from it.',
  stage: 'Stage changed.',
  archive: 'Saved.',
  undo: 'Removed from the timeline.',
  edited: 'Saved.',
  review: 'Sent to the coach. You will get an email when it is reviewed.',
  withdrawn: 'Withdrawn: the coach will not review it.',
};

/** The confirmation for the entry page's `?saved=` key, if it is one of the page's. */
export const opportunitySavedMessage = (key: string | null) => savedMessage(OPPORTUNITY_SAVED_MESSAGES, key);

/** Where each form of the page comes back to after success: the review forms to the review, others to the next step. */
export const opportunityRedirect = (here: string, name: string) =>
  `${here}?saved=${name}#${name === 'review' || name === 'withdrawn' ? 'review' : 'next'}`;
