/** What a page shows of a form after its Action ran (made by `formState`). Pure: components read it. */
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
