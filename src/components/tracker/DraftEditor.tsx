/**
 * The draft of the next message: editable, copied to the clipboard or opened in the member's own
 * mail app, then marked as sent. Server-rendered as a plain form (mark as sent works without
 * JavaScript, and the mail-app link carries the draft as first written); once hydrated, the
 * copy button appears and the mail-app link follows the edits.
 */
import { memo, useEffect, useId, useState } from 'react';
import { REVIEW_LIMITS } from '../../lib/coaching/review-rules';
import {
  KEEP_PLACEHOLDERS_FIELD,
  KEEP_PLACEHOLDERS_LABEL,
  mailtoLink,
  unfilledPlaceholders,
} from '../../lib/tracker/drafts';
import { TOUCH_LIMITS } from '../../lib/tracker/model';

interface Props {
  opportunityId: string;
  step: string;
  to: string;
  subject: string;
  body: string;
  /** Where the form posts (the mark-as-sent Action). */
  action: string;
  /** Errors from a previous submission, beside their fields. */
  errors?: {
    sentOn?: string | undefined;
    sentAt?: string | undefined;
    subject?: string | undefined;
    body?: string | undefined;
  };
  today: string;
  /** Where "send to the coach" posts (the review Action); absent for members without Coaching. */
  reviewAction?: string | undefined;
  /** The note to the coach typed before a refused submission. */
  reviewNote?: string | undefined;
  /** The review section starts open: a review request was refused, or a link asked for it. */
  reviewOpen?: boolean | undefined;
}

function DraftEditor(props: Props) {
  const id = useId();
  const [subject, setSubject] = useState(props.subject);
  const [body, setBody] = useState(props.body);
  const [hydrated, setHydrated] = useState(false);
  const [copied, setCopied] = useState('');
  useEffect(() => setHydrated(true), []);

  async function copy() {
    try {
      await navigator.clipboard.writeText(`Subject: ${subject}\n\n${body}`);
      setCopied('Copied. Paste it into your email.');
    } catch {
      setCopied('Your browser did not allow copying: select the text and copy it yourself.');
    }
  }

  const unfilled = unfilledPlaceholders(subject, body);
  const errors = props.errors ?? {};

  return (
    <form className="draft stack" method="post" action={props.action}>
      <input type="hidden" name="opportunityId" value={props.opportunityId} />
      <input type="hidden" name="step" value={props.step} />
      <p className="draft-to">
        To:{' '}
        {props.to ? <strong>{props.to}</strong> : <em>add their email address with Edit to open it ready to send</em>}
      </p>
      <div className="field">
        <label htmlFor={`${id}-subject`}>Subject</label>
        <input
          id={`${id}-subject`}
          name="subject"
          type="text"
          value={subject}
          maxLength={TOUCH_LIMITS.subject}
          onChange={(event) => setSubject(event.target.value)}
          aria-invalid={errors.subject ? true : undefined}
        />
        {errors.subject && <p className="field-error">{errors.subject}</p>}
      </div>
      <div className="field">
        <label htmlFor={`${id}-body`}>Message</label>
        <textarea
          id={`${id}-body`}
          name="body"
          rows={14}
          value={body}
          maxLength={TOUCH_LIMITS.body}
          onChange={(event) => setBody(event.target.value)}
          aria-invalid={errors.body ? true : undefined}
        />
        {errors.body && <p className="field-error">{errors.body}</p>}
      </div>
      <div aria-live="polite">
        {unfilled.length > 0 && (
          <div className="placeholder-warning stack">
            <p className="warning">
              Still to fill in before it goes: <strong>{unfilled.join(', ')}</strong>
            </p>
            <label className="inline-check">
              <input type="checkbox" name={KEEP_PLACEHOLDERS_FIELD} /> {KEEP_PLACEHOLDERS_LABEL}
            </label>
          </div>
        )}
      </div>
      <div className="link-row draft-actions">
        {hydrated && (
          <button className="button secondary" type="button" onClick={() => void copy()}>
            Copy
          </button>
        )}
        <a className="button secondary" href={mailtoLink(props.to, subject, body)}>
          Open in my mail app
        </a>
      </div>
      {copied && (
        <p className="hint" role="status">
          {copied}
        </p>
      )}
      <details className="sent-when" open={!!(errors.sentOn || errors.sentAt)}>
        <summary>Sent it earlier? Set the date</summary>
        <div className="inline-fields">
          <div className="field">
            <label htmlFor={`${id}-sentOn`}>Date sent</label>
            <input
              id={`${id}-sentOn`}
              name="sentOn"
              type="date"
              max={props.today}
              aria-invalid={errors.sentOn ? true : undefined}
            />
            {errors.sentOn && <p className="field-error">{errors.sentOn}</p>}
          </div>
          <div className="field">
            <label htmlFor={`${id}-sentAt`}>Time</label>
            <input id={`${id}-sentAt`} name="sentAt" type="time" aria-invalid={errors.sentAt ? true : undefined} />
            {errors.sentAt && <p className="field-error">{errors.sentAt}</p>}
          </div>
        </div>
      </details>
      <button className="button" type="submit">
        Mark as sent
      </button>
      {props.reviewAction && (
        <details id="ask-review" className="review-request" open={!!props.reviewNote || !!props.reviewOpen}>
          <summary>Ask the coach to review it first</summary>
          <div className="stack">
            <div className="field">
              <label htmlFor={`${id}-note`}>A note for the coach (optional)</label>
              <textarea
                id={`${id}-note`}
                name="note"
                rows={3}
                maxLength={REVIEW_LIMITS.note}
                defaultValue={props.reviewNote ?? ''}
                placeholder="What are you unsure about?"
              />
            </div>
            <button className="button secondary" type="submit" formAction={props.reviewAction} formNoValidate>
              Send to the coach for review
            </button>
          </div>
        </details>
      )}
    </form>
  );
}

// memo() marks it as React for Astro's renderer, which otherwise renders it once more to find out.
export default memo(DraftEditor);
