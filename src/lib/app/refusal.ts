/**
 * The one way a domain says no: a Refusal, thrown where the rule is, with a message written for
 * the person and the kind of no it is. Actions turn it into an Astro ActionError (or a field error)
 * in one place, `handleRefusals` (src/lib/forms/action-errors.ts); domains never import Astro's
 * error types. Pure.
 */

/**
 * What kind of no, and so which HTTP status the form answers with: the input is wrong (400),
 * nobody is signed in (401), this person may not (403), it is not there (404), it changed or
 * already happened (409), too many in too short a time (429), the site cannot do it now (503).
 */
export const REFUSAL_KINDS = [
  'bad-input',
  'unauthorized',
  'forbidden',
  'not-found',
  'conflict',
  'too-many',
  'unavailable',
] as const;
export type RefusalKind = (typeof REFUSAL_KINDS)[number];

export class Refusal extends Error {
  override readonly name = 'Refusal';
  /** Which no it is (see REFUSAL_KINDS). */
  readonly kind: RefusalKind;
  /** A stable name for the rule that refused, for code and logs (`wrong-password`). */
  readonly code: string;
  /** The form field the message belongs beside, when there is one. */
  readonly field: string | undefined;

  /** `message` is what the person reads. */
  constructor(kind: RefusalKind, code: string, message: string, field?: string) {
    super(message);
    this.kind = kind;
    this.code = code;
    this.field = field;
  }
}
