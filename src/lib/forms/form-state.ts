/** A form's state after its Action ran, as pages hand it to the fields they render. Types only. */

export interface FormState {
  /** The Action ran and succeeded. */
  ok: boolean;
  /** First message per field, for errors shown beside the fields. */
  fields: Record<string, string | undefined>;
  /** A message about the whole form. */
  message: string | undefined;
  /** What was typed, to fill the form again (never passwords). */
  values: Record<string, string>;
}
