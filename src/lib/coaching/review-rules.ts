/**
 * The limits of coach review, read by the Actions' schemas and the forms' `maxlength` alike. A
 * draft sent for review is the tracker's next message, so its subject and body take what a message
 * marked as sent takes. Pure.
 */
import { TOUCH_LIMITS } from '../tracker/model';

export const REVIEW_LIMITS = {
  subject: TOUCH_LIMITS.subject,
  body: TOUCH_LIMITS.body,
  note: 1_000,
  comment: 5_000,
} as const;
